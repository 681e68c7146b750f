// No SSRF through a webhook URL: outside development, https only, and every address the host
// resolves to must be public. The check runs again at connect time on the address actually used
// (a custom `lookup`), so a DNS answer that changes after registration cannot reach inside.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) PRIVATE.addSubnet(net, prefix, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address); // IPv4-mapped IPv6
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A problem with the URL itself (scheme, credentials), before any lookup. */
export function webhookUrlProblem(raw: string, development: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'The webhook URL is not a valid absolute URL.';
  }
  if (url.username || url.password) return 'The webhook URL must not carry credentials.';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && development && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return development ? 'The webhook URL must be https (plain http only to loopback in development).' : 'The webhook URL must be https.';
}

/** Resolves a host and refuses it if any address is private (outside development). */
export async function resolvePublic(hostname: string, development: boolean): Promise<string | null> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await new Promise<string[]>((resolve) => dnsLookup(host, { all: true }, (error, found) => resolve(error ? [] : found.map((a) => a.address))));
  if (addresses.length === 0) return `The webhook host ${hostname} does not resolve.`;
  if (!development && addresses.some(isPrivateAddress)) return `The webhook host ${hostname} resolves to a private, loopback, link-local or metadata address.`;
  return null;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** `lookup` for http(s).request: the address connected to is the address checked. */
export function guardedLookup(development: boolean) {
  return (hostname: string, options: object, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, found) => {
      if (error) return callback(error, []);
      const allowed = development ? found : found.filter((a) => !isPrivateAddress(a.address));
      if (allowed.length === 0) return callback(Object.assign(new Error(`refused: ${hostname} resolves to a private address`), { code: 'EPRIVATE' }), []);
      if ((options as { all?: boolean }).all) return callback(null, allowed);
      return callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}
