// One GP Connect HTTP call: Spine headers and JWT, an overall deadline (retries included), retries
// for safe reads only, a content-type check and a size cap enforced while the body streams in.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { readAtMost } from '../../http/read-capped.js';
import { ConnectorError, type RequestMeta } from '../types.js';
import type { Endpoint, Organisation, Settings } from './endpoint-config.js';
import { obj, type Resource } from './fhir.js';
import { gpConnectClaims, unsecuredJwt, type RequestedScope } from './jwt.js';
import { errorForResponse, providerError } from './provider-errors.js';

export const INTERACTIONS = {
  structuredRecord: 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1',
  findPatient: 'urn:nhs:names:services:gpconnect:fhir:rest:search:patient-1',
  searchSlots: 'urn:nhs:names:services:gpconnect:fhir:rest:search:slot-1',
  patientAppointments: 'urn:nhs:names:services:gpconnect:fhir:rest:search:patient_appointments-1',
  readPatient: 'urn:nhs:names:services:gpconnect:fhir:rest:read:patient-1',
  bookAppointment: 'urn:nhs:names:services:gpconnect:fhir:rest:create:appointment-1',
  amendAppointment: 'urn:nhs:names:services:gpconnect:fhir:rest:update:appointment-1',
  cancelAppointment: 'urn:nhs:names:services:gpconnect:fhir:rest:cancel:appointment-1',
  readAppointment: 'urn:nhs:names:services:gpconnect:fhir:rest:read:appointment-1',
  metadata: 'urn:nhs:names:services:gpconnect:fhir:rest:read:metadata-1',
  readPractitioner: 'urn:nhs:names:services:gpconnect:fhir:rest:read:practitioner-1',
  readOrganisation: 'urn:nhs:names:services:gpconnect:fhir:rest:read:organization-1',
  readLocation: 'urn:nhs:names:services:gpconnect:fhir:rest:read:location-1',
} as const;

export interface ProviderCall {
  method: 'GET' | 'POST' | 'PUT';
  /** Path and query below the endpoint's base URL, e.g. `/Patient?identifier=...`. */
  path: string;
  interaction: string;
  scope: RequestedScope;
  body?: unknown;
  /** Reads may be retried on network errors and 502/503/504; writes never are. */
  safe: boolean;
  /** The version a PUT changes (`W/"<versionId>"`), so the provider refuses it if it moved on. */
  ifMatch?: string;
}

/** A resource and the version the provider stated in its ETag header, if any. */
export interface Answer {
  resource: Resource;
  etag: string | null;
}

export interface CallContext {
  settings: Settings;
  endpoint: Endpoint;
  meta: RequestMeta;
  /** The practice being asked: names the caller's organisation when the caller is that practice. */
  practice?: { odsCode: string; name: string };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RETRYABLE_STATUS = new Set([502, 503, 504]);
const BACKOFF_MS = [100, 300];
const FHIR_JSON = /^application\/(fhir\+json|json\+fhir|json)\s*(;|$)/i;

/** The organisation named in the JWT: the caller's own, else the platform's; never invented. */
function requestingOrganisation(ctx: CallContext): Organisation {
  const ods = ctx.meta.organisationOds;
  // requesting_organization always carries a name: the practice's own when the caller is that
  // practice, else the ODS code itself (the one name we know for certain).
  if (ods) return { odsCode: ods, name: ctx.practice?.odsCode === ods ? ctx.practice.name : ods };
  if (ctx.settings.platformOrganisation) return ctx.settings.platformOrganisation;
  throw new ConnectorError('NOT_SUPPORTED', 'GP Connect requests need a requesting organisation; none is configured for this caller.');
}

export function requestHeaders(call: ProviderCall, ctx: CallContext, now = new Date()): Record<string, string> {
  const claims = gpConnectClaims({
    issuer: ctx.settings.issuer,
    audience: ctx.endpoint.baseUrl,
    scope: call.scope,
    meta: ctx.meta,
    asid: ctx.settings.asid,
    organisation: requestingOrganisation(ctx),
    now,
  });
  return {
    accept: 'application/fhir+json',
    'ssp-traceid': UUID.test(ctx.meta.requestId) ? ctx.meta.requestId : randomUUID(),
    'ssp-from': ctx.settings.asid,
    'ssp-to': ctx.endpoint.providerAsid,
    'ssp-interactionid': call.interaction,
    authorization: `Bearer ${unsecuredJwt(claims)}`,
    ...(call.body === undefined ? {} : { 'content-type': 'application/fhir+json;charset=utf-8' }),
    ...(call.ifMatch === undefined ? {} : { 'if-match': call.ifMatch }),
  };
}

/** Reads the body as UTF-8, refusing it as soon as it passes `maxBytes`. */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw providerError('PROVIDER_ERROR', "The practice's clinical system sent an answer larger than allowed.");
  }
  const body = await readAtMost(response.body, maxBytes);
  if (!body) throw providerError('PROVIDER_ERROR', "The practice's clinical system sent an answer larger than allowed.");
  return new TextDecoder('utf-8', { fatal: true }).decode(body);
}

