import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, stepInfo } from '@contrastive/core';
import { loadCheckpoint, saveCheckpoint } from '@contrastive/core/node';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { GraphCL } from './graphcl.js';
import { AUGMENTATION_PAIRS, JOAO } from './joao.js';
import { projectSimplex, projectSimplexExact } from './simplex.js';
import { toyGraphs } from './test-utils/toy-graphs.js';

useCpuLeakCheck();

describe('simplex projection', () => {
  it('bisection converges to the exact Euclidean projection', () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 5; trial++) {
      const b = Array.from({ length: 25 }, () => 1 / 25 + rng.normal() * 0.3);
      const exact = projectSimplexExact(b);
      const bis = projectSimplex(b, 1e-12);
      expect(exact.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 10);
      exact.forEach((v, i) => {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(Math.abs(v - bis[i]!)).toBeLessThan(1e-9);
      });
    }
  });
  it('JOAO tolerance (1e-2) stays on the simplex and near the exact point', () => {
    const b = [0.5, 0.2, -0.1, 0.05, 0.3];
    const p = projectSimplex(b);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(Math.min(...p)).toBeGreaterThanOrEqual(0);
    const exact = projectSimplexExact(b);
    // sorted 0.5,0.3,0.2,0.05,-0.1: cumulative (1.05−1)/4 = 0.0125 < 0.05, so θ = 0.0125.
    expect(exact[0]).toBeCloseTo(0.4875, 12);
    expect(exact[3]).toBeCloseTo(0.0375, 12);
    expect(exact[2]).toBe(0);
    p.forEach((v, i) => expect(Math.abs(v - exact[i]!)).toBeLessThan(0.01));
  });
});

describe('GraphCL', () => {
  it('trains: finite loss, weights move, stable checkpoint names, no leaks', () => {
    const m = new GraphCL({ inputDim: 3, hidden: 8, layers: 2, seed: 1, learningRate: 0.01 });
    const graphs = toyGraphs(8, 1);
    const w0 = m.encoder.convs[0]!.mlp1.weight.dataSync().slice();
    const losses: number[] = [];
    for (let s = 0; s < 3; s++) {
      const l = m.step(graphs, stepInfo(0, { seed: s }));
      losses.push(l.dataSync()[0]!);
      l.dispose();
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(m.encoder.convs[0]!.mlp1.weight.dataSync()).not.toEqual(w0);
    expect(Object.keys(m.stateTensors())).toContain('encoder/gin0/mlp1/w');
    expect(Object.keys(m.stateTensors())).toContain('head/2/b');
    const e = m.embed(graphs);
    expect(e.shape).toEqual([8, 8]);
    e.dispose();
    m.dispose();
  });
  it('same seed, same batch, same rng → same loss', () => {
    const run = (): number => {
      const m = new GraphCL({ inputDim: 3, hidden: 8, layers: 2, seed: 4 });
      const l = m.step(toyGraphs(6, 2), stepInfo(0, { seed: 9 }));
      const v = l.dataSync()[0]!;
      l.dispose();
      m.dispose();
      return v;
    };
    expect(run()).toBe(run());
  });
});

describe('JOAO', () => {
  it('starts uniform, moves p towards the pairs with higher loss, stays on the simplex', () => {
    const m = new JOAO({ inputDim: 3, hidden: 8, layers: 2, seed: 2, gamma: 0.1 });
    expect(m.distribution().every((v) => Math.abs(v - 1 / 25) < 1e-7)).toBe(true);
    const graphs = toyGraphs(8, 3);
    const l = m.step(graphs, stepInfo(0, { seed: 1 }));
    l.dispose();
    const { losses, p } = m.updateDistribution([graphs], createRng(5));
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    expect(Math.min(...p)).toBeGreaterThanOrEqual(0);
    const argmaxLoss = losses.indexOf(Math.max(...losses));
    const argminLoss = losses.indexOf(Math.min(...losses));
    expect(p[argmaxLoss]!).toBeGreaterThan(p[argminLoss]!);
    expect(Array.from(m.pairProbabilities.dataSync())).toEqual(p.map((v) => Math.fround(v)));
    expect(AUGMENTATION_PAIRS[0]).toBe('nodeDrop+nodeDrop');
    expect(Object.keys(m.stateTensors())).toContain('joao/p');
    m.dispose();
  });
  it('checkpoint round trip restores weights and p', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'joao-ckpt-'));
    const a = new JOAO({ inputDim: 3, hidden: 8, layers: 2, seed: 5 });
    const graphs = toyGraphs(6, 5);
    a.step(graphs, stepInfo(0, { seed: 1 })).dispose();
    a.updateDistribution([graphs], createRng(2));
    await saveCheckpoint(join(dir, 'ck'), a);
    const b = new JOAO({ inputDim: 3, hidden: 8, layers: 2, seed: 6 });
    await loadCheckpoint(join(dir, 'ck'), b);
    b.invalidate();
    expect(b.distribution()).toEqual(a.distribution());
    expect(b.encoder.convs[1]!.mlp2.weight.dataSync()).toEqual(a.encoder.convs[1]!.mlp2.weight.dataSync());
    a.dispose();
    b.dispose();
  });
  it('a restore into a JOAO that has already stepped uses the restored p (no invalidate() needed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'joao-stale-'));
    const graphs = toyGraphs(6, 5);
    const a = new JOAO({ inputDim: 3, hidden: 8, layers: 2, seed: 5 });
    a.step(graphs, stepInfo(0, { seed: 1 })).dispose();
    a.updateDistribution([graphs], createRng(2));
    await saveCheckpoint(join(dir, 'ck'), a);
    const b = new JOAO({ inputDim: 3, hidden: 8, layers: 2, seed: 6 });
    b.step(graphs, stepInfo(0, { seed: 1 })).dispose(); // caches b's uniform p
    const used = () => (b as unknown as { distributionCached(): number[] }).distributionCached();
    expect(used()).toEqual(new Array(25).fill(Math.fround(1 / 25)));
    await loadCheckpoint(join(dir, 'ck'), b);
    expect(used()).toEqual(a.distribution());
    expect(used()).not.toEqual(new Array(25).fill(Math.fround(1 / 25)));
    a.dispose();
    b.dispose();
  });
  it('JOAOv2 has one head per augmentation and trains', () => {
    const m = new JOAO({ inputDim: 3, hidden: 8, layers: 2, seed: 3, v2: true });
    const names = Object.keys(m.stateTensors());
    expect(names.filter((k) => k.startsWith('heads/')).length).toBe(5 * 4);
    expect(names.some((k) => k.startsWith('head/'))).toBe(false);
    const l = m.step(toyGraphs(6, 4), stepInfo(0, { seed: 1, epoch: 0 }));
    expect(Number.isFinite(l.dataSync()[0]!)).toBe(true);
    l.dispose();
    m.dispose();
  });
});
