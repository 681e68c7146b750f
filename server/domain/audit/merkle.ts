// A Merkle tree over the audit chain, as Certificate Transparency builds one (RFC 6962 section 2.1):
// leaf i is event seq i+1, whose data is that event's chain hash. A signed checkpoint carries the
// tree's root, so anyone holding it can check a short inclusion proof for one event without seeing
// any other event (a hash-chain segment would have to reveal every event between the two).
import { createHash } from 'node:crypto';

const sha256 = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();

/** RFC 6962: MTH({d}) = SHA-256(0x00 || d). The leaf data is the event's chain hash (32 bytes). */
export const leafHash = (eventHash: string): Buffer => sha256(Buffer.of(0x00), Buffer.from(eventHash, 'hex'));
/** RFC 6962: SHA-256(0x01 || left || right). */
export const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(Buffer.of(0x01), left, right);
/** The root of the empty tree: the hash of the empty string. */
export const EMPTY_ROOT = createHash('sha256').digest('hex');

/**
 * The roots of the perfect subtrees that make up a tree of `size` leaves, largest (leftmost) first,
 * one per bit set in `size`. It is all that is needed to extend the tree and to compute its root, so
 * a checkpoint can carry it and the next one need only hash the leaves appended since.
 */
export interface Frontier {
  size: number;
  /** Hex, leftmost first. */
  roots: string[];
}

export const EMPTY_FRONTIER: Frontier = { size: 0, roots: [] };

/** Appends leaves (event hashes) to a frontier; the input is not changed. */
export function extendFrontier(frontier: Frontier, eventHashes: readonly string[]): Frontier {
  const roots: Buffer[] = frontier.roots.map((r) => Buffer.from(r, 'hex'));
  let size = frontier.size;
  for (const eventHash of eventHashes) {
    let node: Buffer = leafHash(eventHash);
    // Merge equal-sized subtrees, as a binary counter carries: one merge per trailing 1 bit of size.
    for (let s = size; s & 1; s >>= 1) node = nodeHash(roots.pop()!, node);
    roots.push(node);
    size += 1;
  }
  return { size, roots: roots.map((r) => r.toString('hex')) };
}

/** The tree's root: the frontier's subtrees folded right to left (RFC 6962 splits at the largest power of two). */
export function frontierRoot(frontier: Frontier): string {
  if (frontier.roots.length === 0) return EMPTY_ROOT;
  let node: Buffer = Buffer.from(frontier.roots[frontier.roots.length - 1]!, 'hex');
  for (let i = frontier.roots.length - 2; i >= 0; i--) node = nodeHash(Buffer.from(frontier.roots[i]!, 'hex'), node);
  return node.toString('hex');
}

/** Whether `roots` has the shape a frontier of `size` leaves must have (one root per bit). */
export function frontierShapeOk(frontier: Frontier): boolean {
  let bits = 0;
  for (let s = frontier.size; s > 0; s >>= 1) bits += s & 1;
  return Number.isSafeInteger(frontier.size) && frontier.size >= 0 && frontier.roots.length === bits && frontier.roots.every((r) => /^[0-9a-f]{64}$/.test(r));
}

function subtreeRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  const k = largestPowerOfTwoBelow(leaves.length);
  return nodeHash(subtreeRoot(leaves.slice(0, k)), subtreeRoot(leaves.slice(k)));
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 6962 PATH(m, D[n]): the sibling hashes from leaf `index` up to the root of `eventHashes`. */
export function inclusionProof(index: number, eventHashes: readonly string[]): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= eventHashes.length) throw new RangeError(`No leaf ${index} in a tree of ${eventHashes.length}.`);
  const path: Buffer[] = [];
  let leaves = eventHashes.map(leafHash);
  let m = index;
  // Walk down from the root, keeping the half with the leaf and noting the other half's root.
  const siblings: Buffer[] = [];
  while (leaves.length > 1) {
    const k = largestPowerOfTwoBelow(leaves.length);
    if (m < k) {
      siblings.push(subtreeRoot(leaves.slice(k)));
      leaves = leaves.slice(0, k);
    } else {
      siblings.push(subtreeRoot(leaves.slice(0, k)));
      leaves = leaves.slice(k);
      m -= k;
    }
  }
  // The proof lists siblings from the leaf upwards.
  for (let i = siblings.length - 1; i >= 0; i--) path.push(siblings[i]!);
  return path.map((p) => p.toString('hex'));
}

/**
 * Checks an inclusion proof as RFC 9162 section 2.1.3.2 describes: what a practice runs, holding
 * the event, the proof and a signed checkpoint's root, to know the event is in the signed log.
 */
export function verifyInclusion(eventHash: string, index: number, treeSize: number, proof: readonly string[], root: string): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(treeSize) || index < 0 || index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r: Buffer = leafHash(eventHash);
  for (const p of proof) {
    // Stryker disable next-line Regex,ConditionalExpression: hex decoding stops at a bad prefix and extra proof hashes change r, so neither could verify anyway
    if (!/^[0-9a-f]{64}$/.test(p) || sn === 0) return false;
    const sibling = Buffer.from(p, 'hex');
    if (fn & 1 || fn === sn) {
      r = nodeHash(sibling, r);
      // fn is not 0 here (sn is not, and fn is odd or equal to sn), so this stops.
      while (!(fn & 1)) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = nodeHash(r, sibling);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && r.toString('hex') === root;
}
