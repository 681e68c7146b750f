// The only module that reads process.env: everything else receives a parsed Env.
import { join } from 'node:path';
import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Unset: embedded PGlite in DATA_DIR. Set: a real PostgreSQL. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  /** Sandbox data set generated on start when the database has none. */
  SEED_ON_START: booleanFlag.default(true),
  SEED: z.coerce.number().int().min(0).default(20261122),
  SEED_PATIENTS: z.coerce.number().int().min(0).max(5_000_000).default(400),
  /** Development issuer: the server signs tokens for seeded people (never in production). */
  AUTH_MODE: z.enum(['dev', 'oidc']).default('dev'),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_JWKS_URL: z.string().url().optional(),
  OIDC_AUDIENCE: z.string().min(1).default('gp-open-integration'),
  /** The console's client at the OpenID provider (AUTH_MODE=oidc): authorization code with PKCE. */
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** Only for a confidential client; a public client relies on PKCE alone. */
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** Scopes the console asks the provider for (its access token must be one this API accepts). */
  OIDC_SCOPES: z.string().min(1).default('openid profile'),
  /** How long a console sign-in lasts (never longer than the person's token). */
  CONSOLE_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(8 * 3600),
  PUBLIC_URL: z.string().url().optional(),
  /** 'silent' logs nothing (the test suite's in-process servers, whose failures are expected). */
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Repeated query documents run compiled (graphql-jit); false keeps every request on the standard executor. */
  COMPILED_QUERIES: booleanFlag.default(true),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(50).default(12),
  MAX_QUERY_ALIASES: z.coerce.number().int().min(1).max(200).default(30),
  MAX_QUERY_TOKENS: z.coerce.number().int().min(50).max(100_000).default(3000),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(100_000),
  /**
   * Body cap for requests whose bearer token verifies, so a 5 MB document (about 7 MB as base64)
   * fits; requests without one, or with one that does not verify, keep MAX_BODY_BYTES.
   */
  MAX_AUTHENTICATED_BODY_BYTES: z.coerce.number().int().min(1024).default(7_400_000),
  /** Our ASID (Accredited System ID) on Spine, sent as Ssp-From; GP Connect practices need it. */
  GP_CONNECT_ASID: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit ASID')
    .optional(),
  /** Overall budget for one GP Connect call, retries included. */
  GP_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** A provider answer larger than this is refused while it streams in. */
  /** The platform's own organisation, named in GP Connect requests made for callers without one. */
  GP_CONNECT_ORGANISATION_ODS: z.string().regex(/^[A-Z0-9]{3,10}$/, 'must be an ODS code').optional(),
  GP_CONNECT_ORGANISATION_NAME: z.string().min(1).default('GP Open Integration'),
  GP_CONNECT_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(5 * 1024 * 1024),
  /** How long a GP Connect provider's CapabilityStatement is trusted before it is read again. */
  GP_CONNECT_CAPABILITY_TTL_MS: z.coerce.number().int().min(0).max(7 * 86_400_000).default(3_600_000),
  /** Redis for shared rate-limit budgets across replicas; unset keeps budgets in memory. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  /** Cost budget per supplier app (leaky bucket): capacity in points and points restored per second. */
  RATE_LIMIT_CAPACITY: z.coerce.number().int().min(1).default(1000),
  RATE_LIMIT_RESTORE_PER_SECOND: z.coerce.number().min(0.001).default(50),
  /** The same for each person (developer, reviewer, practice user): larger, since people explore. */
  PERSON_RATE_LIMIT_CAPACITY: z.coerce.number().int().min(1).default(5000),
  PERSON_RATE_LIMIT_RESTORE_PER_SECOND: z.coerce.number().min(0.001).default(100),
  /**
   * The same for callers without a token, per client address: enough for GraphiQL, little more. Their
   * GraphQL requests and token requests (10 points each) draw on this one budget.
   */
  ANONYMOUS_RATE_LIMIT_CAPACITY: z.coerce.number().int().min(10, 'must be at least 10, the cost of one token request').default(300),
  ANONYMOUS_RATE_LIMIT_RESTORE_PER_SECOND: z.coerce.number().min(0.001).default(10),
  /**
   * Who may introspect the schema (`__schema`, `__type`): everyone, authenticated callers only, or
   * nobody. Unset: everyone in development and test, authenticated callers in production.
   */
  INTROSPECTION: z.enum(['on', 'authenticated', 'off']).optional(),
  /**
   * Browser origins allowed to call the API cross-origin (comma-separated, exact, e.g.
   * https://console.example.nhs.uk). None by default: browsers then refuse cross-origin reads.
   */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.string().refine(isOrigin, 'must be origins: scheme://host[:port], no path, comma-separated'))),
  /** Lifetime of access tokens issued to supplier apps at /oauth2/token. */
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  /** At most this many suppliers may be LIVE at once (NHS England's approved set). */
  /** Worker threads of the plugin sandbox pool (started on the first plugin run); default: one fewer than the cores, at least 1. */
  PLUGIN_THREADS: z.coerce.number().int().min(1).max(32).optional(),
  /** Nice value of the plugin pool's threads (Linux): plugin runs yield the CPU to the API; 0 leaves them at normal priority. */
  PLUGIN_NICENESS: z.coerce.number().int().min(0).max(19).default(10),
  /** Scheduled plugin triggers: every replica may tick; a claim row lets exactly one run each fire. */
  PLUGIN_SCHEDULER: z.enum(['on', 'off']).default('on'),
  MAX_LIVE_SUPPLIERS: z.coerce.number().int().min(1).default(20),
  /**
   * PostgreSQL only: the role that owns the tables and runs migrations. When set, the server migrates
   * with it, grants DATABASE_URL's role only what serving needs (on audit_events: SELECT and INSERT),
   * and serves as DATABASE_URL's role, which then cannot rewrite the audit trail.
   */
  DATABASE_MIGRATION_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** Ed25519 private key (PKCS#8 PEM; \n escapes allowed) signing audit checkpoints; unset: a key file under DATA_DIR. */
  AUDIT_CHECKPOINT_KEY: z.string().includes('PRIVATE KEY', { message: 'must be a PKCS#8 PEM private key' }).optional(),
  /** Where the checkpoint key is kept when AUDIT_CHECKPOINT_KEY is unset (created on first start). */
  AUDIT_CHECKPOINT_KEY_FILE: z.string().min(1).optional(),
  /** Append-only file of signed checkpoints (default DATA_DIR/audit-checkpoints.jsonl). */
  AUDIT_CHECKPOINT_FILE: z.string().min(1).optional(),
  /** Seconds between checkpoints: the longest a rewrite of the newest events can go unnoticed. */
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Each place keeps the latest this many checkpoints, and before them one per AUDIT_CHECKPOINT_ANCHOR_EVERY events. */
  AUDIT_CHECKPOINT_KEEP_LATEST: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  AUDIT_CHECKPOINT_ANCHOR_EVERY: z.coerce.number().int().min(1).default(100_000),
  /** Redis list the checkpoints are also published to, when REDIS_URL is set. */
  AUDIT_CHECKPOINT_REDIS_KEY: z.string().min(1).default('gpoi:audit:checkpoints'),
  /** Refusals of unauthenticated callers: rows per client address per window, then one counted summary row. */
  AUDIT_ANONYMOUS_ROWS_PER_WINDOW: z.coerce.number().int().min(1).max(10_000).default(20),
  AUDIT_ANONYMOUS_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Run the outbox dispatcher in this process (any number of replicas may run one). */
  EVENTS_DISPATCHER: booleanFlag.default(true),
  /** Outbox polling interval; LISTEN/NOTIFY wakes the dispatcher sooner, polling is the safety net. */
  EVENTS_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
  /** Prefix of the Redis channel that carries events to every replica's subscribers. */
  EVENTS_REDIS_PREFIX: z.string().min(1).max(100).default('gpoi:'),
  /** Webhook delivery: per-attempt timeout, attempts before a delivery fails, and the first retry delay (doubling, with jitter). */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(5_000),
  /** An endpoint failing this many deliveries in a row is disabled, with the reason, until its developer re-enables it. */
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(1000).default(20),
  /** The test suite's PostgreSQL (each test file creates and drops its own database there). */
  TEST_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .default('postgres://postgres@127.0.0.1:5432/test'),
  /** The test suite's Redis (rate-limit stores); unreachable means those tests are skipped, loudly. */
  TEST_REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
  /** Set to skip the PostgreSQL half of the test suite (it then says so loudly). */
  TEST_SKIP_POSTGRES: booleanFlag.default(false),
});

