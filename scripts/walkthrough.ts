// npm run walkthrough [-- --url http://127.0.0.1:4000]: a supplier's path from application to the
// first API call, against a running server and through the API only. The seeded developer applies
// and registers an app, the seeded reviewer moves the sandbox pairings and grants scopes, a sandbox
// practice's admin enables the app, and the app reads a synthetic record with its own credentials.
// Re-runnable: an existing application is reused and each run registers a fresh app.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { exportJWK, generateKeyPair } from 'jose';
import { loadEnv } from '../server/env.js';
import {
  ApplyAsSupplierDocument,
  DisableAppDocument,
  EnableAppDocument,
  GrantScopesDocument,
  GraphQLRequestError,
  MySupplierDocument,
  OAuthError,
  PatientRecordDocument,
  PracticePatientsDocument,
  RegisterClientAppDocument,
  ScopeCatalogueDocument,
  TransitionPairingDocument,
  clientCredentials,
  createClient,
  type Client,
  type GraphQLErrorBody,
  type PairingFieldsFragment,
  type PairingStage,
  type PatientRecordQuery,
  type SupplierFieldsFragment,
} from '../sdk/index.js';

const PRACTICE = 'Z91001'; // a sandbox practice on EMIS Web
const PRACTICE_SYSTEM = 'EMIS_WEB';
// system/Task.c is for the plugin walkthrough (npm run walkthrough:plugin) that follows this one.
const REQUESTED_SCOPES = ['patient/Patient.rs', 'patient/AllergyIntolerance.rs', 'patient/MedicationStatement.rs', 'patient/Condition.rs', 'system/Task.c'];
/** The practice allows all but patient/Condition.rs, so `problems` is refused while the rest is read. */
const PRACTICE_ALLOWS = REQUESTED_SCOPES.filter((s) => s !== 'patient/Condition.rs');
const SANDBOX_STAGES: readonly PairingStage[] = ['UNSUPPORTED_TEST', 'SUPPORTED_TEST', 'ASSURED', 'LIVE'];
/** Stages the walkthrough starts from or moves on to sandbox access; any other needs a reviewer's own decision. */
const MOVABLE_STAGES: readonly PairingStage[] = ['APPLIED', 'PREREQUISITES_MET', ...SANDBOX_STAGES];
const EVIDENCE = { dsptStatus: 'STANDARDS_MET', clinicalSafetyOfficer: 'Dr Jo Safety', dcb0129Reference: 'DCB0129-WALKTHROUGH-001' } as const;
const SECTIONS = ['allergies', 'medications', 'problems', 'immunisations', 'consultations', 'investigations', 'referrals', 'uncategorised', 'diaryEntries'] as const;

class Stop extends Error {}
function stop(message: string): never {
  throw new Stop(message);
}
const say = (line = '') => console.log(line);
let step = 'start';
const heading = (title: string) => {
  step = title;
  say(`\n${title}`);
};

/** Success member of a result union, or a stop naming what came back instead. */
function success<T extends { __typename: string }, N extends T['__typename']>(result: T, typename: N, action: string): Extract<T, { __typename: N }> {
  if (result.__typename !== typename) {
    const error = result as { code?: string; message?: string };
    stop(`${action} answered ${result.__typename}${error.code ? ` ${error.code}: ${error.message}` : ''}`);
  }
  return result as Extract<T, { __typename: N }>;
}

function serverUrls() {
  const { values } = parseArgs({ options: { url: { type: 'string' } } });
  const publicUrl = (values.url ?? loadEnv().publicUrl).replace(/\/+$/, '').replace(/\/graphql$/, '');
  // As `npm run token` does: a server listening on every interface is reached through loopback.
  const reachable = publicUrl.replace('//0.0.0.0', '//127.0.0.1');
  return { publicUrl, reachable, graphql: `${reachable}/graphql` };
}