async function readAnswer(response: Response, maxBytes: number): Promise<Resource> {
  const isJson = FHIR_JSON.test((response.headers.get('content-type') ?? '').trim());
  if (!response.ok) {
    let outcome: Resource | undefined;
    if (isJson) {
      try {
        outcome = obj(JSON.parse(await readCapped(response, maxBytes)));
      } catch (error) {
        if (!(error instanceof ConnectorError) && !(error instanceof SyntaxError)) throw error;
      }
    } else {
      await response.body?.cancel().catch(() => undefined);
    }
    throw errorForResponse(response.status, outcome);
  }
  if (!isJson) {
    await response.body?.cancel().catch(() => undefined);
    throw providerError('PROVIDER_ERROR', "The practice's clinical system answered in an unexpected format.");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readCapped(response, maxBytes));
  } catch (error) {
    if (error instanceof ConnectorError) throw error;
    throw providerError('PROVIDER_ERROR', "The practice's clinical system sent malformed JSON.");
  }
  const resource = obj(parsed);
  if (!resource) throw providerError('PROVIDER_ERROR', "The practice's clinical system sent malformed JSON.");
  return resource;
}

/** Whether another attempt fits: retries left, and its backoff ends before the deadline. */
function mayRetry(attempt: number, deadline: number): boolean {
  const delay = BACKOFF_MS[attempt];
  return delay !== undefined && Date.now() + delay < deadline - 50;
}

/** Waits before a retry; false when there is no budget for one or the call was aborted meanwhile. */
async function backoff(attempt: number, deadline: number, signal: AbortSignal): Promise<boolean> {
  if (!mayRetry(attempt, deadline)) return false;
  try {
    await sleep(BACKOFF_MS[attempt], undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Performs the call and returns the parsed JSON resource, or throws a ConnectorError. */
export async function callProvider(call: ProviderCall, ctx: CallContext): Promise<Resource> {
  return (await callProviderForAnswer(call, ctx)).resource;
}

/** As callProvider, with the ETag the provider sent (writes need the version it returned). */
export async function callProviderForAnswer(call: ProviderCall, ctx: CallContext): Promise<Answer> {
  const { settings } = ctx;
  const headers = requestHeaders(call, ctx);
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  const started = performance.now();
  // One budget for the whole call: every attempt, every backoff and reading the body.
  const deadline = Date.now() + settings.timeoutMs;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), settings.timeoutMs);
  const unavailable = () => providerError(controller.signal.aborted ? 'PROVIDER_TIMEOUT' : 'PROVIDER_UNAVAILABLE');
  try {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${ctx.endpoint.baseUrl}${call.path}`, { method: call.method, headers, body, signal: controller.signal, redirect: 'manual' });
      } catch {
        // Network failure (refused, reset, DNS) or our deadline.
        if (!controller.signal.aborted && call.safe && (await backoff(attempt, deadline, controller.signal))) continue;
        throw unavailable();
      }
      if (call.safe && RETRYABLE_STATUS.has(response.status) && mayRetry(attempt, deadline)) {
        await response.body?.cancel().catch(() => undefined);
        if (await backoff(attempt, deadline, controller.signal)) continue;
        throw unavailable();
      }
      try {
        return { resource: await readAnswer(response, settings.maxResponseBytes), etag: response.headers.get('etag') };
      } catch (error) {
        if (controller.signal.aborted) throw providerError('PROVIDER_TIMEOUT');
        if (error instanceof ConnectorError) throw error;
        throw providerError('PROVIDER_ERROR');
      }
    }
  } finally {
    clearTimeout(timer);
    settings.onTiming?.({ phase: 'wait', ms: performance.now() - started, interaction: call.interaction });
  }
}

/** Runs a mapping step and reports its duration (the counterpart of the provider wait). */
export function mapped<T>(settings: Settings, interaction: string, map: () => T): T {
  const started = performance.now();
  try {
    return map();
  } finally {
    settings.onTiming?.({ phase: 'map', ms: performance.now() - started, interaction });
  }
}

/** A query string readable as in the specification's examples; '+' and other specials stay encoded. */
export function searchQuery(pairs: ReadonlyArray<readonly [string, string]>): string {
  const value = (v: string) => encodeURIComponent(v).replace(/%3A/gi, ':').replace(/%2F/gi, '/').replace(/%7C/gi, '|');
  return pairs.map(([k, v]) => `${k}=${value(v)}`).join('&');
}
