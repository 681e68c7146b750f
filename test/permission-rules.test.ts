// The permission rules on their own (no database, no HTTP): each decision they reach for each kind
// of caller, what they answer, and what they note for the audit trail, allowed or refused.
import type { GraphQLResolveInfo } from 'graphql';
import type { IRule } from 'graphql-shield';
import { describe, expect, it } from 'vitest';
import type { AppFacts, EnablementFacts, PracticeFacts } from '../server/domain/access.js';
import { ANONYMOUS, type Actor } from '../server/domain/actors.js';
import { AccessLog } from '../server/graphql/access-log.js';
import type { GraphQLContext } from '../server/graphql/context.js';
import { isPatientLookupOpen } from '../server/graphql/patient-lookups.js';
import {
  canActForPatient,
  canLookUpPatient,
  canReadPatientField,
  canUsePractice,
  canUsePracticeArg,
  hasRole,
  isAuthenticated,
} from '../server/graphql/permission-rules.js';

const HERE: PracticeFacts = { odsCode: 'Z91001', systemId: 'EMIS_WEB', isSandbox: true };
const REAL: PracticeFacts = { odsCode: 'A81001', systemId: 'TPP_SYSTMONE', isSandbox: false };
const REGISTERED: Record<string, PracticeFacts> = { '9990000018': HERE, '9990000026': REAL };
const UNREGISTERED = '9434765919';
const SCOPE = 'patient/AllergyIntolerance.read';

const person = (role: Extract<Actor, { kind: 'PERSON' }>['role'], practiceOds: string | null = null): Actor => ({ kind: 'PERSON', id: `p-${role}`, name: role, role, practiceOds });
const app: Actor = { kind: 'SUPPLIER_APP', appId: 'app-1', supplierId: 'sup-1', scopes: [SCOPE] };
const run: Actor = { kind: 'PLUGIN_RUN', runId: 'run-1', versionId: 'v-1', supplierId: 'sup-1', practiceOds: 'Z91001', scopes: [SCOPE] };
const LIVE_APP: AppFacts = { appActive: true, stages: { EMIS_WEB: 'UNSUPPORTED_TEST', TPP_SYSTMONE: 'LIVE' }, grantedScopes: new Set([SCOPE]) };

function contextFor(actor: Actor, facts: { app?: AppFacts | null; enablements?: Record<string, EnablementFacts> } = {}) {
  const primed: string[] = [];
  const ctx = {
    actor,
    _shield: { cache: {} }, // what graphql-shield keeps per request for rules cached by context
    accessLog: new AccessLog(actor, 'req-1'),
    loaders: {
      registration: { load: (n: string) => Promise.resolve(REGISTERED[n] ?? null) },
      practice: { load: (ods: string) => Promise.resolve([HERE, REAL].find((p) => p.odsCode === ods) ?? null) },
    },
    governance: {
      callerAppFacts: { load: () => Promise.resolve(facts.app === undefined ? LIVE_APP : facts.app) },
      callerEnablement: {
        load: (ods: string) => Promise.resolve(facts.enablements?.[ods] ?? null),
        prime: () => Promise.resolve(void primed.push('enablements')),
      },
    },
  } as unknown as GraphQLContext;
  return { ctx, primed, notes: () => ctx.accessLog.events().map((e) => [e.operation, e.outcome, e.practiceOds, e.nhsNumber, e.reason]) };
}

const info = (fieldName: string, parentType = 'Query') => ({ fieldName, parentType: { name: parentType } }) as unknown as GraphQLResolveInfo;
const OPTIONS = { debug: false, allowExternalErrors: false } as unknown as Parameters<IRule['resolve']>[4];
const decide = (r: IRule, ctx: GraphQLContext, args: object = {}, parent: object = {}, field = 'field', parentType = 'Query') =>
  r.resolve(parent, args, ctx as unknown as Parameters<IRule['resolve']>[2], info(field, parentType), OPTIONS);
const codeOf = (result: unknown) => (result instanceof Error ? (result as Error & { extensions?: { code?: string } }).extensions?.code : result);

