// Prints, per published structured-record example, what became of each section List's entries:
// items, section-level assertions or warnings. Run: npx tsx test/gp-connect/support/print-accounting.ts
import { answersFromBundle } from '../../../server/systems/gp-connect/structured-record.js';
import { fixture, nhsNumberOf, STRUCTURED_EXAMPLES } from './fixtures.js';
import { ALL_ASKS, bundleResources, checkInvariant } from './list-accounting.js';

const rows: string[] = ['fixture | section | status | entries | items | assertions | warnings | violations'];
for (const name of Object.values(STRUCTURED_EXAMPLES)) {
  const bundle = fixture(name);
  const patient = bundleResources(bundle).find((r) => r.resourceType === 'Patient');
  const answers = answersFromBundle(bundle, (patient && nhsNumberOf(patient)) ?? '', ALL_ASKS);
  if (!Array.isArray(answers)) {
    rows.push(`${name} | refused: ${answers.code}`);
    continue;
  }
  const { violations, counts } = checkInvariant(bundle, answers);
  for (const c of counts) rows.push([name.replace('accessrecord_structured--', ''), c.section, c.status, c.entries, c.items, c.assertions, c.warnings, violations.length].join(' | '));
}
console.log(rows.join('\n'));
