// Drives the plugin lifecycle through the API as suppliers, reviewers and practices would.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { apply, grant, transition } from '../support/governance.js';
import { addPerson } from '../support/governance.js';
import type { TestApp } from '../support/test-app.js';

export const PLUGIN_SCOPES = ['patient/Patient.rs', 'patient/MedicationStatement.rs', 'patient/Appointment.rs', 'patient/Appointment.cud', 'patient/DocumentReference.c', 'patient/AllergyIntolerance.rs', 'system/Task.c'];

export function examplePlugin(folder: string): { manifest: Record<string, unknown>; bundle: string } {
  const dir = resolve(import.meta.dirname, '../../plugins', folder);
  return { manifest: JSON.parse(readFileSync(resolve(dir, 'plugin.json'), 'utf8')) as Record<string, unknown>, bundle: readFileSync(resolve(dir, 'plugin.js'), 'utf8') };
}

export interface PluginPeople {
  developer: string;
  reviewer: string;
  admin: string;
  clinician: string;
  otherClinician: string;
  supplierId: string;
}

/** A supplier granted the plugin scopes, its EMIS Web pairing in sandbox testing. */
export async function pluginSupplier(app: TestApp): Promise<PluginPeople> {
  const developer = await addPerson(app, 'dev.plugins', 'SUPPLIER_DEVELOPER');
  const reviewer = await app.tokenFor('reviewer');
  const applied = await apply(app, developer, { requestedScopes: [...PLUGIN_SCOPES, 'patient/Condition.rs'], systems: ['EMIS_WEB'] });
  await grant(app, reviewer, applied.id, PLUGIN_SCOPES);
  const pairing = applied.pairings.find((p) => p.system.id === 'EMIS_WEB')!.id;
  await transition(app, reviewer, pairing, 'PREREQUISITES_MET');
  await transition(app, reviewer, pairing, 'UNSUPPORTED_TEST');
  return {
    developer,
    reviewer,
    admin: await app.tokenFor('admin.Z91001'),
    clinician: await app.tokenFor('clinician.Z91001'),
    otherClinician: await app.tokenFor('clinician.Z91002'),
    supplierId: applied.id,
  };
}

type Answer = { __typename: string; code?: string; message?: string; [key: string]: unknown };

async function mutate(app: TestApp, token: string, query: string, variables: Record<string, unknown>): Promise<Answer> {
  const response = await app.gql<Record<string, Answer>>(query, variables, token);
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return Object.values(response.data)[0]!;
}

export const publish = (app: TestApp, token: string, manifest: unknown, bundle: string) =>
  mutate(app, token, 'mutation($m: JSON!, $b: String!) { publishPluginVersion(manifest: $m, bundle: $b) { __typename ... on Error { code message } ... on PluginVersion { id name version status bundleSha256 bundleBytes } } }', { m: manifest, b: bundle });

export const review = (app: TestApp, token: string, versionId: string, approve: boolean, reason = 'Reviewed: scopes match the purpose.') =>
  mutate(app, token, 'mutation($v: String!, $a: Boolean!, $r: String!) { reviewPluginVersion(versionId: $v, approve: $a, reason: $r) { __typename ... on Error { code message } ... on PluginVersion { id status reviewReason } } }', { v: versionId, a: approve, r: reason });

export const enable = (app: TestApp, token: string, versionId: string, scopes: string[]) =>
  mutate(app, token, 'mutation($v: String!, $s: [String!]!) { enablePlugin(versionId: $v, scopes: $s) { __typename ... on Error { code message } ... on PluginEnablement { pluginName scopes active version { id version } } } }', { v: versionId, s: scopes });

export const upgrade = (app: TestApp, token: string, versionId: string) =>
  mutate(app, token, 'mutation($v: String!) { upgradePlugin(versionId: $v) { __typename ... on Error { code message } ... on PluginEnablement { scopes version { version } } } }', { v: versionId });

export const disable = (app: TestApp, token: string, name: string) =>
  mutate(app, token, 'mutation($n: String!) { disablePlugin(name: $n) { __typename ... on Error { code message } ... on PluginEnablement { active } } }', { n: name });

export const runNow = (app: TestApp, token: string, name: string) =>
  mutate(app, token, 'mutation($n: String!) { runPlugin(name: $n) { __typename ... on Error { code message } ... on PluginRun { id outcome error effectsApplied effectsProposed logs durationMs memoryBytes } } }', { n: name });

/** Publishes and approves a plugin, then enables it at Z91001 with the given scopes. */
export async function live(app: TestApp, people: PluginPeople, manifest: Record<string, unknown>, bundle: string, scopes = manifest.scopes as string[]) {
  const published = await publish(app, people.developer, manifest, bundle);
  if (published.__typename !== 'PluginVersion') throw new Error(`${published.code}: ${published.message}`);
  await review(app, people.reviewer, published.id as string, true);
  const enabled = await enable(app, people.admin, published.id as string, scopes);
  if (enabled.__typename !== 'PluginEnablement') throw new Error(`${enabled.code}: ${enabled.message}`);
  return published.id as string;
}

export async function firstPatients(app: TestApp, ods: string, token: string, first = 5): Promise<string[]> {
  const listed = await app.gql<{ practice: { patients: { edges: Array<{ node: { nhsNumber: string } }> } } }>(
    'query($o: String!, $f: Int) { practice(odsCode: $o) { ... on Practice { patients(first: $f) { edges { node { nhsNumber } } } } } }',
    { o: ods, f: first },
    token,
  );
  return listed.data!.practice.patients.edges.map((e) => e.node.nhsNumber);
}

export type Connection<T> = { edges: Array<{ node: T; cursor?: string }>; pageInfo?: { hasNextPage: boolean; endCursor: string | null } };
/** The nodes of a Relay connection, in order. */
export const nodesOf = <T>(connection: Connection<T>): T[] => connection.edges.map((e) => e.node);
