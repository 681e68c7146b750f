// The benchmark's server processes: the API (bench/server.ts, optionally with audit discarded) and
// the PostGraphile peer (bench/postgraphile-server.ts), each printing "listening <port>" when ready.
import { spawn } from 'node:child_process';

export interface BenchServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

// Every server runs with the young generation `npm start` gives the API (package.json): a request's
// short-lived objects then die young instead of being promoted and collected again by full GCs.
const NODE_FLAGS = ['--max-semi-space-size=32'];

export async function startProcess(script: string, args: string[], env: Record<string, string>, profileDir: string): Promise<BenchServer> {
  const nodeArgs = [...NODE_FLAGS, '--import', 'tsx', ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), script];
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
  });
  return {
    port,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
