/**
 * A small seeded pseudo-random generator (mulberry32 state + Box–Muller normals). Every random choice in
 * the monorepo (views, sampling, shuffles) takes an `Rng` explicitly, so the same seed gives the same
 * run on the same backend.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  uniform(): number;
  /** Uniform float in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal sample. */
  normal(): number;
  /** True with probability p. */
  bernoulli(p: number): boolean;
  /** A 31-bit integer seed for a tfjs random op (`tf.randomUniform(..., seed)`), advancing the stream. */
  seed(): number;
  /** In-place Fisher–Yates shuffle; returns the same array. */
  shuffle<T>(items: T[]): T[];
  /** A permutation of 0..n-1. */
  permutation(n: number): Int32Array;
  /** An independent child generator (for a worker, a view, an epoch) derived from this stream. */
  fork(): Rng;
}

/** Creates a seeded {@link Rng}. `seed` is any finite number; it is hashed to 32 bits. */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${String(seed)}`);
  let state = hash32(seed);
  let spare: number | null = null;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    uniform: next,
    range: (lo, hi) => lo + (hi - lo) * next(),
    int: (n) => {
      if (!Number.isInteger(n) || n <= 0) throw new RangeError(`rng.int(n) needs an integer n > 0, got ${n}`);
      return Math.floor(next() * n);
    },
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    bernoulli: (p) => next() < p,
    seed: () => Math.floor(next() * 0x7fffffff),
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = items[i]!;
        items[i] = items[j]!;
        items[j] = tmp;
      }
      return items;
    },
    permutation: (n) => {
      const p = new Int32Array(n);
      for (let i = 0; i < n; i++) p[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = p[i]!;
        p[i] = p[j]!;
        p[j] = tmp;
      }
      return p;
    },
    fork: () => createRng(Math.floor(next() * 0xffffffff)),
  };
  return rng;
}

/** Mixes a number into 32 bits (splitmix-style finaliser) so nearby seeds give unrelated streams. */
function hash32(seed: number): number {
  let h = Math.floor(seed) ^ Math.floor((seed % 1) * 0x100000000);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
