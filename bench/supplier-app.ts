// Sets up a supplier app the way a supplier, NHS England and the practices would, through the API
// with development tokens: the developer applies (once; later runs reuse the supplier), a reviewer
// walks its pairings to UNSUPPORTED_TEST and grants the record scopes, the developer registers a new
// app with a fresh ES384 key, each practice's admin enables it, and the app trades a signed client
// assertion for an access token at /oauth2/token.
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { tokenEndpointUrl } from '../server/auth/client-credentials.js';
import { PATIENT_READ_SCOPE, SCOPES } from '../server/domain/scopes.js';
import { EVIDENCE } from '../test/support/governance.js';

/** Demographics plus every record section: what the record query reads. */
export const RECORD_SCOPES = [PATIENT_READ_SCOPE, ...SCOPES.filter((s) => s.section).map((s) => s.scope)];
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface Practice {
  odsCode: string;
  systemId: string;
}

interface SupplierState {
  id: string;
  pairings: Array<{ id: string; stage: string; system: { id: string } }>;
  scopes: Array<{ scope: string; granted: boolean }>;
}

const SUPPLIER_FIELDS = 'id pairings { id stage system { id } } scopes { scope granted }';

export async function supplierAppToken(base: string, publicUrl: string, practices: readonly Practice[]): Promise<{ token: string; clientId: string }> {
  const devToken = async (person: string) => {
    const response = await fetch(`${base}/dev-issuer/token?person=${encodeURIComponent(person)}`);
    if (!response.ok) throw new Error(`no development token for ${person}: ${response.status}`);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const gql = async <T>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown };
    if (!body.data || body.errors) throw new Error(`setup query failed: ${JSON.stringify(body.errors ?? body)}`);
    return body.data;
  };
  /** Mutations answer with a union; an Error member means the setup cannot go on. */
  const expectType = (result: { __typename: string; message?: string }, typename: string, what: string) => {
    if (result.__typename !== typename) throw new Error(`${what}: ${result.__typename} ${result.message ?? ''}`);
  };

  const developer = await devToken('developer');
  const reviewer = await devToken('reviewer');
  const systems = [...new Set(practices.map((p) => p.systemId))];

  let supplier = (await gql<{ mySupplier: SupplierState | null }>(developer, `{ mySupplier { ${SUPPLIER_FIELDS} } }`)).mySupplier;
  if (!supplier) {
    const input = {
      name: 'Benchmark Health Ltd',
      contactName: 'Bea Benchmark',
      contactEmail: 'bea@benchmark-health.example',
      useCase: 'Reads whole patient records to measure the API.',
      requestedScopes: RECORD_SCOPES,
      systems,
    };
    const applied = await gql<{ applyAsSupplier: SupplierState & { __typename: string; message?: string } }>(
      developer,
      `mutation A($input: SupplierApplicationInput!) { applyAsSupplier(input: $input) { __typename ... on Error { message } ... on Supplier { ${SUPPLIER_FIELDS} } } }`,
      { input },
    );
    expectType(applied.applyAsSupplier, 'Supplier', 'applyAsSupplier');
    supplier = applied.applyAsSupplier;
  }

  for (const systemId of systems) {
    const pairing = supplier.pairings.find((p) => p.system.id === systemId);
    if (!pairing) throw new Error(`the benchmark supplier has no ${systemId} pairing; drop the gpoi_bench database and run again`);
    const path = pairing.stage === 'APPLIED' ? ['PREREQUISITES_MET', 'UNSUPPORTED_TEST'] : pairing.stage === 'PREREQUISITES_MET' ? ['UNSUPPORTED_TEST'] : [];
    for (const to of path) {
      const moved = await gql<{ transitionPairing: { __typename: string; message?: string } }>(
        reviewer,
        `mutation T($id: String!, $to: PairingStage!, $evidence: PrerequisiteEvidenceInput) {
          transitionPairing(pairingId: $id, to: $to, reason: "Benchmark sandbox access", evidence: $evidence) { __typename ... on Error { message } }
        }`,
        { id: pairing.id, to, evidence: to === 'PREREQUISITES_MET' ? EVIDENCE : undefined },
      );
      expectType(moved.transitionPairing, 'Pairing', `${systemId} pairing to ${to}`);
    }
  }

  const ungranted = RECORD_SCOPES.filter((scope) => !supplier.scopes.some((s) => s.scope === scope && s.granted));
  if (ungranted.length > 0) {
    const granted = await gql<{ grantScopes: { __typename: string; message?: string } }>(
      reviewer,
      'mutation G($id: String!, $scopes: [String!]!) { grantScopes(supplierId: $id, scopes: $scopes) { __typename ... on Error { message } } }',
      { id: supplier.id, scopes: ungranted },
    );
    if ('message' in granted.grantScopes) throw new Error(`grantScopes: ${granted.grantScopes.message}`);
  }

  const { publicKey, privateKey } = await generateKeyPair('ES384');
  const kid = `bench-es384-${randomUUID()}`;
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES384', use: 'sig' }] };
  const registered = await gql<{ registerClientApp: { __typename: string; message?: string; clientId?: string } }>(
    developer,
    'mutation R($jwks: JSON!) { registerClientApp(name: "Benchmark reader", jwks: $jwks) { __typename ... on Error { message } ... on ClientApp { clientId } } }',
    { jwks },
  );
  expectType(registered.registerClientApp, 'ClientApp', 'registerClientApp');
  const clientId = registered.registerClientApp.clientId!;

  for (const practice of practices) {
    const enabled = await gql<{ enableApp: { __typename: string; message?: string } }>(
      await devToken(`admin.${practice.odsCode}`),
      'mutation E($id: String!, $scopes: [String!]!) { enableApp(clientId: $id, scopes: $scopes) { __typename ... on Error { message } } }',
      { id: clientId, scopes: RECORD_SCOPES },
    );
    expectType(enabled.enableApp, 'Enablement', `enableApp at ${practice.odsCode}`);
  }

  const tokenUrl = tokenEndpointUrl(publicUrl);
  const assertion = await new SignJWT({ iss: clientId, sub: clientId, aud: tokenUrl, jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES384', kid, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('4m')
    .sign(privateKey);
  const response = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, scope: RECORD_SCOPES.join(' ') }).toString(),
  });
  const body = (await response.json()) as { access_token?: string; error_description?: string };
  if (!body.access_token) throw new Error(`/oauth2/token refused: ${body.error_description ?? response.status}`);
  return { token: body.access_token, clientId };
}
