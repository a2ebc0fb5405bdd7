import { mkdir, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { fileSystemHandler } from '@contrastive/core/node';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { embedImages } from '../methods/common.js';
import { loadTrainedEncoder } from './load-trained-encoder.js';
import { smallCnnEncoder } from '../encoders/small-cnn.js';
import { vitTinyEncoder } from '../encoders/vit.js';

useCpuLeakCheck();
const tmp = useTempDir('vision-load-trained-');

/**
 * A run folder as `contrastive-vision train` leaves it: run.json (core's run record) + model/ (+ checkpoint/, not
 * needed here); with `legacy`, as versions before core's run-folder layout left it: a flat run.json + encoder/.
 */
async function fakeRun(name: string, model: tf.LayersModel | null, cfg: Record<string, unknown>, legacy = false): Promise<string> {
  const dir = tmp(name);
  await mkdir(dir, { recursive: true });
  const record = {
    tool: 'contrastive-vision',
    version: '0.1.0',
    domain: 'vision',
    method: cfg.method,
    createdAt: '2026-01-01T00:00:00.000Z',
    config: cfg,
  };
  await writeFile(tmp(name, 'run.json'), JSON.stringify(legacy ? cfg : record));
  if (model) await model.save(fileSystemHandler(tmp(name, legacy ? 'encoder' : 'model')));
  return dir;
}

describe('loadTrainedEncoder', () => {
  it('returns the saved encoder (identical embeddings) with the geometry run.json records', async () => {
    for (const [name, model, channels, legacy] of [
      ['cnn', smallCnnEncoder({ inputShape: [10, 10, 3], widths: [4, 8], seed: 5 }), 3, false],
      // A ViT's model.json names custom layer classes (load-trained-encoder.ts imports their registration);
      // this one is in a run folder of the layout before core's (flat run.json, encoder/).
      ['vit', vitTinyEncoder({ inputShape: [8, 8, 1], patchSize: 4, dim: 8, depth: 1, heads: 2, seed: 2 }), 1, true],
    ] as const) {
      const size = model.inputs[0]!.shape[1]!;
      const dir = await fakeRun(
        name,
        model,
        { method: 'simclr', encoder: name === 'cnn' ? 'small-cnn' : 'vit-tiny', imageSize: size, channels },
        legacy,
      );
      const t = await loadTrainedEncoder(dir);
      expect(t).toMatchObject({ imageSize: size, channels, method: 'simclr', encoderName: name === 'cnn' ? 'small-cnn' : 'vit-tiny' });
      // Core's Encoder: the tower a multimodal method takes (its weights under the checkpoints' names).
      expect(t.encoder.model.inputs[0]!.shape.slice(1)).toEqual([size, size, channels]);
      expect(Object.keys(t.encoder.stateTensors())[0]).toMatch(/^encoder\/000_/);
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
    await expect(loadTrainedEncoder(unfinished)).rejects.toThrow(/unfinished.model.model\.json is missing — the run has not finished/);
    const noSize = await fakeRun('no-size', null, { method: 'byol', encoder: 'small-cnn', channels: 2 });
    await expect(loadTrainedEncoder(noSize)).rejects.toThrow(/lacks imageSize \(integer\), channels \(1 or 3\)/);
    const model = smallCnnEncoder({ inputShape: [10, 10, 1], widths: [4] });
    const mismatch = await fakeRun('mismatch', model, { method: 'simclr', encoder: 'small-cnn', imageSize: 12, channels: 1 });
    model.dispose();
    await expect(loadTrainedEncoder(mismatch)).rejects.toThrow(/takes \[10, 10, 1\] images but .*run\.json says \[12, 12, 1\]/);
  });
});
