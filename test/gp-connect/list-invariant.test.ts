// The List invariant over the published examples and over bundles mutated from them: every entry
// of every section List becomes an item (or section-level assertion) or a warning naming it, and
// a section is NOTHING_RECORDED only when its List is empty and says why.
import { describe, expect, it } from 'vitest';
import { answersFromBundle } from '../../server/systems/gp-connect/structured-record.js';
import { ALL_ASKS, bundleResources, checkInvariant } from './support/list-accounting.js';
import { fixture, nhsNumberOf, STRUCTURED_EXAMPLES } from './support/fixtures.js';

type Json = Record<string, unknown>;
const FIXTURES = Object.values(STRUCTURED_EXAMPLES);

function answer(bundle: Json) {
  const patient = bundleResources(bundle).find((r) => r.resourceType === 'Patient');
  const answers = answersFromBundle(bundle, (patient && nhsNumberOf(patient)) ?? '9999999999', ALL_ASKS);
  if (!Array.isArray(answers)) throw new Error(`bundle refused: ${answers.code}`);
  return answers;
}

/** Small deterministic PRNG (mulberry32) so a failing case can be replayed by its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OTHER_TYPES = ['Basic', 'Flag', 'Observation', 'Condition', 'Immunization', 'AllergyIntolerance', 'MedicationStatement', 'Encounter', 'DiagnosticReport', 'ProcedureRequest', 'ReferralRequest', 'List'];

function mutate(bundle: Json, random: () => number): { bundle: Json; steps: string[] } {
  const copy = structuredClone(bundle);
  const steps: string[] = [];
  const pickOne = <T>(xs: T[]): T | undefined => xs[Math.floor(random() * xs.length)];
  const resources = () => bundleResources(copy);
  const sectionLists = () => resources().filter((r) => r.resourceType === 'List' && Array.isArray(r.entry));
  const listed = () =>
    sectionLists().flatMap((l) =>
      ((l.entry as Json[]) ?? []).flatMap((e) => {
        const ref = (e.item as Json | undefined)?.reference;
        const target = typeof ref === 'string' ? resources().find((r) => `${String(r.resourceType)}/${String(r.id)}` === ref) : undefined;
        return target ? [{ list: l, entry: e, target }] : [];
      }),
    );
  const rounds = 1 + Math.floor(random() * 3);
  for (let i = 0; i < rounds; i++) {
    const kind = Math.floor(random() * 6);
    if (kind === 0) {
      const victim = pickOne(listed())?.target ?? pickOne(resources().filter((r) => r.resourceType !== 'Patient' && r.resourceType !== 'List'));
      if (!victim) continue;
      copy.entry = (copy.entry as Json[]).filter((e) => ((e.resource as Json | undefined) ?? e) !== victim);
      steps.push(`removed ${String(victim.resourceType)}/${String(victim.id)}`);
    } else if (kind === 1) {
      const hit = pickOne(listed());
      const type = pickOne(OTHER_TYPES)!;
      if (!hit || hit.target.resourceType === type) continue;
      const old = `${String(hit.target.resourceType)}/${String(hit.target.id)}`;
      hit.target.resourceType = type;
      for (const l of sectionLists()) for (const e of l.entry as Json[]) if ((e.item as Json | undefined)?.reference === old) e.item = { reference: `${type}/${String(hit.target.id)}` };
      steps.push(`retyped ${old} as ${type}`);
    } else if (kind === 2) {
      const list = pickOne(sectionLists());
      if (!list) continue;
      const id = `unknown-${Math.floor(random() * 1e6)}`;
      (copy.entry as Json[]).push({ resource: { resourceType: 'Basic', id, code: { text: 'Something new' } } });
      (list.entry as Json[]).push({ item: { reference: `Basic/${id}` } });
      steps.push(`added Basic/${id}`);
    } else if (kind === 3) {
      const hit = pickOne(listed());
      if (!hit) continue;
      for (const key of ['code', 'vaccineCode', 'medicationReference', 'medicationCodeableConcept', 'result']) delete hit.target[key];
      steps.push(`stripped codes of ${String(hit.target.resourceType)}/${String(hit.target.id)}`);
    } else if (kind === 4) {
      const list = pickOne(sectionLists());
      if (!list) continue;
      (list.entry as Json[]).push({ item: { display: 'Some items are not supported by the provider system' } });
      steps.push('added a marker entry');
    } else {
      const list = pickOne(sectionLists());
      if (!list) continue;
      const reason = pickOne(['withheld', 'no-content-recorded'])!;
      list.entry = [];
      list.emptyReason = { coding: [{ system: 'http://hl7.org/fhir/list-empty-reason', code: reason }] };
      steps.push(`emptied a List (${reason})`);
    }
  }
  return { bundle: copy, steps };
}

describe('GP Connect List invariant', () => {
  it.each(FIXTURES)('holds for %s as published', (name) => {
    const bundle = fixture(name);
    const { violations, counts } = checkInvariant(bundle, answer(bundle));
    expect(violations).toEqual([]);
    // Every published example has at least one section with content.
    expect(counts.some((c) => c.entries > 0 && c.status !== 'NOTHING_RECORDED')).toBe(true);
  });

  it.each(FIXTURES)('holds for 150 mutations of %s', (name) => {
    const original = fixture(name);
    for (let seed = 1; seed <= 150; seed++) {
      const { bundle, steps } = mutate(original, prng(seed * 7919 + name.length));
      const { violations } = checkInvariant(bundle, answer(bundle));
      expect({ seed, steps, violations }).toEqual({ seed, steps, violations: [] });
    }
  });

  it('answers a withheld empty List WITHHELD and an empty List without a reason as unknown', () => {
    const bundle = fixture('accessrecord_structured--immunizations_response1.json');
    const list = bundleResources(bundle).find((r) => r.resourceType === 'List')!;
    list.entry = [];
    list.emptyReason = { coding: [{ system: 'http://hl7.org/fhir/list-empty-reason', code: 'withheld' }] };
    expect(answer(bundle)[3]).toMatchObject({ status: 'WITHHELD', items: [] });
    delete list.emptyReason;
    expect(answer(bundle)[3]).toMatchObject({ status: 'UNAVAILABLE', warnings: [{ code: 'EMPTY_WITHOUT_REASON' }] });
  });
});
