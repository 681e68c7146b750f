// A plugin run's proposed effects: each checked against the run's scopes (through the same rule as
// the run's API requests), its practice and its manifest, then applied in the caller's transaction
// through the same domain functions as the API (bookAppointment, cancelAppointment, sendDocument),
// in order. The first that the domain refuses throws
// EffectRefused, so the caller's transaction rolls back every effect applied before it.
import { inArray } from 'drizzle-orm';
import { EFFECT_SCOPES, type Effect } from '@gp-open-integration/sdk/manifest';
import type { Db, DbOrTx } from '../../db/client.js';
import { patientRegistrations } from '../../db/schema/governance.js';
import { practiceTasks } from '../../db/schema/plugins.js';
import type { ClinicalSystemConnector, RequestMeta } from '../../systems/types.js';
import { ConnectorError } from '../../systems/types.js';
import { mayPluginRunUseScope } from '../access.js';
import type { Actor } from '../actors.js';
import type { ClinicalSystemId } from '../clinical-systems.js';
import { appendAuditEvents, type AuditTx } from '../audit/append.js';
import type { AuditEvent } from '../audit/event.js';
import { sortableId } from '../ids.js';
import { practicesByOds, type PracticeRecord } from '../practices.js';
import { DocumentRefused, sendDocument } from '../documents/service.js';
import { bookAppointment, cancelAppointment, type WriteContext } from '../scheduling/appointments.js';
import type { RunTarget } from './runs.js';

/** Which connector serves a practice (the app's registry). */
export type ConnectorFor = (practice: PracticeRecord) => ClinicalSystemConnector;

/** The domain refused an effect while it was being applied: nothing of the run may stay. */
export class EffectRefused extends Error {
  constructor(
    readonly index: number,
    readonly code: string,
    message: string,
  ) {
    super(`effect ${index}: ${code}: ${message}`);
  }
}

export type PluginRunActor = Extract<Actor, { kind: 'PLUGIN_RUN' }>;

export function runActor(runId: string, target: RunTarget): PluginRunActor {
  return { kind: 'PLUGIN_RUN', runId, versionId: target.version.id, supplierId: target.version.supplierId, practiceOds: target.practice.odsCode, scopes: target.scopes };
}

/** What a run's writes carry, as the API's request meta for the same actor. */
export function runMeta(runId: string, practiceOds: string): RequestMeta {
  return { requestId: runId, actorId: runId, actorName: `plugin run ${runId}`, actorRole: 'PLUGIN_RUN', organisationOds: practiceOds };
}

/** Why each effect may not be applied (manifest, scope, practice), before anything is written. */
export async function effectProblems(tx: DbOrTx, effects: readonly Effect[], target: RunTarget, actor: PluginRunActor): Promise<Array<{ index: number; problem: string }>> {
  const nhsNumbers = [...new Set(effects.flatMap((e) => ('nhsNumber' in e ? [e.nhsNumber] : [])))];
  const registered = new Map(
    nhsNumbers.length ? (await tx.select().from(patientRegistrations).where(inArray(patientRegistrations.nhsNumber, nhsNumbers))).map((r) => [r.nhsNumber, r.practiceOds]) : [],
  );
  const problemOf = (effect: Effect): string | null => {
    if (!target.manifest.effects.includes(effect.kind)) return `${effect.kind} is not declared in the manifest`;
    const scope = EFFECT_SCOPES[effect.kind];
    if (scope !== null) {
      const decision = mayPluginRunUseScope(actor, { ...target.practice, systemId: target.practice.systemId as ClinicalSystemId }, scope);
      if (!decision.allowed) return `${effect.kind} needs scope ${scope}: ${decision.reason}`;
    }
    if ('nhsNumber' in effect && registered.get(effect.nhsNumber) !== target.practice.odsCode) return `patient ${effect.nhsNumber} is not registered at ${target.practice.odsCode}`;
    if (effect.kind === 'document.send' && (effect.text === undefined) === (effect.contentBase64 === undefined)) return 'document.send needs exactly one of text and contentBase64';
    return null;
  };
  return effects.flatMap((effect, index) => {
    const problem = problemOf(effect);
    return problem ? [{ index, problem }] : [];
  });
}

