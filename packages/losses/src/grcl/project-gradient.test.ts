import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { projectGradient, solveNonNegativeQP } from './project-gradient.js';
import { bruteForceProjection, normals } from './test-utils/brute-force.js';

useCpuLeakCheck();

interface ProjectionCase {
  name: string;
  g: number[];
  G: number[][];
  projected: boolean;
  expected: number[];
}
const fixture = JSON.parse(readFileSync(new URL('./__fixtures__/grcl.json', import.meta.url), 'utf8')) as { projections: ProjectionCase[] };

function project(g: number[], G: number[][], options = {}) {
  const gt = tf.tensor1d(g);
  const Gt = G.length === 0 ? tf.zeros([0, g.length]) : tf.tensor2d(G);
  const r = projectGradient(gt, Gt as tf.Tensor2D, options);
  const out = Array.from(r.gradient.dataSync());
  tf.dispose([gt, Gt, r.gradient]);
  return { ...r, out };
}

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('projectGradient: golden projections (numpy brute force over active sets)', () => {
  for (const c of fixture.projections) {
    it(c.name, () => {
      const r = project(c.g, c.G);
      expect(r.projected).toBe(c.projected);
      r.out.forEach((x, i) => expect(x).toBeCloseTo(c.expected[i]!, 4));
      for (const row of c.G) expect(dot(r.out, row)).toBeGreaterThanOrEqual(-1e-6);
    });
  }
});

describe('projectGradient: mechanics', () => {
  it('returns g unchanged (bit for bit) when no constraint is violated, and for k = 0', () => {
    const g = [0.5, -1, 2];
    const r = project(g, [
      [1, 0, 0],
      [0, -1, 0],
      [0.1, 0.1, 0.1],
    ]);
    expect(r.projected).toBe(false);
    expect(r.out).toEqual(g.map(Math.fround));
    expect(Array.from(r.multipliers)).toEqual([0, 0, 0]);
    const none = project(g, []);
    expect(none.projected).toBe(false);
    expect(none.out).toEqual(g.map(Math.fround));
  });

  it('one violated constraint: the closed form g − (⟨g,a⟩/‖a‖²)·a', () => {
    const g = [1, 2, -1];
    const a = [-1, 0, 1];
    const r = project(g, [a]);
    const c = dot(g, a) / dot(a, a);
    r.out.forEach((x, i) => expect(x).toBeCloseTo(g[i]! - c * a[i]!, 6));
    expect(r.multipliers[0]).toBeCloseTo(-c, 6);
    expect(Array.from(r.dots)).toEqual([dot(g, a)]);
  });

  it('matches a brute-force enumeration of active sets on 300 random small cases; ⟨g̃, g_k⟩ ≥ −1e-6', () => {
    const rand = normals(7);
    let projectedCount = 0;
    for (let t = 0; t < 300; t++) {
      const k = 1 + (t % 5);
      const p = 2 + ((t * 7) % 7);
      const g = Array.from({ length: p }, () => Math.fround(rand()));
      const G = Array.from({ length: k }, () => Array.from({ length: p }, () => Math.fround(rand())));
      if (t % 10 === 0) G.push([...G[0]!]); // a duplicate row
      if (t % 15 === 0) G.push(G[0]!.map((x) => -x)); // an opposite row
      const want = bruteForceProjection(g, G);
      const r = project(g, G);
      if (r.projected) projectedCount++;
      r.out.forEach((x, i) =>
        expect(Math.abs(x - want[i]!), `case ${t} coordinate ${i}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(want[i]!))),
      );
      for (const row of G)
        expect(dot(r.out, row), `case ${t}`).toBeGreaterThanOrEqual(-1e-6 * Math.max(1, Math.sqrt(dot(row, row) * dot(g, g))));
    }
    expect(projectedCount).toBeGreaterThan(100);
  });

  it('margin (GEM memory_strength) keeps every multiplier ≥ margin and the constraints satisfied; eps shrinks the correction', () => {
    const g = [1, 0.5, -0.2, 0.3];
    const G = [
      [-1, 0.2, 0, 0.1],
      [0.3, -1, 0.5, 0],
    ];
    const exact = project(g, G);
    const withMargin = project(g, G, { margin: 0.5 });
    for (const row of G) expect(dot(withMargin.out, row)).toBeGreaterThanOrEqual(-1e-6);
    for (const v of withMargin.multipliers) expect(v).toBeGreaterThanOrEqual(0.5);
    const ridge = project(g, G, { eps: 1e3 });
    const moved = (x: number[]) => Math.hypot(...x.map((xi, i) => xi - g[i]!));
    expect(moved(ridge.out)).toBeLessThan(moved(exact.out) * 0.1);
  });

  it('rejects bad arguments, naming them', () => {
    const g = tf.tensor1d([1, 2]);
    const G = tf.tensor2d([[1, 0, 0]]);
    const g2 = tf.tensor2d([[1, 2]]);
    try {
      expect(() => projectGradient(g, G as tf.Tensor2D)).toThrow(/constraints must be a float32 tf.Tensor2D \[k, 2\].*\[1, 3\]/);
      expect(() => projectGradient(g2 as unknown as tf.Tensor1D, G as tf.Tensor2D)).toThrow(/g must be a float32 tf.Tensor1D/);
      expect(() => projectGradient(g, g2 as tf.Tensor2D, { margin: -1 })).toThrow(/margin must be a finite number >= 0, got -1/);
      expect(() => projectGradient(g, g2 as tf.Tensor2D, { maxIterations: 0 })).toThrow(/maxIterations/);
      expect(() => projectGradient(g, g2 as tf.Tensor2D, { margn: 1 } as never)).toThrow(/unknown option 'margn'/);
    } finally {
      tf.dispose([g, G, g2]);
    }
  });
});

describe('solveNonNegativeQP', () => {
  it('solves a 2×2 problem whose optimum has one active bound, and reports convergence', () => {
    // min ½vᵀPv + qᵀv, P = [[2, 0], [0, 1]], q = [−2, 1] → v = [1, 0]
    const r = solveNonNegativeQP([2, 0, 0, 1], [-2, 1]);
    expect(r.converged).toBe(true);
    expect(r.v[0]).toBeCloseTo(1, 12);
    expect(r.v[1]).toBe(0);
    expect(() => solveNonNegativeQP([1, 0, 0], [1, 1])).toThrow(/P must have 2×2 = 4 entries/);
  });
});
