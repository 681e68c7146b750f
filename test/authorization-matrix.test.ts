// The authorization matrix: every query and mutation for every kind of caller, and a supplier app
// through every pipeline stage, granted or not, enabled or not, at its own and another practice.
// Each decision must be what the table says, and each protected decision must be in the audit trail.
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../server/db/schema/audit.js';
import { practices } from '../server/db/schema/governance.js';
import type { PairingStage } from '../server/domain/pipeline.js';
import { permissionMap } from '../server/graphql/permissions.js';
import { baseSchema } from '../server/graphql/schema.js';
import { availableBackends } from './support/backends.js';
import { addPerson, apply, grant, transition } from './support/governance.js';
import { appKey, signAssertion, tokenForm } from './support/supplier-app.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type Caller = 'anonymous' | 'developer' | 'reviewer' | 'clinician' | 'admin' | 'otherAdmin' | 'app';
const CALLERS: Caller[] = ['anonymous', 'developer', 'reviewer', 'clinician', 'admin', 'otherAdmin', 'app'];
const ALL = new Set<Caller>(CALLERS);
const PEOPLE_AND_APPS = new Set<Caller>(CALLERS.filter((c) => c !== 'anonymous'));
const only = (...callers: Caller[]) => new Set<Caller>(callers);
/** Public fields carry no patient data and need no audit; every other decision is audited. */
const PUBLIC = new Set(['clinicalSystems', 'scopeCatalogue', 'me', 'practices', 'practice']);

describe('permission map', () => {
  it('decides each field with one rule, never a combinator whose failed branches would be audited', () => {
    // graphql-shield's or/and/chain/race/not keep their branches in `rules`; allow/deny keep none.
    const combined = Object.entries(permissionMap).flatMap(([type, fields]) =>
      Object.entries(fields as Record<string, { rules?: unknown[] }>)
        .filter(([, r]) => Array.isArray(r.rules) && r.rules.length > 0)
        .map(([field]) => `${type}.${field}`),
    );
    expect(combined).toEqual([]);
  });
});

