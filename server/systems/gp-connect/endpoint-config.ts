// Per-practice GP Connect endpoint (practices.endpoint jsonb) and the platform-wide settings.
import { z } from 'zod';
import type { Env } from '../../env.js';
import type { PracticeRecord } from '../../domain/practices.js';
import { ConnectorError } from '../types.js';

export const ASID = /^\d{12}$/;

export const EndpointSchema = z.object({
  /** FHIR service root of the provider (through the Spine Secure Proxy in production). */
  baseUrl: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
    .transform((u) => u.replace(/\/+$/, '')),
  /** Provider system's ASID, sent as Ssp-To. */
  providerAsid: z.string().regex(ASID, 'must be a 12-digit ASID'),
  /** ODS code of the organisation behind the endpoint, when it differs from the practice's own. */
  providerOds: z
    .string()
    .regex(/^[A-Z0-9]{3,10}$/)
    .optional(),
});
export type Endpoint = z.infer<typeof EndpointSchema>;

/** A practice's endpoint, or an expected failure that never echoes the stored settings. */
export function endpointOf(practice: PracticeRecord): Endpoint {
  const parsed = EndpointSchema.safeParse(practice.endpoint);
  if (!parsed.success) {
    throw new ConnectorError('NOT_SUPPORTED', `The GP Connect endpoint of ${practice.odsCode} is missing or invalid.`);
  }
  return parsed.data;
}

export interface Organisation {
  odsCode: string;
  name: string;
}

export interface GpConnectTiming {
  phase: 'wait' | 'map';
  ms: number;
  interaction: string;
}

export interface GpConnectOptions {
  /** Our ASID on Spine (Ssp-From). */
  asid: string;
  /** Requesting system's issuer URI (JWT `iss`), e.g. the platform's public URL. */
  issuer: string;
  /**
   * The organisation running the platform, named in the JWT when the caller has no ODS code of
   * their own. Without it such callers are refused rather than sent under an invented code.
   */
  platformOrganisation?: Organisation;
  /** Overall budget per provider call, retries included (default 10 s). */
  timeoutMs?: number;
  /** Largest provider answer read (default 5 MB). */
  maxResponseBytes?: number;
  /** Provider calls in flight per batch (default 6). */
  maxConcurrency?: number;
  /** Called after each provider wait and each mapping step (benchmarks). */
  onTiming?: (timing: GpConnectTiming) => void;
  /** How long a provider's CapabilityStatement is trusted before it is read again (default 1 hour). */
  capabilityTtlMs?: number;
  /** Practitioners, organisations and locations read per record answer when the bundle lacks them (default 10). */
  maxFoundationReads?: number;
  /** Milliseconds since the epoch; tests move it to expire cached statements. */
  clock?: () => number;
}

export interface Settings {
  asid: string;
  issuer: string;
  platformOrganisation: Organisation | null;
  timeoutMs: number;
  maxResponseBytes: number;
  maxConcurrency: number;
  onTiming: ((timing: GpConnectTiming) => void) | null;
  capabilityTtlMs: number;
  maxFoundationReads: number;
  clock: () => number;
}

export function settingsOf(options: GpConnectOptions): Settings {
  if (!ASID.test(options.asid)) throw new Error('GP Connect: asid must be a 12-digit ASID');
  return {
    asid: options.asid,
    issuer: options.issuer,
    platformOrganisation: options.platformOrganisation ?? null,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxResponseBytes: options.maxResponseBytes ?? 5 * 1024 * 1024,
    maxConcurrency: Math.max(1, options.maxConcurrency ?? 6),
    onTiming: options.onTiming ?? null,
    capabilityTtlMs: Math.max(0, options.capabilityTtlMs ?? 3_600_000),
    maxFoundationReads: Math.max(0, options.maxFoundationReads ?? 10),
    clock: options.clock ?? Date.now,
  };
}

/** Connector options from the environment; null when GP_CONNECT_ASID is not set (GP Connect off). */
export function gpConnectOptionsFromEnv(env: Env, platformOrganisation?: Organisation): GpConnectOptions | null {
  if (!env.GP_CONNECT_ASID) return null;
  return {
    asid: env.GP_CONNECT_ASID,
    issuer: env.publicUrl,
    platformOrganisation,
    timeoutMs: env.GP_CONNECT_TIMEOUT_MS,
    maxResponseBytes: env.GP_CONNECT_MAX_RESPONSE_BYTES,
    capabilityTtlMs: env.GP_CONNECT_CAPABILITY_TTL_MS,
  };
}
