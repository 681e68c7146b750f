// MedicationStatement + MedicationRequest (intent "plan" = the authorisation, intent "order" = each
// issue) + Medication -> Medication with its issues.
import type { Medication, MedicationIssue } from '../../domain/clinical-record.js';
import { extension, extensions, fhirDate, firstDate, notesOf, num, obj, objects, pick, str, type BundleIndex, type Resource } from './fhir.js';
import { clinicalCode, idOf, personOrWarn, quantityOf, resolveOrWarn, type ItemMapper, type MapContext } from './map-context.js';

const PRESCRIPTION_TYPES: Record<string, Medication['prescriptionType']> = {
  acute: 'ACUTE',
  'acute-handwritten': 'ACUTE',
  repeat: 'REPEAT',
  'repeat-dispensing': 'REPEAT_DISPENSED',
};

const STATUSES: Record<string, Medication['status']> = {
  active: 'ACTIVE',
  intended: 'ACTIVE',
  'on-hold': 'ACTIVE',
  completed: 'COMPLETED',
  stopped: 'STOPPED',
};

/** Orders (issues) of each plan, computed once per bundle. */
const ordersByPlan = new WeakMap<BundleIndex, Map<string, Resource[]>>();

function ordersOf(index: BundleIndex, planId: string): Resource[] {
  let byPlan = ordersByPlan.get(index);
  if (!byPlan) {
    byPlan = new Map();
    for (const order of index.ofType('MedicationRequest').filter((r) => r.intent === 'order')) {
      for (const basedOn of objects(order.basedOn)) {
        const plan = index.resolve(basedOn);
        const id = str(plan?.id);
        if (id) byPlan.set(id, [...(byPlan.get(id) ?? []), order]);
      }
    }
    ordersByPlan.set(index, byPlan);
  }
  return byPlan.get(planId) ?? [];
}

/** "28 capsule(s)": the quantity value with GP Connect's quantity-text extension. */
function quantityText(request: Resource | undefined): string | null {
  const quantity = obj(obj(request?.dispenseRequest)?.quantity);
  if (!quantity) return null;
  const value = num(quantity.value);
  const text = str(extension(quantity, 'MedicationQuantityText')?.valueString) ?? str(quantity.unit);
  const parts = [value === undefined ? undefined : String(value), text].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join(' ') : null;
}

function issuesOf(plan: Resource | undefined, ctx: MapContext): MedicationIssue[] {
  const planId = str(plan?.id);
  if (!planId) return [];
  const issues = ordersOf(ctx.index, planId)
    .map((order) => ({ order, issueDate: firstDate(order.authoredOn, obj(order.dispenseRequest)?.validityPeriod) }))
    .filter((o): o is { order: Resource; issueDate: string } => o.issueDate !== null)
    .sort((a, b) => a.issueDate.localeCompare(b.issueDate));
  // GP Connect does not number issues; their order by issue date is the issue number.
  return issues.map(({ order, issueDate }, n) => ({ id: idOf(order), issueDate, quantityText: quantityText(order), issueNumber: n + 1 }));
}

function medicationCode(resource: Resource | undefined, ctx: MapContext) {
  if (!resource) return null;
  const medication = resolveOrWarn(resource.medicationReference, ctx, 'medication');
  return clinicalCode(medication?.code) ?? clinicalCode(resource.medicationCodeableConcept);
}

/** A sub-extension of GP Connect's MedicationRepeatInformation extension. */
function repeatInformation(plan: Resource | undefined, name: string): unknown {
  const part = objects(extension(plan, 'MedicationRepeatInformation')?.extension).find((e) => e.url === name);
  return part?.valuePositiveInt ?? part?.valueUnsignedInt ?? part?.valueInteger ?? part?.valueDateTime ?? part?.valueDate;
}

export const medicationMapper: ItemMapper<'MEDICATIONS'> = {
  types: ['MedicationStatement'],
  map(statement, ctx): Medication | null {
    const plan = resolveOrWarn(objects(statement.basedOn)[0] ?? statement.basedOn, ctx, 'authorisation (MedicationRequest)');
    // The drug is warned about once: the statement's reference, else the plan's.
    const medication = medicationCode(statement, ctx) ?? medicationCode(plan, { ...ctx, warn: undefined });
    if (!medication) return null;
    const typeCode = extensions(plan, 'PrescriptionType')
      .flatMap((e) => objects(obj(e.valueCodeableConcept)?.coding))
      .map((c) => str(c.code))
      .find((c) => c !== undefined);
    const dosage = objects(statement.dosage)[0] ?? objects(plan?.dosageInstruction)[0];
    const period = obj(statement.effectivePeriod);
    const issues = issuesOf(plan, ctx);
    const lastIssue = extension(statement, 'LastIssueDate')?.valueDateTime;
    return {
      id: idOf(statement),
      medication,
      dosageText: str(dosage?.text) ?? null,
      quantityText: quantityText(plan),
      prescriptionType: pick(PRESCRIPTION_TYPES, typeCode) ?? 'OTHER',
      status: pick(STATUSES, statement.status) ?? 'ACTIVE',
      startDate: firstDate(statement.effectiveDateTime, period, plan?.authoredOn),
      endDate: firstDate(period?.end),
      issues,
      prescriber: personOrWarn(obj(plan?.requester)?.agent, ctx, 'prescriber') ?? personOrWarn(plan?.recorder, ctx, 'prescriber'),
      patientInstructions: str(dosage?.patientInstruction) ?? null,
      // GP Connect carries notes for the pharmacy on the authorisation (MedicationRequest.note).
      pharmacyNotes: notesOf(plan),
      repeatsAllowed: num(repeatInformation(plan, 'numberOfRepeatPrescriptionsAllowed')) ?? num(obj(plan?.dispenseRequest)?.numberOfRepeatsAllowed) ?? null,
      repeatsIssued: num(repeatInformation(plan, 'numberOfRepeatPrescriptionsIssued')) ?? null,
      supplyDuration: quantityOf(obj(plan?.dispenseRequest)?.expectedSupplyDuration),
      reviewDate: fhirDate(repeatInformation(plan, 'authorisationExpiryDate')),
      lastIssueDate: fhirDate(lastIssue) ?? issues.at(-1)?.issueDate ?? null,
    };
  },
};
