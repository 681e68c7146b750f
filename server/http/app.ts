// Assembles the API: schema + permissions, authentication, per-request loaders, limits and routes.
import { randomUUID } from 'node:crypto';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { openAccessTokens } from '../auth/access-tokens.js';
import { AuthenticationError, bearerVerifier } from '../auth/bearer.js';
import { openAccessFacts } from '../auth/access-facts.js';
import { tokenEndpointUrl } from '../auth/client-credentials.js';
import { openDevIssuer, type DevIssuer } from '../auth/dev-issuer.js';
import type { GraphQLContext } from '../graphql/context.js';
import type { Database } from '../db/client.js';
import type { Env } from '../env.js';
import { createAuditWriter, type AuditWriter } from '../domain/audit/writer.js';
import { openAuditIntegrity } from '../audit-integrity.js';
import type { AuditIntegrity } from '../domain/audit/integrity.js';
import { checkpointRoutePlugin } from './checkpoint-route.js';
import { consolePlugin } from '../console/server.js';
import { accessAuditPlugin } from './audit-plugin.js';
import { anonymousCallers } from './anonymous-callers.js';
import { compiledQueriesPlugin } from './compiled-queries.js';
import { bodyLimitPlugin } from './body-limit.js';
import { corsPolicy } from './cors.js';
import { failureAuditPlugin } from './failure-audit.js';
import { guardedRoute } from './guarded-route.js';
import { inputGuardPlugin } from './input-guard.js';
import { idempotencyPlugin } from './idempotency-plugin.js';
import { routesPlugin } from './routes.js';
import { tokenRoutePlugin } from './token-route.js';
import { AccessLog } from '../graphql/access-log.js';
import { createGovernanceLoaders } from '../graphql/governance-loaders.js';
import { createLoaders } from '../graphql/loaders.js';
import { introspectionPlugin } from '../rate-limit/introspection.js';
import { anonymousMeter, budgetsFrom, rateLimitPlugin } from '../rate-limit/plugin.js';
import { createRateLimitStore } from '../rate-limit/store.js';
import { schema } from '../graphql/schema.js';
import { connectorRegistry } from '../systems/registry.js';
import type { ClinicalSystemConnector, RequestMeta } from '../systems/types.js';
import { callerKey, type Actor } from '../domain/actors.js';
import { pluginEventHandler, triggerFromOutbox, type DomainEventHandler } from '../plugins/events.js';
import { createPluginHost, type PluginHost } from '../plugins/host.js';
import { PluginRunTokens } from '../plugins/run-tokens.js';
import { createPluginScheduler, type PluginScheduler } from '../plugins/scheduler.js';
import type { EventHandler } from '../events/dispatcher.js';
import { createEventRuntime, type EventRuntime } from '../events/runtime.js';

export interface AppOptions {
  env: Env;
  database: Database;
  /** Connectors besides the sandbox (e.g. GP Connect). */
  connectors?: readonly ClinicalSystemConnector[];
  /**
   * Drops access-audit events instead of writing them. It exists only so the benchmark can measure
   * what audit costs; nothing in configuration or the environment can set it, and audit cannot be
   * turned off in the product.
   */
  discardAuditForBenchmark?: boolean;
  /** In-process handlers of every committed domain event (e.g. plugin triggers); more via app.events.onEvent. */
  eventHandlers?: EventHandler[];
}

