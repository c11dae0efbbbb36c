// Records keyed by names users choose (contact fields, template variables, CSV columns, settings keyed by language):
// a name such as "constructor", "toString" or "__proto__" is an ordinary name, never a property of Object.prototype.

/** The record's own value under `key`, or undefined; never a value inherited from Object.prototype. */
export function ownValue<T>(record: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return record != null && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** An empty record without a prototype: any key, `__proto__` included, is stored as an own property. */
export function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
