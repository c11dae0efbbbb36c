// A datetime-local input's value (the browser's wall clock) as an ISO instant, or null when empty.

/** `2026-03-01T09:30` → `2026-03-01T01:30:00.000Z` in the browser's zone; '' or undefined → null. */
export function localInputToIso(v: string | undefined | null): string | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** An ISO instant as a datetime-local input's value in the browser's zone ('' for none). */
export function isoToLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
