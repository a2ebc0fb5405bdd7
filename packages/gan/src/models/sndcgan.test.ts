import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { cloneModel } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { r1Penalty } from '../losses/gan-losses.js';
import { sampleLatent } from './options.js';
import { snLinearHead, snProjectionHead, sndcganDiscriminator, sndcganGenerator } from './sndcgan.js';
import { pairSuite } from './test-utils/model-suite.js';

useCpuLeakCheck();

pairSuite({
  name: 'SNDCGAN',
  generator: sndcganGenerator,
  discriminator: sndcganDiscriminator,
  counts: [2_325_249, 3_846_019, 5_868_617, 5_869_787, 16_386],
  featureDim: 8192,
});

async function roundTrip(m: tf.LayersModel): Promise<tf.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await m.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(artifacts!));
}

describe('SNDCGAN specifics', () => {
  it('the sigmoid output option also stays in [0, 1]; trainable = 5,852,672 at 32 px × 3 (torch D_SNDCGAN)', () => {
    const g = sndcganGenerator({ output: 'sigmoid', width: 0.125, zDim: 8, seed: 1 });
    const d = sndcganDiscriminator({ imageSize: 32, channels: 3, seed: 1 });
    const z = sampleLatent(2, 8, 2);
    try {
      const x = g.predict(z) as tf.Tensor;
      expect(tf.tidy(() => x.min().dataSync()[0])).toBeGreaterThanOrEqual(0);
      expect(tf.tidy(() => x.max().dataSync()[0])).toBeLessThanOrEqual(1);
      x.dispose();
      const trainable = d.encoder.trainableWeights.reduce((s, w) => s + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
      expect(trainable).toBe(5_852_672);
      expect(() => sndcganGenerator({ output: 'relu' as never })).toThrow(/output/);
    } finally {
      z.dispose();
      g.dispose();
      d.encoder.dispose();
      d.head.dispose();
    }
  });

  it('D encoder and head save / load (custom SN and leaky layers) and clone with their u, v; inference matches', async () => {
    const d = sndcganDiscriminator({ width: 0.125, seed: 2 });
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3);
    // Advance the power iteration so u, v differ from their initial values.
    tf.dispose(tf.tidy(() => d.head.apply(d.encoder.apply(x, { training: true }) as tf.Tensor, { training: true }) as tf.Tensor));
    const enc2 = await roundTrip(d.encoder);
    const head2 = await roundTrip(d.head);
    const enc3 = cloneModel(d.encoder);
    try {
      for (const [a, b] of [
        [d.encoder, enc2],
        [d.head, head2],
        [d.encoder, enc3],
      ] as const) {
        expect(b.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(a.getWeights().map((w) => Array.from(w.dataSync())));
      }
      const ya = tf.tidy(() => d.head.predict(d.encoder.predict(x) as tf.Tensor) as tf.Tensor);
      const yb = tf.tidy(() => head2.predict(enc2.predict(x) as tf.Tensor) as tf.Tensor);
      expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
      tf.dispose([ya, yb]);
    } finally {
      x.dispose();
      for (const m of [d.encoder, d.head, enc2, head2, enc3]) m.dispose();
    }
  });

  it('R1 through the full SN discriminator gives finite gradients for every D weight (second order through the model)', () => {
    const d = sndcganDiscriminator({ width: 0.0625, seed: 4 });
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 5);
    const vars = [...d.encoder.trainableWeights, ...d.head.trainableWeights].map((w) => w.read() as tf.Variable);
    try {
      const { value, grads } = tf.variableGrads(
        () => r1Penalty((z) => d.head.apply(d.encoder.apply(z, { training: true }), { training: true }) as tf.Tensor, x, { gamma: 1 }),
        vars,
      );
      expect(value.dataSync()[0]).toBeGreaterThan(0);
      // Kernels get a gradient; biases only through the LeakyReLU masks (zero), so tfjs may leave them out.
      for (const v of vars.filter((w) => w.name.includes('kernel'))) {
        const g = grads[v.name];
        expect(g, v.name).toBeDefined();
        expect(Array.from(g!.dataSync()).every(Number.isFinite)).toBe(true);
        expect(tf.tidy(() => tf.abs(g!).max().dataSync()[0])).toBeGreaterThan(0);
      }
      tf.dispose([value, ...Object.values(grads)]);
    } finally {
      x.dispose();
      d.encoder.dispose();
      d.head.dispose();
    }
  });

  it('snProjectionHead is SNLinear → LeakyReLU(0.1) → SNLinear, d → 128 by default; snLinearHead d → 1', () => {
    const h = snProjectionHead({ featureDim: 12, seed: 1 });
    const l = snLinearHead(12, 2);
    const f = tf.randomNormal([3, 12], 0, 1, 'float32', 1);
    try {
      const y = h.apply(f, { training: true }) as tf.Tensor;
      expect(y.shape).toEqual([3, 128]);
      const s = l.apply(f) as tf.Tensor;
      expect(s.shape).toEqual([3, 1]);
      tf.dispose([y, s]);
      expect(h.nonTrainableWeights.map((w) => w.originalName.split('/').pop())).toEqual(['sn_u', 'sn_v', 'sn_u', 'sn_v']);
      expect(() => snProjectionHead({ featureDim: 0 })).toThrow(/featureDim/);
    } finally {
      f.dispose();
      h.dispose();
      l.dispose();
    }
  });
});
