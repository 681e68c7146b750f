// Encounter + consultation List + topic Lists + heading Lists -> Consultation with entries.
// GP Connect shapes a consultation as: Consultations List -> Encounter; a consultation List for that
// Encounter -> topic Lists -> heading Lists (or items directly) -> clinical items.
import type { Consultation, ConsultationEntry, ConsultationHeading, ConsultationTopic } from '../../domain/clinical-record.js';
import { conceptText, extension, firstDate, num, obj, objects, str, typeOf, type Resource } from './fhir.js';
import { clinicalCode, componentsOf, idOf, linkOf, personOrWarn, resolveOrWarn, type ItemMapper, type MapContext } from './map-context.js';
import { markerWarning, unmappedWarning } from './section-answer.js';

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

/** One entry for a clinical item, with its code, its record link and any components. */
function entryOf(target: Resource, heading: string, ctx: MapContext): ConsultationEntry | null {
  const text = describeItem(target, ctx);
  if (!text) return null;
  const code =
    clinicalCode(target.code) ??
    clinicalCode(target.vaccineCode) ??
    clinicalCode(resolveOrWarn(target.medicationReference, ctx, 'medication')?.code) ??
    clinicalCode(target.medicationCodeableConcept) ??
    clinicalCode(objects(target.reasonCode)[0]);
  return { heading, text, code, item: { resourceType: typeOf(target) ?? 'Resource', id: idOf(target) }, components: typeOf(target) === 'Observation' ? componentsOf(target) : [] };
}

/** Entries of a heading (or of a topic without headings); a List entry without a reference is the provider's marker. */
function headingOf(list: Resource, title: string, ctx: MapContext, budget: { left: number }): ConsultationHeading {
  const heading: ConsultationHeading = { title, entries: [] };
  for (const entry of objects(list.entry)) {
    if (budget.left <= 0) break;
    const ref = obj(entry.item);
    if (!str(ref?.reference)) {
      ctx.warn?.(markerWarning(str(ref?.display)));
      continue;
    }
    const target = resolveOrWarn(ref, ctx, 'consultation entry', list);
    if (!target || typeOf(target) === 'List') continue;
    const item = entryOf(target, title, { ...ctx, list });
    if (item) {
      heading.entries.push(item);
      budget.left--;
    } else ctx.warn?.(unmappedWarning(target, `A ${typeOf(target) ?? 'resource'} in this consultation could not be shown.`));
  }
  return heading;
}

const titleOf = (list: Resource, fallback: string | null) => str(list.title) ?? conceptText(list.code) ?? fallback;

/** A topic List: its headings (heading Lists), or its items under one heading named after the topic. */
function topicOf(topicList: Resource, ctx: MapContext, budget: { left: number }): ConsultationTopic {
  const title = titleOf(topicList, null);
  const related = objects(extension(topicList, 'RelatedProblemHeader')?.extension).find((e) => e.url === 'target')?.valueReference;
  const topic: ConsultationTopic = { title, problem: linkOf(related ?? topicList.focus, ctx), headings: [] };
  // Items directly under the topic form a heading named after the topic, in the provider's order.
  let direct: unknown[] = [];
  const flush = () => {
    const heading = direct.length > 0 ? headingOf({ ...topicList, entry: direct }, title ?? 'Topic', ctx, budget) : null;
    if (heading && heading.entries.length > 0) topic.headings.push(heading);
    direct = [];
  };
  for (const entry of objects(topicList.entry)) {
    const target = ctx.index.resolve(obj(entry.item), topicList);
    if (target && typeOf(target) === 'List') {
      flush();
      topic.headings.push(headingOf(target, titleOf(target, title ?? 'Topic') ?? 'Topic', ctx, budget));
    } else direct.push(entry);
  }
  flush();
  return topic;
}

function consultationListFor(encounterId: string, ctx: MapContext): Resource | undefined {
  return ctx.index
    .ofType('List')
    .find((l) => l !== ctx.list && str(ctx.index.resolve(l.encounter)?.id) === encounterId);
}

const minutes = (duration: unknown): number | null => {
  const d = obj(duration);
  const value = num(d?.value);
  if (value === undefined) return null;
  const unit = str(d?.code) ?? str(d?.unit) ?? 'min';
  return /^h/i.test(unit) ? value * 60 : /^s/i.test(unit) ? value / 60 : value;
};

export const consultationMapper: ItemMapper<'CONSULTATIONS'> = {
  types: ['Encounter'],
  map(encounter, ctx): Consultation | null {
    const participants = objects(encounter.participant);
    const participant =
      PARTICIPANT_PRIORITY.map((code) => participants.find((p) => objects(p.type).some((t) => objects(t.coding).some((c) => c.code === code)))).find(Boolean) ??
      participants[0];
    const locationRef = obj(objects(encounter.location)[0]?.location);
    const location = resolveOrWarn(locationRef, ctx, 'location');
    const consultationList = consultationListFor(idOf(encounter), ctx);
    const budget = { left: MAX_ENTRIES };
    const topics: ConsultationTopic[] = [];
    if (consultationList) {
      const loose: Resource = { ...consultationList, entry: [] };
      for (const entry of objects(consultationList.entry)) {
        const target = ctx.index.resolve(obj(entry.item), consultationList);
        if (target && typeOf(target) === 'List') topics.push(topicOf(target, ctx, budget));
        else (loose.entry as unknown[]).push(entry);
      }
      if ((loose.entry as unknown[]).length > 0) topics.push({ title: null, problem: null, headings: [headingOf(loose, titleOf(consultationList, 'Consultation') ?? 'Consultation', ctx, budget)] });
    }
    const people = participants.flatMap((p) => {
      const person = personOrWarn(obj(p.individual), ctx, 'participant');
      return person ? [person] : [];
    });
    return {
      id: idOf(encounter),
      date: firstDate(encounter.period),
      type: objects(encounter.type).map(conceptText).find((t) => t !== null) ?? null,
      practitioner: ctx.index.person(obj(participant?.individual), ctx.list),
      location: str(location?.name) ?? str(locationRef?.display) ?? null,
      participants: people,
      durationMinutes: minutes(encounter.length),
      topics,
      // The flat view, kept for callers that want lines only: headings' entries in order.
      entries: topics.flatMap((t) => t.headings.flatMap((h) => h.entries)),
    };
  },
};
