import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { createRng } from '../random/rng.js';
import { collapseMonitor } from './collapse-monitor.js';
import { knnMonitor } from './knn-monitor.js';

useCpuLeakCheck();

/** Clustered embeddings whose cluster spread grows with `noise` (noise 0 = perfect clusters). */
function clustered(n: number, d: number, classes: number, noise: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const rng = createRng(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    rows.push(Array.from({ length: d }, (_, j) => (j % classes === c ? 1 : 0) + noise * rng.normal()));
    labels.push(c);
  }
  return { x: tf.tensor2d(rows), y: tf.tensor1d(labels, 'int32') };
}

describe('knnMonitor', () => {
  it('evaluates every N epochs, records history, writes logs and disposes the tensors embed returns', async () => {
    let calls = 0;
    const messages: string[] = [];
    const noiseByEpoch = [5, 5, 2, 2, 0.05, 0.05];
    let epochSeen = 0;
    const mon = knnMonitor({
      every: 2,
      k: 20,
      log: (m) => messages.push(m),
      embed: () => {
        calls++;
        const tr = clustered(120, 12, 4, noiseByEpoch[epochSeen]!, 1);
        const te = clustered(60, 12, 4, noiseByEpoch[epochSeen]!, 2);
        return { train: tr.x, trainLabels: tr.y, test: te.x, testLabels: te.y };
      },
    });
    const logsPerEpoch: Record<string, number>[] = [];
    for (let epoch = 0; epoch < 6; epoch++) {
      epochSeen = epoch;
      const logs: Record<string, number> = { loss: 1 };
      await mon.onEpochEnd(epoch, logs);
      logsPerEpoch.push(logs);
    }
    expect(calls).toBe(3);
    expect(mon.history.map((h) => h.epoch)).toEqual([1, 3, 5]);
    expect(logsPerEpoch[0]!.knnAccuracy).toBeUndefined();
    expect(logsPerEpoch[5]!.knnAccuracy).toBe(mon.history[2]!.accuracy);
    expect(mon.history[2]!.accuracy).toBe(1); // tight clusters
    expect(mon.history[0]!.accuracy).toBeLessThan(0.6); // noise dominates
    expect(messages).toHaveLength(3);
    expect(messages[2]).toMatch(/epoch 5: kNN accuracy 100\.00%/);
  });

  it('validates its options', () => {
    expect(() => knnMonitor({ every: 0, embed: () => ({ train: [], trainLabels: [], test: [], testLabels: [] }) })).toThrow(/every/);
    expect(() => knnMonitor({ embed: undefined as never })).toThrow(/embed must be a function/);
  });
});

describe('collapseMonitor', () => {
  it('stays quiet while healthy and warns once when collapse begins', async () => {
    const warnings: string[] = [];
    // Spread shrinks towards a single direction over the epochs.
    const spreadByEpoch = [1, 1, 0.5, 0.02, 0.01, 0.01, 1];
    let epoch = 0;
    const base = Array.from({ length: 32 }, (_, j) => (j === 0 ? 3 : 0));
    const mon = collapseMonitor({
      warn: (m) => warnings.push(m),
      embed: () => {
        const rng = createRng(epoch);
        const s = spreadByEpoch[epoch]!;
        const rows = Array.from({ length: 64 }, () => base.map((b) => (s >= 1 ? 0 : b) + s * rng.normal()));
        return tf.tensor2d(rows);
      },
    });
    const logs: Record<string, number>[] = [];
    for (epoch = 0; epoch < spreadByEpoch.length; epoch++) {
      const l: Record<string, number> = {};
      await mon.onEpochEnd(epoch, l);
      logs.push(l);
    }
    const flags = mon.history.map((h) => h.collapsed);
    expect(flags).toEqual([false, false, false, true, true, true, false]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/epoch 3: representation collapse/);
    expect(mon.history[0]!.normalizedStd).toBeGreaterThan(0.8);
    expect(mon.history[4]!.std).toBeLessThan(0.01);
    expect(logs[4]!.collapseStd).toBe(mon.history[4]!.std);
    expect(mon.collapsed).toBe(false);
  });

  it('accepts plain arrays, an explicit threshold and an every period', async () => {
    const warnings: string[] = [];
    const mon = collapseMonitor({
      every: 3,
      threshold: 0.9, // above any real std: always "collapsed"
      warn: (m) => warnings.push(m),
      embed: () => [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
    });
    for (let e = 0; e < 6; e++) await mon.onEpochEnd(e);
    expect(mon.history.map((h) => h.epoch)).toEqual([2, 5]);
    expect(warnings).toHaveLength(1);
    expect(mon.collapsed).toBe(true);
    expect(() => collapseMonitor({ threshold: -1, embed: () => [] })).toThrow(/threshold/);
  });
});
