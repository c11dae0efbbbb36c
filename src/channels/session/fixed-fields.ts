// Bodies made of fixed-width fields, as the field tables of CMPP, SGIP and SMGP define them: integers, NUL-padded
// text, raw octets, a count followed by that many fixed-width numbers, a length followed by content, reserved octets.
import { readFixed, writeFixed } from './china-gateway.ts';
import { PduError } from './pdu-error.ts';

/** One field of a body layout; `key` names the PDU property it holds. */
export type FixedField<K extends string> =
  | readonly [K, 'u8' | 'u32']
  | readonly [K, 'text' | 'octets', number]
  /** A one-octet count, then that many numbers of `width` octets (a string[] property). */
  | readonly [K, 'list', number]
  /** A length of 1 or 4 octets, then the content (a Buffer property). */
  | readonly [K, 'content', 1 | 4]
  | readonly ['', 'reserve', number];

type Fields = Record<string, unknown>;

/** Octets the fields of `p` take. */
export function fieldsSize<K extends string>(p: object, fields: readonly FixedField<K>[]): number {
  let size = 0;
  for (const f of fields) size += fieldSize(p as Fields, f);
  return size;
}

function fieldSize<K extends string>(p: Fields, f: FixedField<K>): number {
  switch (f[1]) {
    case 'u8': return 1;
    case 'u32': return 4;
    case 'list': return 1 + f[2] * ((p[f[0]] as string[] | undefined)?.length ?? 0);
    case 'content': return f[2] + ((p[f[0]] as Buffer | undefined)?.length ?? 0);
    default: return f[2];
  }
}

/** Writes the fields of `p` into `b` from `start` (every octet of them, so `b` may hold old data); returns the end. Throws PduError for a value that does not fit. */
export function writeFields<K extends string>(p: object, fields: readonly FixedField<K>[], b: Buffer, start: number): number {
  const values = p as Fields;
  let off = start;
  for (const f of fields) {
    const key = f[0];
    const v = values[key];
    switch (f[1]) {
      case 'u8': b[off] = Number(v ?? 0); break;
      case 'u32': b.writeUInt32BE(Number(v ?? 0) >>> 0, off); break;
      case 'text': writeFixed(b, off, String(v ?? ''), f[2], key); break;
      case 'octets': {
        const octets = (v as Buffer | undefined) ?? Buffer.alloc(0);
        if (octets.length > f[2]) throw new PduError(`${key} is longer than ${f[2]} octets`);
        b.fill(0, off + octets.copy(b, off), off + f[2]);
        break;
      }
      case 'list': {
        const list = (v as string[] | undefined) ?? [];
        if (list.length > 100) throw new PduError(`${key}: ${list.length} numbers (at most 100)`);
        b[off] = list.length;
        list.forEach((n, i) => writeFixed(b, off + 1 + f[2] * i, n, f[2], key));
        break;
      }
      case 'content': {
        const content = (v as Buffer | undefined) ?? Buffer.alloc(0);
        if (f[2] === 1) {
          if (content.length > 255) throw new PduError(`${key} of ${content.length} octets (at most 255)`);
          b[off] = content.length;
        } else {
          b.writeUInt32BE(content.length, off);
        }
        content.copy(b, off + f[2]);
        break;
      }
      default: b.fill(0, off, off + f[2]); break;
    }
    off += fieldSize(values, f);
  }
  return off;
}

/**
 * Reads the fields from `frame` at `start` into `target`; returns the end. A field running past the end of the frame
 * throws the error `short(field, target)` makes (text and octets are views into the frame).
 */
export function readFields<K extends string, T extends object>(frame: Buffer, start: number, fields: readonly FixedField<K>[], target: T, short: (field: string, target: T) => Error): number {
  const out = target as Fields;
  const length = frame.length;
  let off = start;
  for (const f of fields) {
    const key = f[0];
    switch (f[1]) {
      case 'u8': if (off + 1 > length) throw short(key, target); out[key] = frame[off]; off += 1; break;
      case 'u32': if (off + 4 > length) throw short(key, target); out[key] = frame.readUInt32BE(off); off += 4; break;
      case 'text': if (off + f[2] > length) throw short(key, target); out[key] = readFixed(frame, off, f[2]); off += f[2]; break;
      case 'octets': if (off + f[2] > length) throw short(key, target); out[key] = frame.subarray(off, off + f[2]); off += f[2]; break;
      case 'list': {
        if (off + 1 > length) throw short(key, target);
        const n = frame[off++];
        const width = f[2];
        if (off + width * n > length) throw short(key, target);
        const list = new Array<string>(n);
        for (let i = 0; i < n; i++) list[i] = readFixed(frame, off + width * i, width);
        out[key] = list;
        off += width * n;
        break;
      }
      case 'content': {
        if (off + f[2] > length) throw short(key, target);
        const n = f[2] === 1 ? frame[off] : frame.readUInt32BE(off);
        off += f[2];
        if (off + n > length) throw short(key, target);
        out[key] = frame.subarray(off, off + n);
        off += n;
        break;
      }
      default: if (off + f[2] > length) throw short('Reserve', target); off += f[2]; break;
    }
  }
  return off;
}
