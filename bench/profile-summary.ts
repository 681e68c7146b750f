// npx tsx bench/profile-summary.ts <file.cpuprofile> [--top 25]
// Reads a V8 CPU profile (node --cpu-prof, as `npm run bench -- --profile <dir>` writes) and prints
// where the time went: self time by package (or "ours", "node", "gc") and the busiest functions.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [--top N]');
const topIndex = process.argv.indexOf('--top');
const top = topIndex >= 0 ? Number(process.argv[topIndex + 1]) : 25;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

function bucketOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'program';
  const modules = url.split('node_modules/');
  if (modules.length > 1) {
    const rest = modules[modules.length - 1]!.split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:') || url === '') return 'node (runtime)';
  const ours = /\/(server|bench|sdk)\//.exec(url);
  return ours ? `ours: ${ours[1]}/` : 'other';
}

const buckets = new Map<string, number>();
const functions = new Map<string, number>();
let busy = 0;
for (const [id, micros] of selfMicros) {
  const node = byId.get(id)!;
  const bucket = bucketOf(node);
  buckets.set(bucket, (buckets.get(bucket) ?? 0) + micros);
  if (bucket === 'idle') continue;
  busy += micros;
  const short = node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(server|bench|sdk)\//, '$1/');
  const key = `${node.callFrame.functionName || '(anonymous)'} ${short}:${node.callFrame.lineNumber + 1}`;
  functions.set(key, (functions.get(key) ?? 0) + micros);
}

const pct = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)}%`;
console.log(`busy ${(busy / 1000).toFixed(0)} ms (idle excluded)\n\nself time by package:`);
for (const [bucket, micros] of [...buckets].filter(([b]) => b !== 'idle').sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  console.log(`  ${pct(micros)}  ${bucket}`);
}
console.log(`\nbusiest functions (self time):`);
for (const [name, micros] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(micros)}  ${name}`);
