// The GP Connect consumer JWT: audit and provenance for each request, carried as a bearer token.
// The specification asks consumers for an *unsecured* JWT (alg "none", empty signature): the Spine
// Secure Proxy authenticates the system by TLS mutual authentication, and the token only tells the
// provider who asked, from where and why. A fresh token is built for every request.
import type { PersonName } from '../../domain/actors.js';
import type { RequestMeta } from '../types.js';
import type { Organisation } from './endpoint-config.js';
import { ODS_SYSTEM } from './fhir.js';

export type RequestedScope = 'patient/*.read' | 'patient/*.write' | 'organization/*.read' | 'organization/*.write';

export const TOKEN_LIFETIME_SECONDS = 300;
const SDS_USER_ID = 'https://fhir.nhs.uk/Id/sds-user-id';
const SDS_ROLE_PROFILE_ID = 'https://fhir.nhs.uk/Id/sds-role-profile-id';
const ACCREDITED_SYSTEM = 'https://fhir.nhs.uk/Id/accredited-system';
const SOFTWARE = { model: 'GP Open Integration', version: '0.1.0' };

export interface ClaimsInput {
  issuer: string;
  /** The provider endpoint the request goes to. */
  audience: string;
  scope: RequestedScope;
  meta: RequestMeta;
  asid: string;
  organisation: Organisation;
  now: Date;
}

/**
 * A HumanName. Structured parts from the person's token are sent as family/given/prefix (with the
 * display name as text); without them a plain "Given Family" display name is split, and anything
 * else (titles, notes) is kept as text only rather than guessed at.
 */
function nameOf(displayName: string, parts: PersonName | null | undefined) {
  if (parts) {
    return [{ ...(displayName.trim() ? { text: displayName } : {}), family: parts.family, ...(parts.given.length ? { given: parts.given } : {}), ...(parts.prefix.length ? { prefix: parts.prefix } : {}) }];
  }
  const words = displayName.trim().split(/\s+/);
  const plain = /^[\p{L}'’-]+(\s+[\p{L}'’-]+){1,3}$/u.test(displayName.trim());
  return [plain ? { text: displayName, family: words[words.length - 1], given: words.slice(0, -1) } : { text: displayName }];
}

export function gpConnectClaims(input: ClaimsInput): Record<string, unknown> {
  const iat = Math.floor(input.now.getTime() / 1000);
  const local = (kind: string) => `${input.issuer.replace(/\/+$/, '')}/Id/${kind}`;
  return {
    iss: input.issuer,
    sub: input.meta.actorId,
    aud: input.audience,
    exp: iat + TOKEN_LIFETIME_SECONDS,
    iat,
    reason_for_request: 'directcare',
    requested_scope: input.scope,
    requesting_device: {
      resourceType: 'Device',
      identifier: [{ system: ACCREDITED_SYSTEM, value: input.asid }],
      ...SOFTWARE,
    },
    requesting_organization: {
      resourceType: 'Organization',
      identifier: [{ system: ODS_SYSTEM, value: input.organisation.odsCode }],
      name: input.organisation.name,
    },
    requesting_practitioner: {
      resourceType: 'Practitioner',
      id: input.meta.actorId,
      // No smartcard session behind our users: national identifiers are "UNK", as the specification allows.
      identifier: [
        { system: SDS_USER_ID, value: 'UNK' },
        { system: SDS_ROLE_PROFILE_ID, value: 'UNK' },
        { system: local('user-id'), value: input.meta.actorId },
        { system: local('user-role'), value: input.meta.actorRole },
      ],
      name: nameOf(input.meta.actorName, input.meta.actorNameParts),
    },
  };
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** `header.payload.` with an empty signature, exactly as the GP Connect specification describes. */
export function unsecuredJwt(claims: Record<string, unknown>): string {
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
}
