// The Merkle tree over the audit chain (RFC 6962): the incremental root a checkpoint signs equals the
// tree's root, and an inclusion proof convinces exactly for the event, position and root it was made for.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMPTY_FRONTIER, EMPTY_ROOT, extendFrontier, frontierRoot, frontierShapeOk, inclusionProof, leafHash, nodeHash, verifyInclusion } from '../server/domain/audit/merkle.js';

const hashes = (n: number) => Array.from({ length: n }, (_, i) => createHash('sha256').update(`event ${i}`).digest('hex'));

/** RFC 6962's MTH written out directly, as the reference. */
function mth(leaves: string[]): string {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leafHash(leaves[0]!).toString('hex');
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(Buffer.from(mth(leaves.slice(0, k)), 'hex'), Buffer.from(mth(leaves.slice(k)), 'hex')).toString('hex');
}

describe('audit Merkle tree', () => {
  it('computes the RFC 6962 root incrementally, whatever the steps the leaves arrive in', () => {
    const all = hashes(37);
    expect(frontierRoot(EMPTY_FRONTIER)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    for (let n = 0; n <= all.length; n++) {
      const oneByOne = all.slice(0, n).reduce((f, h) => extendFrontier(f, [h]), EMPTY_FRONTIER);
      const inTwoSteps = extendFrontier(extendFrontier(EMPTY_FRONTIER, all.slice(0, Math.floor(n / 3))), all.slice(Math.floor(n / 3), n));
      expect(frontierRoot(oneByOne), `size ${n}`).toBe(mth(all.slice(0, n)));
      expect(inTwoSteps).toEqual(oneByOne);
      expect(frontierShapeOk(oneByOne)).toBe(true);
    }
    expect(frontierShapeOk({ size: 5, roots: [EMPTY_ROOT] })).toBe(false); // 5 = 101b needs two subtrees
  });

  it('gives a proof for every event that verifies against the root, and for nothing else', () => {
    for (const size of [1, 2, 3, 5, 8, 13, 16, 21]) {
      const leaves = hashes(size);
      const root = mth(leaves);
      for (let i = 0; i < size; i++) {
        const proof = inclusionProof(i, leaves);
        expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(size)));
        expect(verifyInclusion(leaves[i]!, i, size, proof, root), `leaf ${i} of ${size}`).toBe(true);
        // Another event, another position, or a changed sibling: refused. (The tree size is bound by
        // the signed checkpoint that carries both the size and the root.)
        expect(verifyInclusion(hashes(size + 1)[size]!, i, size, proof, root)).toBe(false);
        if (size > 1) expect(verifyInclusion(leaves[i]!, (i + 1) % size, size, proof, root)).toBe(false);
        expect(verifyInclusion(leaves[i]!, i, size * 2 + 1, proof, root)).toBe(false);
        if (proof.length > 0) {
          const bent = [...proof];
          bent[0] = bent[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
          expect(verifyInclusion(leaves[i]!, i, size, bent, root)).toBe(false);
        }
      }
    }
    for (const index of [3, -1, 0.5]) expect(() => inclusionProof(index, hashes(3))).toThrow(new RangeError(`No leaf ${index} in a tree of 3.`));
  });

  it('hashes leaves and nodes as RFC 6962 says, with their 0x00 and 0x01 prefixes', () => {
    const [a, b] = hashes(2) as [string, string];
    const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
    expect(leafHash(a)).toEqual(sha(Buffer.from([0]), Buffer.from(a, 'hex')));
    expect(nodeHash(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'))).toEqual(sha(Buffer.from([1]), Buffer.from(a, 'hex'), Buffer.from(b, 'hex')));
    expect(EMPTY_ROOT).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('refuses positions outside the tree and proof hashes that are not lowercase hex, even when the hashing would come out right', () => {
    const [only] = hashes(1) as [string];
    const one = mth([only]);
    expect(verifyInclusion(only, 0, 1, [], one)).toBe(true);
    for (const [index, size] of [[1, 1], [-1, 1], [0.5, 1]] as const) expect(verifyInclusion(only, index, size, [], one), `${index} of ${size}`).toBe(false);
    const two = hashes(2);
    const proof = inclusionProof(0, two);
    expect(verifyInclusion(two[0]!, 0, 2, proof, mth(two))).toBe(true);
    expect(verifyInclusion(two[0]!, 0, 1.5, proof, mth(two))).toBe(false);
    expect(verifyInclusion(two[0]!, 0, 2, proof.map((p) => p.toUpperCase()), mth(two))).toBe(false);
    expect(verifyInclusion(two[0]!, 0, 2, proof.map((p) => `${p}zz`), mth(two))).toBe(false);
  });

  it('knows the shape of a frontier: a whole, non-negative size and one 64-digit hex root per bit', () => {
    const [h] = hashes(1) as [string];
    expect(frontierShapeOk({ size: 1, roots: [h] })).toBe(true);
    expect(frontierShapeOk({ size: 0, roots: [] })).toBe(true);
    for (const bad of [{ size: -1, roots: [] }, { size: 1.5, roots: [h] }, { size: 1, roots: [`${h}0`] }, { size: 1, roots: [`0${h}`] }, { size: 1, roots: [h.toUpperCase()] }]) {
      expect(frontierShapeOk(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});
