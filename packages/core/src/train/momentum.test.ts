import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { copyWeights, updateMomentum } from './momentum.js';

useCpuLeakCheck();

const v = (values: number[] | number[][]): tf.Variable => tf.tidy(() => tf.variable(tf.tensor(values)));

describe('updateMomentum', () => {
  it('computes target <- m*target + (1-m)*online element-wise (checked by hand)', async () => {
    const online = [v([1, 2, 3]), v([[10, -10]])];
    const target = [v([0, 0, 1]), v([[2, 4]])];
    updateMomentum(online, target, 0.9);
    // 0.9*0 + 0.1*1 = 0.1; 0.9*0 + 0.1*2 = 0.2; 0.9*1 + 0.1*3 = 1.2; 0.9*2 + 0.1*10 = 2.8; 0.9*4 − 1 = 2.6
    const t0 = (await target[0]!.array()) as number[];
    const t1 = (await target[1]!.array()) as number[][];
    [0.1, 0.2, 1.2].forEach((e, i) => expect(t0[i]).toBeCloseTo(e, 6));
    [2.8, 2.6].forEach((e, i) => expect(t1[0]![i]).toBeCloseTo(e, 6));
    expect(await online[0]!.array()).toEqual([1, 2, 3]); // online untouched
    // Applying twice compounds: 0.9*0.1 + 0.1*1 = 0.19.
    updateMomentum(online, target, 0.9);
    expect(((await target[0]!.array()) as number[])[0]).toBeCloseTo(0.19, 6);
    // m = 1 keeps the target, m = 0 copies.
    updateMomentum(online, target, 1);
    expect(((await target[0]!.array()) as number[])[0]).toBeCloseTo(0.19, 6);
    copyWeights(online, target);
    expect(await target[1]!.array()).toEqual([[10, -10]]);
    tf.dispose([...online, ...target]);
  });

  it('works on LayersModels (trainable weights by default, or all of them)', async () => {
    const make = (seed: number): tf.Sequential => {
      const m = tf.sequential();
      m.add(tf.layers.dense({ inputShape: [3], units: 2, kernelInitializer: tf.initializers.randomNormal({ seed }) }));
      m.add(tf.layers.batchNormalization());
      return m;
    };
    const online = make(1);
    const target = make(2);
    // getWeights() returns the models' own variables: read them, never dispose them.
    const oKernel = (await online.getWeights()[0]!.array()) as number[][];
    const tKernel = (await target.getWeights()[0]!.array()) as number[][];
    // Move the online BN moving mean so 'trainable' vs 'all' is observable.
    const bnMean = online.layers[1]!.weights.find((w) => w.originalName.includes('moving_mean'))!;
    tf.tidy(() => {
      bnMean.write(tf.fill([2], 5));
    });
    updateMomentum(online, target, 0.5);
    const after = target.getWeights();
    const kernel = (await after[0]!.array()) as number[][];
    kernel.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(0.5 * tKernel[i]![j]! + 0.5 * oKernel[i]![j]!, 6)));
    const names = target.weights.map((w) => w.originalName);
    const meanIdx = names.findIndex((n) => n.includes('moving_mean'));
    expect(await after[meanIdx]!.array()).toEqual([0, 0]); // not trainable: untouched
    updateMomentum(online, target, 0.5, { weights: 'all' });
    const all = target.getWeights();
    expect(await all[meanIdx]!.array()).toEqual([2.5, 2.5]);
    online.dispose();
    target.dispose();
  });

  it('validates momentum, lengths and shapes, naming the pair', () => {
    const a = [v([1, 2]), v([3])];
    const b = [v([1, 2])];
    const c = [v([1, 2]), v([3, 4])];
    expect(() => updateMomentum(a, b, 0.5)).toThrow(/same number of weights, got 2 and 1/);
    expect(() => updateMomentum(a, c, 0.5)).toThrow(/weight 1: online '.*' has shape \[1\] but target '.*' has shape \[2\]/);
    expect(() => updateMomentum(a, a, 1.5)).toThrow(/m must be in \[0, 1\]/);
    expect(() => updateMomentum(a, a, 0.5, { weights: 'some' as 'all' })).toThrow(/weights must be one of/);
    tf.dispose([...a, ...b, ...c]);
  });
});
