// The practice worklist: tasks (from plugin runs) that practice staff read and close.
import { builder } from '../builder.js';
import { isRefusal } from '../../domain/governance/context.js';
import { closeTask, tasksOfPractice, type PracticeTaskRow } from '../../domain/plugins/tasks.js';
import { errorRefs, fromRefusal, resolveResultType } from './errors.js';
import { actionContext } from './supplier.js';

const TaskStatusEnum = builder.enumType('PracticeTaskStatus', { values: ['OPEN', 'DONE'] as const });

const PracticeTaskType = builder.objectRef<PracticeTaskRow>('PracticeTask').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    nhsNumber: t.exposeString('nhsNumber'),
    title: t.exposeString('title'),
    detail: t.exposeString('detail', { nullable: true }),
    dueDate: t.field({ type: 'Date', nullable: true, resolve: (task) => task.dueDate }),
    status: t.field({ type: TaskStatusEnum, resolve: (task) => task.status as 'OPEN' | 'DONE' }),
    createdByRun: t.exposeString('createdByRun', { nullable: true, description: 'The plugin run that created the task.' }),
    createdAt: t.field({ type: 'DateTime', resolve: (task) => task.createdAt }),
    closedBy: t.exposeString('closedBy', { nullable: true }),
    closedAt: t.field({ type: 'DateTime', nullable: true, resolve: (task) => task.closedAt }),
  }),
});

const PracticeTaskResult = builder.unionType('PracticeTaskResult', { types: [PracticeTaskType, errorRefs.ActionRefused], resolveType: resolveResultType('PracticeTask') });

builder.queryField('practiceTasks', (t) =>
  t.field({
    type: [PracticeTaskType],
    description: "The caller's practice worklist, newest first (at most 100).",
    args: { status: t.arg({ type: TaskStatusEnum, required: false }), first: t.arg.int({ required: false }) },
    resolve: (_, a, ctx) => tasksOfPractice(ctx.db, actionContext(ctx).actor.practiceOds ?? '', a.status ?? null, a.first ?? 50),
  }),
);

builder.mutationField('closePracticeTask', (t) =>
  t.field({
    type: PracticeTaskResult,
    description: 'Marks a task on your practice worklist done.',
    args: { taskId: t.arg.string({ required: true }) },
    resolve: async (_, a, ctx) => {
      const outcome = await closeTask(ctx.db, actionContext(ctx), a.taskId);
      return isRefusal(outcome) ? fromRefusal(outcome) : outcome;
    },
  }),
);
