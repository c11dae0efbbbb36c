import iconv from 'iconv-lite';

/** The text encodings an import file can be in. */
export type TextEncoding = 'utf8' | 'utf16le' | 'utf16be' | 'gb18030';

/** How many leading bytes are enough to recognise the encoding. */
export const encodingSampleBytes = 1 << 20;

/**
 * Recognises the encoding of a file from its first bytes: a byte order mark, the NUL pattern of UTF-16
 * without one, valid UTF-8, and otherwise GB18030 (a superset of GBK and GB2312, what Chinese Excel writes).
 */
export function detectEncoding(sample: Buffer): TextEncoding {
  if (sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf8';
  if (sample.length >= 2 && sample[0] === 0xff && sample[1] === 0xfe) return 'utf16le';
  if (sample.length >= 2 && sample[0] === 0xfe && sample[1] === 0xff) return 'utf16be';
  const probe = Math.min(sample.length, 4096) & ~1;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < probe; i += 2) {
    if (sample[i] === 0) evenNul++;
    if (sample[i + 1] === 0) oddNul++;
  }
  const pairs = probe / 2;
  if (pairs > 0 && oddNul > pairs * 0.3 && evenNul < pairs * 0.05) return 'utf16le';
  if (pairs > 0 && evenNul > pairs * 0.3 && oddNul < pairs * 0.05) return 'utf16be';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf8';
  } catch {
    return 'gb18030';
  }
}

/** A streaming decoder: feed it byte chunks in order, get text back; a byte order mark is dropped. */
export interface ChunkDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

/** Makes a streaming decoder for one of the detected encodings. */
export function chunkDecoder(encoding: TextEncoding): ChunkDecoder {
  const d = iconv.getDecoder(encoding, { stripBOM: true });
  return { write: (chunk) => d.write(chunk), end: () => d.end() ?? '' };
}
