// What `npm start` must settle before it touches any data: that no other server uses the data
// folder (an exclusive lock), and that the port is free (it is bound, and so held, before the
// database is opened). Every way a start can fail ends in one line that says what to do.
import { mkdirSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';

export class StartupError extends Error {}

/**
 * Takes the data folder's lock, or fails at once if another server holds it. The lock is a folder
 * proper-lockfile keeps fresh while we run and removes on exit; one left by a killed server is
 * taken over once stale (its mtime is older than `staleMs`).
 */
export async function lockDataDir(dataDir: string, onLost: (error: Error) => void, staleMs = 10_000): Promise<() => Promise<void>> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, 'server.lock');
  try {
    return await lockfile.lock(dir, { lockfilePath: lockPath, stale: staleMs, update: staleMs / 2, retries: 0, onCompromised: onLost });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new StartupError(`DATA_DIR ${dataDir} is in use by another running server (${lockPath}); stop it first, or set DATA_DIR to another folder.`);
    }
    throw error;
  }
}

/** Binds the port now, answering 503 until `serve` hands over the real handler. */
export async function bindPort(port: number, host: string): Promise<{ server: Server; port: number; serve(handler: RequestListener): void }> {
  let handler: RequestListener = (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' });
    res.end(JSON.stringify({ status: 'starting' }));
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((done, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) => fail(describeListenError(error, port, host)));
    server.listen(port, host, () => done());
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : port,
    serve(next) {
      handler = next;
    },
  };
}

function describeListenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new StartupError(`Port ${port} on ${host} is already in use (is another server running?); stop it, or set PORT.`);
    case 'EACCES':
      return new StartupError(`Not allowed to listen on port ${port}; choose a PORT above 1023.`);
    case 'EADDRNOTAVAIL':
      return new StartupError(`HOST ${host} is not an address of this machine; set HOST to one of its addresses (e.g. 127.0.0.1).`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return new StartupError(`HOST ${host} does not resolve to an address; set HOST to an address or a name this machine resolves (e.g. 127.0.0.1).`);
    default:
      return error;
  }
}

/** The errors of a cause chain, outermost first (drizzle wraps the driver's error). */
function causes(error: unknown): Array<Error & { code?: string; address?: string; port?: number }> {
  const chain = [];
  for (let current: unknown = error; current instanceof Error && chain.length < 10; current = current.cause) chain.push(current);
  return chain;
}

/** Where DATABASE_URL points, without its credentials. */
function databaseLocation(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/** One line for a failure to reach or use the database at DATABASE_URL, or null if it is not one. */
export function describeDatabaseError(error: unknown, url: string): string | null {
  const where = `the PostgreSQL at ${databaseLocation(url)} (DATABASE_URL)`;
  for (const cause of causes(error)) {
    switch (cause.code) {
      case '3D000':
        return `Cannot use ${where}: ${cause.message}. Create it (createdb) or correct DATABASE_URL.`;
      case '28P01':
      case '28000':
        return `Cannot log in to ${where}: ${cause.message}. Check the user and password in DATABASE_URL.`;
      case 'ECONNREFUSED':
        return `Cannot connect to ${where}: nothing is listening there. Start PostgreSQL or correct DATABASE_URL.`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `Cannot connect to ${where}: the host name does not resolve. Correct DATABASE_URL.`;
      case 'ETIMEDOUT':
      case 'CONNECT_TIMEOUT':
        return `Cannot connect to ${where}: the connection timed out. Check the host, port and firewall.`;
      default:
        break;
    }
  }
  return null;
}

/** The one line printed when a start fails; the stack only when asked for (LOG_LEVEL=debug). */
export function describeStartupFailure(error: unknown, options: { databaseUrl?: string | undefined; debug: boolean }): string {
  if (error instanceof StartupError) return error.message;
  const database = options.databaseUrl ? describeDatabaseError(error, options.databaseUrl) : null;
  if (database) return database;
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  if (options.debug && error instanceof Error && error.stack) return `Start failed: ${error.stack}`;
  return `Start failed: ${message} (set LOG_LEVEL=debug to see where)`;
}
