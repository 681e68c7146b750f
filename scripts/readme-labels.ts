// Writes the README's "Plain-English names" section from server/console/labels.ts; with --check,
// only says whether it is stale (exit 1), as check:generated runs it.
import { readFileSync, writeFileSync } from 'node:fs';
import { spliceLabels } from '../server/console/labels-markdown.js';

const path = new URL('../README.md', import.meta.url);
const current = readFileSync(path, 'utf8');
const wanted = spliceLabels(current);
if (process.argv.includes('--check')) {
  if (wanted !== current) {
    console.error('README.md\'s plain-English names are stale; run "npm run readme:labels" and commit.');
    process.exit(1);
  }
  console.log('README.md\'s plain-English names are up to date');
} else if (wanted !== current) {
  writeFileSync(path, wanted);
  console.log('README.md\'s plain-English names rewritten');
}
