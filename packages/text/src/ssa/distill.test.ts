import * as tf from '@tensorflow/tfjs';
import { stepInfo } from '@contrastive/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DistillStudent, distillationKeep, teacherSoftLabels } from './distill.js';

let before = 0;
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

describe('SSCLS distillation', () => {
  const mapping = { labels: ['food', 'nomap', 'staff', 'food', 'none'], source: 'test' };

  it('soft labels sum the aspects of each gold label without nomap and renormalise; entropy filter as the code', () => {
    const t = teacherSoftLabels(
      [
        [0.5, 0.3, 0.1, 0.1, 0],
        [0.05, 0.05, 0.3, 0.3, 0.3],
        [0, 0, 0, 0, 1],
      ],
      mapping,
    );
    expect(t.labels).toEqual(['food', 'none', 'staff']);
    expect(Array.from(t.soft[0]!)).toEqual([0.6 / 0.7, 0, 0.1 / 0.7].map(Math.fround));
    expect(Array.from(t.hard)).toEqual([0, 0, 1]);
    expect(t.entropy[2]).toBeCloseTo(0, 10);
    const h1 = -(0.35 / 0.95) * Math.log(0.35 / 0.95) - 2 * (0.3 / 0.95) * Math.log(0.3 / 0.95);
    expect(t.entropy[1]).toBeCloseTo(h1, 6);
    expect(distillationKeep(t)).toEqual([true, true, true]);
    expect(distillationKeep(t, { thresholdAspect: 1.0 })).toEqual([true, false, true]);
    const general = teacherSoftLabels([[0.1, 0, 0.2, 0.1, 0.6]], mapping);
    expect(distillationKeep(general, { thresholdGeneral: 0.5 })).toEqual([false]);
  });

  it('the student fits separable vectors: the NLL falls and predictions match the labels', () => {
    const s = new DistillStudent({ dim: 4, classes: 2, schedule: 'constant', learningRate: 0.05 });
    const x = tf.tensor2d([
      [1, 0, 0, 0],
      [0.9, 0.1, 0, 0],
      [0, 0, 1, 0],
      [0, 0.1, 0.9, 0],
    ]);
    const y = tf.tensor1d([0, 0, 1, 1], 'int32');
    const start = tf.tidy(() => s.loss({ x, y }).dataSync()[0]!);
    for (let i = 0; i < 60; i++) tf.dispose(s.step({ x, y }, stepInfo(i)) as tf.Scalar);
    expect(tf.tidy(() => s.loss({ x, y }).dataSync()[0]!)).toBeLessThan(start - 0.2);
    expect(tf.tidy(() => Array.from(s.probabilities(x).argMax(1).dataSync()))).toEqual([0, 0, 1, 1]);
    tf.dispose([x, y]);
    s.dispose();
  });
});
