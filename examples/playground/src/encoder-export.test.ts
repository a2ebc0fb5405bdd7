import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@contrastive/core';
import { buildEncoder } from '@contrastive/vision';
import { loadTrainedEncoder } from '@contrastive/vision/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoderFiles } from './encoder-export.js';
import { unzipTo } from '../scripts/unzip-to.js';
import { writeZip } from './zip.js';

describe('encoder export', () => {
  let dir: string;
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: false });
    dir = await mkdtemp(join(tmpdir(), 'playground-export-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a run folder that loadTrainedEncoder reads back with the same weights', async () => {
    const before = tf.memory().numTensors;
    const model = buildEncoder({ name: 'small-cnn', inputShape: [28, 28, 1], seed: 3 });
    const files = await encoderFiles(model, { method: 'simclr', encoder: 'small-cnn', imageSize: 28, channels: 1, details: { steps: 5 } });
    expect(files.map((f) => f.name)).toEqual(['run.json', 'model/model.json', 'model/weights.bin']);
    await unzipTo(writeZip(files), dir);
    const loaded = await loadTrainedEncoder(dir);
    expect([loaded.imageSize, loaded.channels, loaded.method, loaded.encoderName]).toEqual([28, 1, 'simclr', 'small-cnn']);
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 1);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.encoder.apply(x, false) as tf.Tensor;
    expect(b.shape).toEqual(a.shape);
    const diff = tf.tidy(() => tf.sub(a, b).abs().max());
    expect((await diff.data())[0]).toBeLessThan(1e-6);
    diff.dispose();
    tf.dispose([x, a, b]);
    loaded.encoder.model.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
