// Full re-verification of the audit trail as a background job (start it, poll it), and proofs that
// an event is in the signed log (RFC 6962 inclusion proofs against a signed checkpoint's root).
import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import type { Checkpoint } from '../../domain/audit/checkpoints.js';
import type { InclusionProof, VerificationJob } from '../../domain/audit/integrity.js';
import { auditEventPractice } from '../../domain/audit/query.js';
import { ChainReportType } from './audit.js';

const JobStateEnum = builder.enumType('AuditVerificationState', { values: ['RUNNING', 'DONE', 'FAILED'] as const });

const CheckpointType = builder.objectRef<Checkpoint>('AuditCheckpoint').implement({
  description: 'A signed checkpoint (Ed25519, key at GET /audit/checkpoints): the chain hash and Merkle root after event `seq`.',
  fields: (t) => ({
    seq: t.int({ resolve: (c) => c.seq }),
    hash: t.exposeString('hash'),
    root: t.exposeString('root'),
    at: t.exposeString('at'),
    keyId: t.exposeString('keyId'),
    signature: t.string({ resolve: (c) => c.sig }),
  }),
});

const JobType = builder.objectRef<VerificationJob>('AuditVerificationJob').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    state: t.field({ type: JobStateEnum, resolve: (j) => j.state }),
    checked: t.int({ description: 'Events re-hashed so far.', resolve: (j) => j.checked }),
    total: t.int({ description: 'Events in the trail when the job started.', resolve: (j) => j.total }),
    startedAt: t.field({ type: 'DateTime', resolve: (j) => j.startedAt }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (j) => j.finishedAt }),
    report: t.field({ type: ChainReportType, nullable: true, resolve: (j) => j.report }),
  }),
});

const ProofType = builder.objectRef<InclusionProof>('AuditInclusionProof').implement({
  description:
    'Proof that an event is in the signed log: fold `eventHash` with `proof` as RFC 9162 section 2.1.3.2 says ' +
    '(leaf index seq - 1, tree size checkpoint.seq) and compare with checkpoint.root.',
  fields: (t) => ({
    seq: t.int({ resolve: (p) => p.seq }),
    eventHash: t.exposeString('eventHash'),
    proof: t.exposeStringList('proof'),
    checkpoint: t.field({ type: CheckpointType, resolve: (p) => p.checkpoint }),
  }),
});

builder.mutationField('startAuditVerification', (t) =>
  t.field({
    type: JobType,
    description: 'Re-hashes the whole audit trail in the background against every signed checkpoint; poll auditVerification(id). One runs at a time.',
    resolve: (_, __, ctx) => {
      const job = ctx.auditIntegrity.startFullVerification();
      ctx.accessLog.note({ operation: 'START_AUDIT_VERIFICATION', practiceOds: null, nhsNumber: null, field: `job ${job.id}`, outcome: 'ALLOWED' });
      return job;
    },
  }),
);

builder.queryField('auditVerification', (t) =>
  t.field({
    type: JobType,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_, args, ctx) => ctx.auditIntegrity.job(String(args.id)),
  }),
);

/** A proof reads every event hash up to its checkpoint: one per request. */
const proofsOfRequest = new WeakSet<GraphQLContext>();

builder.queryField('auditInclusionProof', (t) =>
  t.field({
    type: ProofType,
    nullable: true,
    description: 'Proof that event `seq` is in the log covered by the first signed checkpoint at or after it (null until one covers it).',
    args: { seq: t.arg.int({ required: true }) },
    resolve: async (_, args, ctx) => {
      if (proofsOfRequest.has(ctx)) throw new GraphQLError('One inclusion proof per request.', { extensions: { code: 'BAD_USER_INPUT' } });
      proofsOfRequest.add(ctx);
      const actor = ctx.actor;
      if (actor.kind === 'PERSON' && actor.role !== 'REVIEWER') {
        // Practice users: proofs for their own practice's events only.
        const practiceOds = await auditEventPractice(ctx.db, args.seq);
        if (practiceOds === undefined || practiceOds !== actor.practiceOds) {
          const reason = "Practice users may prove only their own practice's events.";
          ctx.accessLog.note({ operation: 'auditInclusionProof', practiceOds: actor.practiceOds, nhsNumber: null, field: 'auditInclusionProof', outcome: 'REFUSED', reason });
          throw new GraphQLError(reason, { extensions: { code: 'FORBIDDEN' } });
        }
      }
      return ctx.auditIntegrity.inclusionProof(args.seq);
    },
  }),
);
