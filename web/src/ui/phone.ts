// Phone numbers as people write them: a number of the tenant's own country in its national form (139 0000 1111),
// others in the international one (+7 912 345-67-89).
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/** The number `e164` for display; `home` is the tenant's country. Anything unparseable is shown as it is. */
export function formatPhone(e164: string, home = 'CN'): string {
  const n = parsePhoneNumberFromString(e164);
  if (!n) return e164;
  return n.country === home ? n.formatNational() : n.formatInternational();
}