/**
 * Applies checked effects in the caller's transaction, in order; throws EffectRefused on the first
 * the domain refuses. Returns how many were applied (all of them).
 */
export async function applyEffects(tx: AuditTx, effects: readonly Effect[], target: RunTarget, actor: PluginRunActor, connectorFor: ConnectorFor): Promise<number> {
  const who = { actorKind: 'PLUGIN_RUN' as const, actorId: actor.runId, supplierId: actor.supplierId, pluginId: actor.versionId, practiceOds: actor.practiceOds, requestId: actor.runId };
  // Tasks and log lines are written together at the end (one insert, one audit append).
  const tasks: Array<typeof practiceTasks.$inferInsert> = [];
  const audit: AuditEvent[] = [];
  let writes: WriteContext | null = null;
  let practiceRecord: PracticeRecord | null = null;
  const practiceOf = async (index: number): Promise<PracticeRecord> => {
    practiceRecord ??= (await practicesByOds(tx, [actor.practiceOds])).get(actor.practiceOds) ?? null;
    if (!practiceRecord) throw new EffectRefused(index, 'PRACTICE_NOT_FOUND', 'the practice is not on the platform');
    return practiceRecord;
  };
  const writeContext = async (index: number): Promise<WriteContext> => {
    if (writes) return writes;
    const practice = await practiceOf(index);
    const connector = connectorFor(practice);
    const bound = connector.appointmentWrites?.inTransaction?.(tx);
    // A provider's write cannot be undone with ours, so it cannot be part of an all-or-nothing run.
    if (!bound) throw new EffectRefused(index, 'NOT_SUPPORTED', `${practice.systemId} at ${practice.odsCode} cannot take appointment writes from a plugin run (they could not be undone with the run's other effects)`);
    return (writes = { db: tx as Db, actor, meta: runMeta(actor.runId, actor.practiceOds), practice, connector: { ...connector, appointmentWrites: bound } });
  };
  const refusedBy = (index: number, outcome: unknown) => {
    if (outcome instanceof ConnectorError) throw new EffectRefused(index, outcome.code, outcome.message);
  };

  for (const [index, effect] of effects.entries()) {
    switch (effect.kind) {
      case 'practice-task.create': {
        const id = sortableId('tsk');
        tasks.push({ id, practiceOds: actor.practiceOds, nhsNumber: effect.nhsNumber, title: effect.title, detail: effect.detail ?? null, dueDate: effect.dueDate ?? null, status: 'OPEN', createdByRun: actor.runId });
        audit.push({ ...who, nhsNumber: effect.nhsNumber, operation: 'CREATE_PRACTICE_TASK', detail: { taskId: id }, outcome: 'ALLOWED' });
        break;
      }
      case 'appointment.book': {
        const ctx = await writeContext(index);
        refusedBy(index, await bookAppointment(ctx, {
          nhsNumber: effect.nhsNumber,
          slotIds: effect.slotIds,
          description: effect.description,
          comment: effect.comment ?? null,
          // The run books on behalf of the practice that enabled the plugin.
          bookingOrganisation: { odsCode: ctx.practice.odsCode, name: ctx.practice.name, type: 'gp-practice' },
          deliveryChannels: effect.deliveryChannels ?? null,
        }));
        break;
      }
      case 'appointment.cancel':
        refusedBy(index, await cancelAppointment(await writeContext(index), { appointmentId: effect.appointmentId, reason: effect.reason }));
        break;
      case 'document.send': {
        const content = effect.contentBase64 ?? Buffer.from(effect.text ?? '', 'utf8').toString('base64');
        const sent = await sendDocument({ db: tx as Db, actor, requestId: actor.runId, practice: await practiceOf(index) }, { nhsNumber: effect.nhsNumber, title: effect.title, contentBase64: content });
        if (sent instanceof DocumentRefused) throw new EffectRefused(index, sent.code, sent.message);
        break;
      }
      case 'log':
        audit.push({ ...who, operation: 'PLUGIN_LOG', detail: { message: effect.message, level: effect.level ?? 'info' }, outcome: 'ALLOWED' });
        break;
    }
  }
  if (tasks.length) await tx.insert(practiceTasks).values(tasks);
  await appendAuditEvents(tx, audit);
  return effects.length;
}
