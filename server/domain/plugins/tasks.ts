// The practice worklist: tasks for practice staff (created by plugin runs), read and closed by the
// practice's own users only.
import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { practiceTasks } from '../../db/schema/plugins.js';
import { appendAuditEvents } from '../audit/append.js';
import { governanceEvent, refusal, type ActionContext, type Refusal } from '../governance/context.js';

export type PracticeTaskRow = typeof practiceTasks.$inferSelect;

export async function tasksOfPractice(db: DbOrTx, odsCode: string, status: 'OPEN' | 'DONE' | null, first: number): Promise<PracticeTaskRow[]> {
  const where: SQL[] = [eq(practiceTasks.practiceOds, odsCode)];
  if (status) where.push(eq(practiceTasks.status, status));
  return db.select().from(practiceTasks).where(and(...where)).orderBy(desc(practiceTasks.id)).limit(Math.min(Math.max(first, 1), 100));
}

export async function closeTask(db: DbOrTx, ctx: ActionContext, taskId: string): Promise<PracticeTaskRow | Refusal> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(practiceTasks)
      .set({ status: 'DONE', closedBy: ctx.actor.id, closedAt: new Date() })
      .where(and(eq(practiceTasks.id, taskId), eq(practiceTasks.practiceOds, ctx.actor.practiceOds ?? ''), eq(practiceTasks.status, 'OPEN')))
      .returning();
    await appendAuditEvents(tx, [
      governanceEvent(ctx, 'CLOSE_PRACTICE_TASK', { taskId }, row ? 'ALLOWED' : 'REFUSED', {
        practiceOds: ctx.actor.practiceOds,
        reason: row ? null : 'no open task with this id at your practice',
      }),
    ]);
    return row ?? refusal('NOT_FOUND', 'No open task with this id at your practice.');
  });
}
