// Least privilege on a real PostgreSQL: the migration role owns every table; the role the server
// serves as gets only what serving needs. On the audit trail that is SELECT and INSERT: no UPDATE,
// DELETE or TRUNCATE, and, not being the owner, it cannot disable the append-only triggers either.
import type { Sql } from 'postgres';

const SCHEMAS = ['public', 'sandbox'] as const;
const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The role a postgres:// URL logs in as. */
export function roleOfUrl(url: string): string {
  const user = decodeURIComponent(new URL(url).username);
  if (!user) throw new Error('DATABASE_URL must name its role (postgres://ROLE@host/db) when DATABASE_MIGRATION_URL is set.');
  return user;
}

/**
 * Grants (idempotently, after every migration, so new tables are covered) the serving role: read
 * and write on governance and sandbox tables, SELECT and INSERT only on audit_events, and the head.
 * Run as the owning (migration) role.
 */
export async function grantServingRole(owner: Sql, role: string): Promise<void> {
  const [self] = await owner<{ user: string }[]>`select current_user as "user"`;
  if (self?.user === role) throw new Error('DATABASE_URL and DATABASE_MIGRATION_URL use the same role: the serving role must not own the tables.');
  const r = quoteIdent(role);
  await owner.begin(async (tx) => {
    for (const schema of SCHEMAS) {
      const s = quoteIdent(schema);
      await tx.unsafe(`grant usage on schema ${s} to ${r}`);
      await tx.unsafe(`revoke create on schema ${s} from ${r}`);
      await tx.unsafe(`grant select, insert, update, delete on all tables in schema ${s} to ${r}`);
      await tx.unsafe(`grant usage, select on all sequences in schema ${s} to ${r}`);
    }
    await tx.unsafe(`revoke all on table public.audit_events from ${r}`);
    await tx.unsafe(`grant select, insert on table public.audit_events to ${r}`);
    await tx.unsafe(`revoke truncate, references, trigger on all tables in schema public from ${r}`);
  });
}