/** Issuer name of the development issuer; stable so tokens survive a port change. */
export const DEV_ISSUER = 'urn:gp-open-integration:dev-issuer';

export type IntrospectionPolicy = 'on' | 'authenticated' | 'off';

export type Env = Omit<z.infer<typeof EnvSchema>, 'INTROSPECTION'> & {
  publicUrl: string;
  issuer: string;
  INTROSPECTION: IntrospectionPolicy;
  auditCheckpointFile: string;
  auditCheckpointKeyFile: string;
};

export class EnvError extends Error {}

/** Settings that were removed: set, they would silently do nothing, so the server refuses to start and says what replaced them. */
const REMOVED: Record<string, string> = {
  ANONYMOUS_REQUESTS_PER_SECOND:
    'was removed: callers without a token have one cost budget per client address, ANONYMOUS_RATE_LIMIT_CAPACITY and ANONYMOUS_RATE_LIMIT_RESTORE_PER_SECOND (a GraphQL request costs its query cost, at least 1; a token request 10)',
};

/** Parses an environment (process.env by default) and fails with every problem listed. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const removed = Object.keys(REMOVED).filter((name) => name in cleaned);
  if (removed.length > 0) throw new EnvError(`Invalid configuration:\n${removed.map((name) => `  ${name}: ${REMOVED[name]}`).join('\n')}`);
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (env.AUTH_MODE === 'oidc' && (!env.OIDC_ISSUER || !env.OIDC_JWKS_URL)) {
    throw new EnvError('Invalid configuration:\n  AUTH_MODE=oidc needs OIDC_ISSUER and OIDC_JWKS_URL');
  }
  if (env.AUTH_MODE === 'dev' && env.NODE_ENV === 'production') {
    throw new EnvError('Invalid configuration:\n  AUTH_MODE=dev is refused when NODE_ENV=production');
  }
  const publicUrl = env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`;
  const introspection = env.INTROSPECTION ?? (env.NODE_ENV === 'production' ? 'authenticated' : 'on');
  if (env.DATABASE_MIGRATION_URL && !env.DATABASE_URL) {
    throw new EnvError('Invalid configuration:\n  DATABASE_MIGRATION_URL needs DATABASE_URL (the serving role)');
  }
  return {
    ...env,
    INTROSPECTION: introspection,
    publicUrl,
    issuer: env.OIDC_ISSUER ?? DEV_ISSUER,
    auditCheckpointFile: env.AUDIT_CHECKPOINT_FILE ?? join(env.DATA_DIR, 'audit-checkpoints.jsonl'),
    auditCheckpointKeyFile: env.AUDIT_CHECKPOINT_KEY_FILE ?? join(env.DATA_DIR, 'audit-checkpoint-key.pem'),
  };
}
