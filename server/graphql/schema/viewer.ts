import { builder } from '../builder.js';
import { PERSON_ROLES, type Actor } from '../../domain/actors.js';

const RoleEnum = builder.enumType('PersonRole', { values: PERSON_ROLES });
type Person = Extract<Actor, { kind: 'PERSON' }>;

const ViewerType = builder.objectRef<Person>('Viewer').implement({
  description: 'The person the bearer token identifies.',
  fields: (t) => ({
    id: t.exposeString('id'),
    name: t.exposeString('name'),
    role: t.field({ type: RoleEnum, resolve: (p) => p.role }),
    practiceOdsCode: t.exposeString('practiceOds', { nullable: true }),
  }),
});

builder.queryField('me', (t) =>
  t.field({
    type: ViewerType,
    nullable: true,
    description: 'Who the token identifies; null without a token.',
    resolve: (_, __, ctx) => (ctx.actor.kind === 'PERSON' ? ctx.actor : null),
  }),
);
