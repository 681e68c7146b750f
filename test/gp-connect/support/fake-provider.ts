// A GP Connect provider for tests: a real HTTP server on 127.0.0.1 answering with the published
// examples. It records every request, and a test can take over any answer (hostile payloads,
// delays, errors) through `override`.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JANE, JANE_FOUNDATIONS, JOHN, JOHN_IN_EXAMPLE, SECTION_LIST_CODES, STRUCTURED_EXAMPLES, fixture, nhsNumberOf, resourcesOf } from './fixtures.js';

type Json = Record<string, unknown>;

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** What the default handler answered (JSON), when it answered. */
  served?: Json;
}

export interface Reply {
  status?: number;
  contentType?: string;
  body?: string | Json | unknown[];
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Stream this many bytes of `fill` without a content-length. */
  streamBytes?: number;
}

export type Override = (request: RecordedRequest) => Reply | undefined;

export interface FakeProvider {
  baseUrl: string;
  requests: RecordedRequest[];
  override: Override | null;
  /** Requests whose connection the client closed before they were answered (e.g. at its timeout). */
  abandoned: number;
  /** Resolves once `abandoned` reaches `count`. */
  whenAbandoned(count: number): Promise<void>;
  close(): Promise<void>;
}

export const outcome = (code: string, diagnostics = 'Provider diagnostics that must not reach API callers') => ({
  resourceType: 'OperationOutcome',
  meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1'] },
  issue: [
    {
      severity: 'error',
      code: 'processing',
      details: { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1', code, display: code.replace(/_/g, ' ').toLowerCase() }] },
      diagnostics,
    },
  ],
});

const searchset = (resources: Json[]) => ({ resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource })) });

/** Example bundles per patient and parameter; the pathology example is re-keyed to a valid NHS number. */
function structuredExamples(): Map<string, Map<string, Json>> {
  const byPatient = new Map<string, Map<string, Json>>();
  for (const [parameter, file] of Object.entries(STRUCTURED_EXAMPLES)) {
    const bundle = fixture(file);
    const patient = resourcesOf(bundle).find((r) => r.resourceType === 'Patient');
    let nhsNumber = patient ? nhsNumberOf(patient) : undefined;
    if (nhsNumber === JOHN_IN_EXAMPLE && patient) {
      for (const identifier of patient.identifier as Json[]) if (identifier.value === JOHN_IN_EXAMPLE) identifier.value = JOHN;
      nhsNumber = JOHN;
    }
    if (!nhsNumber) continue;
    const examples = byPatient.get(nhsNumber) ?? new Map<string, Json>();
    examples.set(parameter, bundle);
    byPatient.set(nhsNumber, examples);
  }
  return byPatient;
}

function emptyList(parameter: string): Json {
  const code = SECTION_LIST_CODES[parameter] ?? { code: 'unknown', display: parameter };
  return {
    resourceType: 'List',
    status: 'current',
    mode: 'snapshot',
    title: code.display,
    code: { coding: [{ system: 'http://snomed.info/sct', ...code }] },
    emptyReason: { coding: [{ system: 'http://hl7.org/fhir/list-empty-reason', code: 'no-content-recorded', display: 'No Content Recorded' }] },
    note: [{ text: 'Information not available' }],
  };
}

