// What the connector sends a GP Connect provider: Spine headers, the consumer JWT, and a Parameters
// body with exactly the sections the GraphQL query selected, one POST per patient.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SignJWT, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signingKeys } from '../../server/db/schema/governance.js';
import { availableBackends } from '../support/backends.js';
import type { RecordedRequest } from './support/fake-provider.js';
import { GP_CLINICIAN, GP_PRACTICE, ISSUER, OUR_ASID, PLATFORM_ORGANISATION, PROVIDER_ASID, decodeJwt, startGpConnectEstate, type GpConnectEstate } from './support/estate.js';
import { JANE, JANE_FOUNDATIONS, JOHN } from './support/fixtures.js';

const STRUCTURED = 'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1';
const FIND_PATIENT = 'urn:nhs:names:services:gpconnect:fhir:rest:search:patient-1';
const SEARCH_SLOTS = 'urn:nhs:names:services:gpconnect:fhir:rest:search:slot-1';
const PATIENT_APPOINTMENTS = 'urn:nhs:names:services:gpconnect:fhir:rest:search:patient_appointments-1';
const nhsNumberParameter = (value: string) => ({ name: 'patientNHSNumber', valueIdentifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value } });
const DAY = 86_400_000;

describe.each(await availableBackends())('GP Connect requests (%s)', (backend) => {
  let estate: GpConnectEstate;
  let clinician: string;

  beforeAll(async () => {
    estate = await startGpConnectEstate(backend);
    clinician = await estate.app.tokenFor(GP_CLINICIAN);
  });
  afterAll(() => estate.close());
  beforeEach(() => {
    estate.provider.requests.length = 0;
  });

  const posts = () => estate.provider.requests.filter((r) => r.method === 'POST');
  const gqlWithRequestId = async (query: string, requestId: string, token = clinician) => {
    const response = await estate.app.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  };

  it('sends one structured-record POST with only the selected sections and their options', async () => {
    const requestId = randomUUID();
    const result = await gqlWithRequestId(
      `{ patient(nhsNumber: "${JANE}") { ... on Patient { allergies(includeResolved: true) { status } medications(from: "2016-01-01", includeIssues: false) { status items { issues { id } } } } } }`,
      requestId,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ patient: { allergies: { status: 'RECORDED' }, medications: { status: 'RECORDED', items: [{ issues: [] }, { issues: [] }] } } });

    expect(posts()).toHaveLength(1);
    const [post] = posts() as [RecordedRequest];
    expect(post.url.pathname).toBe('/A00001/STU3/1/gpconnect/fhir/Patient/$gpc.getstructuredrecord');
    expect(post.body).toEqual({
      resourceType: 'Parameters',
      meta: { profile: ['https://fhir.nhs.uk/STU3/OperationDefinition/GPConnect-GetStructuredRecord-Operation-1'] },
      parameter: [
        nhsNumberParameter(JANE),
        { name: 'includeAllergies', part: [{ name: 'includeResolvedAllergies', valueBoolean: true }] },
        {
          name: 'includeMedication',
          part: [
            { name: 'includePrescriptionIssues', valueBoolean: false },
            { name: 'medicationSearchFromDate', valueDate: '2016-01-01' },
          ],
        },
      ],
    });
    expect(post.headers).toMatchObject({
      accept: 'application/fhir+json',
      'content-type': 'application/fhir+json;charset=utf-8',
      'ssp-from': OUR_ASID,
      'ssp-to': PROVIDER_ASID,
      'ssp-interactionid': STRUCTURED,
      'ssp-traceid': requestId,
    });
  });

  it('sends an unsecured GP Connect JWT naming the user, their organisation, our system and the provider', async () => {
    const before = Math.floor(Date.now() / 1000);
    await gqlWithRequestId(`{ patient(nhsNumber: "${JANE}") { ... on Patient { immunisations { status } } } }`, randomUUID());
    const [post] = posts() as [RecordedRequest];
    const authorization = String(post.headers.authorization);
    expect(authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.$/);
    const { header, claims, signature } = decodeJwt(authorization.slice('Bearer '.length));
    expect(header).toEqual({ alg: 'none', typ: 'JWT' });
    expect(signature).toBe('');
    expect(claims).toMatchObject({
      iss: ISSUER,
      sub: GP_CLINICIAN,
      aud: estate.provider.baseUrl,
      reason_for_request: 'directcare',
      requested_scope: 'patient/*.read',
      requesting_device: { resourceType: 'Device', identifier: [{ system: 'https://fhir.nhs.uk/Id/accredited-system', value: OUR_ASID }], model: 'GP Open Integration' },
      requesting_organization: { resourceType: 'Organization', identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: GP_PRACTICE.odsCode }], name: GP_PRACTICE.name },
      requesting_practitioner: {
        resourceType: 'Practitioner',
        id: GP_CLINICIAN,
        identifier: [
          { system: 'https://fhir.nhs.uk/Id/sds-user-id', value: 'UNK' },
          { system: 'https://fhir.nhs.uk/Id/sds-role-profile-id', value: 'UNK' },
          { system: `${ISSUER}/Id/user-id`, value: GP_CLINICIAN },
          { system: `${ISSUER}/Id/user-role`, value: 'CLINICIAN' },
        ],
        name: [{ text: 'Amelia Hart', family: 'Hart', given: ['Amelia'] }],
      },
    });
    const iat = claims.iat as number;
    expect(iat).toBeGreaterThanOrEqual(before);
    expect(iat).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(claims.exp).toBe(iat + 300);
  });

  it('names the platform organisation for callers without an ODS code, and makes up a trace id when the request id is not a UUID', async () => {
    await estate.setSandbox(true);
    try {
      const developer = await estate.app.tokenFor('developer');
      await gqlWithRequestId(`{ patient(nhsNumber: "${JANE}") { ... on Patient { givenName } } }`, 'not-a-uuid', developer);
      const [get] = estate.provider.requests as [RecordedRequest];
      expect(get.headers['ssp-interactionid']).toBe(FIND_PATIENT);
      expect(get.headers['ssp-traceid']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const { claims } = decodeJwt(String(get.headers.authorization).slice(7));
      expect(claims.requesting_organization).toEqual({
        resourceType: 'Organization',
        identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: PLATFORM_ORGANISATION.odsCode }],
        name: PLATFORM_ORGANISATION.name,
      });
      expect(claims.sub).toBe('developer');
      // A display name that is not a plain "Given Family" is sent as text only.
      expect((claims.requesting_practitioner as { name: unknown }).name).toEqual([{ text: 'Dev Eloper (supplier developer)' }]);
    } finally {
      await estate.setSandbox(false);
    }
  });

  /** A person token as an identity provider issues it, with OpenID Connect name claims. */
  const personToken = async (claims: Record<string, unknown>) => {
    const [row] = await estate.app.database.db.select().from(signingKeys).where(eq(signingKeys.purpose, 'dev-issuer'));
    return new SignJWT({ role: 'CLINICIAN', ods: GP_PRACTICE.odsCode, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: row!.kid })
      .setIssuer(estate.app.env.issuer)
      .setAudience(estate.app.env.OIDC_AUDIENCE)
      .setSubject(GP_CLINICIAN)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(await importJWK(row!.privateJwk as JWK, 'ES256'));
  };
  const practitionerSent = async (token: string) => {
    estate.provider.requests.length = 0;
    await gqlWithRequestId(`{ patient(nhsNumber: "${JANE}") { ... on Patient { allergies { status } } } }`, randomUUID(), token);
    const [post] = posts() as [RecordedRequest];
    return decodeJwt(String(post.headers.authorization).slice(7)).claims.requesting_practitioner as { name: unknown };
  };

  it("sends the practitioner's name in parts from the person token's name claims", async () => {
    const token = await personToken({ name: 'Dr Amelia J. Hart-Lewis', title: 'Dr', given_name: 'Amelia', middle_name: 'Jane', family_name: 'Hart-Lewis' });
    expect((await practitionerSent(token)).name).toEqual([{ text: 'Dr Amelia J. Hart-Lewis', family: 'Hart-Lewis', given: ['Amelia', 'Jane'], prefix: ['Dr'] }]);
    // A family name alone is still a structured name; without one the display name is used as before.
    expect((await practitionerSent(await personToken({ name: 'Hart', family_name: 'Hart' }))).name).toEqual([{ text: 'Hart', family: 'Hart' }]);
    expect((await practitionerSent(await personToken({ name: 'Dr Hart (locum)', given_name: 'Amelia' }))).name).toEqual([{ text: 'Dr Hart (locum)' }]);
    // A malformed name claim is ignored, not a refusal of the person.
    expect((await practitionerSent(await personToken({ name: 'Amelia Hart', family_name: { value: 'Hart' } }))).name).toEqual([{ text: 'Amelia Hart', family: 'Hart', given: ['Amelia'] }]);
  });

  it('finds the patient with a Foundations search by NHS number', async () => {
    await gqlWithRequestId(`{ patient(nhsNumber: "${JOHN}") { ... on Patient { givenName } } }`, randomUUID());
    expect(estate.provider.requests).toHaveLength(1);
    const [get] = estate.provider.requests as [RecordedRequest];
    expect(get.method).toBe('GET');
    expect(get.url.pathname).toBe('/A00001/STU3/1/gpconnect/fhir/Patient');
    expect(get.url.searchParams.getAll('identifier')).toEqual([`https://fhir.nhs.uk/Id/nhs-number|${JOHN}`]);
    expect(get.body).toBeUndefined();
  });

  it('batches: one POST per patient, all sections of that patient in it', async () => {
    await estate.app.gql(
      `{ a: patient(nhsNumber: "${JANE}") { ... on Patient { allergies { status } referrals { status } } }
         b: patient(nhsNumber: "${JOHN}") { ... on Patient { investigations(from: "2017-01-02", to: "2017-07-02") { status } diaryEntries { status } } } }`,
      {},
      clinician,
    );
    const bodies = posts().map((p) => p.body as { parameter: Array<{ name: string; part?: unknown }> });
    expect(bodies).toHaveLength(2);
    const byPatient = new Map(bodies.map((b) => [(b.parameter[0] as unknown as ReturnType<typeof nhsNumberParameter>).valueIdentifier.value, b.parameter.slice(1)]));
    expect(byPatient.get(JANE)).toEqual([{ name: 'includeAllergies', part: [{ name: 'includeResolvedAllergies', valueBoolean: false }] }, { name: 'includeReferrals' }]);
    expect(byPatient.get(JOHN)).toEqual([
      { name: 'includeInvestigations', part: [{ name: 'investigationSearchPeriod', valuePeriod: { start: '2017-01-02', end: '2017-07-02' } }] },
      { name: 'includeDiaryEntries' },
    ]);
  });

  it('maps every section option to its GP Connect parameter, splitting combinations the specification forbids', async () => {
    await estate.app.gql(
      `{ patient(nhsNumber: "${JANE}") { ... on Patient {
          problems(status: ACTIVE, significance: MAJOR) { status } immunisations(includeNotGiven: false, includeStatus: false) { status }
          consultations(from: "2019-01-01") { status } referrals(to: "2019-12-31") { status }
          uncategorised(from: "2019-01-25", to: "2019-06-25") { status } diaryEntries(before: "2099-01-01") { status } } } }`,
      {},
      clinician,
    );
    const bodies = posts().map((p) => (p.body as { parameter: Array<{ name: string; part?: Array<{ name: string }> }> }).parameter.slice(1));
    expect(bodies.flat()).toEqual(
      expect.arrayContaining([
        { name: 'includeProblems', part: [{ name: 'filterStatus', valueCode: 'active' }, { name: 'filterSignificance', valueCode: 'major' }] },
        { name: 'includeImmunisations', part: [{ name: 'includeNotGiven', valueBoolean: false }, { name: 'includeStatus', valueBoolean: false }] },
        { name: 'includeConsultations', part: [{ name: 'consultationSearchPeriod', valuePeriod: { start: '2019-01-01' } }] },
        { name: 'includeReferrals', part: [{ name: 'referralSearchPeriod', valuePeriod: { end: '2019-12-31' } }] },
        { name: 'includeUncategorisedData', part: [{ name: 'uncategorisedDataSearchPeriod', valuePeriod: { start: '2019-01-25', end: '2019-06-25' } }] },
        { name: 'includeDiaryEntries', part: [{ name: 'diaryEntriesSearchDate', valueDate: '2099-01-01' }] },
      ]),
    );
    expect(bodies.flat()).toHaveLength(6);
    // No body pairs consultations or problems with a part parameter the specification forbids next to them.
    const forbiddenWithProblems = ['medicationSearchFromDate', 'uncategorisedDataSearchPeriod', 'referralSearchPeriod', 'diaryEntriesSearchDate', 'includeNotGiven', 'includeStatus'];
    const forbiddenWithConsultations = [...forbiddenWithProblems, 'filterStatus', 'filterSignificance'];
    for (const body of bodies) {
      const parts = body.flatMap((p) => (p.part ?? []).map((x) => x.name));
      if (body.some((p) => p.name === 'includeConsultations')) expect(parts.filter((n) => forbiddenWithConsultations.includes(n))).toEqual([]);
      if (body.some((p) => p.name === 'includeProblems')) expect(parts.filter((n) => forbiddenWithProblems.includes(n))).toEqual([]);
    }
    expect(bodies).toHaveLength(3);
  });

  it('asks for the most recent consultations, and refuses periods the specification forbids before asking', async () => {
    await estate.app.gql(`{ patient(nhsNumber: "${JANE}") { ... on Patient { consultations(mostRecent: 3) { status } } } }`, {}, clinician);
    expect((posts()[0]!.body as { parameter: unknown[] }).parameter.slice(1)).toEqual([{ name: 'includeConsultations', part: [{ name: 'includeNumberOfMostRecent', valuePositiveInt: 3 }] }]);
    estate.provider.requests.length = 0;
    for (const [field, code] of [
      ['consultations(to: "2099-01-01")', 'INVALID_DATE_RANGE'],
      ['uncategorised(from: "2099-01-01")', 'INVALID_DATE_RANGE'],
      ['diaryEntries(before: "2001-01-01")', 'INVALID_DATE_RANGE'],
      ['consultations(from: "2019-01-01", mostRecent: 2)', 'BAD_USER_INPUT'],
    ] as const) {
      const response = await estate.app.gql(`{ patient(nhsNumber: "${JANE}") { ... on Patient { ${field} { status } } } }`, {}, clinician);
      expect(response.errors?.map((e) => (e.extensions as { code: string }).code)).toEqual([code]);
    }
    expect(posts()).toHaveLength(0);
  });

  it('asks again, not twice in one body, when the same section is selected with different options', async () => {
    const result = await estate.app.gql<{ patient: { active: { items: unknown[] }; all: { items: unknown[] } } }>(
      `{ patient(nhsNumber: "${JANE}") { ... on Patient { active: allergies { items { id } } all: allergies(includeResolved: true) { items { id } } } } }`,
      {},
      clinician,
    );
    expect(result.data!.patient.active.items).toHaveLength(3);
    expect(result.data!.patient.all.items).toHaveLength(4);
    expect(posts()).toHaveLength(2);
    for (const post of posts()) expect((post.body as { parameter: Array<{ name: string }> }).parameter.map((p) => p.name)).toEqual(['patientNHSNumber', 'includeAllergies']);
  });

  it('searches free slots with the organisation scope and maps them', async () => {
    const result = await estate.app.gql<{ practice: { slots: { slots: unknown[] } } }>(
      `{ practice(odsCode: "${GP_PRACTICE.odsCode}") { ... on Practice { slots(from: "2016-08-15T00:00:00Z", to: "2016-08-16T00:00:00Z") {
          ... on SlotList { slots { id start end status deliveryChannel practitioner practitionerRole location serviceType } } } } } }`,
      {},
      clinician,
    );
    expect(result.errors).toBeUndefined();
    const slot = { status: 'FREE', deliveryChannel: 'In-person', practitioner: 'Mrs Sarah Black', practitionerRole: 'General Medical Practitioner', location: 'The Trevelyan Practice' };
    expect(result.data!.practice.slots.slots).toEqual([
      { id: '1584', start: '2016-08-15T10:30:00.000Z', end: '2016-08-15T10:40:00.000Z', ...slot, serviceType: 'General GP Appointment' },
      { id: '1644', start: '2016-08-15T10:40:00.000Z', end: '2016-08-15T10:50:00.000Z', ...slot, serviceType: 'NHS Health Check' },
    ]);
    const [get] = estate.provider.requests as [RecordedRequest];
    expect(get.url.pathname).toBe('/A00001/STU3/1/gpconnect/fhir/Slot');
    const params = get.url.searchParams;
    expect(params.get('start')).toBe('ge2016-08-15T00:00:00+00:00');
    expect(params.get('end')).toBe('le2016-08-16T00:00:00+00:00');
    expect(params.get('status')).toBe('free');
    expect(params.getAll('_include')).toEqual(['Slot:schedule']);
    expect(params.getAll('_include:recurse')).toEqual(['Schedule:actor:Practitioner', 'Schedule:actor:Location', 'Location:managingOrganization']);
    expect(params.getAll('searchFilter')).toEqual([
      `https://fhir.nhs.uk/Id/ods-organization-code|${GP_PRACTICE.odsCode}`,
      'https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1|gp-practice',
    ]);
    expect(get.headers['ssp-interactionid']).toBe(SEARCH_SLOTS);
    expect(decodeJwt(String(get.headers.authorization).slice(7)).claims.requested_scope).toBe('organization/*.read');
  });

  it("reads a patient's future appointments by logical id, looking the patient up once per request", async () => {
    const from = new Date();
    const to = new Date(from.getTime() + 420 * DAY);
    const result = await estate.app.gql<{ patient: { givenName: string; appointments: { appointments: Array<Record<string, unknown>> } } }>(
      `query($n: String!, $from: DateTime!, $to: DateTime!) { patient(nhsNumber: $n) { ... on Patient { givenName
          appointments(from: $from, to: $to) { ... on AppointmentList { appointments { id start end status description comment practitioner location createdAt } } } } } }`,
      { n: JANE_FOUNDATIONS, from: from.toISOString(), to: to.toISOString() },
      clinician,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.patient.givenName).toBe('Jane');
    const gets = estate.provider.requests;
    expect(gets.map((r) => r.headers['ssp-interactionid'])).toEqual([FIND_PATIENT, PATIENT_APPOINTMENTS]);
    const search = gets[1]!;
    expect(search.url.pathname).toBe('/A00001/STU3/1/gpconnect/fhir/Patient/2/Appointment');
    const englandDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(d);
    expect(search.url.searchParams.getAll('start')).toEqual([`ge${englandDate(from)}`, `le${englandDate(new Date(to.getTime() - 1))}`]);
    // The fake provider moves the example's appointments into the requested (future) window.
    const served = (search.served!.entry as Array<{ resource: Record<string, string> }>).map((e) => e.resource);
    const byStart = [...served].sort((a, b) => Date.parse(a.start!) - Date.parse(b.start!));
    expect(result.data!.patient.appointments.appointments).toEqual(
      byStart.map((a) => ({
        id: a.id,
        start: new Date(a.start!).toISOString(),
        end: new Date(a.end!).toISOString(),
        status: 'BOOKED',
        description: 'GP Connect Appointment description 148',
        comment: a.comment ?? null,
        practitioner: null,
        location: null,
        createdAt: new Date(a.created!).toISOString(),
      })),
    );
    expect(result.data!.patient.appointments.appointments.map((a) => a.id)).toEqual(['149', '148']);
  });

  it('refuses a period of appointments wholly in the past before asking, as GP Connect does not accept one (rule 10)', async () => {
    const past = async (from: string, to: string) =>
      (
        await estate.app.gql<{ patient: { appointments: Record<string, unknown> } }>(
          `{ patient(nhsNumber: "${JANE_FOUNDATIONS}") { ... on Patient { appointments(from: "${from}", to: "${to}") { __typename ... on Error { code message } ... on AppointmentList { appointments { id } } } } } }`,
          {},
          clinician,
        )
      ).data!.patient.appointments;
    const invalid = { __typename: 'InvalidDateRange', code: 'INVALID_DATE_RANGE', message: 'GP Connect holds only future appointments: the period must end after now.' };
    expect(await past('2020-01-01T00:00:00Z', '2020-06-01T00:00:00Z')).toEqual(invalid);
    // Ending a moment ago is still wholly past.
    const now = Date.now();
    expect(await past(new Date(now - 30 * DAY).toISOString(), new Date(now - 1000).toISOString())).toEqual(invalid);
    // The provider was asked who the patient is (for the patient itself), never for appointments.
    expect(new Set(estate.provider.requests.map((r) => r.headers['ssp-interactionid']))).toEqual(new Set([FIND_PATIENT]));
    // A period partly past is asked from today, not refused.
    const englandDate = (d: Date) => `ge${new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(d)}`;
    const before = englandDate(new Date());
    const partly = await past(new Date(now - 30 * DAY).toISOString(), new Date(now + 30 * DAY).toISOString());
    expect(partly.__typename).toBe('AppointmentList');
    const search = estate.provider.requests.find((r) => r.url.pathname.endsWith('/Appointment'))!;
    // Today in England (either side of a midnight the request may have crossed).
    expect([before, englandDate(new Date())]).toContain(search.url.searchParams.getAll('start')[0]);
  });
});
