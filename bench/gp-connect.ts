// GP Connect read path: an in-process API with one GP Connect practice, a local fake provider
// serving the published examples, and the full patient-record query driven N times. Reports
// throughput and where the time goes: waiting on the provider versus mapping its FHIR answers.
// Loopback only; the provider wait here is JSON over 127.0.0.1, far below a real provider's.
//   npx tsx bench/gp-connect.ts [iterations]
import { pathToFileURL } from 'node:url';
import { createApp } from '../server/http/app.js';
import { openDatabase } from '../server/db/client.js';
import { patientRegistrations, people, practices } from '../server/db/schema/governance.js';
import { loadEnv } from '../server/env.js';
import { seedSandbox } from '../server/seed/seed.js';
import { gpConnectConnector, type GpConnectTiming } from '../server/systems/gp-connect/connector.js';
import { startFakeProvider } from '../test/gp-connect/support/fake-provider.js';
import { JANE } from '../test/gp-connect/support/fixtures.js';
import { FULL_RECORD } from '../test/gp-connect/support/queries.js';

export interface GpConnectBenchOptions {
  iterations?: number;
  warmup?: number;
}

export interface GpConnectBenchResult {
  iterations: number;
  wallMs: number;
  requestsPerSecond: number;
  latencyMs: { mean: number; p50: number; p95: number };
  providerCalls: number;
  waitMs: number;
  mapMs: number;
  /** Shares of wall time: waiting on the provider, mapping, and the rest (GraphQL, auth, database). */
  shares: { wait: number; map: number; other: number };
  mapToWait: number;
}

const ODS = 'A00001';
const PERSON = `clinician.${ODS}`;

export async function benchGpConnect(options: GpConnectBenchOptions = {}): Promise<GpConnectBenchResult> {
  const iterations = Math.max(1, Math.min(options.iterations ?? 200, 10_000));
  const warmup = Math.max(0, Math.min(options.warmup ?? 10, 1000));
  const provider = await startFakeProvider();
  const database = await openDatabase({ dataDir: 'memory://' });
  const timings: GpConnectTiming[] = [];
  let recording = false;
  try {
    await seedSandbox(database.db, { seed: 1, patients: 0, anchor: new Date('2026-06-01T00:00:00Z') });
    await database.db.insert(practices).values({
      odsCode: ODS,
      name: 'The Trevelyan Practice',
      systemId: 'EMIS_WEB',
      connector: 'gp-connect',
      isSandbox: false,
      endpoint: { baseUrl: provider.baseUrl, providerAsid: '918999198993' },
    });
    await database.db.insert(patientRegistrations).values({ nhsNumber: JANE, practiceOds: ODS });
    await database.db.insert(people).values({ id: PERSON, displayName: 'Amelia Hart', role: 'CLINICIAN', practiceOds: ODS });
    const env = loadEnv({ NODE_ENV: 'test', LOG_LEVEL: 'error' });
    const connector = gpConnectConnector({
      asid: '200000000359',
      issuer: 'https://gp-open-integration.bench',
      timeoutMs: env.GP_CONNECT_TIMEOUT_MS,
      maxResponseBytes: env.GP_CONNECT_MAX_RESPONSE_BYTES,
      onTiming: (t) => recording && timings.push(t),
    });
    const { yoga } = await createApp({ env, database, connectors: [connector] });
    const tokenResponse = await yoga.fetch(new Request(`http://localhost/dev-issuer/token?person=${PERSON}`));
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const body = JSON.stringify({ query: FULL_RECORD, variables: { nhsNumber: JANE } });

    const once = async () => {
      const response = await yoga.fetch(
        new Request('http://localhost/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body }),
      );
      const result = (await response.json()) as { errors?: unknown; data?: { patient?: { allergies?: { status: string } } } };
      if (result.errors || result.data?.patient?.allergies?.status !== 'RECORDED') throw new Error('the record query failed during the benchmark');
    };

    for (let i = 0; i < warmup; i++) await once();
    recording = true;
    const latencies: number[] = [];
    const started = performance.now();
    for (let i = 0; i < iterations; i++) {
      const t = performance.now();
      await once();
      latencies.push(performance.now() - t);
    }
    const wallMs = performance.now() - started;
    recording = false;

    const sum = (phase: GpConnectTiming['phase']) => timings.filter((t) => t.phase === phase).reduce((total, t) => total + t.ms, 0);
    const waitMs = sum('wait');
    const mapMs = sum('map');
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return {
      iterations,
      wallMs,
      requestsPerSecond: (iterations * 1000) / wallMs,
      latencyMs: { mean: wallMs / iterations, p50: at(0.5), p95: at(0.95) },
      providerCalls: timings.filter((t) => t.phase === 'wait').length,
      waitMs,
      mapMs,
      shares: { wait: waitMs / wallMs, map: mapMs / wallMs, other: Math.max(0, 1 - (waitMs + mapMs) / wallMs) },
      mapToWait: waitMs > 0 ? mapMs / waitMs : 0,
    };
  } finally {
    await database.close();
    await provider.close();
  }
}

export function formatGpConnectBench(r: GpConnectBenchResult): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [
    `GP Connect full-record query x${r.iterations} (loopback fake provider, published examples)`,
    `  throughput      ${r.requestsPerSecond.toFixed(1)} req/s  (mean ${r.latencyMs.mean.toFixed(2)} ms, p50 ${r.latencyMs.p50.toFixed(2)} ms, p95 ${r.latencyMs.p95.toFixed(2)} ms)`,
    `  provider calls  ${r.providerCalls} (${(r.providerCalls / r.iterations).toFixed(1)} per query)`,
    `  waiting         ${r.waitMs.toFixed(0)} ms  ${pct(r.shares.wait)} of wall time`,
    `  mapping         ${r.mapMs.toFixed(0)} ms  ${pct(r.shares.map)} of wall time`,
    `  everything else ${pct(r.shares.other)} (GraphQL, auth, database)`,
    `  map : wait      ${r.mapToWait.toFixed(3)}`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const iterations = Number(process.argv[2] ?? 200);
  console.log(formatGpConnectBench(await benchGpConnect({ iterations: Number.isFinite(iterations) ? iterations : 200 })));
}