export interface App {
  yoga: YogaServerInstance<Record<string, unknown>, GraphQLContext>;
  devIssuer: DevIssuer | null;
  /** Plugin runs: the host (manual runs), the scheduler, and the handler the outbox dispatcher calls. */
  plugins: { host: PluginHost; scheduler: PluginScheduler; handleDomainEvent: DomainEventHandler; tokens: PluginRunTokens };
  /** Signed checkpoints, verification and inclusion proofs of the audit trail. */
  auditIntegrity: AuditIntegrity;
  /** Outbox dispatcher, event bus and the in-process event hook (`events.onEvent`). */
  events: EventRuntime;
  /** Flushes pending audit writes and releases what the app holds besides the database (e.g. Redis). */
  close(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

function metaFor(actor: Actor, requestId: string): RequestMeta {
  switch (actor.kind) {
    case 'PERSON':
      return { requestId, actorId: actor.id, actorName: actor.name, actorNameParts: actor.nameParts ?? null, actorRole: actor.role, organisationOds: actor.practiceOds };
    case 'SUPPLIER_APP':
      return { requestId, actorId: actor.appId, actorName: `app ${actor.appId}`, actorRole: 'SUPPLIER_APP', organisationOds: null };
    case 'PLUGIN_RUN':
      return { requestId, actorId: actor.runId, actorName: `plugin run ${actor.runId}`, actorRole: 'PLUGIN_RUN', organisationOds: actor.practiceOds };
    case 'ANONYMOUS':
      return { requestId, actorId: 'anonymous', actorName: 'anonymous', actorRole: 'ANONYMOUS', organisationOds: null };
  }
}

export async function createApp({ env, database, connectors = [], discardAuditForBenchmark = false, eventHandlers = [] }: AppOptions): Promise<App> {
  const { db } = database;
  const devIssuer = env.AUTH_MODE === 'dev' ? await openDevIssuer(db, env.issuer, env.OIDC_AUDIENCE) : null;
  const accessTokens = await openAccessTokens(db, { audience: env.OIDC_AUDIENCE, ttlSeconds: env.ACCESS_TOKEN_TTL_SECONDS });
  const accessFacts = await openAccessFacts(database);
  const verifier = bearerVerifier({
    issuer: env.issuer,
    audience: env.OIDC_AUDIENCE,
    jwks: devIssuer ? devIssuer.jwks : new URL(env.OIDC_JWKS_URL ?? ''),
    appTokens: { jwks: accessTokens.jwks, isActive: async (appId) => (await accessFacts.app(appId))?.appActive === true },
  });
  const registry = connectorRegistry(db, connectors);
  const auditWriter: AuditWriter = discardAuditForBenchmark ? { record: async () => {}, close: async () => {} } : createAuditWriter(db);
  const rateLimitStore = createRateLimitStore(env);
  const pluginRunTokens = new PluginRunTokens();
  // Created once yoga exists: a plugin run's input query is a request to this same API.
  let pluginHost: PluginHost | null = null;
  const anonymous = anonymousCallers(auditWriter, {
    rowsPerWindow: env.AUDIT_ANONYMOUS_ROWS_PER_WINDOW,
    windowMs: env.AUDIT_ANONYMOUS_WINDOW_SECONDS * 1000,
  });
  const budgets = budgetsFrom(env);
  const auditIntegrity = openAuditIntegrity(env, db, (message) => console.error(message));
  auditIntegrity.startCheckpointing(env.AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1000);
  const events = createEventRuntime({ env, database, audit: auditWriter, handlers: eventHandlers });

  // Who the caller is, worked out once per request: the body cap asks while the body is read (the
  // larger cap is for verified callers only), the context after. A refusal is the context's to give.
  // `since` is when the request was first looked at: the app check in the bearer verification catches
  // up with access-fact notifications after it, so the permission checks need no second catch-up.
  const callers = new WeakMap<Request, { actor: Promise<Actor>; since: number }>();
  const callerOf = (request: Request) => {
    let caller = callers.get(request);
    if (!caller) {
      const since = performance.now();
      const authorization = request.headers.get('authorization');
      const actor = (async () => pluginRunTokens.actorFor(authorization) ?? (await verifier.actorFor(authorization)))();
      caller = { actor, since };
      callers.set(request, caller);
    }
    return caller;
  };

  const yoga = createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { title: 'GP Open Integration', defaultQuery: '# Get a token: npm run token -- developer\n{ clinicalSystems { id name } }\n' },
    renderGraphiQL,
    maskedErrors: { isDev: false },
    maxRequestBodySize: false, // bodyLimitPlugin caps every body (a second cap would only cost time)
    cors: corsPolicy(env.CORS_ORIGINS),
    logging: env.LOG_LEVEL === 'silent' ? false : env.LOG_LEVEL,
    plugins: [
      bodyLimitPlugin({
        anonymousMaxBytes: env.MAX_BODY_BYTES,
        authenticatedMaxBytes: env.MAX_AUTHENTICATED_BODY_BYTES,
        isVerified: (request) => callerOf(request).actor.then((actor) => actor.kind !== 'ANONYMOUS', () => false),
      }),
      guardedRoute(routesPlugin({ ping: database.ping, devIssuer, issuer: env.issuer })),
      guardedRoute(tokenRoutePlugin({ db, accessTokens, tokenUrl: tokenEndpointUrl(env.publicUrl), audit: auditWriter, anonymous, meter: anonymousMeter(rateLimitStore, budgets.ANONYMOUS) })),
      guardedRoute(checkpointRoutePlugin(auditIntegrity)),
      // The web console at /console: one more client of this API, as the signed-in person.
      guardedRoute(consolePlugin({ env, db, devIssuer, audit: auditWriter, anonymous, api: async (request): Promise<Response> => yoga.fetch(request) })),
      ...(env.COMPILED_QUERIES ? [compiledQueriesPlugin()] : []),
      inputGuardPlugin(),
      maxTokensPlugin({ n: env.MAX_QUERY_TOKENS }),
      maxDepthPlugin({ n: env.MAX_QUERY_DEPTH, ignoreIntrospection: true, flattenFragments: true }),
      maxAliasesPlugin({ n: env.MAX_QUERY_ALIASES }),
      introspectionPlugin(env.INTROSPECTION),
      rateLimitPlugin({ store: rateLimitStore, budgets }),
      failureAuditPlugin(),
      accessAuditPlugin(auditWriter, anonymous),
      idempotencyPlugin(db),
    ],
    context: async ({ request }) => {
      const caller = callerOf(request);
      let actor: Actor;
      try {
        actor = await caller.actor;
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        throw new GraphQLError(error.message, {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } } },
        });
      }
      const given = request.headers.get('x-request-id');
      const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
      const meta = metaFor(actor, requestId);
      return {
        actor,
        requestId,
        db,
        env,
        meta,
        // A plugin run is one request: nothing it looks up is remembered for later.
        loaders: createLoaders(db, registry, meta, (numbers) =>
          accessFacts.registrations(actor.kind === 'PLUGIN_RUN' ? null : callerKey(actor), numbers, caller.since),
        ),
        governance: createGovernanceLoaders(db, actor.kind === 'SUPPLIER_APP' ? actor.appId : null, accessFacts, caller.since),
        accessLog: new AccessLog(actor, requestId),
        plugins: pluginHost!,
        auditIntegrity,
        events: { bus: events.bus, audit: auditWriter },
      };
    },
  });
  const host = (pluginHost = createPluginHost({ db, api: (request) => yoga.fetch(request), tokens: pluginRunTokens, threads: env.PLUGIN_THREADS, niceness: env.PLUGIN_NICENESS, connectorFor: (practice) => registry.forPractice(practice) }));
  const scheduler = createPluginScheduler(db, host, { start: env.PLUGIN_SCHEDULER === 'on' && env.NODE_ENV !== 'test' });
  const plugins = { host, scheduler, handleDomainEvent: pluginEventHandler(db, host), tokens: pluginRunTokens };
  // Plugins hear committed domain events through the same at-least-once hook as any handler.
  events.onEvent(async (event) => {
    const trigger = triggerFromOutbox(event);
    if (trigger) await plugins.handleDomainEvent(trigger);
  });
  await events.start();
  return {
    yoga,
    devIssuer,
    plugins,
    auditIntegrity,
    events,
    close: async () => {
      scheduler.stop();
      await events.close();
      await anonymous.close(); // its last summaries go through the writer, so before the writer closes
      await Promise.all([auditWriter.close(), rateLimitStore.close(), accessFacts.close(), host.close(), auditIntegrity.close()]);
    },
  };
}
