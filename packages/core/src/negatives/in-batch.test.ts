import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InBatchNegatives } from './in-batch.js';

let before = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

describe('InBatchNegatives', () => {
  it('returns null (use the batch) and holds no tensors', () => {
    const source = new InBatchNegatives();
    const q = tf.ones([3, 4]) as tf.Tensor2D;
    expect(source.negatives(q)).toBeNull();
    source.update(q);
    expect(source.name).toBe('in-batch');
    source.dispose();
    q.dispose();
  });
});
