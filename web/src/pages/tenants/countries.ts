// Countries offered as a tenant's default country for national numbers (ISO 3166-1 alpha-2; names come from Intl).
/** The codes, most common markets first. */
export const countries = [
  'CN', 'HK', 'MO', 'TW', 'RU', 'KZ', 'BY', 'UZ', 'KG', 'TJ', 'AM', 'AZ', 'GE', 'UA', 'MN',
  'US', 'CA', 'GB', 'IE', 'DE', 'FR', 'IT', 'ES', 'PT', 'NL', 'BE', 'CH', 'AT', 'PL', 'CZ', 'SE', 'NO', 'DK', 'FI', 'TR',
  'JP', 'KR', 'SG', 'MY', 'TH', 'VN', 'ID', 'PH', 'IN', 'PK', 'BD', 'AE', 'SA', 'IL', 'EG', 'NG', 'KE', 'ZA',
  'AU', 'NZ', 'BR', 'MX', 'AR', 'CL', 'CO', 'PE',
];
