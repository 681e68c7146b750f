// npm start: open the database (migrating it), seed the sandbox when empty, and listen.
import { createServer } from 'node:http';
import { createApp } from './app.js';
import { openDatabase } from './db/client.js';
import { EnvError, loadEnv } from './env.js';
import { progressReporter } from './seed/progress.js';
import { seedSandbox } from './seed/seed.js';
import { gpConnectConnector, gpConnectOptionsFromEnv } from './systems/gp-connect/connector.js';

async function main() {
  const env = loadEnv();
  const database = await openDatabase({ url: env.DATABASE_URL, migrationUrl: env.DATABASE_MIGRATION_URL, dataDir: env.DATA_DIR });
  console.log(database.kind === 'pglite' ? `database: embedded PGlite in ${env.DATA_DIR}/` : 'database: PostgreSQL (DATABASE_URL)');
  if (env.SEED_ON_START) {
    const result = await seedSandbox(database.db, { seed: env.SEED, patients: env.SEED_PATIENTS, onProgress: progressReporter(env.SEED_PATIENTS) });
    console.log(`sandbox: ${result.patients} synthetic patients in ${result.practices} practices${result.skipped ? ' (already seeded)' : ' (seeded now)'}`);
  }
  const gpConnect = gpConnectOptionsFromEnv(
    env,
    env.GP_CONNECT_ORGANISATION_ODS ? { odsCode: env.GP_CONNECT_ORGANISATION_ODS, name: env.GP_CONNECT_ORGANISATION_NAME } : undefined,
  );
  const app = await createApp({ env, database, connectors: gpConnect ? [gpConnectConnector(gpConnect)] : [] });
  if (gpConnect) console.log(`GP Connect: enabled (ASID ${gpConnect.asid})`);
  const { yoga } = app;
  // A first checkpoint now (a long trail is walked once, in the background), then one per interval.
  void app.auditIntegrity.checkpointNow().then((c) => c && console.log(`audit: checkpoint signed at seq ${c.seq} (key ${c.keyId})`));
  const server = createServer(yoga);
  server.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    console.log(`GraphQL API and GraphiQL: http://${env.HOST}:${port}/graphql`);
    if (env.AUTH_MODE === 'dev') console.log('development tokens: npm run token -- developer   (or reviewer, clinician.Z91001, admin.Z91001)');
  });
  const stop = () => {
    server.close();
    void app
      .close()
      .then(() => database.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(1);
});
