// Pure rules of a team chat: commands, the relay text, who receives a relay, and what one message costs.

/** A member of a team. */
export interface TeamMember { name: string; muted?: boolean }

/** A team command: #list, #mute, #exit, #name X (also full-width ＃). */
export type TeamCommand = { kind: 'list' } | { kind: 'mute' } | { kind: 'unmute' } | { kind: 'exit' } | { kind: 'name'; name: string };

/** The command a text is, or null for an ordinary message. */
export function parseCommand(text: string): TeamCommand | null {
  const t = text.normalize('NFKC').trim();
  const m = /^#\s*(list|mute|unmute|exit|name)\b\s*(.*)$/iu.exec(t);
  if (!m) return null;
  const kind = m[1].toLowerCase();
  if (kind === 'name') {
    const name = cleanName(m[2]);
    return name ? { kind: 'name', name } : null;
  }
  return { kind } as TeamCommand;
}

/** A display name: no brackets (they frame relays), at most 20 characters. */
export function cleanName(raw: string): string {
  return [...raw.normalize('NFKC').replace(/[【】[\]\s]+/gu, ' ').trim()].slice(0, 20).join('');
}

/** The relayed text: 【name】text. */
export function relayText(name: string, text: string): string {
  return `【${name}】${text.trim()}`;
}

/** Whether a text looks like one of our own relays coming back (a handset echoing it): never relayed again. */
export function looksRelayed(text: string): boolean {
  return /^\s*【[^】]{1,20}】/u.test(text.normalize('NFKC'));
}

/** Who receives a member's message: every other member, not muted, not opted out — never the sender. */
export function relayTargets(members: ReadonlyArray<{ phone: string; member: TeamMember }>, sender: string, optedOut: ReadonlySet<string>): string[] {
  return members.filter((m) => m.phone !== sender && !m.member.muted && !optedOut.has(m.phone)).map((m) => m.phone);
}
