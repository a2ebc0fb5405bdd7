import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { GanModelOptions } from '../options.js';
import { sampleLatent } from '../options.js';
import type { GanDiscriminator } from '../sndcgan.js';

/** Shared tests of a generator / discriminator pair (shapes, range, seeds, stated parameter counts). */
export interface PairSpec {
  name: string;
  generator: (o: GanModelOptions) => tf.LayersModel;
  discriminator: (o: GanModelOptions) => GanDiscriminator;
  /** countParams() at width 1, zDim 128, as the doc comment states: [G 28×1, G 32×3, D 28×1, D 32×3, head]. */
  counts: [number, number, number, number, number];
  featureDim: number;
}

function disposeD(d: GanDiscriminator): void {
  d.encoder.dispose();
  d.head.dispose();
}

export function pairSuite(p: PairSpec): void {
  describe(`${p.name}: generator and discriminator`, () => {
    it('parameter counts at width 1 are the ones the doc comment states', () => {
      const g28 = p.generator({ imageSize: 28, channels: 1, seed: 1 });
      const g32 = p.generator({ imageSize: 32, channels: 3, seed: 1 });
      const d28 = p.discriminator({ imageSize: 28, channels: 1, seed: 1 });
      const d32 = p.discriminator({ imageSize: 32, channels: 3, seed: 1 });
      try {
        expect([
          g28.countParams(),
          g32.countParams(),
          d28.encoder.countParams(),
          d32.encoder.countParams(),
          d28.head.countParams(),
        ]).toEqual(p.counts);
        expect(d28.featureDim).toBe(p.featureDim);
        expect(d32.featureDim).toBe(p.featureDim);
      } finally {
        g28.dispose();
        g32.dispose();
        disposeD(d28);
        disposeD(d32);
      }
    });

    for (const [imageSize, channels] of [
      [28, 1],
      [32, 3],
    ] as const) {
      it(`${imageSize} px × ${channels}: G(z) is [N, ${imageSize}, ${imageSize}, ${channels}] in [0, 1]; D gives [N, d] features and [N, 1] logits`, () => {
        const o = { imageSize, channels, width: 0.25, zDim: 16, seed: 3 };
        const g = p.generator(o);
        const d = p.discriminator(o);
        const z = sampleLatent(3, 16, 4);
        try {
          for (const training of [true, false]) {
            const x = g.apply(z, { training }) as tf.Tensor;
            expect(x.shape).toEqual([3, imageSize, imageSize, channels]);
            const [lo, hi, variance] = tf.tidy(() => [
              x.min().dataSync()[0]!,
              x.max().dataSync()[0]!,
              tf.moments(x).variance.dataSync()[0]!,
            ]);
            expect(lo).toBeGreaterThanOrEqual(0);
            expect(hi).toBeLessThanOrEqual(1);
            // Not collapsed to a constant at initialisation.
            expect(variance).toBeGreaterThan(0);
            const f = d.encoder.apply(x, { training }) as tf.Tensor;
            expect(f.shape).toEqual([3, d.featureDim]);
            const y = d.head.apply(f, { training }) as tf.Tensor;
            expect(y.shape).toEqual([3, 1]);
            expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
            tf.dispose([x, f, y]);
          }
        } finally {
          z.dispose();
          g.dispose();
          disposeD(d);
        }
      });
    }

    it('a seed fixes every initial weight and so the outputs; another seed changes them', () => {
      const o = { width: 0.125, zDim: 8 };
      const [a, b, c] = [5, 5, 6].map((seed) => ({ g: p.generator({ ...o, seed }), d: p.discriminator({ ...o, seed }) }));
      const z = sampleLatent(2, 8, 1);
      const flat = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
      try {
        expect(flat(a!.g)).toEqual(flat(b!.g));
        expect(flat(a!.d.encoder)).toEqual(flat(b!.d.encoder));
        expect(flat(a!.d.head)).toEqual(flat(b!.d.head));
        expect(flat(a!.g)[0]).not.toEqual(flat(c!.g)[0]);
        expect(flat(a!.d.encoder)[0]).not.toEqual(flat(c!.d.encoder)[0]);
        const xa = a!.g.predict(z) as tf.Tensor;
        const xb = b!.g.predict(z) as tf.Tensor;
        expect(Array.from(xa.dataSync())).toEqual(Array.from(xb.dataSync()));
        tf.dispose([xa, xb]);
      } finally {
        z.dispose();
        for (const m of [a, b, c]) {
          m!.g.dispose();
          disposeD(m!.d);
        }
      }
    });

    it('rejects bad options, naming them', () => {
      expect(() => p.generator({ imageSize: 64 as never })).toThrow(/imageSize must be 28 or 32/);
      expect(() => p.discriminator({ channels: 2 as never })).toThrow(/channels must be 1 or 3/);
      expect(() => p.generator({ zDim: 0 })).toThrow(/zDim/);
      expect(() => p.discriminator({ width: -1 })).toThrow(/width/);
    });
  });
}
