// Fails when schema.graphql, the SDK's generated code or the README's plain-English names no longer
// match the source.
import { execFileSync } from 'node:child_process';

execFileSync('npm', ['run', '--silent', 'codegen'], { stdio: 'inherit' });
const stale = execFileSync('git', ['status', '--porcelain', '--', 'schema.graphql', 'sdk/generated'], { encoding: 'utf8' }).trim();
if (stale) {
  console.error(`Generated files are stale; run "npm run codegen" and commit:\n${stale}`);
  process.exit(1);
}
console.log('schema.graphql and sdk/generated are up to date');
try {
  execFileSync('npm', ['run', '--silent', 'readme:labels', '--', '--check'], { stdio: 'inherit' });
} catch {
  process.exit(1); // the check printed why
}
