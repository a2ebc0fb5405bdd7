import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { useLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { framesForWidth, sequenceEncoder, SEQUENCE_CONTEXTS } from './sequence-encoder.js';

useLeakCheck({ backend: 'wasm' });

const widths: [number, number, number] = [8, 16, 16];
const input = (w: number, seed = 3) => tf.randomUniform([2, 16, w, 1], 0, 1, 'float32', seed) as tf.Tensor4D;

async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(artifacts!));
}

describe('sequenceEncoder: CNN → map-to-sequence → context', () => {
  for (const context of SEQUENCE_CONTEXTS) {
    it(`${context}: [N, T = W/4, F] for any width, same seed → same weights, save → load, gradients reach every weight`, async () => {
      const m = sequenceEncoder({ inputShape: [16, 1], widths, context, seed: 4 });
      const m2 = sequenceEncoder({ inputShape: [16, 1], widths, context, seed: 4 });
      const loaded = await roundTrip(m);
      for (const w of [32, 48, 80]) {
        const x = input(w);
        const [y, y2, y3] = [m, m2, loaded].map((k) => k.apply(x, { training: false }) as tf.Tensor);
        expect(y!.shape).toEqual([2, framesForWidth(w), 16]);
        expect(tf.tidy(() => y!.sub(y2!).abs().max().dataSync()[0])).toBe(0);
        expect(tf.tidy(() => y!.sub(y3!).abs().max().dataSync()[0])).toBeLessThan(1e-6);
        tf.dispose([x, y!, y2!, y3!]);
      }
      const x = input(40);
      const { value, grads } = tf.variableGrads(() => (m.apply(x, { training: true }) as tf.Tensor).square().mean() as tf.Scalar);
      expect(Object.keys(grads).length).toBe(m.trainableWeights.length);
      for (const g of Object.values(grads)) expect(tf.tidy(() => g.abs().sum().dataSync()[0]!)).toBeGreaterThan(0);
      tf.dispose([x, value, ...Object.values(grads)]);
      [m, m2, loaded].forEach((k) => k.dispose());
    });
  }

  it('frames follow the columns left to right: changing the right end leaves the first frames alone (no BiLSTM)', () => {
    for (const context of ['none', 'conv'] as const) {
      const m = sequenceEncoder({ inputShape: [16, 1], widths, context, seed: 1 });
      const x = input(64);
      const changed = tf.tidy(() =>
        tf.concat([x.slice([0, 0, 0, 0], [-1, -1, 48, -1]), tf.zerosLike(x.slice([0, 0, 48, 0], [-1, -1, 16, -1]))], 2),
      );
      const diff = tf.tidy(() => {
        const d = (m.apply(x, { training: false }) as tf.Tensor)
          .sub(m.apply(changed, { training: false }) as tf.Tensor)
          .abs()
          .max([0, 2]);
        return d.arraySync() as number[];
      });
      // 16 frames; columns 48..63 are frames 12..15. The CNN's receptive field reaches ~3 frames back,
      // the conv context 4 more: frames 0..4 cannot see them, the last frame must.
      expect(diff.slice(0, 5).every((v) => v === 0)).toBe(true);
      expect(diff[15]).toBeGreaterThan(0);
      tf.dispose([x, changed]);
      m.dispose();
    }
  });

  it('options are validated with the argument named', () => {
    expect(() => sequenceEncoder({ inputShape: [20, 1] })).toThrow(/height must be a multiple of 8/);
    expect(() => sequenceEncoder({ inputShape: [16, 2] })).toThrow(/channels must be 1 or 3/);
    expect(() => sequenceEncoder({ width: 30 })).toThrow(/width must be null or a multiple of 4/);
    expect(() => sequenceEncoder({ context: 'gru' as never })).toThrow(/context must be one of conv \| bilstm \| none/);
    expect(() => sequenceEncoder({ widths: [8, 16, 15], context: 'bilstm' })).toThrow(/even frame size/);
  });
});
