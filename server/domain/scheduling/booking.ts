// Appointment management rules shared by every connector (GP Connect Appointment Management):
// book one or several contiguous free future slots of one schedule, amend only description and
// comment, cancel with a reason (never a past appointment).
import type { Appointment } from '../scheduling.js';

export const MAX_DESCRIPTION = 100;
export const MAX_COMMENT = 500;
export const MAX_CANCELLATION_REASON = 500;
export const MAX_SLOTS_PER_BOOKING = 6;

/** GP Connect's bookingOrganization: who booked, so the practice can call back. */
export interface BookingOrganisation {
  odsCode: string;
  name: string;
  /** GP Connect organisation type code, e.g. `gp-practice`, `urgent-care`. */
  type: string;
}

export interface BookingRequest {
  nhsNumber: string;
  slotIds: string[];
  description: string;
  comment: string | null;
  bookingOrganisation: BookingOrganisation;
  /** Delivery channels the booker can offer the patient; null means any. */
  deliveryChannels: string[] | null;
}

export interface AmendRequest {
  appointmentId: string;
  description?: string | null | undefined;
  comment?: string | null | undefined;
}

export interface CancelRequest {
  appointmentId: string;
  reason: string;
}

/** An appointment as appointment management sees it: whose it is, which slots, which version. */
export interface ManagedAppointment extends Appointment {
  nhsNumber: string;
  practiceOds: string;
  slotIds: string[];
  bookingOrganisation: BookingOrganisation | null;
  cancellationReason: string | null;
  /** The provider's version (FHIR versionId, sent back as If-Match). */
  version: string;
}

export type BookingProblem = { code: 'VALIDATION_FAILED'; message: string };

const problem = (message: string): BookingProblem => ({ code: 'VALIDATION_FAILED', message });
const ODS = /^[A-Z0-9]{3,10}$/;

export function bookingRequestProblem(r: BookingRequest): BookingProblem | null {
  if (r.slotIds.length === 0) return problem('Name at least one slot.');
  if (r.slotIds.length > MAX_SLOTS_PER_BOOKING) return problem(`At most ${MAX_SLOTS_PER_BOOKING} contiguous slots in one booking.`);
  if (new Set(r.slotIds).size !== r.slotIds.length) return problem('A slot is named twice.');
  if (!r.description.trim()) return problem('A description is required.');
  return textProblem(r) ?? (ODS.test(r.bookingOrganisation.odsCode) && r.bookingOrganisation.name.trim() && r.bookingOrganisation.type.trim()
    ? null
    : problem('The booking organisation needs an ODS code, a name and a type.'));
}

export function textProblem(r: { description?: string | null | undefined; comment?: string | null | undefined }): BookingProblem | null {
  if (r.description != null && r.description.length > MAX_DESCRIPTION) return problem(`description is at most ${MAX_DESCRIPTION} characters.`);
  if (r.comment != null && r.comment.length > MAX_COMMENT) return problem(`comment is at most ${MAX_COMMENT} characters.`);
  return null;
}

export function amendProblem(r: AmendRequest): BookingProblem | null {
  if (r.description === undefined && r.comment === undefined) return problem('Amend changes the description, the comment or both.');
  if (r.description !== undefined && !r.description?.trim()) return problem('The description cannot be removed.');
  return textProblem(r);
}

export function cancelProblem(r: CancelRequest): BookingProblem | null {
  if (!r.reason.trim()) return problem('A cancellation reason is required.');
  return r.reason.length > MAX_CANCELLATION_REASON ? problem(`The cancellation reason is at most ${MAX_CANCELLATION_REASON} characters.`) : null;
}

interface SlotFacts {
  id: string;
  scheduleId: string;
  start: Date;
  end: Date;
  free: boolean;
  deliveryChannel: string | null;
  bookableOrganisationTypes: readonly string[] | null;
}

export type SlotRefusal = { code: 'SLOT_NOT_FOUND' | 'SLOT_UNAVAILABLE' | 'SLOT_IN_PAST' | 'SLOTS_NOT_CONTIGUOUS' | 'NOT_BOOKABLE'; message: string };

/** Checks the slots a booking names (found ones only: missing ids are SLOT_NOT_FOUND). */
export function slotsProblem(requested: readonly string[], found: readonly SlotFacts[], request: BookingRequest, now: Date): SlotRefusal | null {
  const missing = requested.filter((id) => !found.some((s) => s.id === id));
  if (missing.length) return { code: 'SLOT_NOT_FOUND', message: `No such slot at this practice: ${missing.join(', ')}.` };
  const slots = [...found].sort((a, b) => a.start.getTime() - b.start.getTime());
  if (slots.some((s) => s.start <= now)) return { code: 'SLOT_IN_PAST', message: 'A slot that has started cannot be booked.' };
  if (slots.some((s) => !s.free)) return { code: 'SLOT_UNAVAILABLE', message: 'The slot is no longer free.' };
  if (new Set(slots.map((s) => s.scheduleId)).size > 1) return { code: 'SLOTS_NOT_CONTIGUOUS', message: 'All slots of one booking belong to one schedule.' };
  if (slots.some((s, i) => i > 0 && s.start.getTime() !== slots[i - 1]!.end.getTime())) {
    return { code: 'SLOTS_NOT_CONTIGUOUS', message: 'The slots of one booking must follow each other without a gap.' };
  }
  const orgType = request.bookingOrganisation.type;
  if (slots.some((s) => s.bookableOrganisationTypes && !s.bookableOrganisationTypes.includes(orgType))) {
    return { code: 'NOT_BOOKABLE', message: `The slot is not bookable by organisations of type ${orgType}.` };
  }
  const channels = request.deliveryChannels;
  if (channels && slots.some((s) => s.deliveryChannel && !channels.includes(s.deliveryChannel))) {
    return { code: 'NOT_BOOKABLE', message: `The slot's delivery channel is not one you offer (${channels.join(', ')}).` };
  }
  return null;
}
