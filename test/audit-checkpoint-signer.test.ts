// Signed checkpoints without a database: what the signature covers, which keys verify, what a
// published entry must look like to be trusted, the key file, and which checkpoints a place keeps.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { retainedCheckpoints } from '../server/domain/audit/checkpoint-store.js';
import { checkpointSigner, loadCheckpointKey, parseCheckpoint, type Checkpoint } from '../server/domain/audit/checkpoints.js';
import { EMPTY_FRONTIER, extendFrontier, frontierRoot } from '../server/domain/audit/merkle.js';

const hex = (n: number) => n.toString(16).padStart(64, '0');
const frontierOf = (size: number) => extendFrontier(EMPTY_FRONTIER, Array.from({ length: size }, (_, i) => hex(i + 1)));
const key = () => generateKeyPairSync('ed25519').privateKey;
const signed = (signer = checkpointSigner(key()), seq = 5) => {
  const frontier = frontierOf(seq);
  return signer.sign({ seq, hash: hex(seq), root: frontierRoot(frontier), at: '2026-01-01T00:00:00.000Z' }, frontier);
};

// Fixtures are made inside each test, not while the tests are collected: a failure there must fail a test.
const fixture = () => {
  const signer = checkpointSigner(key());
  return { signer, checkpoint: signed(signer) };
};

describe('checkpoint signatures', () => {
  it('verifies what it signed, and nothing with any signed field changed', () => {
    const { signer, checkpoint } = fixture();
    expect(checkpoint).toMatchObject({ v: 1, seq: 5, keyId: signer.keyId, frontier: frontierOf(5).roots });
    expect(signer.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(signer.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(signer.verify(checkpoint)).toBe(true);
    for (const change of [{ seq: 6 }, { hash: hex(99) }, { root: hex(99) }, { at: '2026-01-01T00:00:01.000Z' }, { v: 2 as 1 }, { sig: checkpoint.sig.slice(1) }, { sig: 'x' }, { sig: 5 as unknown as string }]) {
      expect(signer.verify({ ...checkpoint, ...change })).toBe(false);
    }
  });

  it('trusts the frontier only when it folds to the signed root', () => {
    const { signer, checkpoint } = fixture();
    // The root alone folds to itself, but a tree of 5 leaves has two subtrees.
    expect(signer.verify({ ...checkpoint, frontier: [checkpoint.root] })).toBe(false);
    expect(signer.verify({ ...checkpoint, frontier: 'ab' as unknown as string[] })).toBe(false);
    expect(signer.verify({ ...checkpoint, frontier: frontierOf(4).roots })).toBe(false);
    expect(signer.verify({ ...checkpoint, frontier: [...checkpoint.frontier].reverse() })).toBe(false);
    expect(signer.verify({ ...checkpoint, frontier: 'nope' as unknown as string[] })).toBe(false);
  });

  it('verifies with the signing key and keys trusted after a rotation, not with any other', () => {
    const { signer, checkpoint } = fixture();
    const old = key();
    const fromOld = signed(checkpointSigner(old));
    expect(checkpointSigner(key()).verify(fromOld)).toBe(false);
    expect(checkpointSigner(key(), [generateKeyPairSync('ed25519').publicKey]).verify(fromOld)).toBe(false);
    expect(checkpointSigner(key(), [createPublicKey(old)]).verify(fromOld)).toBe(true);
    expect(signer.verify({ ...checkpoint, keyId: checkpointSigner(old).keyId })).toBe(false);
  });

  it('refuses a key that is not Ed25519', () => {
    expect(() => checkpointSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)).toThrow(/Ed25519/);
  });
});

describe('published checkpoints', () => {
  it('parses a well-formed entry and nothing else', () => {
    const good = JSON.parse(JSON.stringify(signed())) as Record<string, unknown>;
    expect(parseCheckpoint(good)).toEqual(good);
    expect(parseCheckpoint({ ...good, seq: 1 })).toEqual({ ...good, seq: 1 });
    expect(parseCheckpoint({ ...good, extra: 1 })).toEqual(good);
    for (const bad of [null, 'x', 5, {}, { ...good, v: 2 }, { ...good, seq: 0 }, { ...good, seq: 1.5 }, { ...good, seq: '5' }, { ...good, hash: 'abc' },
      { ...good, hash: hex(1).toUpperCase().replace(/0/g, 'A') }, { ...good, root: `${hex(1)}0` }, { ...good, at: 5 }, { ...good, keyId: null },
      { ...good, sig: 1 }, { ...good, frontier: 'x' }, { ...good, hash: [good.hash] }, { ...good, root: [good.root] }]) {
      expect(parseCheckpoint(bad)).toBeNull();
    }
  });
});

describe('the checkpoint key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gpoi-checkpoint-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is created once, readable by its owner only, and the same key afterwards', () => {
    const file = join(dir, 'nested', 'twice', 'key.pem');
    const first = loadCheckpointKey({ file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadCheckpointKey({ file }).export({ type: 'pkcs8', format: 'pem' })).toEqual(first.export({ type: 'pkcs8', format: 'pem' }));
    expect(first.asymmetricKeyType).toBe('ed25519');
  });

  it('comes from configuration when given, with \\n escapes', () => {
    const pem = key().export({ type: 'pkcs8', format: 'pem' }).toString();
    const file = join(dir, 'unused.pem');
    const configured = loadCheckpointKey({ pem: pem.replace(/\n/g, '\\n'), file });
    expect(configured.export({ type: 'pkcs8', format: 'pem' })).toEqual(pem);
    expect(() => readFileSync(file)).toThrow();
  });
});

describe('which checkpoints a place keeps', () => {
  const at = (seq: number) => ({ seq, sig: `s${seq}`, at: '2026-01-01T00:00:00.000Z' }) as Checkpoint;

  it('keeps the latest, and before them the first of each run of events', () => {
    const all = [3, 4, 9, 10, 11, 19, 21, 22, 23].map(at);
    expect(retainedCheckpoints(all, { keepLatest: 2, anchorEvery: 10 }).map((c) => c.seq)).toEqual([3, 10, 21, 22, 23]);
    expect(retainedCheckpoints([...all].reverse(), { keepLatest: 2, anchorEvery: 10 }).map((c) => c.seq)).toEqual([3, 10, 21, 22, 23]);
    expect(retainedCheckpoints(all, { keepLatest: 100, anchorEvery: 10 })).toHaveLength(all.length);
    expect(retainedCheckpoints([], { keepLatest: 2, anchorEvery: 10 })).toEqual([]);
  });
});
