// GET /audit/checkpoints: the signed audit checkpoints and the public key that verifies them, for
// anyone to fetch and keep. Copies held outside the platform are what make a rewrite detectable.
import type { Plugin } from 'graphql-yoga';
import type { AuditIntegrity } from '../domain/audit/integrity.js';

const MAX_PAGE = 1000;

const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

export function checkpointRoutePlugin(integrity: AuditIntegrity): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== '/audit/checkpoints') return;
      if (request.method !== 'GET' && request.method !== 'HEAD') return endResponse(json({ error: 'method not allowed' }, 405, { allow: 'GET' }));
      const after = url.searchParams.get('after') ?? '0';
      if (!/^\d{1,15}$/.test(after)) return endResponse(json({ error: '"after" must be a seq (a whole number).' }, 400));
      const all = await integrity.checkpoints();
      const page = all.filter((c) => c.seq > Number(after)).slice(0, MAX_PAGE);
      return endResponse(
        json(
          {
            algorithm: 'Ed25519',
            keyId: integrity.signer.keyId,
            publicKey: integrity.signer.publicKeyPem,
            signedFields: ['v', 'seq', 'hash', 'root', 'at', 'keyId'],
            merkleTree: 'RFC 6962: leaf i = event seq i+1, leaf data = the event hash (32 bytes)',
            checkpoints: page.map(({ frontier: _frontier, ...signed }) => signed),
            next: page.length === MAX_PAGE ? String(page.at(-1)!.seq) : null,
          },
          200,
          { 'cache-control': 'no-cache' },
        ),
      );
    },
  };
}
