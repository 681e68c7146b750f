// Benchmark peer (child process): PostGraphile v5 serving the same sandbox tables on the same
// PostgreSQL, so every benchmark run can say how we compare with a well-known generated GraphQL API.
// It has no authentication, no permission checks, no audit and no section statuses: it answers
// what the tables hold. The sandbox tables carry no foreign keys, so the relations PostGraphile
// needs (patient -> section rows) are declared here as smart tags, not in the database.
// Queries: bench/queries.ts.
import './node20-promise-resolvers.js';
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { jsonPgSmartTags } from 'postgraphile/utils';
import { loadEnv } from '../server/env.js';

/** Each section table and the date column our API orders it by (newest first; diary soonest first). */
const SECTION_ORDER: Record<string, string> = {
  allergies: 'asserted_date', medications: 'start_date', problems: 'onset_date', immunisations: 'date', consultations: 'date',
  investigations: 'date', referrals: 'date', observations: 'date', diary_entries: 'planned_date',
};

const env = loadEnv();
if (!env.DATABASE_URL) throw new Error('the PostGraphile benchmark server needs DATABASE_URL');

const relations = jsonPgSmartTags({
  version: 1,
  config: {
    class: Object.fromEntries(
      Object.entries(SECTION_ORDER).map(([table, date]) => [
        `sandbox.${table}`,
        {
          tags: { foreignKey: '(nhs_number) references sandbox.patients (nhs_number)' },
          // PostGraphile orders only by indexed columns unless told; order as our API does.
          attribute: { [date]: { tags: { behavior: '+orderBy' } } },
        },
      ]),
    ),
  },
});

const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  plugins: [relations],
  // Same pool size as the API's benchmark server.
  pgServices: [makePgService({ connectionString: env.DATABASE_URL, schemas: ['sandbox'], poolConfig: { max: 10 } })],
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: { explain: false },
});

const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});

process.once('SIGTERM', () => {
  server.close();
  server.closeIdleConnections();
  const stopped = Promise.resolve(serv.release()).then(() => pgl.release());
  const deadline = new Promise((resolve) => setTimeout(resolve, 5000).unref());
  void Promise.race([stopped, deadline]).finally(() => process.exit(0));
});
