// npm run seed [-- --patients N]: seeds the sandbox estate into the configured database.
import { loadEnv } from '../server/env.js';
import { openDatabase } from '../server/db/client.js';
import { seedSandbox } from '../server/seed/seed.js';
import { progressReporter } from '../server/seed/progress.js';

const env = loadEnv();
const flag = process.argv.indexOf('--patients');
const patients = flag >= 0 ? Number(process.argv[flag + 1]) : env.SEED_PATIENTS;
if (!Number.isInteger(patients) || patients < 0) {
  console.error('--patients must be a whole number');
  process.exit(2);
}
const database = await openDatabase({ url: env.DATABASE_URL, migrationUrl: env.DATABASE_MIGRATION_URL, dataDir: env.DATA_DIR });
const started = Date.now();
const result = await seedSandbox(database.db, { seed: env.SEED, patients, onProgress: progressReporter(patients) });
console.log(
  result.skipped
    ? `sandbox already seeded (${result.patients} patients, ${result.practices} practices)`
    : `seeded ${result.patients} patients in ${result.practices} practices in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
await database.close();
