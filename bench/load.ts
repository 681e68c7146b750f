// Drives one scenario with autocannon and reduces the result to the figures we report.
import autocannon from 'autocannon';

export interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  /** Path and body for the n-th request (requests rotate over a set of patients). */
  request(n: number): { path: string; body?: string; headers?: Record<string, string> };
}

export interface Figures {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export async function drive(port: number, scenario: Scenario, seconds: number, connections: number): Promise<Figures> {
  let n = 0;
  const result = await autocannon({
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
  });
  return {
    name: scenario.name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
