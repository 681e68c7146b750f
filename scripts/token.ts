// npm run token -- <person>: prints a development bearer token for a seeded person, issued by the
// running server's development issuer (it holds the signing key in its database).
import { loadEnv } from '../server/env.js';

const env = loadEnv();
const person = process.argv[2];
if (!person) {
  console.error('usage: npm run token -- <person>   e.g. developer, reviewer, clinician.Z91001, admin.Z91001');
  process.exit(2);
}
const base = env.publicUrl.replace('//0.0.0.0', '//127.0.0.1');
try {
  const response = await fetch(`${base}/dev-issuer/token?person=${encodeURIComponent(person)}`);
  const body = (await response.json()) as { access_token?: string; error?: string };
  if (!response.ok || !body.access_token) {
    console.error(body.error ?? `the server answered ${response.status}`);
    process.exit(1);
  }
  console.log(body.access_token);
} catch {
  console.error(`No server at ${base}. Start it first with: npm start`);
  process.exit(1);
}
