// A dispatcher alone in its own process, handing each event to a receiver over HTTP, so a test can
// kill -9 it mid-run. argv: <receiver url> <lease ms>. DATABASE_URL names the database.
import { openDatabase } from '../../../server/db/client.js';
import { loadEnv } from '../../../server/env.js';
import { createDispatcher } from '../../../server/events/dispatcher.js';

const [receiverUrl, leaseMs] = process.argv.slice(2);
const env = loadEnv();
const database = await openDatabase({ url: env.DATABASE_URL, maxConnections: 2 });
const dispatcher = createDispatcher({
  db: database.db,
  listen: database.listen,
  pollMs: 100,
  batchSize: 10,
  leaseMs: Number(leaseMs),
  handlers: [
    async (event) => {
      const response = await fetch(receiverUrl!, { method: 'POST', body: event.id });
      if (!response.ok) throw new Error(`receiver answered ${response.status}`);
    },
  ],
});
await dispatcher.start();
console.log('dispatching');
