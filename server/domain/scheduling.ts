// Appointment and slot model shared by every connector.

export interface Slot {
  id: string;
  start: Date;
  end: Date;
  status: 'FREE' | 'BUSY';
  deliveryChannel: string | null;
  practitioner: string | null;
  practitionerRole: string | null;
  location: string | null;
  serviceType: string | null;
}

export interface Appointment {
  id: string;
  start: Date;
  end: Date;
  status: 'BOOKED' | 'FULFILLED' | 'CANCELLED' | 'NOSHOW' | 'PENDING' | 'ARRIVED';
  description: string | null;
  comment: string | null;
  practitioner: string | null;
  location: string | null;
  createdAt: Date | null;
}

export interface DateRange {
  from: Date;
  to: Date;
}

/** GP Connect allows a free-slot search of at most 14 days; we hold every connector to it. */
export const MAX_SLOT_SEARCH_DAYS = 14;

export function slotSearchRangeProblem(range: DateRange): string | null {
  if (Number.isNaN(range.from.getTime()) || Number.isNaN(range.to.getTime())) return 'from and to must be valid dates';
  if (range.to <= range.from) return 'to must be after from';
  if (range.to.getTime() - range.from.getTime() > MAX_SLOT_SEARCH_DAYS * 86_400_000) {
    return `a slot search may cover at most ${MAX_SLOT_SEARCH_DAYS} days`;
  }
  return null;
}
