import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { groupedForward } from './shuffle-bn.js';
import { maxDiff } from './test-utils/helpers.js';

useCpuLeakCheck();

/** Flatten → BN (training mode uses batch statistics) → Dense: the smallest net with the BN shortcut. */
function bnNet(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.flatten({ inputShape: [2, 2, 1] }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  return m;
}

/** Items whose perturbation changes output row `row`: the items sharing its BN statistics. */
function bnPeers(net: tf.LayersModel, x: tf.Tensor4D, groups: number, perm: Int32Array | undefined, row: number): number[] {
  const base = groupedForward([net], x, groups, perm);
  const peers: number[] = [];
  for (let j = 0; j < x.shape[0]; j++) {
    const bumped = tf.tidy(() => x.add(tf.oneHot(j, x.shape[0]).reshape([-1, 1, 1, 1]).mul(5)) as tf.Tensor4D);
    const out = groupedForward([net], bumped, groups, perm);
    const rowDiff = tf.tidy(
      () =>
        out
          .slice([row, 0], [1, -1])
          .sub(base.slice([row, 0], [1, -1]))
          .abs()
          .max()
          .dataSync()[0]!,
    );
    if (rowDiff > 1e-5) peers.push(j);
    tf.dispose([bumped, out]);
  }
  base.dispose();
  return peers;
}

describe('shuffle-BN emulation', () => {
  it('without BN, shuffling + unshuffling gives exactly the plain forward pass (rows stay aligned)', () => {
    const net = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2, 1] }), tf.layers.dense({ units: 3 })] });
    const x = tf.tidy(() => tf.randomNormal([8, 2, 2, 1], 0, 1, 'float32', 4) as tf.Tensor4D);
    const plain = net.apply(x) as tf.Tensor;
    const shuffled = groupedForward([net], x, 4, createRng(1).permutation(8));
    expect(maxDiff(plain, shuffled)).toBeLessThan(1e-6);
    tf.dispose([x, plain, shuffled]);
    net.dispose();
  });

  it('the positive key shares BN statistics with the query only by chance once shuffled (the shortcut is cut)', () => {
    const net = bnNet();
    const x = tf.tidy(() => tf.randomNormal([8, 2, 2, 1], 0, 1, 'float32', 7) as tf.Tensor4D);
    const perm = Int32Array.of(5, 0, 6, 3, 1, 7, 2, 4);
    // Queries: sub-batches in the original order → item 0 is normalised with items 0–3.
    const queryPeers = bnPeers(net, x, 2, undefined, 0);
    expect(queryPeers).toEqual([0, 1, 2, 3]);
    // Keys without shuffling: the same peers → the positive pair shares the statistics (the shortcut).
    expect(bnPeers(net, x, 2, undefined, 0)).toEqual(queryPeers);
    // Keys with shuffle BN: item 0's key is normalised with its permuted sub-batch {5, 0, 6, 3}.
    const keyPeers = bnPeers(net, x, 2, perm, 0);
    expect(keyPeers).toEqual([0, 3, 5, 6]);
    expect(keyPeers).not.toEqual(queryPeers);
    tf.dispose([x]);
    net.dispose();
  });
});
