import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { InBatchNegatives } from './in-batch.js';

useCpuLeakCheck();

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
