// Webhook endpoints (Standard Webhooks) of a supplier's apps: registration, secrets, delivery log.
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { isRefusal, type Refusal } from '../../domain/governance/context.js';
import {
  deliveriesOf,
  enableWebhookEndpoint,
  redeliverWebhook,
  registerWebhook,
  rotateWebhookSecret,
  webhookEndpointsOfPerson,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from '../../domain/events/webhook-endpoints.js';
import { newWebhookSecret } from '../../events/webhooks/signing.js';
import { resolvePublic, webhookUrlProblem } from '../../events/webhooks/url-guard.js';
import { errorRefs, fromRefusal, resolveResultType, type TypedError } from './errors.js';
import { actionContext } from './supplier.js';

type AttemptRow = { at: Date; statusCode: number | null; error: string | null; durationMs: number };
type DeliveryWithLog = WebhookDeliveryRow & { attemptLog: AttemptRow[] };

const WebhookAttemptType = builder.objectRef<AttemptRow>('WebhookAttempt').implement({
  fields: (t) => ({
    at: t.field({ type: 'DateTime', resolve: (a) => a.at }),
    statusCode: t.exposeInt('statusCode', { nullable: true }),
    error: t.exposeString('error', { nullable: true }),
    durationMs: t.exposeInt('durationMs'),
  }),
});

const WebhookDeliveryType = builder.objectRef<DeliveryWithLog | WebhookDeliveryRow>('WebhookDelivery').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    eventId: t.exposeString('eventId', { description: 'The webhook-id header: the same on every attempt.' }),
    eventType: t.exposeString('eventType'),
    status: t.exposeString('status', { description: 'PENDING, SUCCEEDED or FAILED (attempts exhausted).' }),
    attempts: t.exposeInt('attempts'),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    nextAttemptAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => (d.status === 'PENDING' ? d.nextAttemptAt : null) }),
    deliveredAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => d.deliveredAt }),
    attemptLog: t.field({ type: [WebhookAttemptType], resolve: (d) => ('attemptLog' in d ? d.attemptLog : []) }),
  }),
});

const WebhookEndpointType = builder.objectRef<WebhookEndpointRow>('WebhookEndpoint').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    clientId: t.exposeString('appId'),
    url: t.exposeString('url'),
    eventTypes: t.exposeStringList('eventTypes'),
    status: t.exposeString('status', { description: 'ACTIVE or DISABLED.' }),
    disabledReason: t.exposeString('disabledReason', { nullable: true }),
    consecutiveFailures: t.exposeInt('consecutiveFailures'),
    createdAt: t.field({ type: 'DateTime', resolve: (e) => e.createdAt }),
    deliveries: t.field({
      type: [WebhookDeliveryType],
      description: 'The delivery log, newest first.',
      args: { first: t.arg.int({ required: false, defaultValue: 20 }), before: t.arg.string({ required: false }) },
      resolve: (e, a, ctx) => deliveriesOf(ctx.db, e.id, Math.min(Math.max(a.first ?? 20, 1), 100), a.before ?? undefined),
    }),
  }),
});

const RegisteredWebhookType = builder.objectRef<{ endpoint: WebhookEndpointRow; secret: string }>('RegisteredWebhook').implement({
  fields: (t) => ({
    endpoint: t.field({ type: WebhookEndpointType, resolve: (r) => r.endpoint }),
    secret: t.exposeString('secret', { description: 'whsec_… signing secret. Shown only now: keep it.' }),
  }),
});

const RegisteredWebhookResult = builder.unionType('RegisteredWebhookResult', { types: [RegisteredWebhookType, errorRefs.ActionRefused], resolveType: resolveResultType('RegisteredWebhook') });
const WebhookEndpointResult = builder.unionType('WebhookEndpointResult', { types: [WebhookEndpointType, errorRefs.ActionRefused], resolveType: resolveResultType('WebhookEndpoint') });
const WebhookDeliveryResult = builder.unionType('WebhookDeliveryResult', { types: [WebhookDeliveryType, errorRefs.ActionRefused], resolveType: resolveResultType('WebhookDelivery') });

const checksFor = (ctx: GraphQLContext) => {
  const development = ctx.env.NODE_ENV === 'development';
  return { urlProblem: (url: string) => webhookUrlProblem(url, development), hostProblem: (host: string) => resolvePublic(host, development), newSecret: newWebhookSecret };
};
const orRefusal = <T>(outcome: T | Refusal): T | TypedError => (isRefusal(outcome) ? fromRefusal(outcome) : outcome);

builder.queryField('webhookEndpoints', (t) =>
  t.field({ type: [WebhookEndpointType], description: "Your supplier's webhook endpoints.", resolve: (_, __, ctx) => webhookEndpointsOfPerson(ctx.db, actionContext(ctx).actor.id) }),
);

builder.mutationField('registerWebhook', (t) =>
  t.field({
    type: RegisteredWebhookResult,
    description: 'Registers an https endpoint for one of your apps and the event types it wants. Deliveries are signed as Standard Webhooks describes.',
    args: { clientId: t.arg.string({ required: true }), url: t.arg.string({ required: true }), eventTypes: t.arg.stringList({ required: true }) },
    resolve: async (_, a, ctx) => orRefusal(await registerWebhook(ctx.db, actionContext(ctx), { appId: a.clientId, url: a.url, eventTypes: a.eventTypes }, checksFor(ctx))),
  }),
);

builder.mutationField('rotateWebhookSecret', (t) =>
  t.field({
    type: RegisteredWebhookResult,
    description: 'A new secret; for 24 hours deliveries carry a signature with each, so your receiver can switch over.',
    args: { endpointId: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx) => orRefusal(await rotateWebhookSecret(ctx.db, actionContext(ctx), a.endpointId, newWebhookSecret())),
  }),
);

builder.mutationField('enableWebhookEndpoint', (t) =>
  t.field({
    type: WebhookEndpointResult,
    description: 'Re-enables an endpoint that was disabled after repeated failures.',
    args: { endpointId: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx) => orRefusal(await enableWebhookEndpoint(ctx.db, actionContext(ctx), a.endpointId)),
  }),
);

builder.mutationField('redeliverWebhook', (t) =>
  t.field({
    type: WebhookDeliveryResult,
    description: 'Sends a delivery again, with the same webhook-id and body.',
    args: { deliveryId: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx) => orRefusal(await redeliverWebhook(ctx.db, actionContext(ctx), a.deliveryId)),
  }),
);
