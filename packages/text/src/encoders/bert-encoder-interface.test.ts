import * as tf from '@tensorflow/tfjs';
import { createRng, frozenEncoder } from '@contrastive/core';
import type { Encoder } from '@contrastive/core';
import { fileSystemHandler } from '@contrastive/core/node';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import type { TokenBatch } from '../tokenize/text-tokenizer.js';
import { loadBertEncoder } from './bert.js';
import { loadBertCheckpoint } from './hf-checkpoint.js';
import { pool } from './pooling.js';
import { batchTensors, disposeInputs } from './token-tensors.js';

useCpuLeakCheck();
const tmp = useTempDir('bert-encoder-');
const fixtureDir = decodeURIComponent(new URL('../__fixtures__/tiny-bert', import.meta.url).pathname);

const batch: TokenBatch = {
  batch: 2,
  length: 4,
  inputIds: Int32Array.from([2, 5, 9, 3, 2, 7, 3, 0]),
  attentionMask: Int32Array.from([1, 1, 1, 1, 1, 1, 1, 0]),
  tokenTypeIds: new Int32Array(8),
  truncated: [],
};

describe("BertEncoder through core's Encoder<TokenBatch>", () => {
  it('apply(batch, training) returns the pooled [N, H] vectors; dropout only in training, seeded by rng', () => {
    const enc: Encoder<TokenBatch> = loadBertCheckpoint(fixtureDir);
    const bert = enc as ReturnType<typeof loadBertCheckpoint>;
    try {
      expect(enc.name).toBe('bert');
      expect(enc.trainableWeights).toHaveLength(Object.keys(enc.stateTensors()).length);
      const pooled = enc.apply(batch, false);
      expect(pooled.shape).toEqual([2, bert.config.hiddenSize]);
      const t = batchTensors(batch);
      const expected = tf.tidy(() => pool(bert, bert.forward(t), t.attentionMask, 'cls'));
      disposeInputs(t);
      expect(Array.from(pooled.dataSync())).toEqual(Array.from(expected.dataSync()));
      const a = bert.apply(batch, true, { rng: createRng(1) });
      const b = bert.apply(batch, true, { rng: createRng(1) });
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, pooled))).dataSync()[0]!)).toBeGreaterThan(1e-4);
      tf.dispose([pooled, expected, a, b]);
      // frozenEncoder (core) wraps any Encoder: inference mode whatever `training` says.
      const frozen = frozenEncoder(enc);
      const f = frozen.apply(batch, true);
      expect(frozen.trainableWeights).toEqual([]);
      f.dispose();
    } finally {
      enc.dispose();
    }
  });

  it('save(handler) / loadBertEncoder round-trip config, pooling and weights (core fileSystemHandler)', async () => {
    const original = loadBertCheckpoint(fixtureDir);
    const dir = tmp('saved');
    await original.save(fileSystemHandler(dir));
    const loaded = await loadBertEncoder(fileSystemHandler(dir));
    try {
      expect(loaded.config).toEqual(original.config);
      expect(loaded.pooling).toBe('cls');
      for (const [name, v] of Object.entries(original.stateTensors()))
        expect(Array.from(loaded.weight(name).dataSync()), name).toEqual(Array.from(v.dataSync()));
      await expect(original.save('nowhere://x')).rejects.toThrow(/no tfjs save handler/);
      await expect(loadBertEncoder(tf.io.fromMemory({ modelTopology: { format: 'other' } }))).rejects.toThrow(
        /not a BERT saved by BertEncoder.save/,
      );
    } finally {
      original.dispose();
      loaded.dispose();
    }
  });
});
