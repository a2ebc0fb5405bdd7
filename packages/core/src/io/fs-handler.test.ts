import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fileSystemHandler } from './fs-handler.js';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';

useCpuLeakCheck();
const tmp = useTempDir('fs-handler-test-');

function smallModel(seed: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  return model;
}

describe('fileSystemHandler', () => {
  it('round-trips a tf.sequential through model.save / tf.loadLayersModel without tfjs-node', async () => {
    const dir = tmp('model');
    const model = smallModel(1);
    const result = await model.save(fileSystemHandler(dir));
    expect(result.modelArtifactsInfo.weightDataBytes).toBe((4 * 8 + 8 + 4 * 8 + 8 * 3 + 3) * 4);
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8')) as {
      weightsManifest: { paths: string[] }[];
      modelTopology: unknown;
    };
    expect(json.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    expect(json.modelTopology).toBeTruthy();

    const loaded = await tf.loadLayersModel(fileSystemHandler(dir));
    const x = tf.tensor2d([
      [1, 2, 3, 4],
      [-1, 0.5, 0, 2],
    ]);
    const [ya, yb] = tf.tidy(() => [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor]);
    expect(await yb!.array()).toEqual(await ya!.array());
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(['Dense', 'BatchNormalization', 'Dense']);
    // Saving again into its own directory is allowed (it holds a model.json).
    await loaded.save(fileSystemHandler(dir));
    tf.dispose([x, ya!, yb!]);
    model.dispose();
    loaded.dispose();
  });

  it('refuses a non-empty user directory unless overwrite: true', async () => {
    const dir = tmp('user');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'photo.jpg'), 'x');
    const model = smallModel(2);
    await expect(model.save(fileSystemHandler(dir))).rejects.toThrow(/refusing to write a model into .*photo\.jpg/);
    await model.save(fileSystemHandler(dir, { overwrite: true }));
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'photo.jpg', 'weights.bin']);
    model.dispose();
  });

  it('reports a missing directory, model.json or weights file clearly', async () => {
    await expect(tf.loadLayersModel(fileSystemHandler(tmp('missing')))).rejects.toThrow(/model directory .* does not exist/);
    const empty = tmp('empty');
    await fs.mkdir(empty);
    await expect(tf.loadLayersModel(fileSystemHandler(empty))).rejects.toThrow(/model.json is missing/);
    const dir = tmp('broken');
    const model = smallModel(3);
    await model.save(fileSystemHandler(dir));
    await fs.rm(path.join(dir, 'weights.bin'));
    await expect(tf.loadLayersModel(fileSystemHandler(dir))).rejects.toThrow(/cannot read weights file 'weights.bin'/);
    model.dispose();
  });
});
