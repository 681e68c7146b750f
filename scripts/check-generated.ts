// Fails when schema.graphql or the SDK's generated code no longer matches the source.
import { execFileSync } from 'node:child_process';

execFileSync('npm', ['run', '--silent', 'codegen'], { stdio: 'inherit' });
const stale = execFileSync('git', ['status', '--porcelain', '--', 'schema.graphql', 'sdk/generated'], { encoding: 'utf8' }).trim();
if (stale) {
  console.error(`Generated files are stale; run "npm run codegen" and commit:\n${stale}`);
  process.exit(1);
}
console.log('schema.graphql and sdk/generated are up to date');
