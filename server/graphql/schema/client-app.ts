// Supplier client applications: registration with a JWKS, key rotation, revocation.
import { builder } from '../builder.js';
import { changeAppKeys, registerClientApp, revokeClientApp, type ClientAppRow, type PublicJwk } from '../../domain/governance/client-apps.js';
import { isRefusal, type Refusal } from '../../domain/governance/context.js';
import { errorRefs, fromRefusal, resolveResultType } from './errors.js';
import { actionContext } from './supplier.js';

const AppKeyType = builder.objectRef<PublicJwk>('AppKey').implement({
  description: 'A registered public key; the private half never leaves the supplier.',
  fields: (t) => ({
    kid: t.string({ resolve: (k) => k.kid }),
    kty: t.string({ resolve: (k) => k.kty }),
    alg: t.string({ resolve: (k) => k.alg ?? (k.kty === 'RSA' ? 'RS512' : 'ES384') }),
  }),
});

export const ClientAppType = builder.objectRef<ClientAppRow>('ClientApp').implement({
  fields: (t) => ({
    clientId: t.exposeString('id', { description: 'OAuth2 client_id: the `iss` and `sub` of client assertions.' }),
    name: t.exposeString('name'),
    status: t.exposeString('status'),
    supplierId: t.exposeString('supplierId'),
    keys: t.field({ type: [AppKeyType], resolve: (a) => (a.jwks as { keys: PublicJwk[] }).keys }),
    createdAt: t.field({ type: 'DateTime', resolve: (a) => a.createdAt }),
    revokedAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.revokedAt }),
  }),
});

const ClientAppResult = builder.unionType('ClientAppResult', {
  types: [ClientAppType, errorRefs.ActionRefused],
  resolveType: resolveResultType('ClientApp'),
});

const mapped = (outcome: ClientAppRow | Refusal) => (isRefusal(outcome) ? fromRefusal(outcome) : outcome);

builder.mutationField('registerClientApp', (t) =>
  t.field({
    type: ClientAppResult,
    description: 'Registers an app for your supplier with its public keys: {"keys": [JWK, ...]} (RS512 RSA or ES384 P-384, each with a kid).',
    args: { name: t.arg.string({ required: true }), jwks: t.arg({ type: 'JSON', required: true }) },
    resolve: async (_, a, ctx) => mapped(await registerClientApp(ctx.db, actionContext(ctx), a.name, a.jwks)),
  }),
);

builder.mutationField('addClientAppKey', (t) =>
  t.field({
    type: ClientAppResult,
    args: { clientId: t.arg.string({ required: true }), jwk: t.arg({ type: 'JSON', required: true }) },
    resolve: async (_, a, ctx) => mapped(await changeAppKeys(ctx.db, actionContext(ctx), a.clientId, { add: a.jwk })),
  }),
);

builder.mutationField('removeClientAppKey', (t) =>
  t.field({
    type: ClientAppResult,
    args: { clientId: t.arg.string({ required: true }), kid: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx) => mapped(await changeAppKeys(ctx.db, actionContext(ctx), a.clientId, { removeKid: a.kid })),
  }),
);

builder.mutationField('revokeClientApp', (t) =>
  t.field({
    type: ClientAppResult,
    description: 'Revokes an app at once: it can no longer obtain or use tokens.',
    args: { clientId: t.arg.string({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx) => mapped(await revokeClientApp(ctx.db, actionContext(ctx), a.clientId, a.reason)),
  }),
);
