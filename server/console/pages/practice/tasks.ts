// The practice's task worklist (tasks plugins created): open ones first, each closed with one
// button; done ones on their own tab.
import { button, form, heading, select, table, tag } from '../../components.js';
import { formatDate, formatDateTime, formatNhsNumber } from '../../format.js';
import { html } from '../../html.js';
import { enumLabel } from '../../labels.js';
import { page, redirect, type ConsoleNavItem, type ConsoleRequest, type ConsoleResult, type ConsoleRoute } from '../../routes.js';
import { isRefused, seg, type ApiRefusal } from '../common.js';

const BASE = '/console/practice/tasks';
const PRACTICE_ROLES = ['PRACTICE_ADMIN', 'CLINICIAN'] as const;
const STATUSES = ['OPEN', 'DONE'] as const;

interface Task {
  id: string;
  title: string;
  detail: string | null;
  nhsNumber: string;
  dueDate: string | null;
  status: string;
  createdAt: string;
  createdByRun: string | null;
  closedAt: string | null;
  closedBy: string | null;
}

async function listTasks(req: ConsoleRequest): Promise<ConsoleResult> {
  const asked = req.query.get('status') ?? 'OPEN';
  const status = (STATUSES as readonly string[]).includes(asked) ? asked : 'OPEN';
  const { practiceTasks } = await req.api<{ practiceTasks: Task[] }>(
    'query Tasks($status: PracticeTaskStatus) { practiceTasks(status: $status, first: 100) { id title detail nhsNumber dueDate status createdAt createdByRun closedAt closedBy } }',
    { status },
  );
  const back = `${BASE}?status=${status}`;
  const rows = practiceTasks.map((t) => [
    html`<strong>${t.title}</strong>${t.detail ? html`<br><span class="nhsuk-body-s">${t.detail}</span>` : null}${
      t.createdByRun ? html`<br><a class="nhsuk-link nhsuk-body-s" href="/console/practice/runs/${seg(t.createdByRun)}">From a plugin run<span class="nhsuk-u-visually-hidden">: ${t.title}</span></a>` : null
    }`,
    formatNhsNumber(t.nhsNumber),
    t.dueDate ? formatDate(t.dueDate) : 'No due date',
    formatDateTime(t.createdAt),
    t.status === 'OPEN'
      ? form({
          action: `${BASE}/${seg(t.id)}/close`,
          csrfToken: req.csrfToken,
          body: html`<input type="hidden" name="back" value="${back}"><button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" data-module="nhsuk-button" type="submit">Mark as done<span class="nhsuk-u-visually-hidden">: ${t.title} for ${formatNhsNumber(t.nhsNumber)}</span></button>`,
        })
      : html`${tag(enumLabel('PracticeTaskStatus', t.status), 'green')}<br><span class="nhsuk-body-s">${formatDateTime(t.closedAt)}${t.closedBy ? ` by ${t.closedBy}` : ''}</span>`,
  ]);
  return page(
    'Tasks',
    html`${heading('Tasks', `Practice ${req.session.practiceOds ?? ''}`)}
      <form method="get" action="${BASE}" class="console-filter" novalidate>
        ${select({ name: 'status', label: 'Show', value: status, items: STATUSES.map((s) => ({ value: s, text: `${enumLabel('PracticeTaskStatus', s)} tasks` })) })}
        ${button({ text: 'Show tasks', variant: 'secondary', small: true })}
      </form>
      ${table({
        caption: `${enumLabel('PracticeTaskStatus', status)} tasks (${practiceTasks.length})`,
        id: 'tasks',
        empty: status === 'OPEN' ? 'There are no open tasks on your worklist.' : 'No tasks have been marked as done yet.',
        head: ['Task', 'NHS number', 'Due', 'Created', status === 'OPEN' ? 'Action' : 'Done'],
        rows,
      })}`,
  );
}

async function closeTask(req: ConsoleRequest): Promise<ConsoleResult> {
  const back = req.form.get('back')?.startsWith(`${BASE}?`) ? req.form.get('back')! : BASE;
  const result = await req.api<{ closePracticeTask: ApiRefusal & { title?: string } }>(
    'mutation Close($taskId: String!) { closePracticeTask(taskId: $taskId) { __typename ... on Error { code message } ... on PracticeTask { title } } }',
    { taskId: req.params.taskId! },
  );
  const outcome = result.closePracticeTask;
  if (isRefused(outcome, 'PracticeTask')) return redirect(back, { kind: 'error', message: `The task could not be marked as done: ${outcome.message}` });
  return redirect(back, { kind: 'success', message: `“${outcome.title}” is marked as done.` });
}

export const routes: ConsoleRoute[] = [
  { method: 'GET', path: BASE, roles: [...PRACTICE_ROLES], handle: listTasks },
  { method: 'POST', path: `${BASE}/:taskId/close`, roles: [...PRACTICE_ROLES], handle: closeTask },
];

export const nav: ConsoleNavItem[] = [{ text: 'Tasks', href: BASE, roles: [...PRACTICE_ROLES] }];
