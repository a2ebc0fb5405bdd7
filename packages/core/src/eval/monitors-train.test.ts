import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { createRng } from '../random/rng.js';
import { train, type TrainCallbacks } from '../train/index.js';
import { collapseMonitor } from './collapse-monitor.js';
import { knnMonitor } from './knn-monitor.js';

useCpuLeakCheck();

describe('monitors inside the core train() loop', () => {
  it('record kNN accuracy and warn when a collapsing encoder loses its spread', async () => {
    // Clustered inputs: 4 classes in 8-D. The "encoder" is a linear map W that training pulls towards a
    // rank-1 matrix, i.e. every input onto one direction — a collapse, as SimSiam without stop-gradient.
    const rng = createRng(3);
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 160; i++) {
      const c = i % 4;
      rows.push(Array.from({ length: 8 }, (_, j) => (j === c ? 3 : 0) + 0.3 * rng.normal()));
      labels.push(c);
    }
    const x = tf.tensor2d(rows);
    const w = tf.tidy(() => tf.variable(tf.eye(8)));
    const target = tf.tidy(() =>
      tf.outerProduct(tf.ones([8]) as tf.Tensor1D, tf.oneHot([0], 8).asType('float32').reshape([8]) as tf.Tensor1D),
    );
    const opt = tf.train.sgd(0.15);
    const embed = (): tf.Tensor2D => tf.tidy(() => tf.matMul(x, w));
    const warnings: string[] = [];
    const knn = knnMonitor({
      k: 10,
      log: false,
      embed: () => {
        const [train, test] = tf.tidy(() => {
          const e = embed();
          return [e.slice([0, 0], [120, 8]), e.slice([120, 0], [40, 8])];
        });
        return { train, trainLabels: labels.slice(0, 120), test, testLabels: labels.slice(120) };
      },
    });
    const collapse = collapseMonitor({ embed, warn: (m) => warnings.push(m) });
    const seen: Record<string, unknown>[] = [];
    const recorder: TrainCallbacks = { onEpochEnd: (_e, logs) => void seen.push({ ...logs }) };
    try {
      await train({
        epochs: 6,
        progress: false,
        batches: () => [0, 1, 2],
        step: () => opt.minimize(() => tf.sum(tf.square(tf.sub(w, target))), true)!,
        callbacks: [knn, collapse, recorder],
      });
    } finally {
      tf.dispose([x, w, target]);
      opt.dispose();
    }
    expect(knn.history).toHaveLength(6);
    expect(knn.history.map((h) => h.epoch)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(knn.history[0]!.accuracy).toBe(1); // identity encoder on separated clusters
    expect(collapse.history[0]!.collapsed).toBe(false);
    expect(collapse.history[5]!.std).toBeLessThan(collapse.history[0]!.std / 10);
    expect(collapse.collapsed).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(seen[5]!.knnAccuracy).toBe(knn.history[5]!.accuracy);
    expect(seen[5]!.collapseStd).toBe(collapse.history[5]!.std);
  });
});
