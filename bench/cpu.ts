// CPU time spent by the API server process and by the PostgreSQL backends serving the benchmark
// database, read from /proc (Linux). On a small shared machine requests/s moves with whatever else
// runs; CPU milliseconds per request move less, so both are reported.
import { readFileSync } from 'node:fs';
import type { Sql } from 'postgres';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function cpuMsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
  } catch {
    return null;
  }
}

export interface CpuMark {
  server: number;
  backends: Map<number, number>;
}

async function backendPids(sql: Sql, database: string): Promise<number[]> {
  const rows = await sql`select pid from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid()`;
  return rows.map((r) => r.pid as number);
}

/** Null where /proc cannot be read (not Linux, or PostgreSQL on another host). */
export async function cpuMark(sql: Sql, database: string, serverPid: number): Promise<CpuMark | null> {
  const server = cpuMsOf(serverPid);
  if (server === null) return null;
  const backends = new Map<number, number>();
  for (const pid of await backendPids(sql, database)) {
    const ms = cpuMsOf(pid);
    if (ms !== null) backends.set(pid, ms);
  }
  return { server, backends };
}

/** Milliseconds of CPU since the mark, for the server and for the database's backends. */
export async function cpuSince(sql: Sql, database: string, serverPid: number, mark: CpuMark): Promise<{ server: number; database: number } | null> {
  const server = cpuMsOf(serverPid);
  if (server === null) return null;
  let backends = 0;
  for (const pid of await backendPids(sql, database)) {
    const ms = cpuMsOf(pid);
    if (ms !== null) backends += ms - (mark.backends.get(pid) ?? 0);
  }
  return { server: server - mark.server, database: backends };
}
