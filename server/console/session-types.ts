// What a page knows about the signed-in person. The bearer token stays inside the server.
import type { PersonRole } from '../domain/actors.js';

export type Role = PersonRole;

export interface ConsoleSession {
  /** Session row id (the hash of the cookie value, never the cookie value itself). */
  id: string;
  personId: string;
  name: string;
  role: Role;
  practiceOds: string | null;
  csrfToken: string;
  expiresAt: Date;
}
