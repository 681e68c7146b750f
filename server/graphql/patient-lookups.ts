// Which NHS numbers this request may see as patients. The permission rule for Query.patient
// decides (and audits the true reason); the resolver answers from here. A number the rule did not
// open is answered exactly as a number nobody is registered with, so a refused caller cannot tell
// "not registered", "registered elsewhere" and "not allowed" apart. Absent means not opened: if the
// rule did not run, nothing is shown.

const opened = new WeakMap<object, Set<string>>();

export function openPatientLookup(ctx: object, nhsNumber: string): void {
  const numbers = opened.get(ctx) ?? new Set<string>();
  numbers.add(nhsNumber);
  opened.set(ctx, numbers);
}

export function isPatientLookupOpen(ctx: object, nhsNumber: string): boolean {
  return opened.get(ctx)?.has(nhsNumber) ?? false;
}

/** The one answer for every patient the caller may not see, whatever the reason. */
export const PATIENT_NOT_AVAILABLE = 'No patient with this NHS number is registered at a practice whose records you may read.';
