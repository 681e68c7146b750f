// The address a request came from, as the socket saw it. Forwarded headers are not trusted: any
// client can write them, and a per-address limit keyed on them would be a limit per made-up value.

interface NodeServerContext {
  req?: { socket?: { remoteAddress?: string } };
}

/** IPv4 mapped into IPv6 is the IPv4 address; in-process calls (no socket) are 'local'. */
export function clientAddress(context: unknown): string {
  const address = (context as NodeServerContext | undefined)?.req?.socket?.remoteAddress;
  if (!address) return 'local';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export function isLoopbackAddress(context: unknown): boolean {
  const socket = (context as NodeServerContext | undefined)?.req?.socket;
  // In-process calls (yoga.fetch) have no socket: the caller already runs inside this process.
  if (!socket) return true;
  const address = clientAddress(context);
  return address === '::1' || address.startsWith('127.');
}
