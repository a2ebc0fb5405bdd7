import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { frozenEncoder, layersEncoder, loadLayersEncoder, modelState } from './encoder.js';

useCpuLeakCheck();

function tinyModel(): tf.LayersModel {
  const input = tf.input({ shape: [3] });
  const h = tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.randomNormal({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: bn });
}

describe('layersEncoder', () => {
  it('applies the model with the training flag, lists trainable variables, names all weights stably', () => {
    const enc = layersEncoder(tinyModel(), 'tiny');
    try {
      const x = tf.tensor2d([
        [1, 2, 3],
        [4, 5, 6],
        [0, 1, 0],
      ]);
      const train = enc.apply(x, true);
      const infer = enc.apply(x, false);
      // Batch norm: batch statistics in training (columns have mean 0), moving statistics (0, 1) in inference.
      const columnMeans = tf.tidy(() => tf.mean(train, 0).arraySync() as number[]);
      for (const m of columnMeans) expect(m).toBeCloseTo(0, 4);
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(train, infer))).arraySync())).toBeGreaterThan(1e-3);
      tf.dispose([x, train, infer]);
      // dense kernel + bias, BN gamma + beta trainable; BN moving mean/variance are state but not trainable.
      expect(enc.trainableWeights).toHaveLength(4);
      const names = Object.keys(enc.stateTensors());
      expect(names).toHaveLength(6);
      expect(names).toEqual(Object.keys(modelState('encoder', enc.model)));
      expect(names[0]).toMatch(/^encoder\/000_kernel$/);
    } finally {
      enc.dispose();
    }
  });

  it('saves and loads back to the same outputs', async () => {
    const enc = layersEncoder(tinyModel());
    let saved: tf.io.ModelArtifacts | undefined;
    await enc.save(
      tf.io.withSaveHandler(async (a) => {
        saved = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await loadLayersEncoder(tf.io.fromMemory(saved!), 'loaded');
    const x = tf.tensor2d([[1, -2, 0.5]]);
    const a = enc.apply(x, false);
    const b = loaded.apply(x, false);
    expect(b.arraySync()).toEqual(a.arraySync());
    expect(loaded.name).toBe('loaded');
    tf.dispose([x, a, b]);
    enc.dispose();
    loaded.dispose();
  });

  it('refuses what is not a LayersModel, naming what it got', () => {
    expect(() => layersEncoder({} as tf.LayersModel)).toThrow(/must be a tf.LayersModel, got Object/);
  });

  it('frozenEncoder: no trainable weights, inference mode whatever training says', () => {
    const enc = frozenEncoder(layersEncoder(tinyModel(), 'tiny'));
    const x = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const a = enc.apply(x, true);
    const b = enc.apply(x, false);
    expect(a.arraySync()).toEqual(b.arraySync());
    expect(enc.trainableWeights).toEqual([]);
    expect(enc.name).toBe('tiny (frozen)');
    tf.dispose([x, a, b]);
    enc.dispose();
  });
});
