// A small OpenID provider on loopback for tests: discovery, authorization code with PKCE (S256
// only), ID token with nonce, and access tokens for people that the API accepts as a configured
// issuer's. It signs in whoever the test says is at the keyboard (`signInAs`).
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';

export interface IssuerPerson {
  sub: string;
  name: string;
  role: string;
  ods?: string;
}

export interface TestIssuer {
  url: string;
  jwksUrl: string;
  clientId: string;
  signInAs(person: IssuerPerson): void;
  /** Token requests refused so far (bad PKCE verifier, reused code...). */
  refusedTokenRequests: number;
  close(): Promise<void>;
}

interface PendingCode {
  challenge: string;
  nonce: string;
  redirectUri: string;
  person: IssuerPerson;
}

const b64url = (buf: Buffer) => buf.toString('base64url');

export async function startTestIssuer(options: { audience: string; clientId?: string }): Promise<TestIssuer> {
  const clientId = options.clientId ?? 'gp-console';
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-issuer-1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, PendingCode>();
  let person: IssuerPerson = { sub: 'reviewer', name: 'Rhiannon Reviewer', role: 'REVIEWER' };
  let base = '';
  const state = { refused: 0 };

  const sign = (claims: Record<string, unknown>, audience: string, sub: string) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: jwk.kid! }).setIssuer(base).setAudience(audience).setSubject(sub).setIssuedAt().setExpirationTime('5m').sign(privateKey);

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
    res.end(JSON.stringify(body));
  };

  async function readBody(req: IncomingMessage): Promise<URLSearchParams> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return new URLSearchParams(Buffer.concat(chunks).toString());
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      if (url.pathname === '/.well-known/openid-configuration') {
        return send(res, 200, {
          issuer: base,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          jwks_uri: `${base}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
        });
      }
      if (url.pathname === '/jwks') return send(res, 200, { keys: [jwk] });
      if (url.pathname === '/authorize') {
        const p = url.searchParams;
        if (p.get('client_id') !== clientId || p.get('response_type') !== 'code' || p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge') || !p.get('state')) {
          return send(res, 400, { error: 'invalid_request' });
        }
        const code = b64url(randomBytes(24));
        codes.set(code, { challenge: p.get('code_challenge')!, nonce: p.get('nonce') ?? '', redirectUri: p.get('redirect_uri')!, person });
        const back = new URL(p.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', p.get('state')!);
        res.writeHead(302, { location: back.toString() });
        return res.end();
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        const p = await readBody(req);
        const pending = codes.get(p.get('code') ?? '');
        codes.delete(p.get('code') ?? '');
        const verifier = p.get('code_verifier') ?? '';
        const challenge = b64url(createHash('sha256').update(verifier).digest());
        if (!pending || p.get('grant_type') !== 'authorization_code' || p.get('redirect_uri') !== pending.redirectUri || challenge !== pending.challenge || p.get('client_id') !== clientId) {
          state.refused += 1;
          return send(res, 400, { error: 'invalid_grant' });
        }
        const who = pending.person;
        const access = await sign({ name: who.name, role: who.role, ...(who.ods ? { ods: who.ods } : {}) }, options.audience, who.sub);
        const id = await sign({ nonce: pending.nonce, name: who.name }, clientId, who.sub);
        return send(res, 200, { access_token: access, token_type: 'Bearer', expires_in: 300, id_token: id, scope: 'openid profile' });
      }
      send(res, 404, { error: 'not_found' });
    })().catch(() => send(res, 500, { error: 'server_error' }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    jwksUrl: `${base}/jwks`,
    clientId,
    signInAs(p) {
      person = p;
    },
    get refusedTokenRequests() {
      return state.refused;
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