describe.each(await availableBackends())('authorization matrix (%s)', (backend) => {
  let app: TestApp;
  const tokens = {} as Record<Exclude<Caller, 'anonymous' | 'app'>, string>;
  let supplierId: string;
  let clientId: string;
  let key: Awaited<ReturnType<typeof appKey>>;
  let emisPairing: string;
  let tppPairing: string;
  const patientAt: Record<string, string> = {};

  const appToken = async () => {
    const assertion = await signAssertion(clientId, key, `${app.env.publicUrl}/oauth2/token`);
    const response = await app.fetch('/oauth2/token', { method: 'POST', body: tokenForm(assertion) });
    const body = (await response.json()) as { access_token?: string; error?: string };
    if (!body.access_token) throw new Error(`token refused: ${JSON.stringify(body)}`);
    return body.access_token;
  };

  /**
   * Calls with a fresh request id; returns the refusal code (or null) and the audit rows it left. A
   * patient the caller may not read is answered PATIENT_NOT_FOUND, exactly like an unregistered
   * number (no existence oracle); here that counts as the refusal it is.
   */
  async function call(query: string, token: string | null, variables: Record<string, unknown> = {}) {
    const requestId = randomUUID();
    const response = await app.gql(query, variables, token, { 'x-request-id': requestId });
    const hidden = ['patient', 'sendDocument'].some((f) => (response.data?.[f] as { code?: string } | null | undefined)?.code === 'PATIENT_NOT_FOUND');
    const code =
      response.errors?.find((e) => ['FORBIDDEN', 'UNAUTHENTICATED'].includes(e.extensions?.code ?? ''))?.extensions?.code ?? (hidden ? 'FORBIDDEN' : null);
    const audited = await app.database.db.select().from(auditEvents).where(eq(auditEvents.requestId, requestId));
    return { code, audited, response };
  }

  beforeAll(async () => {
    app = await startTestApp(backend, { env: { RATE_LIMIT_CAPACITY: '10000000' } });
    tokens.developer = await addPerson(app, 'dev.matrix', 'SUPPLIER_DEVELOPER');
    tokens.reviewer = await app.tokenFor('reviewer');
    tokens.clinician = await app.tokenFor('clinician.Z91001');
    tokens.admin = await app.tokenFor('admin.Z91001');
    tokens.otherAdmin = await app.tokenFor('admin.Z92002');
    // Z92002 (SystmOne) plays a real, non-sandbox practice.
    await app.database.db.update(practices).set({ isSandbox: false }).where(eq(practices.odsCode, 'Z92002'));
    for (const ods of ['Z91001', 'Z91002', 'Z92002']) {
      const listed = await app.gql<{ practice: { patients: { edges: Array<{ node: { nhsNumber: string } }> } } }>(
        'query($o: String!) { practice(odsCode: $o) { ... on Practice { patients(first: 1) { edges { node { nhsNumber } } } } } }',
        { o: ods },
        await app.tokenFor(`clinician.${ods}`),
      );
      patientAt[ods] = listed.data!.practice.patients.edges[0]!.node.nhsNumber;
    }
    const scopes = ['patient/Patient.rs', 'patient/AllergyIntolerance.rs', 'patient/MedicationStatement.rs', 'patient/Condition.rs', 'system/Slot.rs'];
    const applied = await apply(app, tokens.developer, { requestedScopes: scopes, systems: ['EMIS_WEB', 'TPP_SYSTMONE'] });
    supplierId = applied.id;
    emisPairing = applied.pairings.find((p) => p.system.id === 'EMIS_WEB')!.id;
    tppPairing = applied.pairings.find((p) => p.system.id === 'TPP_SYSTMONE')!.id;
    // Everything requested is granted except problems (patient/Condition.rs).
    await grant(app, tokens.reviewer, supplierId, scopes.filter((s) => s !== 'patient/Condition.rs'));
    key = await appKey('ES384');
    const registered = await app.gql<{ registerClientApp: { clientId: string } }>(
      'mutation($j: JSON!) { registerClientApp(name: "Matrix app", jwks: $j) { ... on ClientApp { clientId } } }',
      { j: { keys: [key.publicJwk] } },
      tokens.developer,
    );
    clientId = registered.data!.registerClientApp.clientId;
  });
  afterAll(() => app.close());

  const enable = (token: string, scopes: string[]) =>
    app.gql<{ enableApp: { __typename: string; code?: string } }>(
      'mutation($c: String!, $s: [String!]!) { enableApp(clientId: $c, scopes: $s) { __typename ... on Error { code } } }',
      { c: clientId, s: scopes },
      token,
    );
  const READ = (nhs: string) =>
    `{ patient(nhsNumber: "${nhs}") { ... on Error { code } ... on Patient { nhsNumber allergies { status } medications { status } problems { status } } } }`;
  /** Only what an enabled app is allowed: demographics and allergies. */
  const READ_ALLERGIES = (nhs: string) => `{ patient(nhsNumber: "${nhs}") { ... on Error { code } ... on Patient { nhsNumber allergies { status } } } }`;

  it('walks a supplier app through every stage with the expected decision at each practice and scope', async () => {
    const stages: PairingStage[] = ['PREREQUISITES_MET', 'UNSUPPORTED_TEST', 'SUPPORTED_TEST', 'ASSURED', 'LIVE', 'SUSPENDED'];
    const inSandboxTest = new Set<PairingStage>(['UNSUPPORTED_TEST', 'SUPPORTED_TEST', 'ASSURED', 'LIVE']);
    const token = await appToken();
    const rows: string[] = [];
    for (const stage of ['APPLIED' as PairingStage, ...stages]) {
      if (stage !== 'APPLIED') {
        expect(await transition(app, tokens.reviewer, emisPairing, stage)).toMatchObject({ stage });
        expect(await transition(app, tokens.reviewer, tppPairing, stage)).toMatchObject({ stage });
      }
      if (stage === 'UNSUPPORTED_TEST') {
        // Sandbox practice Z91001 enables the app without medications; Z92002 (real) cannot yet.
        expect((await enable(tokens.admin, ['patient/Patient.rs', 'patient/AllergyIntolerance.rs', 'system/Slot.rs'])).data!.enableApp.__typename).toBe('Enablement');
        expect((await enable(tokens.otherAdmin, ['patient/Patient.rs', 'patient/AllergyIntolerance.rs'])).data!.enableApp.code).toBe('APP_NOT_APPROVED');
      }
      if (stage === 'LIVE') expect((await enable(tokens.otherAdmin, ['patient/Patient.rs', 'patient/AllergyIntolerance.rs'])).data!.enableApp.__typename).toBe('Enablement');

      const sandbox = await call(READ(patientAt.Z91001!), token);
      const notEnabled = await call(READ_ALLERGIES(patientAt.Z91002!), token);
      const real = await call(READ_ALLERGIES(patientAt.Z92002!), token);
      const sandboxAllowed = inSandboxTest.has(stage);
      const patient = sandbox.response.data?.patient as { allergies: unknown; medications: unknown; problems: unknown } | null;
      rows.push(`${stage}: sandbox=${sandbox.code ?? 'ok'} other=${notEnabled.code ?? 'ok'} real=${real.code ?? 'ok'}`);
      if (sandboxAllowed) {
        expect(patient?.allergies, stage).toMatchObject({ status: expect.any(String) });
        expect(patient?.medications, `${stage}: granted but not allowed by the practice`).toBeNull();
        expect(patient?.problems, `${stage}: not granted by NHS England`).toBeNull();
      } else {
        expect(sandbox.code, stage).toBe('FORBIDDEN');
        expect(patient, stage).toEqual({ code: 'PATIENT_NOT_FOUND' });
      }
      expect(notEnabled.code, `${stage}: practice never enabled the app`).toBe('FORBIDDEN');
      expect(real.code === null, `${stage}: real practice`).toBe(stage === 'LIVE');
      for (const { audited, code } of [sandbox, notEnabled, real]) {
        expect(audited.length, stage).toBeGreaterThan(0);
        expect(audited.every((e) => e.actorKind === 'SUPPLIER_APP' && e.appId === clientId)).toBe(true);
        if (code) expect(audited.some((e) => e.outcome === 'REFUSED')).toBe(true);
      }
    }
    expect(rows).toHaveLength(7);
  });

  it('honours a practice switching the app off and on at once', async () => {
    const token = await appToken();
    await transition(app, tokens.reviewer, emisPairing, 'LIVE', 'back after suspension');
    expect((await call(READ_ALLERGIES(patientAt.Z91001!), token)).code).toBeNull();
    await app.gql('mutation($c: String!) { disableApp(clientId: $c) { __typename } }', { c: clientId }, tokens.admin);
    expect((await call(READ_ALLERGIES(patientAt.Z91001!), token)).code).toBe('FORBIDDEN');
    await enable(tokens.admin, ['patient/Patient.rs', 'patient/AllergyIntolerance.rs']);
    expect((await call(READ_ALLERGIES(patientAt.Z91001!), token)).code).toBeNull();
  });

  it('decides every query and mutation for every kind of caller as the table says, and audits it', async () => {
    const appTok = await appToken();
    const tokenOf = (c: Caller) => (c === 'anonymous' ? null : c === 'app' ? appTok : tokens[c]);
    const sandboxPatient = patientAt.Z91001!;
    const TABLE: Record<string, { query: string; allowed: Set<Caller> }> = {
      clinicalSystems: { query: '{ clinicalSystems { id } }', allowed: ALL },
      scopeCatalogue: { query: '{ scopeCatalogue { scope } }', allowed: ALL },
      me: { query: '{ me { id } }', allowed: ALL },
      practices: { query: '{ practices(first: 1) { edges { node { odsCode } } } }', allowed: PEOPLE_AND_APPS },
      practice: { query: '{ practice(odsCode: "Z91001") { __typename } }', allowed: PEOPLE_AND_APPS },
      patient: { query: `{ patient(nhsNumber: "${sandboxPatient}") { ... on Error { code } ... on Patient { nhsNumber } } }`, allowed: only('developer', 'clinician', 'admin', 'app') },
      mySupplier: { query: '{ mySupplier { id } }', allowed: only('developer') },
      suppliers: { query: '{ suppliers(first: 1) { edges { node { id } } } }', allowed: only('reviewer') },
      liveSuppliers: { query: '{ liveSuppliers { live cap } }', allowed: only('reviewer') },
      supplier: { query: '{ supplier(id: "none") { id } }', allowed: only('reviewer') },
      practiceEnablements: { query: '{ practiceEnablements { scopes } }', allowed: only('clinician', 'admin', 'otherAdmin') },
      availableApps: { query: '{ availableApps { grantedScopes } }', allowed: only('clinician', 'admin', 'otherAdmin') },
      auditEvents: { query: '{ auditEvents(first: 1) { edges { node { seq } } } }', allowed: only('reviewer', 'clinician', 'admin', 'otherAdmin') },
      verifyAuditChain: { query: '{ verifyAuditChain { intact } }', allowed: only('reviewer', 'clinician', 'admin', 'otherAdmin') },
      auditVerification: { query: '{ auditVerification(id: "none") { state } }', allowed: only('reviewer') },
      // Event 1 is about Z91001 (the first read in beforeAll): Z92002's admin may not have its proof.
      auditInclusionProof: { query: '{ auditInclusionProof(seq: 1) { seq } }', allowed: only('reviewer', 'clinician', 'admin') },
      startAuditVerification: { query: 'mutation { startAuditVerification { id } }', allowed: only('reviewer') },
      applyAsSupplier: {
        query: 'mutation { applyAsSupplier(input: { name: "X Ltd", contactName: "X Y", contactEmail: "x@y.example", useCase: "A long enough use case", requestedScopes: ["patient/Patient.rs"], systems: [EMIS_WEB] }) { __typename } }',
        allowed: only('developer'),
      },
      registerClientApp: { query: 'mutation { registerClientApp(name: "x", jwks: {}) { __typename } }', allowed: only('developer') },
      addClientAppKey: { query: 'mutation { addClientAppKey(clientId: "none", jwk: {}) { __typename } }', allowed: only('developer') },
      removeClientAppKey: { query: 'mutation { removeClientAppKey(clientId: "none", kid: "k") { __typename } }', allowed: only('developer') },
      revokeClientApp: { query: 'mutation { revokeClientApp(clientId: "none", reason: "test") { __typename } }', allowed: only('developer', 'reviewer') },
      transitionPairing: { query: 'mutation { transitionPairing(pairingId: "none", to: REJECTED, reason: "test") { __typename } }', allowed: only('reviewer') },
      grantScopes: { query: 'mutation { grantScopes(supplierId: "none", scopes: []) { __typename } }', allowed: only('reviewer') },
      revokeScopes: { query: 'mutation { revokeScopes(supplierId: "none", scopes: []) { __typename } }', allowed: only('reviewer') },
      enableApp: { query: 'mutation { enableApp(clientId: "none", scopes: []) { __typename } }', allowed: only('admin', 'otherAdmin') },
      disableApp: { query: 'mutation { disableApp(clientId: "none") { __typename } }', allowed: only('admin', 'otherAdmin') },
      myPluginVersions: { query: '{ myPluginVersions { id } }', allowed: only('developer') },
      pluginVersions: { query: '{ pluginVersions { id } }', allowed: only('reviewer', 'admin', 'otherAdmin') },
      practicePlugins: { query: '{ practicePlugins { pluginName } }', allowed: only('clinician', 'admin', 'otherAdmin') },
      practicePluginRuns: { query: '{ practicePluginRuns { id } }', allowed: only('clinician', 'admin', 'otherAdmin') },
      myPluginRuns: { query: '{ myPluginRuns { id } }', allowed: only('developer') },
      practiceTasks: { query: '{ practiceTasks { id } }', allowed: only('clinician', 'admin', 'otherAdmin') },
      publishPluginVersion: { query: 'mutation { publishPluginVersion(manifest: {}, bundle: "") { __typename } }', allowed: only('developer') },
      reviewPluginVersion: { query: 'mutation { reviewPluginVersion(versionId: "none", approve: false, reason: "test") { __typename } }', allowed: only('reviewer') },
      enablePlugin: { query: 'mutation { enablePlugin(versionId: "none", scopes: []) { __typename } }', allowed: only('admin', 'otherAdmin') },
      upgradePlugin: { query: 'mutation { upgradePlugin(versionId: "none") { __typename } }', allowed: only('admin', 'otherAdmin') },
      disablePlugin: { query: 'mutation { disablePlugin(name: "none") { __typename } }', allowed: only('admin', 'otherAdmin') },
      runPlugin: { query: 'mutation { runPlugin(name: "none") { __typename } }', allowed: only('admin', 'otherAdmin') },
      closePracticeTask: { query: 'mutation { closePracticeTask(taskId: "none") { __typename } }', allowed: only('clinician', 'admin', 'otherAdmin') },
      // The app holds no appointment scopes; people decide as for reading the practice's records.
      appointment: { query: '{ appointment(practiceOdsCode: "Z91001", appointmentId: "none") { __typename } }', allowed: only('developer', 'clinician', 'admin') },
      bookAppointment: {
        query: `mutation { bookAppointment(input: { nhsNumber: "${sandboxPatient}", slotIds: ["none"], description: "x", bookingOrganisation: { odsCode: "X26001", name: "n", type: "urgent-care" } }) { __typename } }`,
        allowed: only('developer', 'clinician', 'admin'),
      },
      amendAppointment: { query: 'mutation { amendAppointment(practiceOdsCode: "Z91001", appointmentId: "none", comment: "x") { __typename } }', allowed: only('developer', 'clinician', 'admin') },
      webhookEndpoints: { query: '{ webhookEndpoints { id } }', allowed: only('developer') },
      registerWebhook: { query: 'mutation { registerWebhook(clientId: "none", url: "https://example.com/hook", eventTypes: ["appointment.booked"]) { __typename } }', allowed: only('developer') },
      rotateWebhookSecret: { query: 'mutation { rotateWebhookSecret(endpointId: "none") { __typename } }', allowed: only('developer') },
      enableWebhookEndpoint: { query: 'mutation { enableWebhookEndpoint(endpointId: "none") { __typename } }', allowed: only('developer') },
      redeliverWebhook: { query: 'mutation { redeliverWebhook(deliveryId: "none") { __typename } }', allowed: only('developer') },
      cancelAppointment: { query: 'mutation { cancelAppointment(practiceOdsCode: "Z91001", appointmentId: "none", reason: "x") { __typename } }', allowed: only('developer', 'clinician', 'admin') },
      // Documents: only apps send (this one holds no document scope); only the practice's own users review.
      sendDocument: { query: `mutation { sendDocument(input: { nhsNumber: "${sandboxPatient}", title: "x", contentBase64: "eA==" }) { ... on Error { code } } }`, allowed: only() },
      document: { query: '{ document(practiceOdsCode: "Z91001", documentId: "none") { __typename } }', allowed: only('clinician', 'admin') },
      fileDocument: { query: 'mutation { fileDocument(practiceOdsCode: "Z91001", documentId: "none") { __typename } }', allowed: only('clinician', 'admin') },
      rejectDocument: { query: 'mutation { rejectDocument(practiceOdsCode: "Z91001", documentId: "none", reason: "x") { __typename } }', allowed: only('clinician', 'admin') },
    };
    // Every root field of the schema is in the table: a new field must be added here on purpose.
    const rootFields = [...Object.keys(baseSchema.getQueryType()!.getFields()), ...Object.keys(baseSchema.getMutationType()!.getFields())];
    expect(rootFields.sort()).toEqual(Object.keys(TABLE).sort());

    const mismatches: string[] = [];
    const unaudited: string[] = [];
    for (const [field, { query, allowed }] of Object.entries(TABLE)) {
      for (const caller of CALLERS) {
        const { code, audited } = await call(query, tokenOf(caller));
        const expected = allowed.has(caller) ? null : caller === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
        if (code !== expected) mismatches.push(`${field} as ${caller}: expected ${expected ?? 'allowed'}, got ${code ?? 'allowed'}`);
        if (!PUBLIC.has(field) && audited.length === 0) unaudited.push(`${field} as ${caller}`);
        if (code && audited.length > 0 && !audited.some((e) => e.outcome === 'REFUSED')) unaudited.push(`${field} as ${caller}: refusal not recorded as REFUSED`);
        // The permission decision is recorded once, as decided: an allowed call leaves no REFUSED
        // event from the rules tried on the way (domain refusals, e.g. an unknown id, are their own operation).
        if (!code && audited.some((e) => e.operation === field && e.outcome === 'REFUSED')) unaudited.push(`${field} as ${caller}: allowed but audited as REFUSED`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(unaudited).toEqual([]);
  });

  it('keeps the audit chain intact through all of it', async () => {
    const report = await app.gql<{ verifyAuditChain: { intact: boolean; checked: number } }>('{ verifyAuditChain { intact checked } }', {}, tokens.reviewer);
    expect(report.data!.verifyAuditChain.intact).toBe(true);
    const refused = await app.database.db.select().from(auditEvents).where(inArray(auditEvents.outcome, ['REFUSED']));
    expect(refused.length).toBeGreaterThan(50);
  });
});
