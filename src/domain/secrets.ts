import { createHash, timingSafeEqual } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { randomToken } from './ids.ts';
import { DomainError } from './errors.ts';

/** Algorithm 2 is Argon2id in @node-rs/argon2's const enum (not importable as a value under verbatimModuleSyntax). */
const argonOptions = { algorithm: 2 as Algorithm, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** Hashes a password with argon2id (OWASP parameters). */
export async function hashPassword(password: string): Promise<string> {
  checkPassword(password);
  return hash(password, argonOptions);
}

/** Verifies a password against an argon2id hash; false on any mismatch or malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try { return await verify(passwordHash, password); } catch { return false; }
}

/** Rejects passwords that are too short or too long to be sensible. */
export function checkPassword(password: string): void {
  if (password.length < 8) throw new DomainError('invalid_request', 'password must have at least 8 characters', { field: 'password' });
  if (password.length > 256) throw new DomainError('invalid_request', 'password must have at most 256 characters', { field: 'password' });
}

/** SHA-256 hex of a high-entropy token (API keys, session tokens): fast, and safe for random secrets. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Constant-time comparison of two hex digests or tokens. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A new API key: the full secret (shown once) and its visible prefix. Format `tdg_<8 chars>_<secret>`. */
export function newApiKey(): { key: string; prefix: string } {
  const prefix = `tdg_${randomToken(6).replace(/[-_]/g, 'x')}`;
  return { key: `${prefix}_${randomToken(32)}`, prefix };
}

/** The visible prefix of a presented API key, or null when it is not shaped like one. */
export function apiKeyPrefix(key: string): string | null {
  const m = /^(tdg_[A-Za-z0-9]{8})_[A-Za-z0-9_-]{20,}$/.exec(key);
  return m ? m[1] : null;
}

/** A password of 20 random URL-safe characters, for the first platform admin. */
export function generatePassword(): string {
  return randomToken(15);
}
