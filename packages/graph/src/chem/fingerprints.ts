import type { RDKit } from './rdkit.js';

/**
 * Morgan (ECFP-like) bit fingerprint of a molecule: `radius` 3 (ECFP6, as MoCL) and `nBits` 2048.
 * MoCL uses RDKit Morgan *count* fingerprints; MinimalLib exposes bit vectors, so Tanimoto here is the
 * binary form. Returns the bits as a `Uint8Array` of 0/1 of length `nBits`.
 */
export function morganFingerprint(rdkit: RDKit, smiles: string, opts: { radius?: number; nBits?: number } = {}): Uint8Array {
  const radius = opts.radius ?? 3;
  const nBits = opts.nBits ?? 2048;
  const mol = rdkit.get_mol(smiles);
  if (!mol) throw new RangeError(`cannot parse SMILES '${smiles}'`);
  try {
    const s = mol.get_morgan_fp(JSON.stringify({ radius, nBits }));
    return Uint8Array.from(s, (c) => (c === '1' ? 1 : 0));
  } finally {
    mol.delete();
  }
}

/** Tanimoto similarity |a∧b| / |a∨b| of two bit vectors (1 when both are empty). */
export function tanimoto(a: Uint8Array, b: Uint8Array): number {
  let and = 0;
  let or = 0;
  for (let i = 0; i < a.length; i++) {
    and += a[i]! & b[i]!;
    or += a[i]! | b[i]!;
  }
  return or === 0 ? 1 : and / or;
}

/** Dense n×n Tanimoto matrix (row-major) of a fingerprint list, computed on on-bit index lists. */
export function tanimotoMatrix(fps: readonly Uint8Array[]): Float32Array {
  const n = fps.length;
  const on = fps.map((f) => {
    const idx: number[] = [];
    f.forEach((v, i) => v && idx.push(i));
    return idx;
  });
  const sim = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    sim[i * n + i] = 1;
    const fi = fps[i]!;
    for (let j = i + 1; j < n; j++) {
      let and = 0;
      for (const k of on[j]!) and += fi[k]!;
      const or = on[i]!.length + on[j]!.length - and;
      const t = or === 0 ? 1 : and / or;
      sim[i * n + j] = t;
      sim[j * n + i] = t;
    }
  }
  return sim;
}

/**
 * MoCL's neighbour sets (`pre_structure.py` `nearest_neighbor`): for each molecule the `k` most
 * Tanimoto-similar molecules of the dataset, itself included. Returns one sorted index list per row.
 */
export function topNeighbours(sim: Float32Array, n: number, k: number): Int32Array[] {
  return Array.from({ length: n }, (_, i) => {
    const row = Array.from({ length: n }, (_, j) => j);
    row.sort((a, b) => (a === i ? -1 : b === i ? 1 : sim[i * n + b]! - sim[i * n + a]! || a - b));
    return Int32Array.from(row.slice(0, Math.min(k, n))).sort();
  });
}
