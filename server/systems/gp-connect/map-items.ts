// Problems (Condition), immunisations (Immunization), referrals (ReferralRequest), uncategorised data
// (Observation) and diary entries (ProcedureRequest).
import type { DiaryEntry, Immunisation, Observation, Problem, Referral } from '../../domain/clinical-record.js';
import { codingOf, conceptText, extension, fhirDate, firstDate, notesOf, num, obj, objects, pick, str } from './fhir.js';
import { clinicalCode, idOf, type ItemMapper } from './map-context.js';

export const problemMapper: ItemMapper<'PROBLEMS'> = {
  types: ['Condition'],
  map(condition): Problem | null {
    const code = clinicalCode(condition.code);
    if (!code) return null;
    const significance = str(extension(condition, 'ProblemSignificance')?.valueCode);
    return {
      id: idOf(condition),
      code,
      status: condition.clinicalStatus === 'active' || condition.clinicalStatus === 'recurrence' ? 'ACTIVE' : 'INACTIVE',
      significance: significance === 'major' ? 'MAJOR' : significance === 'minor' ? 'MINOR' : null,
      onsetDate: firstDate(condition.onsetDateTime, condition.onsetPeriod),
      endDate: firstDate(condition.abatementDateTime, condition.abatementPeriod),
      note: notesOf(condition),
    };
  },
};

const isNullFlavor = (system: string) => /NullFlavor/i.test(system);

export const immunisationMapper: ItemMapper<'IMMUNISATIONS'> = {
  types: ['Immunization'],
  map(immunization): Immunisation | null {
    // GP Connect records the clinical term in the vaccination-procedure extension and sends the
    // product in vaccineCode, often as the "UNK" null flavour; then the procedure names the vaccine.
    const product = clinicalCode(immunization.vaccineCode);
    const procedure = clinicalCode(extension(immunization, 'VaccinationProcedure')?.valueCodeableConcept);
    const vaccine = product && !isNullFlavor(product.system) ? product : (procedure ?? product);
    if (!vaccine) return null;
    const protocol = objects(immunization.vaccinationProtocol)[0];
    const explanation = obj(immunization.explanation);
    return {
      id: idOf(immunization),
      vaccine,
      date: fhirDate(immunization.date),
      given: immunization.notGiven !== true,
      doseSequence: num(protocol?.doseSequence) ?? null,
      reasonNotGiven: codingOf(objects(explanation?.reasonNotGiven)[0]),
      note: notesOf(immunization),
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
      components: objects(observation.component).flatMap((c) => {
        const componentCode = clinicalCode(c.code);
        const q = obj(c.valueQuantity);
        return componentCode ? [{ code: componentCode, value: num(q?.value) ?? null, unit: str(q?.unit) ?? str(q?.code) ?? null }] : [];
      }),
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
