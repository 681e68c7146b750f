// NHS number and ODS code validation (pure, no I/O).

/** Modulus 11 check: weights 10..2 on the first nine digits; 11 -> 0; 10 -> invalid. */
export function nhsNumberCheckDigit(firstNine: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/** Accepts "943 476 5919", "943-476-5919" or "9434765919"; returns the 10 digits or null. */
export function normaliseNhsNumber(input: string): string | null {
  const compact = input.replace(/[\s-]/g, ''); // spaces anywhere, the ends included
  if (!/^\d{10}$/.test(compact)) return null;
  // Stryker disable next-line MethodExpression: the check digit reads only the first nine digits, sliced or not
  const check = nhsNumberCheckDigit(compact.slice(0, 9));
  return check === Number(compact[9]) ? compact : null;
}

export type NhsNumberProblem = 'FORMAT' | 'CHECK_DIGIT';

export function nhsNumberProblem(input: string): NhsNumberProblem | null {
  const compact = input.replace(/[\s-]/g, ''); // spaces anywhere, the ends included
  if (!/^\d{10}$/.test(compact)) return 'FORMAT';
  return normaliseNhsNumber(compact) ? null : 'CHECK_DIGIT';
}

/** GP practice ODS code: one letter then five digits, e.g. A81001. */
export function normaliseOdsCode(input: string): string | null {
  const code = input.trim().toUpperCase();
  return /^[A-Z]\d{5}$/.test(code) ? code : null;
}
