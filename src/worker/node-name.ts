import { hostname } from 'node:os';
import { randomToken } from '../domain/ids.ts';

/** A name for one worker of this process, unique across nodes: host, process id and a random token. */
export function newNodeName(): string {
  return `${hostname()}:${process.pid}:${randomToken(4)}`;
}

/** Whether a node name belongs to a process of this host that no longer runs (its leases can be taken at once). */
export function isDeadLocalNode(name: string): boolean {
  const parts = name.split(':');
  const pid = Number(parts.at(-2));
  if (parts.slice(0, -2).join(':') !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
