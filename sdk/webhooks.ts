// Verifying a webhook from GP Open Integration in your receiver (Standard Webhooks): the signature
// is HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${raw body}` with your endpoint's secret.
// Self-contained (node:crypto only) so a receiver needs nothing else.
import { createHmac, timingSafeEqual } from 'node:crypto';

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** What a verified delivery carries: the event type, when it happened, and its data (with the event id). */
export interface WebhookEvent {
  type: string;
  timestamp: string;
  data: { id: string } & Record<string, unknown>;
}

export interface VerifyOptions {
  /** Seconds a delivery's timestamp may differ from now (replay window); 300 by default. */
  toleranceSeconds?: number;
  /** For tests: the current time. */
  now?: Date;
}

type Headers = Record<string, string | string[] | undefined> | { get(name: string): string | null };

function header(headers: Headers, name: string): string | null {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(name);
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name] ?? Object.entries(record).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/**
 * Checks a delivery and returns its parsed body; throws WebhookVerificationError otherwise. Pass the
 * raw body exactly as received (before any JSON parsing) and the request headers (a Headers object
 * or Node's IncomingHttpHeaders). Use `webhook-id` to ignore a redelivery you already handled.
 */
export function verifyWebhook(secret: string, headers: Headers, rawBody: string | Uint8Array, options: VerifyOptions = {}): WebhookEvent {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature.');
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds)) throw new WebhookVerificationError('Invalid webhook-timestamp.');
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - seconds) > (options.toleranceSeconds ?? 300)) throw new WebhookVerificationError('The webhook timestamp is too old or too new.');
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody) : Buffer.from(rawBody);
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  const matches = signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',', 2);
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new WebhookVerificationError('No signature matches this secret.');
  return JSON.parse(body.toString('utf8')) as WebhookEvent;
}
