// Who may see an event: the same predicates as a read of the thing it is about. Decided afresh for
// every event (an app disabled a second ago no longer hears about the practice).
import type { DbOrTx } from '../../db/client.js';
import { mayAppUseScope, mayReadPracticeRecords, type Decision } from '../access.js';
import type { Actor } from '../actors.js';
import { enablementsFor, loadAppFacts } from '../governance/enablements.js';
import { supplierIdOfPerson } from '../governance/suppliers.js';
import { practicesByOds } from '../practices.js';
import { audienceOf, type DomainEvent } from './catalogue.js';

const deny = (reason: string): Decision => ({ allowed: false, reason });
const ALLOW: Decision = { allowed: true };

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
