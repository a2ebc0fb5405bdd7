import * as tf from '@tensorflow/tfjs';
import { type Rng, stepInfo } from '@contrastive/core';
import { train } from '@contrastive/core/node';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { GAN } from './gan.js';

useCpuLeakCheck();
const tmp = useTempDir('gan-method-');

/** Tiny G (z 4 → 2×2×1 in [0, 1]), D body (→ 3 features) and head (→ 1), seeded. */
function tiny(seed = 1) {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed * 10 + s });
  const generator = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 4, activation: 'sigmoid', kernelInitializer: init(1) }),
      tf.layers.reshape({ targetShape: [2, 2, 1] }),
    ],
  });
  const discriminator = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [2, 2, 1] }), tf.layers.dense({ units: 3, activation: 'tanh', kernelInitializer: init(2) })],
  });
  const head = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 1, kernelInitializer: init(3) })] });
  return { generator, discriminator, head };
}

const snapshot = (vars: tf.Variable[] | tf.LayersModel): Float32Array[] =>
  (vars instanceof tf.LayersModel ? vars.getWeights() : vars).map((w) => w.dataSync().slice() as Float32Array);

describe('GAN (the plain baseline)', () => {
  it('a D step moves only D and its head; the G step moves only G; both losses are logged', () => {
    const m = new GAN({ ...tiny(), dOptimizer: tf.train.sgd(0.1), gOptimizer: tf.train.sgd(0.1) });
    const g0 = snapshot(m.generator);
    const d0 = snapshot(m.discriminator);
    const real = tf.randomUniform([6, 2, 2, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const out = m.step(real, stepInfo(0)) as { loss: tf.Scalar; logs: Record<string, tf.Scalar> };
    expect(Object.keys(out.logs).sort()).toEqual(['dFake', 'dLoss', 'dReal', 'gLoss']);
    expect(out.loss.dataSync()[0]).toBeCloseTo(out.logs.dLoss!.dataSync()[0]! + out.logs.gLoss!.dataSync()[0]!, 5);
    const moved = (a: Float32Array[], b: Float32Array[]) => a.some((w, i) => w.some((v, j) => v !== b[i]![j]));
    expect(moved(g0, snapshot(m.generator))).toBe(true);
    expect(moved(d0, snapshot(m.discriminator))).toBe(true);
    tf.dispose([out.loss, ...Object.values(out.logs), real]);
    // With the G optimizer frozen (lr 0), a step leaves G untouched: D's update never writes G's weights.
    const frozen = new GAN({ ...tiny(2), dOptimizer: tf.train.sgd(0.1), gOptimizer: tf.train.sgd(0) });
    const g1 = snapshot(frozen.generator);
    const x = tf.randomUniform([6, 2, 2, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const o2 = frozen.step(x, stepInfo(0)) as { loss: tf.Scalar; logs: Record<string, tf.Scalar> };
    expect(moved(g1, snapshot(frozen.generator))).toBe(false);
    tf.dispose([o2.loss, ...Object.values(o2.logs), x]);
    m.dispose();
    frozen.dispose();
  });

  it('applies the augmentation to real and fake images (D and G steps) and adds the penalty to L_D', () => {
    const calls: number[] = [];
    const augment = (x: tf.Tensor4D, _rng: Rng) => {
      calls.push(x.shape[0]);
      return tf.tidy(() => tf.reverse(x, 2) as tf.Tensor4D);
    };
    let penaltyCalls = 0;
    const m = new GAN({
      ...tiny(),
      augment,
      penalty: (score, real) => {
        penaltyCalls++;
        return tf.tidy(() => tf.mul(0, tf.mean(score(real))) as tf.Scalar);
      },
    });
    const real = tf.randomUniform([5, 2, 2, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const out = m.step(real, stepInfo(0)) as { loss: tf.Scalar; logs: Record<string, tf.Scalar> };
    expect(calls).toEqual([5, 5, 5]); // real and fake for D, fake for G
    expect(penaltyCalls).toBe(1);
    tf.dispose([out.loss, ...Object.values(out.logs), real]);
    m.dispose();
  });

  it('same seed, same samples; a run interrupted and resumed equals the uninterrupted one', async () => {
    const data = tf.randomUniform([8, 2, 2, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
    const batches = () =>
      (function* () {
        for (let i = 0; i < 2; i++) yield tf.slice(data, [i * 4, 0, 0, 0], [4, -1, -1, -1]) as tf.Tensor4D;
      })();
    const whole = new GAN(tiny());
    await train({ method: whole, batches, epochs: 3, stepsPerEpoch: 2, seed: 5, progress: false });
    const dir = tmp();
    const first = new GAN(tiny());
    await train({ method: first, batches, epochs: 1, stepsPerEpoch: 2, seed: 5, progress: false, checkpointDir: dir });
    first.dispose();
    const resumed = new GAN(tiny());
    await train({ method: resumed, batches, epochs: 3, stepsPerEpoch: 2, seed: 5, progress: false, checkpointDir: dir, resume: true });
    const a = snapshot(whole.generator);
    const b = snapshot(resumed.generator);
    a.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(b[i]!)));
    const rng = () => ({ seed: () => 42 }) as unknown as Rng;
    const s1 = whole.sample(3, rng());
    const s2 = whole.sample(3, rng());
    expect(Array.from(s1.dataSync())).toEqual(Array.from(s2.dataSync()));
    tf.dispose([s1, s2, data]);
    whole.dispose();
    resumed.dispose();
  });
});
