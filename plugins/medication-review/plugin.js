// @ts-check
// Medication review reminder. A repeat medication is reviewed at least once a year; the sandbox
// record carries no review date, so the anniversary of the medication's start is taken as its
// review date. One task per patient, listing every medication due.
import { definePlugin } from '@gp-open-integration/sdk/plugin';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/** @param {string} date */
const reviewDue = (date, now) => Date.parse(date) + YEAR_MS <= now;

export default definePlugin({
  run(input, context) {
    const now = Date.parse(context.now);
    const today = context.now.slice(0, 10);
    /** @type {any[]} */
    const edges = /** @type {any} */ (input)?.practice?.patients?.edges ?? [];
    const effects = [];
    for (const { node } of edges) {
      const medications = node?.medications;
      if (!medications || medications.status !== 'RECORDED') continue;
      const due = medications.items.filter(
        (m) => m.prescriptionType === 'REPEAT' && m.status === 'ACTIVE' && m.startDate && reviewDue(m.startDate, now),
      );
      if (due.length === 0) continue;
      effects.push({
        kind: 'practice-task.create',
        nhsNumber: node.nhsNumber,
        title: 'Medication review due',
        detail: `Repeat medication past its annual review: ${due.map((m) => m.medication.display).join('; ')}`.slice(0, 2000),
        dueDate: today,
      });
    }
    context.log(`${edges.length} patients checked, ${effects.length} due for a medication review`);
    return effects;
  },
});
