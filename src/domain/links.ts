// Tracked short links: `{{link:https://…}}` in a text becomes a per-recipient short link; bots are told apart from people.
import { randomBytes } from 'node:crypto';
import { DomainError } from './errors.ts';

/** `{{link:URL}}` as written in a template or text. */
const LINK_PATTERN = /\{\{\s*link\s*:([^{}]*)\}\}/g;
/** What stands for a link while the rest of the text is rendered (private-use characters no text contains). */
const TOKEN = (i: number) => `\uE000${i}\uE001`;
const TOKEN_PATTERN = /\uE000(\d+)\uE001/g;

/** Octets of randomness in a code: 72 bits, far beyond guessing (the issue asks for at least 48). */
const CODE_BYTES = 9;
/** The shape of a code: 12 URL-safe characters. */
export const CODE_PATTERN = /^[A-Za-z0-9_-]{12}$/;

/** Why a link target is not acceptable, or null when it is (http or https, a host, no credentials). */
export function linkProblem(raw: string): string | null {
  const value = raw.trim();
  let url: URL;
  try { url = new URL(value); } catch { return `${JSON.stringify(value)} is not a URL`; }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${JSON.stringify(value)}: only http and https links can be tracked`;
  if (!url.hostname) return `${JSON.stringify(value)} has no host`;
  if (url.username || url.password) return `${JSON.stringify(value)}: a link may not carry a user name or password`;
  if (value.length > 2000) return 'a link may have at most 2000 characters';
  return null;
}

/** Refuses a text whose `{{link:…}}` placeholders are not valid links (at template save and send). */
export function checkLinks(text: string): void {
  for (const m of text.matchAll(LINK_PATTERN)) {
    const problem = linkProblem(m[1]);
    if (problem) throw new DomainError('invalid_request', `{{link:…}}: ${problem}`, { field: 'text' });
  }
}

/** Whether a text has tracked links. */
export function hasLinks(text: string): boolean {
  LINK_PATTERN.lastIndex = 0;
  return LINK_PATTERN.test(text);
}

/** A text with its link placeholders replaced by tokens (safe from variable rendering), and their targets in order. */
export function extractLinks(text: string): { text: string; urls: string[] } {
  const urls: string[] = [];
  const out = text.replace(LINK_PATTERN, (_m, url: string) => TOKEN(urls.push(url.trim()) - 1));
  return { text: out, urls };
}

/** Puts short links where the tokens are, one new code per link; returns the text and the codes made. */
export function fillLinks(text: string, urls: readonly string[], shortUrl: (code: string) => string): { text: string; links: { code: string; url: string }[] } {
  const links: { code: string; url: string }[] = [];
  const out = text.replace(TOKEN_PATTERN, (_m, i: string) => {
    const url = urls[Number(i)];
    if (url === undefined) return '';
    const code = newLinkCode();
    links.push({ code, url });
    return shortUrl(code);
  });
  return { text: out, links };
}

/** A new unguessable code. */
export function newLinkCode(): string {
  return randomBytes(CODE_BYTES).toString('base64url');
}

/** Crawlers and link-preview fetchers (chat apps, social networks, HTTP libraries): flagged, not counted as clicks. */
const BOT_PATTERN = /bot\b|crawl|spider|slurp|preview|facebookexternalhit|whatsapp|telegram|slack|discord|skype|micromessenger\/[\d.]+.*miniprogram|curl\/|wget\/|python-requests|go-http-client|okhttp|headless|lighthouse|^$/i;

/** Whether a user agent is a bot or a link preview rather than a person. */
export function isBot(userAgent: string | undefined): boolean {
  return BOT_PATTERN.test((userAgent ?? '').trim());
}
