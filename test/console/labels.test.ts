// Every code a person could meet in the console has a plain-English name, and the README shows the
// same table: the lists come from the live schema and the domain, so a new enum value, scope,
// event type or audit operation code without a name fails here.
import { readFileSync } from 'node:fs';
import { isEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { EFFECT_KINDS } from '@gp-open-integration/sdk/manifest';
import { AUDIT_OPERATION_LABELS, EFFECT_KIND_LABELS, ENUM_LABELS, EVENT_TYPE_LABELS, SCOPE_LABELS, auditOperationLabel, enumLabel, scopeLabel } from '../../server/console/labels.js';
import { AUDIT_OPERATIONS } from '../../server/domain/audit/operations.js';
import { renderLabelsMarkdown, spliceLabels } from '../../server/console/labels-markdown.js';
import { CONSOLE_ERROR_CODES, ERROR_REMEDIES, describeRefusal, whatWouldHelp } from '../../server/console/error-help.js';
import { EVENT_TYPES } from '../../server/domain/events/catalogue.js';
import { SCOPES } from '../../server/domain/scopes.js';
import { baseSchema } from '../../server/graphql/schema.js';

const schemaEnums = Object.values(baseSchema.getTypeMap()).filter((type) => isEnumType(type) && !type.name.startsWith('__'));

describe('plain-English names', () => {
  it('name every value of every enum in the schema', () => {
    const missing = schemaEnums.flatMap((type) =>
      isEnumType(type) ? type.getValues().filter((value) => !ENUM_LABELS[type.name]?.[value.name]).map((value) => `${type.name}.${value.name}`) : [],
    );
    expect(missing).toEqual([]);
  });

  it('name only values the schema has (no stale rows)', () => {
    const known = new Set(schemaEnums.flatMap((type) => (isEnumType(type) ? type.getValues().map((value) => `${type.name}.${value.name}`) : [])));
    const stale = Object.entries(ENUM_LABELS).flatMap(([name, values]) => Object.keys(values).map((value) => `${name}.${value}`)).filter((key) => !known.has(key));
    expect(stale).toEqual([]);
  });

  it('name every scope the API knows, and no other', () => {
    expect(Object.keys(SCOPE_LABELS).sort()).toEqual(SCOPES.map((s) => s.scope).sort());
    expect(scopeLabel('patient/AllergyIntolerance.rs')).toBe('Read and search allergies');
  });

  it('name every event type', () => {
    expect(Object.keys(EVENT_TYPE_LABELS).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('name every audit operation code of the domain, and no other', () => {
    expect(Object.keys(AUDIT_OPERATION_LABELS).sort()).toEqual([...AUDIT_OPERATIONS].sort());
    expect(auditOperationLabel('ENABLE_APP')).toBe('Switched an app on for a practice');
    // A field audited under its own name has no code to name.
    expect(auditOperationLabel('auditInclusionProof')).toBeNull();
  });

  it('name every plugin effect kind', () => {
    expect(Object.keys(EFFECT_KIND_LABELS).sort()).toEqual([...EFFECT_KINDS].sort());
  });

  it('are words, not codes: no name repeats its code or is blank', () => {
    const all = [...Object.values(SCOPE_LABELS), ...Object.values(EVENT_TYPE_LABELS), ...Object.values(AUDIT_OPERATION_LABELS), ...Object.values(EFFECT_KIND_LABELS), ...Object.values(ENUM_LABELS).flatMap((v) => Object.values(v))];
    expect(all.filter((label) => label.trim() === '' || /^[A-Z_]+$/.test(label))).toEqual([]);
    expect(enumLabel('PairingStage', 'UNSUPPORTED_TEST')).toBe('Unsupported test (sandbox)');
  });

  it('appear in the README as generated from the table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(spliceLabels(readme)).toBe(readme);
    expect(renderLabelsMarkdown()).toContain('| `patient/AllergyIntolerance.rs` | Read and search allergies |');
    expect(renderLabelsMarkdown()).toContain('| `ENABLE_APP` | Switched an app on for a practice |');
  });
});

describe('what to do about a refusal', () => {
  it('is written for every error code of the schema and of the console, and for no other', () => {
    const codes = baseSchema.getType('ErrorCode');
    const schemaCodes = isEnumType(codes) ? codes.getValues().map((v) => v.name) : ['ErrorCode is not an enum'];
    const expected = [...schemaCodes, ...CONSOLE_ERROR_CODES];
    expect(expected.filter((code) => !ERROR_REMEDIES[code]?.trim())).toEqual([]);
    expect(Object.keys(ERROR_REMEDIES).filter((code) => !expected.includes(code))).toEqual([]);
  });

  it('is the same line on an error page as in the error summary of a form', () => {
    expect(whatWouldHelp('SCOPE_NOT_GRANTED')).toBe(describeRefusal('SCOPE_NOT_GRANTED', '').remedy);
    expect(whatWouldHelp('CSRF_REFUSED')).toContain('Open the page again');
  });

  it('pairs the plain-English title, the reason from the API and the remedy', () => {
    expect(describeRefusal('SCOPE_NOT_GRANTED', 'Not granted: patient/Condition.rs')).toEqual({
      title: 'NHS England has not granted that permission',
      why: 'Not granted: patient/Condition.rs',
      remedy: expect.stringContaining('ask NHS England to grant'),
    });
  });
});
