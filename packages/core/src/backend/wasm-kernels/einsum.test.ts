import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useLeakCheck } from '@contrastive/test-utils';
import '../init-backend.js';
import { expectParity, randn } from '../test-utils/parity.js';

const cases: [string, number[][]][] = [
  [
    'ij,jk->ik',
    [
      [4, 5],
      [5, 3],
    ],
  ],
  [
    'bij,bjk->bik',
    [
      [2, 3, 4],
      [2, 4, 5],
    ],
  ],
  ['ij->ji', [[3, 4]]],
  ['ij->j', [[3, 4]]],
  ['i,i->', [[6], [6]]],
  ['i,j->ij', [[3], [4]]],
  [
    'bhqd,bhkd->bhqk',
    [
      [2, 2, 3, 4],
      [2, 2, 5, 4],
    ],
  ],
];

describe('wasm Einsum parity with cpu', () => {
  useLeakCheck({ backend: 'wasm' });

  it.each(cases.map((c, i) => [i, ...c] as const))('case %i: %s', async (i, eq, shapes) => {
    const vals = shapes.map((s, k) =>
      randn(
        s.reduce((p, q) => p * q, 1),
        500 + 10 * i + k,
      ),
    );
    await expectParity(() => tf.einsum(eq, ...shapes.map((s, k) => tf.tensor(vals[k]!, s))));
  });

  it('a pass-through equation returns a tensor the caller can dispose independently', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = tf.einsum('ij->ij', x);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4]);
    y.dispose();
  });
});