/** A development token for a seeded person, from the server's development issuer (as `npm run token`). */
async function devToken(base: string, person: string): Promise<string> {
  const response = await fetch(`${base}/dev-issuer/token?person=${encodeURIComponent(person)}`);
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; error?: string };
  if (!response.ok || !body.access_token) stop(`no development token for ${person}: ${body.error ?? `the server answered ${response.status}`}`);
  return body.access_token;
}

/** Keeps the last response body, for the partial data and `extensions.cost` the SDK does not return. */
function recordingFetch() {
  let last: { data?: unknown; errors?: GraphQLErrorBody[]; extensions?: Record<string, unknown> } | null = null;
  const recording: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    last = (await response.clone().json().catch(() => null)) as typeof last;
    return response;
  };
  return { fetch: recording, last: () => last };
}

async function bringToSandbox(reviewer: Client, pairing: PairingFieldsFragment): Promise<void> {
  const system = pairing.system.id;
  if (SANDBOX_STAGES.includes(pairing.stage)) return say(`   ${system}: already ${pairing.stage}`);
  const path: PairingStage[] | null =
    pairing.stage === 'APPLIED' ? ['PREREQUISITES_MET', 'UNSUPPORTED_TEST'] : pairing.stage === 'PREREQUISITES_MET' ? ['UNSUPPORTED_TEST'] : null;
  if (!path) return say(`   ${system}: ${pairing.stage}, left alone`);
  for (const to of path) {
    const { transitionPairing } = await reviewer.request(TransitionPairingDocument, {
      pairingId: pairing.id,
      to,
      reason: to === 'PREREQUISITES_MET' ? 'DSPT, clinical safety officer and DCB0129 evidence checked' : 'Cleared for sandbox testing',
      evidence: to === 'PREREQUISITES_MET' ? EVIDENCE : undefined,
    });
    success(transitionPairing, 'Pairing', `transitionPairing ${system} -> ${to}`);
  }
  say(`   ${system}: ${[pairing.stage, ...path].join(' -> ')}`);
}

function describeSection(name: (typeof SECTIONS)[number], patient: Extract<NonNullable<PatientRecordQuery['patient']>, { __typename: 'Patient' }>, errors: GraphQLErrorBody[]): string {
  const section = patient[name];
  if (section) {
    const labels = name === 'allergies' ? patient.allergies?.items.map((a) => a.code.display) : name === 'medications' ? patient.medications?.items.map((m) => m.medication.display) : [];
    const shown = labels?.length ? `: ${labels.slice(0, 3).join('; ')}${labels.length > 3 ? '; ...' : ''}` : '';
    return `${section.status} (${section.items.length} item${section.items.length === 1 ? '' : 's'}${shown})`;
  }
  const error = errors.find((e) => e.path?.[0] === 'patient' && e.path[1] === name);
  return error ? `${error.extensions?.code ?? 'ERROR'}: ${error.message}` : stop(`${name} came back empty without an error`);
}

