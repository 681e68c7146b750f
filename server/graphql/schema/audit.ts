// Reading and verifying the audit trail. Reviewers see everything; practice users their practice.
import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';
import type { AuditRecord } from '../../domain/audit/event.js';
import { InvalidAuditCursorError, listAuditEvents } from '../../domain/audit/query.js';
import type { BrokenLink, ChainReport } from '../../domain/audit/verify.js';
import type { GraphQLContext } from '../context.js';
import { keysetConnection } from './pagination.js';

const OutcomeEnum = builder.enumType('AuditOutcome', { values: ['ALLOWED', 'REFUSED', 'FAILED'] as const });

const AuditEventType = builder.objectRef<AuditRecord>('AuditEvent').implement({
  description: 'One audited action: who, for which organisation and patient, what, when, and the outcome.',
  fields: (t) => ({
    seq: t.int({ resolve: (e) => e.seq }),
    at: t.field({ type: 'DateTime', resolve: (e) => e.at }),
    actorKind: t.exposeString('actorKind'),
    actorId: t.exposeString('actorId'),
    supplierId: t.exposeString('supplierId', { nullable: true }),
    appId: t.exposeString('appId', { nullable: true }),
    pluginId: t.exposeString('pluginId', { nullable: true }),
    practiceOdsCode: t.exposeString('practiceOds', { nullable: true }),
    nhsNumber: t.exposeString('nhsNumber', { nullable: true }),
    operation: t.exposeString('operation'),
    detail: t.field({ type: 'JSON', resolve: (e) => e.detail }),
    outcome: t.field({ type: OutcomeEnum, resolve: (e) => e.outcome }),
    reason: t.exposeString('reason', { nullable: true }),
    requestId: t.exposeString('requestId'),
    prevHash: t.exposeString('prevHash'),
    hash: t.exposeString('hash'),
  }),
});

const BrokenLinkType = builder.objectRef<BrokenLink>('AuditBrokenLink').implement({
  fields: (t) => ({
    seq: t.int({ resolve: (b) => b.seq }),
    reason: t.exposeString('reason'),
    expected: t.exposeString('expected', { nullable: true }),
    found: t.exposeString('found', { nullable: true }),
  }),
});

export const ChainReportType = builder.objectRef<ChainReport>('AuditChainReport').implement({
  fields: (t) => ({
    intact: t.exposeBoolean('intact'),
    checked: t.exposeInt('checked'),
    lastSeq: t.exposeInt('lastSeq'),
    checkpointSeq: t.exposeInt('checkpointSeq', { description: 'The signed checkpoint this check started from (0: none yet, so from the first event).' }),
    firstBrokenLink: t.field({ type: BrokenLinkType, nullable: true, resolve: (r) => r.firstBrokenLink }),
  }),
});

builder.queryField('auditEvents', (t) =>
  t.connection(
    {
      type: AuditEventType,
      description: 'Audit events, newest first. Practice users see only their own practice.',
      args: {
        practiceOdsCode: t.arg.string({ required: false }),
        nhsNumber: t.arg.string({ required: false }),
        supplierId: t.arg.string({ required: false }),
        from: t.arg({ type: 'DateTime', required: false }),
        to: t.arg({ type: 'DateTime', required: false }),
        outcome: t.arg({ type: OutcomeEnum, required: false }),
      },
      resolve: (_, args, ctx) => {
        const actor = ctx.actor;
        let practiceOds = args.practiceOdsCode ?? undefined;
        if (actor.kind === 'PERSON' && actor.role !== 'REVIEWER') {
          if (practiceOds && practiceOds !== actor.practiceOds) {
            throw new GraphQLError("Practice users may read only their own practice's audit.", { extensions: { code: 'FORBIDDEN' } });
          }
          practiceOds = actor.practiceOds ?? '-';
        }
        const filter = {
          practiceOds,
          nhsNumber: args.nhsNumber ?? undefined,
          supplierId: args.supplierId ?? undefined,
          from: args.from ?? undefined,
          to: args.to ?? undefined,
          outcome: args.outcome ?? undefined,
        };
        return keysetConnection<AuditRecord>(args, (e) => String(e.seq), (page) =>
          listAuditEvents(ctx.db, filter, page).catch((error: unknown) => {
            if (error instanceof InvalidAuditCursorError) throw new GraphQLError('Invalid cursor.', { extensions: { code: 'BAD_USER_INPUT' } });
            throw error;
          }),
        );
      },
    },
    { name: 'AuditEventConnection' },
    { name: 'AuditEventEdge' },
  ),
);

/** One check per request however many aliases ask for it (and concurrent requests share one run). */
const checkOfRequest = new WeakMap<GraphQLContext, Promise<ChainReport>>();

builder.queryField('verifyAuditChain', (t) =>
  t.field({
    type: ChainReportType,
    description:
      'Checks the audit trail against its signed checkpoints: every checkpointed event still has the hash that was signed, ' +
      'and the events after the latest checkpoint re-hash and link. Cheap; for a full re-verification use startAuditVerification.',
    resolve: (_, __, ctx) => {
      let check = checkOfRequest.get(ctx);
      if (!check) checkOfRequest.set(ctx, (check = ctx.auditIntegrity.verify()));
      return check;
    },
  }),
);
