import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@contrastive/core';
import { useLeakCheck } from '@contrastive/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { ctcGreedyDecode } from './ctc-decode.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false });
});
useLeakCheck({ backend: 'wasm' });

describe('ctcGreedyDecode', () => {
  it('takes the best path, merges repeats, drops blanks, honours inputLengths and a custom blank', () => {
    // frames' arg-max: [1, 1, 0, 1, 2, 2, 0, 3]
    const path = [1, 1, 0, 1, 2, 2, 0, 3];
    const logits = tf.tidy(
      () =>
        tf
          .oneHot(tf.tensor2d([path, [0, 0, 0, 0, 0, 0, 0, 0]], undefined, 'int32'), 4)
          .mul(5)
          .sub(1) as tf.Tensor3D,
    );
    expect(ctcGreedyDecode(logits).map((a) => Array.from(a))).toEqual([[1, 1, 2, 3], []]);
    expect(ctcGreedyDecode(logits, { inputLengths: Int32Array.of(5, 8) }).map((a) => Array.from(a))).toEqual([[1, 1, 2], []]);
    expect(ctcGreedyDecode(logits, { blank: 1 }).map((a) => Array.from(a))).toEqual([[0, 2, 0, 3], [0]]);
    expect(() => ctcGreedyDecode(logits, { blank: 4 })).toThrow(/blank must be an integer in \[0, 3\]/);
    expect(() => ctcGreedyDecode(logits, { inputLengths: Int32Array.of(9, 1) })).toThrow(/inputLengths\[0\] = 9 must be in \[0, 8\]/);
    logits.dispose();
  });
});
