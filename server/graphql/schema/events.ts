// Domain events as a GraphQL subscription (served over SSE), filtered per subscriber.
import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';
import { EVENT_TYPES, isEventType, type DomainEvent } from '../../domain/events/catalogue.js';
import { visibleEvents } from '../../events/subscriptions.js';

builder.subscriptionType({});

export const DomainEventType = builder.objectRef<DomainEvent>('DomainEvent').implement({
  description: 'Something that changed. `id` is stable: a redelivery carries the same id.',
  fields: (t) => ({
    id: t.exposeString('id'),
    type: t.exposeString('type', { description: `One of: ${EVENT_TYPES.join(', ')}.` }),
    occurredAt: t.field({ type: 'DateTime', resolve: (e) => new Date(e.occurredAt) }),
    practiceOdsCode: t.exposeString('practiceOds', { nullable: true }),
    nhsNumber: t.exposeString('nhsNumber', { nullable: true }),
    data: t.field({ type: 'JSON', resolve: (e) => e.data }),
  }),
});

builder.subscriptionField('events', (t) =>
  t.field({
    type: DomainEventType,
    description: 'Events you could read the subject of, as they are committed (on any replica). Filter with `types`.',
    args: { types: t.arg.stringList({ required: false }) },
    subscribe: (_, args, ctx) => {
      if (ctx.actor.kind === 'ANONYMOUS') {
        throw new GraphQLError('Authentication required: send "Authorization: Bearer <token>".', { extensions: { code: 'UNAUTHENTICATED' } });
      }
      const unknown = (args.types ?? []).filter((type) => !isEventType(type));
      if (unknown.length) throw new GraphQLError(`Unknown event types: ${unknown.join(', ')}.`, { extensions: { code: 'BAD_USER_INPUT' } });
      const types = args.types ? args.types.filter(isEventType) : null;
      return visibleEvents({ db: ctx.db, actor: ctx.actor, requestId: ctx.requestId, bus: ctx.events.bus, audit: ctx.events.audit }, types);
    },
    resolve: (event) => event,
  }),
);