/** One bundle with the examples for the requested parameters; shared resources appear once. */
function structuredRecord(examples: Map<string, Json>, parameters: string[]): Json {
  const entries: unknown[] = [];
  const seen = new Set<string>();
  const add = (entry: Json) => {
    const resource = (entry.resource as Json | undefined) ?? entry;
    const key = resource.id ? `${String(resource.resourceType)}/${String(resource.id)}` : null;
    if (key && seen.has(key)) return;
    if (key) seen.add(key);
    entries.push(entry);
  };
  const anyExample = [...examples.values()][0];
  const patient = anyExample ? resourcesOf(anyExample).find((r) => r.resourceType === 'Patient') : undefined;
  if (patient) add({ resource: patient });
  for (const parameter of parameters) {
    const example = examples.get(parameter);
    if (example) for (const entry of (example.entry as Json[] | undefined) ?? []) add(entry);
    else add({ resource: emptyList(parameter) });
  }
  return { resourceType: 'Bundle', meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1'] }, type: 'collection', entry: entries };
}

const DAY = 86_400_000;
const englandToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

/** The appointments example moved in time so that its first appointment is the day after `ge`. */
function appointmentsFrom(ge: string): Json {
  const bundle = fixture('appointments--retrieve_patients_appts_response_example.json');
  const appointments = resourcesOf(bundle);
  const earliest = Math.min(...appointments.map((a) => Date.parse(String(a.start))));
  const shift = Math.round((Date.parse(`${ge}T00:00:00Z`) + DAY - new Date(earliest).setUTCHours(0, 0, 0, 0)) / DAY) * DAY;
  for (const a of appointments) for (const field of ['start', 'end', 'created']) if (a[field]) a[field] = new Date(Date.parse(String(a[field])) + shift).toISOString();
  return bundle;
}

type Answer = { status: number; body: Json };

function defaultAnswer(request: RecordedRequest, examples: Map<string, Map<string, Json>>): Answer {
  const { method, url } = request;
  if (method === 'POST' && url.pathname.endsWith('/Patient/$gpc.getstructuredrecord')) {
    const body = request.body as Json | undefined;
    if (body?.resourceType !== 'Parameters') return { status: 422, body: outcome('INVALID_RESOURCE') };
    const parameters = ((body.parameter as Json[] | undefined) ?? []).map((p) => String(p.name));
    if (new Set(parameters).size !== parameters.length) return { status: 422, body: outcome('INVALID_PARAMETER') };
    const nhsNumber = (((body.parameter as Json[]).find((p) => p.name === 'patientNHSNumber')?.valueIdentifier ?? {}) as Json).value as string;
    const patientExamples = examples.get(nhsNumber);
    if (!patientExamples) return { status: 404, body: outcome('PATIENT_NOT_FOUND') };
    return { status: 200, body: structuredRecord(patientExamples, parameters.filter((p) => p !== 'patientNHSNumber')) };
  }
  if (method === 'GET' && url.pathname.endsWith('/Patient') && url.searchParams.has('identifier')) {
    const nhsNumber = url.searchParams.get('identifier')?.split('|')[1];
    if (nhsNumber === JANE_FOUNDATIONS) return { status: 200, body: fixture('foundations--find_patient_response_example.json') };
    const example = nhsNumber ? [...(examples.get(nhsNumber)?.values() ?? [])][0] : undefined;
    const patient = example ? resourcesOf(example).find((r) => r.resourceType === 'Patient') : undefined;
    return { status: 200, body: searchset(patient ? [patient] : []) };
  }
  if (method === 'GET' && url.pathname.endsWith('/metadata')) return { status: 200, body: fixture('foundations--get_capability_statement_response_example.json') };
  const foundation = /\/(Practitioner|Organization|Location)\/([^/]+)$/.exec(url.pathname);
  const example = foundation ? fixture(`foundations--read_${foundation[1]!.toLowerCase()}_response_example.json`) : undefined;
  if (method === 'GET' && example && example.id === foundation?.[2]) return { status: 200, body: example };
  if (method === 'GET' && url.pathname.endsWith('/Slot')) return { status: 200, body: fixture('appointments--search_for_free_slots_response_example.json') };
  const appointments = /\/Patient\/([^/]+)\/Appointment$/.exec(url.pathname);
  if (method === 'GET' && appointments) {
    const starts = url.searchParams.getAll('start');
    const ge = starts.find((s) => s.startsWith('ge'))?.slice(2);
    const le = starts.find((s) => s.startsWith('le'))?.slice(2);
    // As the specification requires: two date-only bounds, none in the past.
    if (!ge || !le || !/^\d{4}-\d{2}-\d{2}$/.test(ge) || !/^\d{4}-\d{2}-\d{2}$/.test(le) || ge < englandToday()) {
      return { status: 422, body: outcome('INVALID_PARAMETER') };
    }
    return { status: 200, body: appointments[1] === '2' ? appointmentsFrom(ge) : searchset([]) };
  }
  return { status: 404, body: outcome('REFERENCE_NOT_FOUND') };
}

function write(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  const contentType = reply.contentType ?? 'application/fhir+json;charset=utf-8';
  if (reply.streamBytes !== undefined) {
    res.writeHead(reply.status ?? 200, { 'content-type': contentType, ...reply.headers });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let left = reply.streamBytes;
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const part = chunk.subarray(0, Math.min(chunk.length, left));
        left -= part.length;
        if (!res.write(part)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    return pump();
  }
  const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
  res.writeHead(reply.status ?? 200, { 'content-type': contentType, ...reply.headers });
  res.end(body);
}

export async function startFakeProvider(): Promise<FakeProvider> {
  const examples = structuredExamples();
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  const provider: FakeProvider = {
    baseUrl: '',
    requests: [],
    override: null,
    abandoned: 0,
    whenAbandoned: (count) => new Promise<void>((resolve) => (provider.abandoned >= count ? resolve() : waiting.push({ count, resolve }))),
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    res.on('close', () => {
      if (res.writableEnded) return;
      provider.abandoned++;
      for (const w of waiting.filter((x) => provider.abandoned >= x.count)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // keep the raw text
      }
      const recorded: RecordedRequest = { method: req.method ?? '', url: new URL(req.url ?? '/', 'http://127.0.0.1'), headers: req.headers, body };
      provider.requests.push(recorded);
      const custom = provider.override?.(recorded);
      const reply: Reply = custom ?? (() => {
        const answer = defaultAnswer(recorded, examples);
        recorded.served = answer.body;
        return { status: answer.status, body: answer.body };
      })();
      if (reply.delayMs) setTimeout(() => write(res, reply), reply.delayMs).unref();
      else write(res, reply);
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  provider.baseUrl = `http://127.0.0.1:${port}/A00001/STU3/1/gpconnect/fhir`;
  provider.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return provider;
}

export { JANE, JANE_FOUNDATIONS, JOHN };
