import { describe, expect, it } from 'vitest';
import { nhsNumberCheckDigit, nhsNumberProblem, normaliseNhsNumber, normaliseOdsCode } from '../server/domain/identifiers.js';
import { sandboxNhsNumbers } from '../server/seed/sandbox-estate.js';

describe('NHS number (Modulus 11)', () => {
  it.each(['9434765919', '943 476 5919', '943-476-5919', '4010232137', '9990000018', ' 9434765919\t'])('accepts valid %s', (n) => {
    expect(normaliseNhsNumber(n)).toBe(n.replace(/[\s-]/g, ''));
    expect(nhsNumberProblem(n)).toBeNull();
  });

  it.each([
    ['9434765918', 'CHECK_DIGIT'],
    ['4010232138', 'CHECK_DIGIT'],
    ['943476591', 'FORMAT'],
    ['94347659190', 'FORMAT'],
    ['94347659AB', 'FORMAT'],
    ['', 'FORMAT'],
    [' 9434765918 ', 'CHECK_DIGIT'],
  ] as const)('refuses %s (%s)', (n, problem) => {
    expect(normaliseNhsNumber(n)).toBeNull();
    expect(nhsNumberProblem(n)).toBe(problem);
  });

  it('maps a remainder of 11 to check digit 0 and refuses a remainder giving 10', () => {
    // 999000010: weighted sum 9*10 + 9*9 + 9*8 + 1*3 = 246; 246 mod 11 = 4; 11 - 4 = 7.
    expect(nhsNumberCheckDigit('999000010')).toBe(7);
    // Find prefixes that yield 0 and "10" by the rule itself, then check validation agrees.
    const prefixes = Array.from({ length: 200 }, (_, i) => `999${String(i).padStart(6, '0')}`);
    const zero = prefixes.find((p) => nhsNumberCheckDigit(p) === 0)!;
    const invalid = prefixes.find((p) => nhsNumberCheckDigit(p) === null)!;
    expect(normaliseNhsNumber(`${zero}0`)).toBe(`${zero}0`);
    for (let d = 0; d <= 9; d++) expect(normaliseNhsNumber(`${invalid}${d}`)).toBeNull();
  });

  it('generates only valid, unique numbers in the 999 range for synthetic patients', () => {
    const numbers = new Set<string>();
    const gen = sandboxNhsNumbers();
    for (let i = 0; i < 5000; i++) numbers.add(gen.next().value as string);
    expect(numbers.size).toBe(5000);
    for (const n of numbers) {
      expect(n.startsWith('999')).toBe(true);
      expect(normaliseNhsNumber(n)).toBe(n);
    }
  });
});

describe('ODS code', () => {
  it.each(['A81001', 'z91001', ' Y12345 '])('accepts %s', (code) => expect(normaliseOdsCode(code)).toBe(code.trim().toUpperCase()));
  it.each(['A8100', 'AB1001', '181001', 'A810011', 'A81-01', 'ZA81001', '9A81001'])('refuses %s', (code) => expect(normaliseOdsCode(code)).toBeNull());
});
