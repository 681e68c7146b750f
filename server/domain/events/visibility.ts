// Who may see an event: the same predicates as a read of the thing it is about. Decided afresh for
// every event (an app disabled a second ago no longer hears about the practice).
import type { DbOrTx } from '../../db/client.js';
import { mayAppUseScope, mayReadPracticeRecords, type Decision } from '../access.js';
import { isPracticeUser, type Actor } from '../actors.js';
import { enablementsFor, loadAppFacts } from '../governance/enablements.js';
import { supplierIdOfPerson } from '../governance/suppliers.js';
import { practicesByOds } from '../practices.js';
import { audienceOf, type DomainEvent } from './catalogue.js';

const deny = (reason: string): Decision => ({ allowed: false, reason });
const ALLOW: Decision = { allowed: true };

/** Document events: the practice's own users, and the sending app while it may still use one of `scopes` there. */
async function mayHearOfDocument(db: DbOrTx, viewer: Exclude<Actor, { kind: 'ANONYMOUS' | 'PLUGIN_RUN' }>, event: DomainEvent, scopes: readonly string[]): Promise<Decision> {
  if (viewer.kind === 'PERSON') {
    return isPracticeUser(viewer) && viewer.practiceOds === event.practiceOds ? ALLOW : deny("Only the practice's own users hear about its document queue.");
  }
  if (!event.appId || event.appId !== viewer.appId) return deny('Apps hear only about the documents they sent.');
  const practice = event.practiceOds ? (await practicesByOds(db, [event.practiceOds])).get(event.practiceOds) : undefined;
  const facts = await loadAppFacts(db, viewer.appId);
  if (!practice || !facts) return deny('Unknown practice or app.');
  const enablement = (await enablementsFor(db, viewer.appId, [practice.odsCode])).get(practice.odsCode) ?? null;
  const decisions = scopes.map((scope) => mayAppUseScope(viewer.scopes, facts, practice, enablement, scope));
  return decisions.find((d) => d.allowed) ?? decisions[0] ?? deny('No scope.');
}

/** The subscriber: a person or an app as it authenticated (token scopes included). */
export async function mayReceiveEvent(db: DbOrTx, viewer: Actor, event: DomainEvent): Promise<Decision> {
  if (viewer.kind === 'ANONYMOUS') return deny('Authentication required.');
  if (viewer.kind === 'PLUGIN_RUN') return deny('Plugin runs receive events as triggers, not by subscription.');
  const audience = audienceOf(event.type);
  if (audience.kind === 'PATIENT') {
    const practice = event.practiceOds ? (await practicesByOds(db, [event.practiceOds])).get(event.practiceOds) : undefined;
    if (!practice) return deny('Unknown practice.');
    if (viewer.kind === 'PERSON') return mayReadPracticeRecords(viewer, practice);
    const facts = await loadAppFacts(db, viewer.appId);
    if (!facts) return deny('Unknown app.');
    const enablement = (await enablementsFor(db, viewer.appId, [practice.odsCode])).get(practice.odsCode) ?? null;
    return mayAppUseScope(viewer.scopes, facts, practice, enablement, audience.scope);
  }
  if (audience.kind === 'DOCUMENT') return mayHearOfDocument(db, viewer, event, audience.scopes);
  if (viewer.kind === 'SUPPLIER_APP') {
    const own = audience.kind === 'ENABLEMENT' ? event.appId === viewer.appId : event.supplierId === viewer.supplierId;
    return own ? ALLOW : deny('Apps hear only about their own enablements and their own supplier.');
  }
  if (viewer.role === 'REVIEWER') return ALLOW;
  if (audience.kind === 'ENABLEMENT' && (viewer.role === 'PRACTICE_ADMIN' || viewer.role === 'CLINICIAN')) {
    return viewer.practiceOds !== null && viewer.practiceOds === event.practiceOds ? ALLOW : deny('Another practice.');
  }
  if (viewer.role === 'SUPPLIER_DEVELOPER' && event.supplierId) {
    return (await supplierIdOfPerson(db, viewer.id)) === event.supplierId ? ALLOW : deny('Another supplier.');
  }
  return deny('Not an audience of this event.');
}
