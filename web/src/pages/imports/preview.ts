// Reading the first rows of a CSV file in the browser, so the user can check the columns before uploading.

/** The header and the first rows of a delimited text file. */
export interface Head { header: string[]; rows: string[][]; encoding: string }

function decode(bytes: Uint8Array): { text: string; encoding: string } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'UTF-16' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'UTF-16' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, ''), encoding: 'UTF-8' };
  } catch {
    // The head may end inside a character: try again without the last three bytes before falling back to GB18030.
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, Math.max(0, bytes.length - 3))), encoding: 'UTF-8' };
    } catch {
      return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'GB18030' };
    }
  }
}

function splitLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) { out.push(cell.trim()); cell = ''; }
    else cell += ch;
  }
  out.push(cell.trim());
  return out;
}

/** Reads the first 64 KB of `file`: encoding (UTF-8/16 or GB18030), delimiter, header and up to five rows. */
export async function readHead(file: File): Promise<Head> {
  const { text, encoding } = decode(new Uint8Array(await file.slice(0, 65536).arrayBuffer()));
  const lines = text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '').slice(0, 6);
  const first = lines[0] ?? '';
  const delimiter = [',', ';', '\t', '|'].map((d) => [d, first.split(d).length] as const).sort((a, b) => b[1] - a[1])[0][0];
  const [header = [], ...rows] = lines.map((l) => splitLine(l, delimiter));
  return { header, rows, encoding };
}

/** The column most likely to hold phone numbers (or names), by its header in Chinese, English or Russian. */
export function guessColumn(header: string[], kind: 'phone' | 'name'): string | undefined {
  const pattern = kind === 'phone' ? /phone|mobile|tel|msisdn|number|手机|电话|号码|телефон|номер|мобильный/i : /^(name|full ?name|姓名|名字|客户名?称?|имя|фио)$/i;
  return header.find((h) => pattern.test(h.trim()));
}