async function main() {
  const urls = serverUrls();
  say(`Supplier walkthrough against ${urls.publicUrl}`);
  await fetch(`${urls.reachable}/healthz`).catch(() => stop(`no server at ${urls.reachable}. Start it first with: npm start`));
  const as = async (person: string) => createClient({ url: urls.graphql, token: await devToken(urls.reachable, person) });

  heading('1. Supplier developer: apply, then register an app with its public key');
  const developer = await as('developer');
  const { scopeCatalogue } = await developer.request(ScopeCatalogueDocument);
  const unknown = REQUESTED_SCOPES.filter((s) => !scopeCatalogue.some((c) => c.scope === s));
  if (unknown.length) stop(`the scope catalogue lacks ${unknown.join(', ')}`);
  say(`   scope catalogue: ${scopeCatalogue.length} scopes, e.g. ${scopeCatalogue[1]?.scope} (${scopeCatalogue[1]?.description})`);
  const existing = (await developer.request(MySupplierDocument)).mySupplier;
  let supplier: SupplierFieldsFragment;
  if (existing) {
    supplier = existing;
    say(`   already applied as ${supplier.name} (${supplier.id}): reusing it and its pairings`);
  } else {
    const { applyAsSupplier } = await developer.request(ApplyAsSupplierDocument, {
      input: {
        name: 'Walkthrough Health Ltd',
        contactName: 'Ada Lovelace',
        contactEmail: 'ada@walkthrough-health.example',
        useCase: 'Medication reconciliation for care homes.',
        requestedScopes: REQUESTED_SCOPES,
        systems: [PRACTICE_SYSTEM, 'TPP_SYSTMONE'],
      },
    });
    supplier = success(applyAsSupplier, 'Supplier', 'applyAsSupplier');
    say(`   applied as ${supplier.name} (${supplier.id}) for ${supplier.pairings.map((p) => p.system.id).join(', ')}`);
  }
  const notRequested = REQUESTED_SCOPES.filter((s) => !supplier.scopes.some((r) => r.scope === s));
  if (notRequested.length) stop(`supplier ${supplier.id} did not request ${notRequested.join(', ')}, which this walkthrough needs`);
  const needed = supplier.pairings.find((p) => p.system.id === PRACTICE_SYSTEM);
  if (!needed) stop(`supplier ${supplier.id} has no ${PRACTICE_SYSTEM} pairing, which ${PRACTICE} needs`);
  if (!MOVABLE_STAGES.includes(needed.stage)) {
    stop(`the ${PRACTICE_SYSTEM} pairing is ${needed.stage}: moving it on is a reviewer's decision, not the walkthrough's (allowed: ${needed.allowedTransitions.join(', ') || 'none'})`);
  }

  const { publicKey, privateKey } = await generateKeyPair('ES384');
  const kid = `walkthrough-${randomUUID()}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES384', use: 'sig' };
  say(`   generated an ES384 (P-384) key pair; kid ${kid}`);
  const appName = `Walkthrough app ${new Date().toISOString()}`;
  const { registerClientApp } = await developer.request(RegisterClientAppDocument, { name: appName, jwks: { keys: [publicJwk] } });
  const app = success(registerClientApp, 'ClientApp', 'registerClientApp');
  say(`   registered "${app.name}": client_id ${app.clientId} (only the public key was sent)`);

  heading('2. NHS England reviewer: pairings to UNSUPPORTED_TEST (sandbox practices only), scopes granted');
  const reviewer = await as('reviewer');
  for (const pairing of supplier.pairings) await bringToSandbox(reviewer, pairing);
  const ungranted = supplier.scopes.filter((s) => REQUESTED_SCOPES.includes(s.scope) && !s.granted).map((s) => s.scope);
  if (ungranted.length) {
    const { grantScopes } = await reviewer.request(GrantScopesDocument, { supplierId: supplier.id, scopes: ungranted });
    const granted = success(grantScopes, 'Supplier', 'grantScopes');
    say(`   granted: ${granted.scopes.filter((s) => s.granted).map((s) => s.scope).join(', ')}`);
  } else {
    say(`   already granted: ${REQUESTED_SCOPES.join(', ')}`);
  }

  heading(`3. Practice admin of ${PRACTICE} (EMIS Web): enable the app with a subset of the granted scopes`);
  const admin = await as(`admin.${PRACTICE}`);
  const { enableApp } = await admin.request(EnableAppDocument, { clientId: app.clientId, scopes: PRACTICE_ALLOWS });
  const enablement = success(enableApp, 'Enablement', 'enableApp');
  say(`   enabled at ${enablement.practiceOdsCode} with ${enablement.scopes.join(', ')}`);
  say('   not allowed here: patient/Condition.rs (problems)');

  heading('4. The app: client credentials with a signed assertion, then a record read');
  const tokenUrl = `${urls.publicUrl}/oauth2/token`;
  const auth = clientCredentials({
    tokenUrl, // also the assertion's aud, so it must be the server's own public URL
    clientId: app.clientId,
    privateKey,
    kid,
    alg: 'ES384',
    fetch: (_input, init) => fetch(`${urls.reachable}/oauth2/token`, init),
  });
  await auth.getToken();
  say(`   access token from ${tokenUrl} (private_key_jwt, ES384)`);
  const responses = recordingFetch();
  const client = createClient({ url: urls.graphql, token: auth.getToken, fetch: responses.fetch });
  const { practice } = await client.request(PracticePatientsDocument, { odsCode: PRACTICE, first: 1 });
  if (practice?.__typename !== 'Practice') stop(`practice(${PRACTICE}) answered ${practice?.__typename ?? 'nothing'}`);
  const first = practice.patients?.edges[0]?.node;
  if (!first) stop(`${PRACTICE} listed no patients`);
  say(`   first patient at ${PRACTICE}: ${first.nhsNumber}`);

  let record: PatientRecordQuery;
  let errors: GraphQLErrorBody[] = [];
  try {
    record = await client.request(PatientRecordDocument, { nhsNumber: first.nhsNumber });
  } catch (error) {
    // Refused sections come back as errors beside the data that was allowed.
    const partial = responses.last()?.data as PatientRecordQuery | undefined;
    if (!(error instanceof GraphQLRequestError) || !partial) throw error;
    record = partial;
    errors = error.errors;
  }
  const patient = record.patient;
  if (patient?.__typename !== 'Patient') stop(`patient(${first.nhsNumber}) answered ${patient?.__typename ?? `nothing (${errors.map((e) => e.message).join('; ')})`}`);
  say(`   patient ${patient.nhsNumber}: ${patient.givenName} ${patient.familyName}, born ${patient.birthDate}, at ${patient.practice.odsCode} (${patient.practice.system.id})`);
  for (const name of SECTIONS) say(`     ${name.padEnd(15)}${describeSection(name, patient, errors)}`);
  if (!patient.allergies || !patient.medications) stop('allergies and medications should have been read');
  if (patient.problems) stop(`problems should have been refused: ${PRACTICE} did not allow patient/Condition.rs`);
  const cost = responses.last()?.extensions?.cost as { requestedQueryCost: number; throttleStatus: { currentlyAvailable: number; maximumAvailable: number; restoreRate: number } } | undefined;
  if (cost) {
    const t = cost.throttleStatus;
    say(`   cost: ${cost.requestedQueryCost} points; ${t.currentlyAvailable} of ${t.maximumAvailable} left, restored at ${t.restoreRate}/s (extensions.cost)`);
  }

  heading(`5. Practice admin of ${PRACTICE}: disable the app; its next request is refused`);
  const { disableApp } = await admin.request(DisableAppDocument, { clientId: app.clientId });
  const disabled = success(disableApp, 'Enablement', 'disableApp');
  say(`   enablement at ${disabled.practiceOdsCode}: active ${disabled.active}`);
  // The practice's patient list says why; a patient lookup would answer PATIENT_NOT_FOUND, as for
  // any patient the caller may not read, so that it never reveals where someone is registered.
  const refused = await client.request(PracticePatientsDocument, { odsCode: PRACTICE, first: 1 }).then(
    () => null,
    (error: unknown) => error,
  );
  if (!(refused instanceof GraphQLRequestError) || !refused.codes.includes('FORBIDDEN')) stop(`after disableApp the app's read answered ${refused ? String(refused) : 'data'}`);
  say(`   next read: ${refused.message}`);

  say(`\nDone. Every read above is in the audit trail (reviewer: auditEvents(supplierId: "${supplier.id}")).`);
}

try {
  await main();
} catch (error) {
  const why =
    error instanceof Stop
      ? error.message
      : error instanceof GraphQLRequestError
        ? `the API refused: ${error.message}`
        : error instanceof OAuthError
          ? `the token endpoint refused: ${error.message}`
          : error instanceof Error
            ? error.message
            : String(error);
  console.error(`\nwalkthrough stopped at "${step}": ${why}`);
  process.exit(1);
}
