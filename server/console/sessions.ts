// Console sessions in the database (any replica serves any request). The cookie carries 32 random
// bytes; the row is keyed by their SHA-256, so neither the table nor a log of ids signs anyone in.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { consoleSessions, consoleSignIns } from '../db/schema/console.js';
import { PERSON_ROLES } from '../domain/actors.js';
import type { Flash } from './routes.js';
import type { ConsoleSession, Role } from './session-types.js';

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
export const randomToken = () => randomBytes(32).toString('base64url');

/** Constant-time comparison of two tokens (different lengths are simply unequal). */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface SessionPerson {
  personId: string;
  name: string;
  role: Role;
  practiceOds: string | null;
}

export interface LoadedSession {
  session: ConsoleSession;
  accessToken: string;
  flash: Flash | null;
}

function parseFlash(value: string | null): Flash | null {
  if (!value) return null;
  try {
    const f = JSON.parse(value) as Flash;
    return (f.kind === 'success' || f.kind === 'error') && typeof f.message === 'string' ? f : null;
  } catch {
    return null;
  }
}

export interface SessionStore {
  /** Creates a session; returns the cookie value (shown once, never stored). */
  create(person: SessionPerson, accessToken: string, expiresAt: Date): Promise<string>;
  /** The live session for a cookie value, its flash taken (cleared); null when unknown or expired. */
  load(cookieValue: string, now?: Date): Promise<LoadedSession | null | 'expired'>;
  setFlash(sessionId: string, flash: Flash): Promise<void>;
  destroy(sessionId: string): Promise<void>;
  /** Sign-ins in flight with the OpenID provider, keyed by the hash of `state`. */
  startSignIn(state: string, codeVerifier: string, nonce: string, returnTo: string, expiresAt: Date): Promise<void>;
  takeSignIn(state: string, now?: Date): Promise<{ codeVerifier: string; nonce: string; returnTo: string } | null>;
}

export function sessionStore(db: Db): SessionStore {
  return {
    async create(person, accessToken, expiresAt) {
      const cookie = randomToken();
      // Expired rows are cleared as new ones arrive: the table stays the size of live sign-ins.
      await db.delete(consoleSessions).where(lt(consoleSessions.expiresAt, new Date()));
      await db.insert(consoleSessions).values({
        idHash: sha256(cookie),
        personId: person.personId,
        name: person.name,
        role: person.role,
        practiceOds: person.practiceOds,
        accessToken,
        csrfToken: randomToken(),
        expiresAt,
      });
      return cookie;
    },
    async load(cookieValue, now = new Date()) {
      const idHash = sha256(cookieValue);
      const [row] = await db.select().from(consoleSessions).where(eq(consoleSessions.idHash, idHash));
      if (!row) return null;
      if (row.expiresAt <= now) {
        await db.delete(consoleSessions).where(eq(consoleSessions.idHash, idHash));
        return 'expired';
      }
      const role = (PERSON_ROLES as readonly string[]).includes(row.role) ? (row.role as Role) : null;
      if (!role) return null;
      if (row.flash) await db.update(consoleSessions).set({ flash: null }).where(eq(consoleSessions.idHash, idHash));
      return {
        session: { id: idHash, personId: row.personId, name: row.name, role, practiceOds: row.practiceOds, csrfToken: row.csrfToken, expiresAt: row.expiresAt },
        accessToken: row.accessToken,
        flash: parseFlash(row.flash),
      };
    },
    async setFlash(sessionId, flash) {
      await db.update(consoleSessions).set({ flash: JSON.stringify(flash) }).where(eq(consoleSessions.idHash, sessionId));
    },
    async destroy(sessionId) {
      await db.delete(consoleSessions).where(eq(consoleSessions.idHash, sessionId));
    },
    async startSignIn(state, codeVerifier, nonce, returnTo, expiresAt) {
      await db.delete(consoleSignIns).where(lt(consoleSignIns.expiresAt, new Date()));
      await db.insert(consoleSignIns).values({ stateHash: sha256(state), codeVerifier, nonce, returnTo, expiresAt });
    },
    async takeSignIn(state, now = new Date()) {
      // Deleted as it is read: a state is good for exactly one callback.
      const [row] = await db
        .delete(consoleSignIns)
        .where(and(eq(consoleSignIns.stateHash, sha256(state)), gt(consoleSignIns.expiresAt, now)))
        .returning();
      return row ? { codeVerifier: row.codeVerifier, nonce: row.nonce, returnTo: row.returnTo } : null;
    },
  };
}
