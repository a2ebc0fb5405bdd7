import { mkdir, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { fileSystemHandler } from '@contrastive/core';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { embedImages } from '../methods/common.js';
import { loadTrainedEncoder } from './load-trained.js';
import { smallCnnEncoder } from './small-cnn.js';
import { vitTinyEncoder } from './vit.js';

useCpuLeakCheck();
const tmp = useTempDir('vision-load-trained-');

/** A run folder as `contrastive-vision train` leaves it: run.json + encoder/ (+ checkpoint/, not needed here). */
async function fakeRun(name: string, model: tf.LayersModel | null, cfg: Record<string, unknown>): Promise<string> {
  const dir = tmp(name);
  await mkdir(dir, { recursive: true });
  await writeFile(tmp(name, 'run.json'), JSON.stringify(cfg));
  if (model) await model.save(fileSystemHandler(tmp(name, 'encoder')));
  return dir;
}

describe('loadTrainedEncoder', () => {
  it('returns the saved encoder (identical embeddings) with the geometry run.json records', async () => {
    for (const [name, model, channels] of [
      ['cnn', smallCnnEncoder({ inputShape: [10, 10, 3], widths: [4, 8], seed: 5 }), 3],
      // A ViT's model.json names custom layer classes (load-trained.ts imports their registration).
      ['vit', vitTinyEncoder({ inputShape: [8, 8, 1], patchSize: 4, dim: 8, depth: 1, heads: 2, seed: 2 }), 1],
    ] as const) {
      const size = model.inputs[0]!.shape[1]!;
      const dir = await fakeRun(name, model, { method: 'simclr', encoder: name === 'cnn' ? 'small-cnn' : 'vit-tiny', imageSize: size, channels });
      const t = await loadTrainedEncoder(dir);
      expect(t).toMatchObject({ imageSize: size, channels, method: 'simclr', encoderName: name === 'cnn' ? 'small-cnn' : 'vit-tiny' });
      const x = tf.randomUniform([3, size, size, channels], 0, 1, 'float32', 7) as tf.Tensor4D;
      const [a, b] = [embedImages(model, x), embedImages(t.encoder, x)];
      expect(tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!)).toBe(0);
      tf.dispose([x, a, b]);
      model.dispose();
      t.encoder.dispose();
    }
  });

  it('names the folder when it is not a run, the run has not finished, or run.json disagrees with the model', async () => {
    await expect(loadTrainedEncoder(tmp('nothing'))).rejects.toThrow(/nothing holds no run\.json/);
    const bad = tmp('bad-json');
    await mkdir(bad);
    await writeFile(tmp('bad-json', 'run.json'), '{ not json');
    await expect(loadTrainedEncoder(bad)).rejects.toThrow(/bad-json.run\.json is not valid JSON/);
    const unfinished = await fakeRun('unfinished', null, { method: 'byol', encoder: 'small-cnn', imageSize: 10, channels: 1 });
    await expect(loadTrainedEncoder(unfinished)).rejects.toThrow(/unfinished.encoder.model\.json is missing — the run has not finished/);
    const noSize = await fakeRun('no-size', null, { method: 'byol', encoder: 'small-cnn', channels: 2 });
    await expect(loadTrainedEncoder(noSize)).rejects.toThrow(/lacks imageSize \(integer\), channels \(1 or 3\)/);
    const model = smallCnnEncoder({ inputShape: [10, 10, 1], widths: [4] });
    const mismatch = await fakeRun('mismatch', model, { method: 'simclr', encoder: 'small-cnn', imageSize: 12, channels: 1 });
    model.dispose();
    await expect(loadTrainedEncoder(mismatch)).rejects.toThrow(/takes \[10, 10, 1\] images but .*run\.json says \[12, 12, 1\]/);
  });
});
