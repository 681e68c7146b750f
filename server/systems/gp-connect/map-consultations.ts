// Encounter + consultation List + topic Lists + heading Lists -> Consultation with entries.
// GP Connect shapes a consultation as: Consultations List -> Encounter; a consultation List for that
// Encounter -> topic Lists -> heading Lists (or items directly) -> clinical items.
import type { Consultation, ConsultationEntry } from '../../domain/clinical-record.js';
import { conceptText, firstDate, num, obj, objects, str, typeOf, type Resource } from './fhir.js';
import { idOf, type ItemMapper, type MapContext } from './map-context.js';

const PARTICIPANT_PRIORITY = ['PPRF', 'REC', 'ATND', 'PART'];
const MAX_ENTRIES = 500;

/** One readable line for a clinical item inside a consultation. */
export function describeItem(item: Resource, ctx: MapContext): string | null {
  const code = conceptText(item.code) ?? conceptText(item.vaccineCode) ?? conceptText(objects(item.reasonCode)[0]);
  switch (typeOf(item)) {
    case 'Observation': {
      const quantity = obj(item.valueQuantity);
      const value = num(quantity?.value);
      const shown = value !== undefined ? `${value}${str(quantity?.unit) ? ` ${str(quantity?.unit)}` : ''}` : (str(item.valueString) ?? conceptText(item.valueCodeableConcept));
      const comment = str(item.comment);
      return [code, shown].filter(Boolean).join(': ') + (comment ? ` (${comment})` : '') || null;
    }
    case 'MedicationRequest':
    case 'MedicationStatement': {
      const medication = conceptText(ctx.index.resolve(item.medicationReference, ctx.list)?.code) ?? conceptText(item.medicationCodeableConcept);
      const dosage = str(objects(item.dosageInstruction ?? item.dosage)[0]?.text);
      return [medication, dosage].filter(Boolean).join(', ') || null;
    }
    case 'DocumentReference':
      return str(item.description) ?? conceptText(item.type);
    default: {
      const note = objects(item.note).map((n) => str(n.text)).find(Boolean);
      return code ?? note ?? str(item.description) ?? null;
    }
  }
}

function entriesOf(topicOrHeading: Resource, heading: string, ctx: MapContext, depth: number, out: ConsultationEntry[]): void {
  for (const entry of objects(topicOrHeading.entry)) {
    if (out.length >= MAX_ENTRIES) return;
    const target = ctx.index.resolve(entry.item, topicOrHeading);
    if (!target) continue;
    if (typeOf(target) === 'List') {
      // A heading List inside a topic: its title is the heading of the items under it.
      if (depth < 2) entriesOf(target, str(target.title) ?? conceptText(target.code) ?? heading, ctx, depth + 1, out);
      continue;
    }
    const text = describeItem(target, { index: ctx.index, list: topicOrHeading });
    if (text) out.push({ heading, text });
  }
}

function consultationListFor(encounterId: string, ctx: MapContext): Resource | undefined {
  return ctx.index
    .ofType('List')
    .find((l) => l !== ctx.list && str(ctx.index.resolve(l.encounter)?.id) === encounterId);
}

export const consultationMapper: ItemMapper<'CONSULTATIONS'> = {
  types: ['Encounter'],
  map(encounter, ctx): Consultation | null {
    const participant =
      PARTICIPANT_PRIORITY.map((code) => objects(encounter.participant).find((p) => objects(p.type).some((t) => objects(t.coding).some((c) => c.code === code)))).find(Boolean) ??
      objects(encounter.participant)[0];
    const locationRef = obj(objects(encounter.location)[0]?.location);
    const location = ctx.index.resolve(locationRef, ctx.list);
    const entries: ConsultationEntry[] = [];
    const consultationList = consultationListFor(idOf(encounter), ctx);
    for (const topicEntry of objects(consultationList?.entry)) {
      const topic = ctx.index.resolve(topicEntry.item, consultationList);
      if (!topic) continue;
      if (typeOf(topic) === 'List') entriesOf(topic, str(topic.title) ?? conceptText(topic.code) ?? 'Topic', ctx, 0, entries);
      else {
        const text = describeItem(topic, ctx);
        if (text) entries.push({ heading: str(consultationList?.title) ?? 'Consultation', text });
      }
    }
    return {
      id: idOf(encounter),
      date: firstDate(encounter.period),
      type: objects(encounter.type).map(conceptText).find((t) => t !== null) ?? null,
      practitioner: ctx.index.person(obj(participant?.individual), ctx.list),
      location: str(location?.name) ?? str(locationRef?.display) ?? null,
      entries,
    };
  },
};
