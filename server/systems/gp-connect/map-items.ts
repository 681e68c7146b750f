// Problems (Condition), referrals (ReferralRequest), uncategorised data
// (Observation) and diary entries (ProcedureRequest).
import type { DiaryEntry, Observation, Problem, ProblemRelation, Referral } from '../../domain/clinical-record.js';
import { conceptText, extension, extensions, fhirDate, firstDate, notesOf, num, obj, objects, pick, str } from './fhir.js';
import { clinicalCode, componentsOf, idOf, linkOf, type ItemMapper } from './map-context.js';

const RELATIONS: Record<string, ProblemRelation['type']> = { parent: 'PARENT', child: 'CHILD', sibling: 'SIBLING' };

export const problemMapper: ItemMapper<'PROBLEMS'> = {
  types: ['Condition'],
  map(condition, ctx): Problem | null {
    const code = clinicalCode(condition.code);
    if (!code) return null;
    const significance = str(extension(condition, 'ProblemSignificance')?.valueCode);
    // A related problem header may be absent because of the request's filters, so no warning for it.
    const relatedProblems = extensions(condition, 'RelatedProblemHeader').flatMap((e) => {
      const parts = objects(e.extension);
      const type = pick(RELATIONS, parts.find((p) => p.url === 'type')?.valueCode);
      const link = linkOf(parts.find((p) => p.url === 'target')?.valueReference, ctx);
      return type && link ? [{ type, problemId: link.id }] : [];
    });
    const linkedItems = extensions(condition, 'RelatedClinicalContent').flatMap((e) => {
      const link = linkOf(e.valueReference, ctx);
      return link ? [link] : [];
    });
    return {
      id: idOf(condition),
      code,
      status: condition.clinicalStatus === 'active' || condition.clinicalStatus === 'recurrence' ? 'ACTIVE' : 'INACTIVE',
      significance: significance === 'major' ? 'MAJOR' : significance === 'minor' ? 'MINOR' : null,
      onsetDate: firstDate(condition.onsetDateTime, condition.onsetPeriod),
      endDate: firstDate(condition.abatementDateTime, condition.abatementPeriod),
      note: notesOf(condition),
      relatedProblems,
      linkedItems,
    };
  },
};

const PRIORITIES: Record<string, Referral['priority']> = { routine: 'ROUTINE', urgent: 'URGENT', asap: 'URGENT', stat: 'URGENT' };

export const referralMapper: ItemMapper<'REFERRALS'> = {
  types: ['ReferralRequest'],
  map(referral, ctx): Referral | null {
    const recipient = objects(referral.recipient)[0];
    return {
      id: idOf(referral),
      date: fhirDate(referral.authoredOn),
      reason: clinicalCode(objects(referral.reasonCode)[0]),
      specialty: conceptText(referral.specialty),
      priority: pick(PRIORITIES, referral.priority) ?? 'UNKNOWN',
      status: str(referral.status) ?? null,
      recipient: str(recipient?.display) ?? ctx.index.person(recipient, ctx.list)?.name ?? null,
      note: str(referral.description) ?? notesOf(referral),
    };
  },
};

export const observationMapper: ItemMapper<'UNCATEGORISED'> = {
  types: ['Observation'],
  map(observation): Observation | null {
    const code = clinicalCode(observation.code);
    if (!code) return null;
    const quantity = obj(observation.valueQuantity);
    return {
      id: idOf(observation),
      date: firstDate(observation.effectiveDateTime, observation.effectivePeriod, observation.issued),
      code,
      value: num(quantity?.value) ?? null,
      valueText: str(observation.valueString) ?? conceptText(observation.valueCodeableConcept),
      unit: str(quantity?.unit) ?? str(quantity?.code) ?? null,
      components: componentsOf(observation),
    };
  },
};

export const diaryMapper: ItemMapper<'DIARY_ENTRIES'> = {
  types: ['ProcedureRequest'],
  map(request): DiaryEntry | null {
    const code = clinicalCode(request.code);
    if (!code) return null;
    return {
      id: idOf(request),
      // occurrenceDateTime / occurrencePeriod; the published example writes a bare `occurrence`.
      plannedDate: firstDate(request.occurrenceDateTime, request.occurrencePeriod, request.occurrence),
      code,
      status: str(request.status) ?? null,
      note: notesOf(request),
    };
  },
};
