// On a real PostgreSQL the server can serve as a role that does not own the tables: it reads and
// writes governance and sandbox data and appends to the audit trail, but cannot rewrite the trail:
// no UPDATE, DELETE or TRUNCATE of audit events, no switching the append-only triggers off.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../server/http/app.js';
import { openDatabase, type Database } from '../server/db/client.js';
import { appendAuditEvents } from '../server/domain/audit/append.js';
import { verifyAuditChain } from '../server/domain/audit/verify.js';
import { loadEnv } from '../server/env.js';
import { seedSandbox } from '../server/seed/seed.js';
import { availableBackends } from './support/backends.js';

const env = loadEnv();
const onPostgres = (await availableBackends()).includes('postgres');

describe.skipIf(!onPostgres)('least-privilege serving role (postgres)', () => {
  // Roles are cluster-wide: unique names per run.
  const suffix = randomBytes(5).toString('hex');
  const ownerRole = `gpoi_owner_${suffix}`;
  const servingRole = `gpoi_serve_${suffix}`;
  const dbName = `gpoi_test_roles_${suffix}`;
  const admin = postgres(env.TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  const urlAs = (role: string) => {
    const url = new URL(env.TEST_DATABASE_URL);
    url.username = role;
    url.password = '';
    url.pathname = `/${dbName}`;
    return url.toString();
  };
  let database: Database;
  let serving: postgres.Sql;

  beforeAll(async () => {
    await admin.unsafe(`create role ${ownerRole} login`);
    await admin.unsafe(`create role ${servingRole} login`);
    await admin.unsafe(`create database ${dbName} owner ${ownerRole}`);
    database = await openDatabase({ url: urlAs(servingRole), migrationUrl: urlAs(ownerRole), maxConnections: 3 });
    serving = postgres(urlAs(servingRole), { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await serving?.end({ timeout: 1 });
    await database?.close();
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.unsafe(`drop role if exists ${servingRole}`);
    await admin.unsafe(`drop role if exists ${ownerRole}`);
    await admin.end({ timeout: 1 });
  });

  it('serves audited reads as the serving role', async () => {
    await seedSandbox(database.db, { seed: 7, patients: 10 });
    const dataDir = mkdtempSync(join(tmpdir(), 'gpoi-roles-'));
    const app = await createApp({ env: loadEnv({ NODE_ENV: 'test', LOG_LEVEL: 'error', DATA_DIR: dataDir }), database });
    try {
      const token = (await (await app.yoga.fetch(new Request('http://localhost/dev-issuer/token?person=clinician.Z91001'))).json()) as { access_token: string };
      const response = await app.yoga.fetch(
        new Request('http://localhost/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token.access_token}` },
          body: JSON.stringify({ query: '{ practice(odsCode: "Z91001") { ... on Practice { patients(first: 2) { edges { node { nhsNumber } } } } } }' }),
        }),
      );
      const body = (await response.json()) as { data?: { practice: { patients: { edges: unknown[] } } }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data!.practice.patients.edges).toHaveLength(2);
      expect(await app.auditIntegrity.checkpointNow()).toMatchObject({ seq: expect.any(Number) });
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    const [me] = await serving<{ user: string }[]>`select current_user as "user"`;
    expect(me?.user).toBe(servingRole);
  });

  it('cannot update, delete, truncate or unprotect the audit trail', async () => {
    await database.db.transaction((tx) =>
      appendAuditEvents(tx, [{ actorKind: 'PERSON', actorId: 'p', operation: 'READ_PATIENT_RECORD', detail: {}, outcome: 'REFUSED', requestId: 'r-roles' }]),
    );
    const attempts = [
      `update audit_events set outcome = 'ALLOWED' where request_id = 'r-roles'`,
      `delete from audit_events`,
      `truncate audit_events`,
      `alter table audit_events disable trigger user`,
      `drop trigger audit_events_no_update_delete on audit_events`,
      `drop table audit_events cascade`,
      `create table public.audit_events_copy (seq bigint)`,
    ];
    for (const statement of attempts) {
      const error = await serving.unsafe(statement).then(() => null, (e: Error) => e);
      expect(error?.message, statement).toMatch(/permission denied|must be owner/);
    }
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: true });
    const [row] = await serving<{ outcome: string }[]>`select outcome from audit_events where request_id = 'r-roles'`;
    expect(row?.outcome).toBe('REFUSED');
  });

  it('refuses to serve as the role that owns the tables', async () => {
    await expect(openDatabase({ url: urlAs(ownerRole), migrationUrl: urlAs(ownerRole), maxConnections: 1 }).then((d) => d.close())).rejects.toThrow(/must not own/);
  });
});
