// GSM 7-bit alphabet tables (GSM 03.38 §6.2.1 default alphabet, plus the 3GPP TS 23.038 §6.2.1.1
// extension table reached through the 0x1B escape). Built once at module load; pure data, no I/O.

/** Septet value of the escape to the extension table. */
export const GSM7_ESCAPE = 0x1b;

/** Marker in GSM7_LOOKUP for a UTF-16 code unit that is neither in the default alphabet nor the extension table. */
export const GSM7_NONE = 0xff;

/** Flag bit in GSM7_LOOKUP: the character is in the extension table (sent as 0x1B + code, two septets). */
export const GSM7_EXT = 0x80;

// Default alphabet, indexed by septet value, transcribed column by column from the 03.38 §6.2.1 table.
// Greek capitals are written as escapes so Δ (U+0394) and Ω (U+03A9) cannot be confused with
// ∆ (U+2206 INCREMENT) and Ω (U+2126 OHM SIGN) — the spec text prints the latter two; both are accepted
// on input (see ALIASES) and the Greek letters are what we decode to (as the Unicode mapping does).
// 0x1B is the escape; on its own it "is not used but displayed as a space" (03.38 §6.1.1 note 1).
const DEFAULT_ROWS =
  '@£$¥èéùìòÇ\nØø\rÅå' + // 0x00–0x0F
  '\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e \u00c6\u00e6\u00df\u00c9' + // 0x10–0x1F (0x1B = ESC → space)
  ' !"#¤%&\'()*+,-./' + // 0x20–0x2F (0x24 is ¤, not $)
  '0123456789:;<=>?' + // 0x30–0x3F
  '¡ABCDEFGHIJKLMNO' + // 0x40–0x4F (0x40 is ¡, not @)
  'PQRSTUVWXYZÄÖÑÜ§' + // 0x50–0x5F
  '¿abcdefghijklmno' + // 0x60–0x6F
  'pqrstuvwxyzäöñüà'; // 0x70–0x7F

/** Default alphabet: septet value (0–127) → character; entry 0x1B (the escape) is a space for display. */
export const GSM7_DEFAULT: readonly string[] = Object.freeze(Array.from(DEFAULT_ROWS));

// Extension table: septet after 0x1B → character. Everything else is undefined and, on receipt, shows the
// default-alphabet character of the same code (23.038 §6.2.1.1); 0x1B 0x1B (escape to a further table) → space.
const EXTENSION_ENTRIES: ReadonlyArray<readonly [number, string]> = [
  [0x0a, '\f'], // page break (form feed)
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
];

/** Extension table: septet after 0x1B → character, or '' where the table defines none. */
export const GSM7_EXTENSION: readonly string[] = (() => {
  const table = new Array<string>(128).fill('');
  for (const [code, ch] of EXTENSION_ENTRIES) table[code] = ch;
  return Object.freeze(table);
})();

// Look-alike code points accepted on input for the default-alphabet entries the spec text prints with them.
const ALIASES: ReadonlyArray<readonly [number, number]> = [
  [0x2206, 0x10], // ∆ INCREMENT → Δ
  [0x2126, 0x15], // Ω OHM SIGN → Ω
];

/** UTF-16 code unit → septet (| GSM7_EXT for extension characters) or GSM7_NONE; one byte per code unit. */
export const GSM7_LOOKUP: Uint8Array = (() => {
  const lookup = new Uint8Array(0x10000).fill(GSM7_NONE);
  for (let code = 0; code < 128; code++) {
    if (code === GSM7_ESCAPE) continue; // the escape is not a character; ' ' is 0x20
    lookup[GSM7_DEFAULT[code].charCodeAt(0)] = code;
  }
  for (const [code, ch] of EXTENSION_ENTRIES) lookup[ch.charCodeAt(0)] = code | GSM7_EXT;
  for (const [unit, code] of ALIASES) lookup[unit] = code;
  return lookup;
})();
