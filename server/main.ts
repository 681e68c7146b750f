// npm start: lock the data folder and bind the port (so a second instance stops before it touches
// anything), then open the database (migrating it), seed the sandbox when empty, and serve.
import { createApp, type App } from './http/app.js';
import { openDatabase, type Database } from './db/client.js';
import { EnvError, loadEnv, type Env } from './env.js';
import { progressReporter } from './seed/progress.js';
import { seedSandbox } from './seed/seed.js';
import { bindPort, describeStartupFailure, lockDataDir } from './startup.js';
import { gpConnectConnector, gpConnectOptionsFromEnv } from './systems/gp-connect/connector.js';

let env: Env | undefined;

async function main() {
  env = loadEnv();
  const config = env;
  const unlock = config.DATABASE_URL
    ? async () => {}
    : await lockDataDir(config.DATA_DIR, (error) => {
        // Someone else may now think the folder is free: stop writing to it rather than share it.
        console.error(`The lock on DATA_DIR ${config.DATA_DIR} was lost (${error.message}); stopping so two servers never share it.`);
        process.exit(1);
      });
  const listener = await bindPort(config.PORT, config.HOST);
  const opened: { database?: Database; app?: App } = {};
  const stop = () => {
    listener.server.close();
    void (async () => {
      await opened.app?.close();
      await opened.database?.close();
      await unlock().catch(() => undefined);
    })().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const database = await openDatabase({ url: config.DATABASE_URL, migrationUrl: config.DATABASE_MIGRATION_URL, dataDir: config.DATA_DIR });
  opened.database = database;
  console.log(database.kind === 'pglite' ? `database: embedded PGlite in ${config.DATA_DIR}/` : 'database: PostgreSQL (DATABASE_URL)');
  if (config.SEED_ON_START) {
    const result = await seedSandbox(database.db, { seed: config.SEED, patients: config.SEED_PATIENTS, onProgress: progressReporter(config.SEED_PATIENTS) });
    console.log(`sandbox: ${result.patients} synthetic patients in ${result.practices} practices${result.skipped ? ' (already seeded)' : ' (seeded now)'}`);
  }
  const gpConnect = gpConnectOptionsFromEnv(
    config,
    config.GP_CONNECT_ORGANISATION_ODS ? { odsCode: config.GP_CONNECT_ORGANISATION_ODS, name: config.GP_CONNECT_ORGANISATION_NAME } : undefined,
  );
  const app = await createApp({ env: config, database, connectors: gpConnect ? [gpConnectConnector(gpConnect)] : [] });
  opened.app = app;
  if (gpConnect) console.log(`GP Connect: enabled (ASID ${gpConnect.asid})`);
  listener.serve(app.yoga);
  // A first checkpoint now (a long trail is walked once, in the background), then one per interval.
  void app.auditIntegrity.checkpointNow().then((c) => c && console.log(`audit: checkpoint signed at seq ${c.seq} (key ${c.keyId})`));
  console.log(`GraphQL API and GraphiQL: http://${config.HOST}:${listener.port}/graphql`);
  if (config.AUTH_MODE === 'dev') console.log('development tokens: npm run token -- developer   (or reviewer, clinician.Z91001, admin.Z91001)');
}

main().catch((error: unknown) => {
  const line =
    error instanceof EnvError ? error.message : describeStartupFailure(error, { databaseUrl: env?.DATABASE_URL, debug: env?.LOG_LEVEL === 'debug' });
  console.error(line);
  process.exit(1);
});
