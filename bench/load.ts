// Drives one scenario with autocannon and reduces the result to the figures we report. A scenario
// may be driven in several rounds (interleaved with another scenario, so both see the same machine);
// its figures are then computed over every response of every round.
import autocannon from 'autocannon';

export interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  /** Path and body for the n-th request (requests rotate over a set of patients). */
  request(n: number): { path: string; body?: string; headers?: Record<string, string> };
}

/** One round of load: every response's latency, and what went wrong. */
export interface Round {
  seconds: number;
  latencies: number[];
  non2xx: number;
  errors: number;
}

export interface Figures {
  name: string;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export async function drive(port: number, scenario: Scenario, seconds: number, connections: number): Promise<Round> {
  let n = 0;
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections,
        duration: seconds,
        requests: [
          {
            method: scenario.method,
            setupRequest: (req) => {
              const next = scenario.request(n++);
              return { ...req, path: next.path, body: next.body, headers: { 'content-type': 'application/json', ...next.headers } };
            },
          },
        ],
      },
      (error: unknown, done: autocannon.Result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  return { seconds, latencies, non2xx: result.non2xx, errors: result.errors };
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0;

export function figures(name: string, rounds: readonly Round[]): Figures {
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  return {
    name,
    requests: latencies.length,
    requestsPerSecond: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
  };
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** Min, median and max of per-round values (the median of an even count is the mean of the middle two). */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0] ?? NaN, median, max: sorted[sorted.length - 1] ?? NaN };
}

export const formatSpread = (s: Spread, digits = 2) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;

export const p50Of = (round: Round) => percentile([...round.latencies].sort((a, b) => a - b), 0.5);
export const p99Of = (round: Round) => percentile([...round.latencies].sort((a, b) => a - b), 0.99);
