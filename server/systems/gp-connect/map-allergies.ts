// AllergyIntolerance (CareConnect-GPC-AllergyIntolerance-1) -> Allergy.
import type { Allergy, AllergyReaction } from '../../domain/clinical-record.js';
import { extension, fhirDate, firstDate, list, notesOf, obj, objects, pick, str, type Resource } from './fhir.js';
import { clinicalCode, idOf, type ItemMapper } from './map-context.js';

const SEVERITIES: Record<string, AllergyReaction['severity']> = { mild: 'MILD', moderate: 'MODERATE', severe: 'SEVERE' };
const CATEGORIES: Record<string, Allergy['category']> = { medication: 'MEDICATION', food: 'FOOD', environment: 'ENVIRONMENT', biologic: 'OTHER' };

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
      onsetDate: firstDate(resource.onsetDateTime, resource.onsetPeriod),
      assertedDate: fhirDate(resource.assertedDate),
      endDate: fhirDate(objects(ended?.extension).find((e) => e.url === 'endDate')?.valueDateTime),
      reactions: objects(resource.reaction).map(reactionOf),
      note: notesOf(resource),
      recorder: ctx.index.person(resource.recorder, ctx.list) ?? ctx.index.person(obj(resource.asserter), ctx.list),
    };
  },
};
