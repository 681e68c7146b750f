// Lowers the scheduling priority of the calling thread. On Linux the nice value belongs to each
// thread, and a thread finds its own id through /proc/thread-self; raising it needs no privilege.
// Elsewhere (or without /proc) the thread keeps its priority: the pool's size still leaves the API
// a core.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

export function lowerThreadPriority(niceness: number): boolean {
  if (niceness <= 0 || process.platform !== 'linux') return false;
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(threadId) || threadId <= 0) return false;
    setPriority(threadId, Math.min(19, niceness));
    return true;
  } catch {
    return false;
  }
}
