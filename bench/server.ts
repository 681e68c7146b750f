// Benchmark server (child process): the real API and the hand-written baseline on one node:http
// server, so both go through the same HTTP stack and the same PostgreSQL.
import { createServer } from 'node:http';
import postgres from 'postgres';
import { createApp } from '../server/app.js';
import { openDatabase } from '../server/db/client.js';
import { loadEnv } from '../server/env.js';
import { baselineRecord } from './baseline-record.js';

const env = loadEnv();
if (!env.DATABASE_URL) throw new Error('the benchmark server needs DATABASE_URL');
const database = await openDatabase({ url: env.DATABASE_URL, maxConnections: 10 });
const sql = postgres(env.DATABASE_URL, { max: 10, onnotice: () => {} });
const { yoga } = await createApp({ env, database });

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://bench');
  if (url.pathname !== '/baseline/record') return void yoga(req, res);
  baselineRecord(sql, url.searchParams.get('nhs') ?? '')
    .then((record) => {
      res.writeHead(record ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { patient: record } }));
    })
    .catch(() => {
      res.writeHead(500);
      res.end();
    });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});
process.on('SIGTERM', () => process.exit(0));
