// Who is calling: a person (bearer token from the OIDC or development issuer), or a supplier's
// application (access token from /oauth2/token). Plugin runs join this union in later work.

export const PERSON_ROLES = ['REVIEWER', 'SUPPLIER_DEVELOPER', 'PRACTICE_ADMIN', 'CLINICIAN'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/** A person's name in parts, when their token carries them (OpenID Connect profile claims). */
export interface PersonName {
  family: string;
  given: string[];
  prefix: string[];
}

export type Actor =
  | { kind: 'ANONYMOUS' }
  | { kind: 'PERSON'; id: string; name: string; role: PersonRole; practiceOds: string | null; nameParts?: PersonName | null }
  | {
      kind: 'SUPPLIER_APP';
      /** OAuth2 client_id of the app. */
      appId: string;
      supplierId: string;
      /** Scopes the access token carries; each request still checks the live grants. */
      scopes: string[];
    }
  | {
      /** A plugin run: its version's approved scopes intersected with the practice's grant, one practice only. */
      kind: 'PLUGIN_RUN';
      runId: string;
      versionId: string;
      supplierId: string;
      practiceOds: string;
      scopes: string[];
    };

export const ANONYMOUS: Actor = { kind: 'ANONYMOUS' };

export function isPracticeUser(actor: Actor): actor is Extract<Actor, { kind: 'PERSON' }> & { practiceOds: string } {
  return actor.kind === 'PERSON' && (actor.role === 'PRACTICE_ADMIN' || actor.role === 'CLINICIAN') && actor.practiceOds !== null;
}

/** One key per identified caller (a plugin run is a caller of its own); null for anonymous callers. */
export function callerKey(actor: Actor): string | null {
  switch (actor.kind) {
    case 'SUPPLIER_APP':
      return `app:${actor.appId}`;
    case 'PERSON':
      return `person:${actor.id}`;
    case 'PLUGIN_RUN':
      return `plugin-run:${actor.runId}`;
    case 'ANONYMOUS':
      return null;
  }
}