describe('isAuthenticated and hasRole', () => {
  it('lets any token holder through isAuthenticated and nobody else', async () => {
    expect(await decide(isAuthenticated, contextFor(person('CLINICIAN', 'Z91001')).ctx)).toBe(true);
    expect(await decide(isAuthenticated, contextFor(app).ctx)).toBe(true);
    const refused = await decide(isAuthenticated, contextFor(ANONYMOUS).ctx);
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect((refused as Error).message).toBe('Authentication required: send "Authorization: Bearer <token>".');
  });

  it('allows the named roles, notes allowed reads (not mutations: the action audits itself), and refuses the rest with the reason', async () => {
    const reviewer = contextFor(person('REVIEWER'));
    expect(await decide(hasRole('REVIEWER', 'PRACTICE_ADMIN'), reviewer.ctx, {}, {}, 'suppliers')).toBe(true);
    expect(reviewer.notes()).toEqual([['suppliers', 'ALLOWED', null, null, null]]);
    const mutation = contextFor(person('REVIEWER'));
    expect(await decide(hasRole('REVIEWER'), mutation.ctx, {}, {}, 'transitionPairing', 'Mutation')).toBe(true);
    expect(mutation.notes()).toEqual([]);
    const clinician = contextFor(person('CLINICIAN', 'Z91001'));
    const refused = await decide(hasRole('REVIEWER', 'PRACTICE_ADMIN'), clinician.ctx, {}, {}, 'transitionPairing', 'Mutation');
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect((refused as Error).message).toBe('Only REVIEWER or PRACTICE_ADMIN may use transitionPairing.');
    expect(clinician.notes()).toEqual([['transitionPairing', 'REFUSED', 'Z91001', null, 'Only REVIEWER or PRACTICE_ADMIN may use transitionPairing.']]);
    const apps = contextFor(app);
    expect(codeOf(await decide(hasRole('REVIEWER'), apps.ctx, {}, {}, 'suppliers'))).toBe('FORBIDDEN');
    expect(apps.notes()[0]?.[2]).toBeNull();
    const nobody = contextFor(ANONYMOUS);
    expect(codeOf(await decide(hasRole('REVIEWER'), nobody.ctx, {}, {}, 'suppliers'))).toBe('UNAUTHENTICATED');
    expect(nobody.notes()).toEqual([['suppliers', 'REFUSED', null, null, 'Only REVIEWER may use suppliers.']]);
  });
});

describe('canLookUpPatient', () => {
  const lookUp = (actor: Actor, nhsNumber: string, facts?: Parameters<typeof contextFor>[1]) => {
    const c = contextFor(actor, facts);
    return decide(canLookUpPatient(SCOPE), c.ctx, { nhsNumber }, {}, 'patient').then((result: unknown) => ({ result, ...c }));
  };

  it('opens a patient the caller may read, and notes it', async () => {
    const { result, ctx, notes } = await lookUp(person('CLINICIAN', 'Z91001'), '999 000 0018');
    expect(result).toBe(true);
    expect(isPatientLookupOpen(ctx, '9990000018')).toBe(true);
    expect(notes()).toEqual([['READ_PATIENT_RECORD', 'ALLOWED', 'Z91001', '9990000018', null]]);
  });

  it('does not refuse, but does not open, a patient the caller may not read; the true reason is noted', async () => {
    const { result, ctx, notes } = await lookUp(person('CLINICIAN', 'Z91001'), '9990000026');
    expect(result).toBe(true);
    expect(isPatientLookupOpen(ctx, '9990000026')).toBe(false);
    expect(notes()).toEqual([['READ_PATIENT_RECORD', 'REFUSED', 'A81001', '9990000026', 'Practice users may only read patients registered at their own practice.']]);
  });

  it('notes numbers registered nowhere and invalid numbers, and reads the same facts for them as for a registered number', async () => {
    const nowhere = await lookUp(app, UNREGISTERED);
    expect(nowhere.result).toBe(true);
    expect(nowhere.notes()).toEqual([['READ_PATIENT_RECORD', 'REFUSED', null, UNREGISTERED, 'No patient is registered with this NHS number.']]);
    const invalid = await lookUp(app, '9434765918');
    expect(invalid.notes()).toEqual([['READ_PATIENT_RECORD', 'REFUSED', null, null, 'Not a valid NHS number.']]);
    const registered = await lookUp(app, '9990000026');
    expect([nowhere.primed, invalid.primed, registered.primed]).toEqual([['enablements'], ['enablements'], ['enablements']]);
  });

  it('refuses anonymous callers outright', async () => {
    const { result, notes, primed } = await lookUp(ANONYMOUS, '9990000018');
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
    expect(notes()).toEqual([['READ_PATIENT_RECORD', 'REFUSED', null, null, 'Authentication required.']]);
    expect(primed).toEqual([]);
  });

  it('decides apps by their facts and the practice enablement', async () => {
    const enabled = { A81001: { active: true, scopes: [SCOPE] } };
    expect(isPatientLookupOpen((await lookUp(app, '9990000026', { enablements: enabled })).ctx, '9990000026')).toBe(true);
    const unknown = await lookUp(app, '9990000026', { app: null, enablements: enabled });
    expect(unknown.notes()[0]).toEqual(['READ_PATIENT_RECORD', 'REFUSED', 'A81001', '9990000026', 'Unknown app.']);
    const notEnabled = await lookUp(app, '9990000026');
    expect(notEnabled.notes()[0]?.[1]).toBe('REFUSED');
    expect(isPatientLookupOpen(notEnabled.ctx, '9990000026')).toBe(false);
  });

  it('decides plugin runs by their own practice and scopes', async () => {
    expect(isPatientLookupOpen((await lookUp(run, '9990000018')).ctx, '9990000018')).toBe(true);
    const other = await lookUp(run, '9990000026');
    expect(other.notes()[0]?.[4]).toBe('A plugin run reads only its own practice (Z91001).');
  });
});

