// Signed checkpoints of the audit chain: (seq, chain hash, Merkle root, time), signed with an Ed25519
// key the database never holds, and published outside it (see checkpoint-store.ts). Whoever can
// rewrite the database cannot forge one, so a rewritten, truncated or wiped trail no longer matches
// what was published before.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { canonicalJson } from './event.js';
import { frontierRoot, frontierShapeOk, type Frontier } from './merkle.js';

export interface Checkpoint {
  /** Format version of the signed body. */
  v: 1;
  /** The last event covered (also the Merkle tree size). */
  seq: number;
  /** That event's chain hash. */
  hash: string;
  /** RFC 6962 root of the tree over events 1..seq. */
  root: string;
  /** When it was signed (ISO 8601). */
  at: string;
  /** Which key signed it: the first 16 hex digits of the SHA-256 of its public key (SPKI DER). */
  keyId: string;
  /** Ed25519 signature of the canonical JSON of the fields above, base64url. */
  sig: string;
  /** Not signed: lets the next checkpoint extend the tree; trusted only when it folds to `root`. */
  frontier: string[];
}

export interface CheckpointSigner {
  keyId: string;
  /** PEM (SPKI) of the public key, for anyone who wants to verify. */
  publicKeyPem: string;
  sign(body: { seq: number; hash: string; root: string; at: string }, frontier: Frontier): Checkpoint;
  verify(checkpoint: Checkpoint): boolean;
}

function signedBody(c: Pick<Checkpoint, 'v' | 'seq' | 'hash' | 'root' | 'at' | 'keyId'>): Buffer {
  return Buffer.from(canonicalJson({ v: c.v, seq: c.seq, hash: c.hash, root: c.root, at: c.at, keyId: c.keyId }));
}

function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

export function checkpointSigner(privateKey: KeyObject, trustedPublicKeys: readonly KeyObject[] = []): CheckpointSigner {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('The audit checkpoint key must be an Ed25519 private key.');
  const publicKey = createPublicKey(privateKey);
  const keyId = keyIdOf(publicKey);
  // Earlier keys (after a rotation) still verify the checkpoints they signed.
  const verifiers = new Map<string, KeyObject>([[keyId, publicKey], ...trustedPublicKeys.map((k): [string, KeyObject] => [keyIdOf(k), k])]);
  return {
    keyId,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign(body, frontier) {
      const unsigned = { v: 1 as const, ...body, keyId };
      return { ...unsigned, sig: sign(null, signedBody(unsigned), privateKey).toString('base64url'), frontier: frontier.roots };
    },
    verify(c) {
      const key = verifiers.get(c.keyId);
      // v is signed, so another format version fails the signature check.
      if (!key || typeof c.sig !== 'string' || !verify(null, signedBody(c), key, Buffer.from(c.sig, 'base64url'))) return false;
      const frontier = { size: c.seq, roots: c.frontier };
      return Array.isArray(c.frontier) && frontierShapeOk(frontier) && frontierRoot(frontier) === c.root;
    },
  };
}

/**
 * The signing key: from configuration (PEM, PKCS#8) when given, otherwise a file, created with mode
 * 0600 on first use. Keep that file (or the configured key) away from the database's backups: a key
 * stored with the data it vouches for proves nothing against whoever holds both.
 */
export function loadCheckpointKey(options: { pem?: string | undefined; file: string }): KeyObject {
  if (options.pem) return createPrivateKey(options.pem.replace(/\\n/g, '\n'));
  if (existsSync(options.file)) return createPrivateKey(readFileSync(options.file));
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(options.file), { recursive: true });
  // Stryker disable next-line ObjectLiteral,StringLiteral: mode and 'wx' guard the moment before chmod and a race with another process, which a test cannot see
  writeFileSync(options.file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  chmodSync(options.file, 0o600);
  return privateKey;
}

/** Parses one published checkpoint; anything malformed is null (and then not trusted). */
export function parseCheckpoint(value: unknown): Checkpoint | null {
  // Stryker disable next-line ConditionalExpression: a primitive has no fields, so it fails the next check anyway
  if (typeof value !== 'object' || value === null) return null;
  const c = value as Record<string, unknown>;
  const hex = (s: unknown) => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);
  if (c.v !== 1 || !Number.isSafeInteger(c.seq) || (c.seq as number) < 1 || !hex(c.hash) || !hex(c.root)) return null;
  if (typeof c.at !== 'string' || typeof c.keyId !== 'string' || typeof c.sig !== 'string' || !Array.isArray(c.frontier)) return null;
  return { v: 1, seq: c.seq as number, hash: c.hash as string, root: c.root as string, at: c.at, keyId: c.keyId, sig: c.sig, frontier: c.frontier as string[] };
}
