// Assembles the API: schema + permissions, authentication, per-request loaders, limits and routes.
import { randomUUID } from 'node:crypto';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { AuthenticationError, bearerVerifier } from './auth/bearer.js';
import { openDevIssuer, type DevIssuer } from './auth/dev-issuer.js';
import type { GraphQLContext } from './context.js';
import type { Database } from './db/client.js';
import type { Env } from './env.js';
import { bodyLimitPlugin } from './http/body-limit.js';
import { routesPlugin } from './http/routes.js';
import { createLoaders } from './loaders.js';
import { schema } from './schema.js';
import { connectorRegistry } from './systems/registry.js';
import type { ClinicalSystemConnector, RequestMeta } from './systems/types.js';
import type { Actor } from './domain/actors.js';

export interface AppOptions {
  env: Env;
  database: Database;
  /** Connectors besides the sandbox (e.g. GP Connect). */
  connectors?: readonly ClinicalSystemConnector[];
}

export interface App {
  yoga: YogaServerInstance<Record<string, unknown>, GraphQLContext>;
  devIssuer: DevIssuer | null;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

function metaFor(actor: Actor, requestId: string): RequestMeta {
  switch (actor.kind) {
    case 'PERSON':
      return { requestId, actorId: actor.id, actorName: actor.name, actorRole: actor.role, organisationOds: actor.practiceOds };
    case 'SUPPLIER_APP':
      return { requestId, actorId: actor.appId, actorName: `app ${actor.appId}`, actorRole: 'SUPPLIER_APP', organisationOds: null };
    case 'ANONYMOUS':
      return { requestId, actorId: 'anonymous', actorName: 'anonymous', actorRole: 'ANONYMOUS', organisationOds: null };
  }
}

export async function createApp({ env, database, connectors = [] }: AppOptions): Promise<App> {
  const { db } = database;
  const devIssuer = env.AUTH_MODE === 'dev' ? await openDevIssuer(db, env.issuer, env.OIDC_AUDIENCE) : null;
  const verifier = bearerVerifier({
    issuer: env.issuer,
    audience: env.OIDC_AUDIENCE,
    jwks: devIssuer ? devIssuer.jwks : new URL(env.OIDC_JWKS_URL ?? ''),
  });
  const registry = connectorRegistry(db, connectors);

  const yoga = createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { title: 'GP Open Integration', defaultQuery: '# Get a token: npm run token -- developer\n{ clinicalSystems { id name } }\n' },
    renderGraphiQL,
    maskedErrors: { isDev: false },
    logging: env.LOG_LEVEL,
    plugins: [
      bodyLimitPlugin(env.MAX_BODY_BYTES),
      routesPlugin({ ping: database.ping, devIssuer, issuer: env.issuer }),
      maxTokensPlugin({ n: env.MAX_QUERY_TOKENS }),
      maxDepthPlugin({ n: env.MAX_QUERY_DEPTH, ignoreIntrospection: true, flattenFragments: true }),
      maxAliasesPlugin({ n: env.MAX_QUERY_ALIASES }),
    ],
    context: async ({ request }) => {
      let actor: Actor;
      try {
        actor = await verifier.actorFor(request.headers.get('authorization'));
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        throw new GraphQLError(error.message, {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } } },
        });
      }
      const given = request.headers.get('x-request-id');
      const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
      const meta = metaFor(actor, requestId);
      return { actor, requestId, db, env, meta, loaders: createLoaders(db, registry, meta) };
    },
  });
  return { yoga, devIssuer };
}