describe('practice and patient field rules', () => {
  it('canReadPatientField: the patient practice decides, noted either way', async () => {
    const own = contextFor(person('CLINICIAN', 'Z91001'));
    expect(await decide(canReadPatientField(SCOPE), own.ctx, {}, { nhsNumber: '9990000018', practice: HERE }, 'allergies', 'Patient')).toBe(true);
    expect(own.notes()).toEqual([['READ_PATIENT_RECORD', 'ALLOWED', 'Z91001', '9990000018', null]]);
    const other = contextFor(person('CLINICIAN', 'Z91001'));
    expect(codeOf(await decide(canReadPatientField(SCOPE), other.ctx, {}, { nhsNumber: '9990000026', practice: REAL }, 'allergies', 'Patient'))).toBe('FORBIDDEN');
  });

  it('canUsePractice: the practice decides', async () => {
    const developer = contextFor(person('SUPPLIER_DEVELOPER'));
    expect(await decide(canUsePractice('LIST_PATIENTS', SCOPE), developer.ctx, {}, HERE, 'patients', 'Practice')).toBe(true);
    expect(codeOf(await decide(canUsePractice('LIST_PATIENTS', SCOPE), developer.ctx, {}, REAL, 'patients', 'Practice'))).toBe('FORBIDDEN');
    expect(developer.notes().map((n) => [n[0], n[1], n[2]])).toEqual([
      ['LIST_PATIENTS', 'ALLOWED', 'Z91001'],
      ['LIST_PATIENTS', 'REFUSED', 'A81001'],
    ]);
  });

  it('canActForPatient: the registered practice decides; numbers that name nobody reach the typed error', async () => {
    const rule = canActForPatient('BOOK_APPOINTMENT', SCOPE, (args) => String(args.patient));
    const clinician = contextFor(person('CLINICIAN', 'Z91001'));
    expect(await decide(rule, clinician.ctx, { patient: '9990000018' })).toBe(true);
    expect(codeOf(await decide(rule, clinician.ctx, { patient: '9990000026' }))).toBe('FORBIDDEN');
    expect(await decide(rule, clinician.ctx, { patient: UNREGISTERED })).toBe(true);
    expect(clinician.notes().map((n) => [n[0], n[1], n[3]])).toEqual([
      ['BOOK_APPOINTMENT', 'ALLOWED', '9990000018'],
      ['BOOK_APPOINTMENT', 'REFUSED', '9990000026'],
    ]);
    const nobody = contextFor(ANONYMOUS);
    expect(codeOf(await decide(rule, nobody.ctx, { patient: '9990000018' }))).toBe('UNAUTHENTICATED');
    expect(nobody.notes()).toEqual([['BOOK_APPOINTMENT', 'REFUSED', null, null, 'Authentication required.']]);
  });

  it('canUsePracticeArg: the named practice decides; none or an unknown one reaches the resolver', async () => {
    const rule = canUsePracticeArg('SEARCH_SLOTS', SCOPE);
    const clinician = contextFor(person('CLINICIAN', 'Z91001'));
    expect(await decide(rule, clinician.ctx, { practiceOdsCode: 'Z91001' })).toBe(true);
    expect(codeOf(await decide(rule, clinician.ctx, { practiceOdsCode: 'A81001' }))).toBe('FORBIDDEN');
    expect(await decide(rule, clinician.ctx, { practiceOdsCode: 'Z99999' })).toBe(true);
    expect(await decide(rule, clinician.ctx, {})).toBe(true);
    expect(clinician.notes().map((n) => [n[1], n[2]])).toEqual([['ALLOWED', 'Z91001'], ['REFUSED', 'A81001']]);
    for (const args of [{ practiceOdsCode: 'Z91001' }, { practiceOdsCode: 'Z99999' }, {}]) {
      const nobody = contextFor(ANONYMOUS);
      expect(codeOf(await decide(rule, nobody.ctx, args))).toBe('UNAUTHENTICATED');
      expect(nobody.notes()).toEqual([['SEARCH_SLOTS', 'REFUSED', null, null, 'Authentication required.']]);
    }
  });

  it('decides each parent afresh when one rule serves a field across a list in one request', async () => {
    const field = canReadPatientField(SCOPE);
    const clinician = contextFor(person('CLINICIAN', 'Z91001'));
    expect(await decide(field, clinician.ctx, {}, { nhsNumber: '9990000018', practice: HERE }, 'allergies', 'Patient')).toBe(true);
    expect(codeOf(await decide(field, clinician.ctx, {}, { nhsNumber: '9990000026', practice: REAL }, 'allergies', 'Patient'))).toBe('FORBIDDEN');
    const practice = canUsePractice('LIST_PATIENTS', SCOPE);
    expect(await decide(practice, clinician.ctx, {}, HERE, 'patients', 'Practice')).toBe(true);
    expect(codeOf(await decide(practice, clinician.ctx, {}, REAL, 'patients', 'Practice'))).toBe('FORBIDDEN');
    expect(clinician.notes().map((n) => [n[1], n[2]])).toEqual([['ALLOWED', 'Z91001'], ['REFUSED', 'A81001'], ['ALLOWED', 'Z91001'], ['REFUSED', 'A81001']]);
  });
});
