/**
 * The participation ratio of a set of vectors, (Σλ)² / Σλ² over the eigenvalues λ of their covariance, computed as
 * tr(C)² / ‖C‖²_F without an eigendecomposition. It counts how many directions the vectors really use: d for
 * isotropic vectors, 1 when they all lie on one line. Below 2 the embeddings have collapsed (every text maps to
 * nearly one direction), which is what unsupervised SimCSE from scratch with [CLS] pooling does (see
 * docs/results-text.md). Returns 0 for fewer than two vectors or no variance.
 */
export function participationRatio(vectors: readonly Float32Array[]): number {
  const n = vectors.length;
  if (n < 2) return 0;
  const d = vectors[0]!.length;
  const mean = new Float64Array(d);
  for (const v of vectors) for (let j = 0; j < d; j++) mean[j]! += v[j]! / n;
  // With n < d the n × n Gram matrix of centred rows has the same nonzero spectrum and is cheaper.
  const rows = vectors.map((v) => Float64Array.from(v, (x, j) => x - mean[j]!));
  let trace = 0;
  let frob = 0;
  if (n < d) {
    for (let a = 0; a < n; a++)
      for (let b = a; b < n; b++) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += rows[a]![j]! * rows[b]![j]!;
        if (a === b) trace += dot;
        frob += (a === b ? 1 : 2) * dot * dot;
      }
  } else {
    const cov = new Float64Array(d * d);
    for (const r of rows) for (let i = 0; i < d; i++) for (let j = i; j < d; j++) cov[i * d + j]! += r[i]! * r[j]!;
    for (let i = 0; i < d; i++)
      for (let j = i; j < d; j++) {
        const c = cov[i * d + j]!;
        if (i === j) trace += c;
        frob += (i === j ? 1 : 2) * c * c;
      }
  }
  return frob > 0 ? (trace * trace) / frob : 0;
}
