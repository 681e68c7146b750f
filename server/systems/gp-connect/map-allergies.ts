// AllergyIntolerance (CareConnect-GPC-AllergyIntolerance-1) -> Allergy, or a "no known allergy"
// assertion, which is a section-level fact and never an allergy.
import type { Allergy, AllergyReaction } from '../../domain/clinical-record.js';
import type { RecordAssertion } from '../../domain/sections.js';
import { extension, fhirDate, firstDate, list, notesOf, obj, objects, pick, str, type Resource } from './fhir.js';
import { clinicalCode, idOf, personOrWarn, type ItemMapper } from './map-context.js';

const SEVERITIES: Record<string, AllergyReaction['severity']> = { mild: 'MILD', moderate: 'MODERATE', severe: 'SEVERE' };
const CATEGORIES: Record<string, Allergy['category']> = { medication: 'MEDICATION', food: 'FOOD', environment: 'ENVIRONMENT', biologic: 'OTHER' };
const CRITICALITIES: Record<string, Allergy['criticality']> = { low: 'LOW', high: 'HIGH', 'unable-to-assess': 'UNABLE_TO_ASSESS' };
const VERIFICATION: Record<string, Allergy['verificationStatus']> = {
  unconfirmed: 'UNCONFIRMED',
  confirmed: 'CONFIRMED',
  refuted: 'REFUTED',
  'entered-in-error': 'ENTERED_IN_ERROR',
};
const TYPES: Record<string, Allergy['type']> = { allergy: 'ALLERGY', intolerance: 'INTOLERANCE' };

/**
 * SNOMED CT concepts that assert absence ("no known allergy" and its kin). GP Connect sends them as
 * AllergyIntolerance resources; counted as allergies they would invert their meaning.
 */
export const NO_KNOWN_ALLERGY_CODES = new Set([
  '716186003', // No known allergy
  '409137002', // No known drug allergy
  '428607008', // No known environmental allergy
  '429625007', // No known food allergy
  '428197003', // No known insect allergy
  '1066261000000101', // No known drug allergy (UK extension, historical)
]);

function reactionOf(reaction: Resource): AllergyReaction {
  const manifestation = objects(reaction.manifestation)[0];
  return {
    manifestation: clinicalCode(manifestation),
    severity: pick(SEVERITIES, reaction.severity) ?? null,
    // The clinician's own words, when they differ from the coded manifestation.
    description: str(reaction.description) ?? str(manifestation?.text) ?? null,
  };
}

export const allergyMapper: ItemMapper<'ALLERGIES'> = {
  types: ['AllergyIntolerance'],
  assertion(resource): RecordAssertion | null {
    if (resource.resourceType !== 'AllergyIntolerance') return null;
    const code = clinicalCode(resource.code);
    const codes = objects(obj(resource.code)?.coding).map((c) => str(c.code)?.trim());
    if (!code || !codes.some((c) => c !== undefined && NO_KNOWN_ALLERGY_CODES.has(c))) return null;
    return { id: idOf(resource), kind: 'NO_KNOWN', code, date: fhirDate(resource.assertedDate), note: notesOf(resource) };
  },
  map(resource, ctx): Allergy | null {
    const code = clinicalCode(resource.code);
    if (!code) return null;
    const status = str(resource.clinicalStatus);
    const category = list(resource.category).find((c): c is string => typeof c === 'string');
    const ended = extension(resource, 'AllergyIntoleranceEnd');
    return {
      id: idOf(resource),
      code,
      clinicalStatus: status === 'resolved' || status === 'inactive' || ended ? 'RESOLVED' : 'ACTIVE',
      category: category === undefined ? null : (pick(CATEGORIES, category) ?? 'OTHER'),
      criticality: pick(CRITICALITIES, resource.criticality) ?? null,
      verificationStatus: pick(VERIFICATION, resource.verificationStatus) ?? null,
      type: pick(TYPES, resource.type) ?? null,
      onsetDate: firstDate(resource.onsetDateTime, resource.onsetPeriod),
      assertedDate: fhirDate(resource.assertedDate),
      lastOccurrence: fhirDate(resource.lastOccurrence),
      endDate: fhirDate(objects(ended?.extension).find((e) => e.url === 'endDate')?.valueDateTime),
      reactions: objects(resource.reaction).map(reactionOf),
      note: notesOf(resource),
      recorder: personOrWarn(resource.recorder, ctx, 'recorder') ?? personOrWarn(obj(resource.asserter), ctx, 'asserter'),
    };
  },
};
