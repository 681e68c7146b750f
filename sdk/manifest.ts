// A plugin's manifest and the effects it may propose, as zod schemas shared by the platform (which
// validates every submitted version and every effect a run proposes) and the gpoi CLI (which
// validates locally before a publish). Limits are bounded by the platform maximums below.
import { z } from 'zod';

/** The most any manifest may ask for; the platform refuses anything above. */
export const PLATFORM_LIMITS = {
  /** CPU deadline for one run, input query excluded. */
  timeoutMs: 2_000,
  /** QuickJS heap; the WebAssembly memory itself is capped a little above this. */
  memoryBytes: 64 * 1024 * 1024,
  /** QuickJS stack; the worker's own stack is far larger so QuickJS always trips first. */
  stackBytes: 512 * 1024,
  inputBytes: 1024 * 1024,
  outputBytes: 256 * 1024,
  effects: 200,
  logLines: 200,
  logBytes: 32 * 1024,
} as const;

export const DEFAULT_LIMITS: RunLimits = {
  timeoutMs: 500,
  memoryBytes: 32 * 1024 * 1024,
  stackBytes: 256 * 1024,
  inputBytes: 256 * 1024,
  outputBytes: 64 * 1024,
  effects: 50,
  logLines: 50,
  logBytes: 8 * 1024,
};

export type RunLimits = { [K in keyof typeof PLATFORM_LIMITS]: number };

/** A bundle is one JavaScript module; larger ones are refused at publish (it travels in one API request body). */
export const MAX_BUNDLE_BYTES = 64 * 1024;

/** Effect kinds a manifest may declare, with the scope each needs at the practice (null: none). */
export const EFFECT_SCOPES = {
  /** A task on the practice's worklist. */
  'practice-task.create': 'system/Task.c',
  /** Books free future slots for a patient of the practice, as the bookAppointment mutation does. */
  'appointment.book': 'patient/Appointment.cud',
  /** Cancels a future appointment at the practice with a reason, as the cancelAppointment mutation does. */
  'appointment.cancel': 'patient/Appointment.cud',
  /** Sends a document about a patient of the practice to its review queue, as the sendDocument mutation does. */
  'document.send': 'patient/DocumentReference.c',
  /** A line written to the practice's audit trail under the run id, applied with the run's other effects. */
  log: null,
} as const satisfies Record<string, string | null>;
export type EffectKind = keyof typeof EFFECT_SCOPES;
export const EFFECT_KINDS = Object.keys(EFFECT_SCOPES) as [EffectKind, ...EffectKind[]];

const limit = (max: number) => z.number().int().positive().max(max);
export const limitsSchema = z.strictObject({
  timeoutMs: limit(PLATFORM_LIMITS.timeoutMs),
  memoryBytes: limit(PLATFORM_LIMITS.memoryBytes).min(1024 * 1024),
  stackBytes: limit(PLATFORM_LIMITS.stackBytes).min(64 * 1024),
  inputBytes: limit(PLATFORM_LIMITS.inputBytes),
  outputBytes: limit(PLATFORM_LIMITS.outputBytes),
  effects: limit(PLATFORM_LIMITS.effects),
  logLines: limit(PLATFORM_LIMITS.logLines),
  logBytes: limit(PLATFORM_LIMITS.logBytes),
}).partial();

// Semantic Versioning 2.0.0's own regular expression.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export const triggerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('manual') }),
  /** Five-field cron, evaluated in UTC; the platform checks it parses. */
  z.strictObject({ kind: z.literal('schedule'), cron: z.string().min(9).max(100) }),
  /** A domain event type, e.g. appointment.booked. */
  z.strictObject({ kind: z.literal('event'), type: z.string().regex(/^[a-z][a-z-]*(\.[a-z][a-z-]*)+$/).max(100) }),
]);

export const manifestSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{1,62}[a-z0-9]$/, 'lower-case letters, digits and hyphens'),
  version: z.string().max(64).regex(SEMVER, 'a semantic version such as 1.2.3'),
  description: z.string().trim().min(1).max(500),
  triggers: z.array(triggerSchema).min(1).max(10),
  /** GraphQL document run as the plugin before each run; its result is the plugin's input. */
  input: z.strictObject({ query: z.string().min(1).max(10_000) }).optional(),
  scopes: z.array(z.string().min(1).max(100)).max(30),
  effects: z.array(z.enum(EFFECT_KINDS)).max(EFFECT_KINDS.length),
  limits: limitsSchema.default({}),
}).superRefine((manifest, issues) => {
  // Each declared effect kind needs its scope in the manifest: the practice consents to both together.
  manifest.effects.forEach((kind, i) => {
    const scope = EFFECT_SCOPES[kind];
    if (scope !== null && !manifest.scopes.includes(scope)) issues.addIssue({ code: 'custom', path: ['effects', i], message: `${kind} needs scope ${scope} in scopes` });
  });
});

export type PluginManifest = z.input<typeof manifestSchema>;
export type ValidManifest = z.output<typeof manifestSchema>;
export type Trigger = z.output<typeof triggerSchema>;

export const effectSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('practice-task.create'),
    nhsNumber: z.string().regex(/^\d{10}$/),
    title: z.string().trim().min(1).max(200),
    detail: z.string().max(2_000).optional(),
    dueDate: z.iso.date().optional(),
  }),
  z.strictObject({
    kind: z.literal('appointment.book'),
    nhsNumber: z.string().regex(/^\d{10}$/),
    /** One slot, or up to six contiguous slots of one schedule (ids from the input query's slot search). */
    slotIds: z.array(z.string().min(1).max(200)).min(1).max(6),
    description: z.string().trim().min(1).max(100),
    comment: z.string().max(500).optional(),
    /** Channels the plugin can offer the patient (In-person, Telephone, Video); any when omitted. */
    deliveryChannels: z.array(z.string().min(1).max(50)).max(5).optional(),
  }),
  z.strictObject({
    kind: z.literal('appointment.cancel'),
    appointmentId: z.string().min(1).max(200),
    reason: z.string().trim().min(1).max(500),
  }),
  z.strictObject({
    kind: z.literal('document.send'),
    nhsNumber: z.string().regex(/^\d{10}$/),
    title: z.string().trim().min(1).max(200),
    /** A plain-text document (the platform encodes it); or contentBase64 for a PDF. Exactly one of the two. */
    text: z.string().min(1).max(60_000).optional(),
    contentBase64: z.string().min(4).max(PLATFORM_LIMITS.outputBytes).optional(),
  }),
  z.strictObject({
    kind: z.literal('log'),
    message: z.string().trim().min(1).max(1_000),
    level: z.enum(['info', 'warning']).optional(),
  }),
]);
export type Effect = z.output<typeof effectSchema>;
/** One kind of effect, e.g. `EffectOf<'appointment.book'>`. */
export type EffectOf<K extends EffectKind> = Extract<Effect, { kind: K }>;

/** Limits of a run: the manifest's, filled from the defaults. */
export function effectiveLimits(manifest: Pick<ValidManifest, 'limits'>): RunLimits {
  return { ...DEFAULT_LIMITS, ...manifest.limits };
}
