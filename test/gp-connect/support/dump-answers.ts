import { answersFromBundle } from '../../../server/systems/gp-connect/structured-record.js';
import { fixture, nhsNumberOf, STRUCTURED_EXAMPLES } from './fixtures.js';
import { ALL_ASKS, bundleResources } from './list-accounting.js';
const name = process.argv[2]!;
const bundle = fixture(STRUCTURED_EXAMPLES[name]!);
const patient = bundleResources(bundle).find((r) => r.resourceType === 'Patient');
const answers = answersFromBundle(bundle, (patient && nhsNumberOf(patient)) ?? '', ALL_ASKS);
console.log(JSON.stringify((answers as unknown[]).filter((a) => (a as { status: string }).status !== 'NOT_SUPPLIED'), null, 1));
