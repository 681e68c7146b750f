// The OAuth2 token endpoint and the public key that verifies its tokens, served through Yoga's
// request hook like the other non-GraphQL routes.
import { randomUUID } from 'node:crypto';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import { decodeJwt } from 'jose';
import { PLATFORM_ISSUER, type AccessTokens } from '../auth/access-tokens.js';
import { SCOPES } from '../domain/scopes.js';
import { clientCredentialsExchange, type TokenResult } from '../auth/client-credentials.js';
import { OAuthFailure, safeDescription } from '../auth/oauth-failure.js';
import { clientAppStore } from '../auth/client-apps.js';
import { describeInputProblem, hasUnsafeText, inputProblem, type InputProblem } from '../domain/input-text.js';
import type { Db } from '../db/client.js';
import { readAtMost } from './read-capped.js';
import type { AuditEvent } from '../domain/audit/event.js';
import type { AuditWriter } from '../domain/audit/writer.js';
import type { AnonymousCallers } from './anonymous-callers.js';
import { clientAddress } from './client-address.js';
import { TOKEN_REQUEST_COST } from '../rate-limit/plugin.js';

export interface TokenRouteDeps {
  db: Db;
  accessTokens: AccessTokens;
  tokenUrl: string;
  /** Every issued or refused token is audited; if that fails, no token is issued. */
  audit: AuditWriter;
  /** Callers are unauthenticated until the exchange succeeds: their refusals are rate-bounded per address. */
  anonymous?: AnonymousCallers;
  /** Takes a cost from the address's budget (the same one its GraphQL requests draw on): 0, or seconds to wait. */
  meter?: (address: string, cost: number) => Promise<number>;
}

/** The client an assertion claims to be, for the audit of a refusal (never trusted otherwise). */
function claimedClient(form: URLSearchParams): string {
  try {
    const iss = decodeJwt(form.get('client_assertion') ?? '').iss;
    return typeof iss === 'string' && iss.length <= 200 && !hasUnsafeText(iss) ? iss : 'unknown';
  } catch {
    return form.get('client_id')?.slice(0, 200) ?? 'unknown';
  }
}

function tokenEvent(result: TokenResult | 'FAILED', form: URLSearchParams): AuditEvent {
  const base = { actorKind: 'SUPPLIER_APP' as const, operation: 'ISSUE_ACCESS_TOKEN' as const, requestId: randomUUID() };
  if (result === 'FAILED') {
    return { ...base, actorId: claimedClient(form), detail: { error: 'server_error' }, outcome: 'FAILED', reason: 'The token request failed unexpectedly.' };
  }
  return result.ok
    ? { ...base, actorId: result.appId, appId: result.appId, supplierId: result.supplierId, detail: { scope: result.body.scope }, outcome: 'ALLOWED' }
    : { ...base, actorId: claimedClient(form), detail: { error: result.failure.code }, outcome: 'REFUSED', reason: result.failure.description };
}

/** A token request is a few hundred bytes; anything much larger is not one. */
const MAX_FORM_BYTES = 16 * 1024;
// RFC 6749 section 5.1: token responses, and their refusals, must never be cached.
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

function refusal(failure: OAuthFailure): Response {
  const body = { error: failure.code, error_description: safeDescription(failure.description) };
  if (failure.code !== 'invalid_client') return json(body, 400, NO_STORE);
  // private_key_jwt has no HTTP authentication scheme of its own; the header still tells a client
  // that authentication, not the request, failed (RFC 6749 section 5.2 asks for 401 with it).
  return json(body, 401, { ...NO_STORE, 'www-authenticate': 'Bearer error="invalid_client"' });
}

async function readForm(request: Request): Promise<URLSearchParams | null> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' || !request.body) return null;
  const body = await readAtMost(request.body, MAX_FORM_BYTES);
  return body ? new URLSearchParams(body.toString('utf8')) : null;
}

const invalidForm = (problem: InputProblem): TokenResult => ({ ok: false, failure: new OAuthFailure('invalid_request', describeInputProblem(problem)) });

export function tokenRoutePlugin(deps: TokenRouteDeps): Plugin {
  const exchange = clientCredentialsExchange({ store: clientAppStore(deps.db), accessTokens: deps.accessTokens, tokenUrl: deps.tokenUrl });
  let logger: YogaLogger | undefined;
  const failed = (error: unknown) => {
    logger?.warn(`token endpoint: request failed: ${error instanceof Error ? error.message : String(error)}`);
    return 'FAILED' as const;
  };
  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },
    async onRequest({ request, url, endResponse, serverContext }) {
      if (url.pathname === '/.well-known/oauth-authorization-server') {
        // RFC 8414 metadata: where the token endpoint is and what it accepts, so clients need not guess.
        return endResponse(
          json({
            issuer: PLATFORM_ISSUER,
            token_endpoint: deps.tokenUrl,
            jwks_uri: deps.tokenUrl.replace(/\/oauth2\/token$/, '/.well-known/jwks.json'),
            grant_types_supported: ['client_credentials'],
            token_endpoint_auth_methods_supported: ['private_key_jwt'],
            token_endpoint_auth_signing_alg_values_supported: ['RS512', 'ES384'],
            scopes_supported: SCOPES.map((s) => s.scope),
          }, 200, { 'cache-control': 'public, max-age=300' }),
        );
      }
      if (url.pathname === '/.well-known/jwks.json') {
        if (request.method !== 'GET' && request.method !== 'HEAD') return endResponse(json({ error: 'method not allowed' }, 405, { allow: 'GET' }));
        return endResponse(json(deps.accessTokens.jwks, 200, { 'cache-control': 'public, max-age=300' }));
      }
      if (url.pathname !== '/oauth2/token') return;
      if (request.method !== 'POST') {
        return endResponse(json({ error: 'invalid_request', error_description: 'Use POST.' }, 405, { ...NO_STORE, allow: 'POST' }));
      }
      const address = clientAddress(serverContext);
      const retryAfter = deps.meter ? await deps.meter(address, TOKEN_REQUEST_COST) : 0;
      if (retryAfter > 0) {
        // Before the assertion is even read: a flood costs neither signature checks nor audit rows.
        return endResponse(
          json({ error: 'temporarily_unavailable', error_description: `Too many token requests from this address; retry after ${retryAfter} s.` }, 429, {
            ...NO_STORE,
            'retry-after': String(retryAfter),
          }),
        );
      }
      const form = await readForm(request);
      if (!form) {
        return endResponse(
          json({ error: 'invalid_request', error_description: 'Send a form body (application/x-www-form-urlencoded) of at most 16 KiB.' }, 400, NO_STORE),
        );
      }
      const problem = inputProblem(Object.fromEntries(form));
      // Nothing else answers 500 here: an unexpected failure is audited and described without detail.
      const result = problem ? invalidForm(problem) : await exchange(form).catch(failed);
      try {
        const event = tokenEvent(result, form);
        if ((result === 'FAILED' || !result.ok) && deps.anonymous) await deps.anonymous.recordRefusal(address, [event]);
        else await deps.audit.record([event]);
      } catch {
        return endResponse(json({ error: 'temporarily_unavailable', error_description: 'The audit trail could not be written; try again.' }, 503, NO_STORE));
      }
      if (result === 'FAILED') return endResponse(json({ error: 'server_error', error_description: 'The token request could not be completed.' }, 500, NO_STORE));
      return endResponse(result.ok ? json(result.body, 200, NO_STORE) : refusal(result.failure));
    },
  };
}
