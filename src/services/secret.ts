// The secret key of code hashes and lottery seeds, kept outside the database: TIDINGS_CODE_SECRET, else a key file
// in the data directory made once (mode 0600). A leaked database without it reveals neither codes nor seeds.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';

const keys = new Map<string, Buffer>();

/** The 32-byte key of this node's configuration (the setting hashed, or the key file's bytes). */
export function serviceSecret(config: Pick<Config, 'codeSecret' | 'dataDir'>): Buffer {
  const id = config.codeSecret ? `s:${config.codeSecret}` : `f:${config.dataDir}`;
  let key = keys.get(id);
  if (key) return key;
  if (config.codeSecret) key = createHash('sha256').update(config.codeSecret).digest();
  else {
    const file = path.join(config.dataDir, 'code-secret.key');
    try {
      key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    } catch {
      mkdirSync(config.dataDir, { recursive: true });
      try { writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' }); } catch { /* another process made it first */ }
      key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    }
    if (key.length !== 32) throw new Error(`${file} must hold 64 hex digits (the code secret); it holds something else`);
  }
  keys.set(id, key);
  return key;
}
