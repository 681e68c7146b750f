// npm run bench:attack -- --url http://127.0.0.1:4000 [--seconds 10] [--aliases 10]
// A clinician's read latency against a running server (development issuer), first quiet, then
// while two clients run each availability attack: a person's nested connections under aliases, and
// anonymous aliased __schema trees. Attackers are bounded in time and in concurrency (two each).
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { url: { type: 'string', default: 'http://127.0.0.1:4000' }, seconds: { type: 'string', default: '10' }, aliases: { type: 'string', default: '10' } },
});
const base = values.url.replace(/\/+$/, '');
const seconds = Number(values.seconds);
const aliases = Number(values.aliases);

const NESTED = (i: number) =>
  `a${i}: practices(first: 100) { edges { node { patients(first: 100) { edges { node { nhsNumber practice { patients(first: 100) { edges { node { nhsNumber givenName } } } } } } } } } }`;
const NESTED_ATTACK = `{ ${Array.from({ length: aliases }, (_, i) => NESTED(i)).join(' ')} }`;
const SCHEMA_TREE = '__schema { types { name fields { name args { name } type { name ofType { name ofType { name } } } } } }';
const INTROSPECTION_ATTACK = `{ ${Array.from({ length: 30 }, (_, i) => `s${i}: ${SCHEMA_TREE}`).join(' ')} }`;
const READ = 'query($n: String!) { patient(nhsNumber: $n) { __typename ... on Patient { nhsNumber givenName allergies { status } medications { status } } } }';

async function token(person: string): Promise<string> {
  const response = await fetch(`${base}/dev-issuer/token?person=${person}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function post(query: string, bearer: string | null, variables: Record<string, unknown> = {}, signal?: AbortSignal) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  const body = await response.text();
  return { status: response.status, bytes: body.length, body };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function clinicianReads(bearer: string, nhsNumber: string, until: number) {
  const latencies: number[] = [];
  let failures = 0;
  while (Date.now() < until) {
    const started = performance.now();
    const answer = await post(READ, bearer, { n: nhsNumber }).catch(() => null);
    latencies.push(performance.now() - started);
    if (!answer || !answer.body.includes('"Patient"')) failures += 1;
  }
  latencies.sort((a, b) => a - b);
  return { reads: latencies.length, failures, p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies.at(-1) ?? Number.NaN };
}

async function attacker(query: string, bearer: string | null, until: number, signal: AbortSignal) {
  const statuses = new Map<number | string, number>();
  while (Date.now() < until && !signal.aborted) {
    const answer = await post(query, bearer, {}, signal).catch((error: Error) => ({ status: error.name === 'AbortError' ? 'aborted' : error.message, bytes: 0 }));
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  }
  return Object.fromEntries(statuses);
}

async function phase(name: string, clinician: string, nhsNumber: string, attack?: { query: string; bearer: string | null }) {
  const until = Date.now() + seconds * 1000;
  const stop = new AbortController();
  const attackers = attack ? [0, 1].map(() => attacker(attack.query, attack.bearer, until, stop.signal)) : [];
  const reads = await clinicianReads(clinician, nhsNumber, until);
  stop.abort(); // attackers still waiting on an answer give up now: the phase is bounded in time
  const attacks = await Promise.all(attackers);
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  console.log(
    `${name.padEnd(34)} clinician reads ${String(reads.reads).padStart(4)}  failed ${reads.failures}  p50 ${ms(reads.p50)}  p95 ${ms(reads.p95)}  max ${ms(reads.max)}` +
      (attacks.length ? `  attacker answers ${JSON.stringify(attacks)}` : ''),
  );
}

const clinician = await token('clinician.Z91001');
const developer = await token('developer');
const listed = await post('{ practice(odsCode: "Z91001") { ... on Practice { patients(first: 1) { edges { node { nhsNumber } } } } } }', clinician);
const nhsNumber = /"nhsNumber":"(\d{10})"/.exec(listed.body)?.[1];
if (!nhsNumber) throw new Error(`no patient at Z91001: ${listed.body.slice(0, 200)}`);
console.log(`${base}: ${seconds} s per phase, two attackers each; nested attack with ${aliases} aliases (${NESTED_ATTACK.length} bytes), introspection attack 30 x __schema (${INTROSPECTION_ATTACK.length} bytes)`);
await phase('quiet', clinician, nhsNumber);
await phase('developer nested connections', clinician, nhsNumber, { query: NESTED_ATTACK, bearer: developer });
await phase('anonymous introspection', clinician, nhsNumber, { query: INTROSPECTION_ATTACK, bearer: null });
