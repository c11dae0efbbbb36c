import { readFileSync, readlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { randomToken } from '../domain/ids.ts';

/**
 * What tells this machine's process table apart from others with the same host name (containers on the host network,
 * cloned machines): the boot id and the process-id namespace, hashed; empty where they cannot be read.
 */
function processTableKey(): string {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return createHash('sha256').update(`${boot} ${readlinkSync('/proc/self/ns/pid')}`).digest('hex').slice(0, 12);
  } catch {
    return '';
  }
}

const tableKey = processTableKey();

/** A name for one worker of a process (this one by default), unique across nodes: host, process table, process id, a random token. */
export function newNodeName(pid = process.pid): string {
  return `${hostname()}:${tableKey || '-'}:${pid}:${randomToken(4)}`;
}

/**
 * Whether a node name belongs to a process that no longer runs in this very process table (same host name, boot and
 * process-id namespace), so its leases can be taken at once; anything else waits for the leases to run out.
 */
export function isDeadLocalNode(name: string): boolean {
  const parts = name.split(':');
  const pid = Number(parts.at(-2));
  if (!tableKey || parts.at(-3) !== tableKey || parts.slice(0, -3).join(':') !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
