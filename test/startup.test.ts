// `npm start` as an operator meets it: a second instance on the same data folder or port stops with
// one clear line before it touches anything, and an unreachable database or unresolvable HOST is
// one line too, never a stack.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableBackends } from './support/backends.js';
import { unusedPort } from './support/ports.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { loadEnv } from '../server/env.js';

const STACK = /^\s+at |\.ts:\d+|node_modules/m;

/** Runs server/main.ts to its exit (it must exit: every case here is a refusal to start). */
function startAndExpectExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

/** Every file under `dir` (the lock aside) with its size, mtime and content hash. */
function snapshot(dir: string): string[] {
  const entries: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (name === 'server.lock') continue;
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else entries.push(`${relative(dir, path)} ${stat.size} ${stat.mtimeMs} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
    }
  };
  walk(dir);
  return entries.sort();
}

const postgresUp = (await availableBackends()).includes('postgres');
const firstPort = await unusedPort();
const base = { HOST: '127.0.0.1', SEED_PATIENTS: '8', LOG_LEVEL: 'warn' };

describe('a second server on the same data folder or port', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gpoi-startup-'));
  const otherDir = join(tmpdir(), `gpoi-startup-other-${process.pid}-${Date.now()}`);
  let first: ServerProcess;

  // A first start migrates and seeds a fresh database: on a busy machine that can take minutes.
  beforeAll(async () => {
    first = await startServerProcess({ ...base, PORT: String(firstPort), DATA_DIR: dataDir }, { timeoutMs: 240_000 });
  }, 300_000);
  afterAll(async () => {
    await first?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(otherDir, { recursive: true, force: true });
  });

  it('stops at the data folder lock with one line, leaving the live database untouched', async () => {
    const before = snapshot(dataDir);
    expect(before.some((entry) => entry.startsWith('PG_VERSION'))).toBe(true);
    const second = await startAndExpectExit({ ...base, PORT: String(await unusedPort()), DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.output.trim()).toBe(`DATA_DIR ${dataDir} is in use by another running server (${join(dataDir, 'server.lock')}); stop it first, or set DATA_DIR to another folder.`);
    expect(snapshot(dataDir)).toEqual(before);
    // The first server is still serving.
    expect((await fetch(`http://127.0.0.1:${firstPort}/readyz`)).status).toBe(200);
  });

  it('stops at a port in use with one line, before creating any database', async () => {
    const second = await startAndExpectExit({ ...base, PORT: String(firstPort), DATA_DIR: otherDir });
    expect(second.code).toBe(1);
    expect(second.output.trim()).toBe(`Port ${firstPort} on 127.0.0.1 is already in use (is another server running?); stop it, or set PORT.`);
    expect(existsSync(join(otherDir, 'PG_VERSION'))).toBe(false);
  });
});

describe('a start that cannot reach what it needs', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gpoi-startup-host-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('says in one line that HOST does not resolve', async () => {
    const result = await startAndExpectExit({ ...base, HOST: 'no-such-host.invalid', PORT: String(await unusedPort()), DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.output.trim()).toBe('HOST no-such-host.invalid does not resolve to an address; set HOST to an address or a name this machine resolves (e.g. 127.0.0.1).');
  });

  it('says in one line that nothing listens at the DATABASE_URL port', async () => {
    const result = await startAndExpectExit({ ...base, PORT: String(await unusedPort()), DATABASE_URL: 'postgres://postgres@127.0.0.1:1/gpoi' });
    expect(result.code).toBe(1);
    expect(result.output.trim()).toBe('Cannot connect to the PostgreSQL at 127.0.0.1:1/gpoi (DATABASE_URL): nothing is listening there. Start PostgreSQL or correct DATABASE_URL.');
  });

  it.skipIf(!postgresUp)('says in one line that the DATABASE_URL database does not exist (needs the test PostgreSQL)', async () => {
    const url = new URL(loadEnv().TEST_DATABASE_URL);
    url.pathname = `/gpoi_missing_${process.pid}`;
    const result = await startAndExpectExit({ ...base, PORT: String(await unusedPort()), DATABASE_URL: url.toString() });
    expect(result.code).toBe(1);
    expect(result.output.trim().split('\n')).toHaveLength(1);
    expect(result.output).toContain(`database "gpoi_missing_${process.pid}" does not exist`);
    expect(result.output).not.toMatch(STACK);
  });
});
