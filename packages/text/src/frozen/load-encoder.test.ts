import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { captureIo, useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { ModelFileError } from '../errors.js';
import { AdapterEncoder } from '../pretrained/adapter-encoder.js';
import { loadUseLiteEncoder, saveAdapterModel } from '../pretrained/adapter-files.js';
import { TowerAdapter } from '../pretrained/tower-adapter.js';
import type { UseLiteEncoder } from '../pretrained/use-lite-encoder.js';
import { detectRuntime, disposeEncoder, FROZEN_USE_LITE, loadEncoder } from './load-encoder.js';

useCpuLeakCheck();
const tmp = useTempDir('contrastive-text-load-encoder-');
const fixtures = decodeURIComponent(new URL('../__fixtures__/', import.meta.url).pathname);
const TEXTS = ['a penguin is a flightless bird', 'to run quickly on foot', 'a large body of salt water'];

let use: UseLiteEncoder;
let adapterDir = '';
let expected: Float32Array[] = [];
beforeAll(async () => {
  use = await loadUseLiteEncoder();
  // A 512 → 128 mlp adapter moved off its init, saved as a model folder; its vectors computed in memory.
  const adapter = new TowerAdapter({ inputDim: 512, outputDim: 128, layers: 'mlp', hiddenDim: 64, seed: 4 });
  for (const v of adapter.trainableVariables()) tf.tidy(() => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.05, 'float32', 9))));
  const enc = new AdapterEncoder(use, adapter, { owns: false });
  expected = await enc.encode(TEXTS);
  adapterDir = tmp('adapter-model');
  await saveAdapterModel(adapterDir, adapter);
  adapter.dispose();
});
afterAll(() => use.dispose());

describe('loadEncoder with USE-lite (the use-lite runtime)', () => {
  it("detects an adapter folder and 'use-lite'; BERT and ONNX folders as before", () => {
    expect(detectRuntime(adapterDir)).toBe('use-lite');
    expect(detectRuntime(FROZEN_USE_LITE)).toBe('use-lite');
    expect(detectRuntime(path.join(fixtures, 'tiny-bert'))).toBe('tfjs');
    expect(detectRuntime(path.join(fixtures, 'tiny-bert-onnx'))).toBe('onnx');
    const empty = tmp('empty');
    mkdirSync(empty);
    expect(() => detectRuntime(empty)).toThrow(
      /nor adapter.safetensors with a contrastive.json of kind "use-lite-adapter".*'use-lite' names the frozen USE-lite model/,
    );
    const future = tmp('future-kind');
    mkdirSync(future);
    writeFileSync(path.join(future, 'contrastive.json'), '{"kind": "clip-adapter"}');
    expect(() => detectRuntime(future)).toThrow(ModelFileError);
    expect(() => detectRuntime(future)).toThrow(/"kind" is "clip-adapter", which this version of @contrastive\/text cannot load/);
  });

  it('loads a saved adapter folder back: the same vectors as the adapter it saved', async () => {
    const loaded = await loadEncoder(adapterDir);
    expect(loaded.runtime).toBe('use-lite');
    expect(loaded.encoder).toBeInstanceOf(AdapterEncoder);
    const got = await loaded.encoder.encode(TEXTS);
    got.forEach((v, r) => {
      expect(v).toHaveLength(128);
      v.forEach((x, i) => expect(x).toBeCloseTo(expected[r]![i]!, 6));
    });
    await disposeEncoder(loaded);
  });

  it("'use-lite' is frozen USE-lite without an adapter: USE-lite's own vectors", async () => {
    const loaded = await loadEncoder(FROZEN_USE_LITE);
    expect(loaded.runtime).toBe('use-lite');
    const [a] = await loaded.encoder.encode([TEXTS[0]!]);
    const [b] = await use.encode([TEXTS[0]!]);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    await disposeEncoder(loaded);
  });

  it('refuses a pooling or max length for USE-lite, and the use-lite runtime on a folder that is not an adapter', async () => {
    await expect(loadEncoder(adapterDir, { pooling: 'mean' })).rejects.toThrow(/pooling does not apply to USE-lite/);
    await expect(loadEncoder(FROZEN_USE_LITE, { maxLength: 32 })).rejects.toThrow(/maxLength does not apply to USE-lite/);
    await expect(loadEncoder(path.join(fixtures, 'tiny-bert'), { runtime: 'use-lite' })).rejects.toThrow(
      /is not a USE-lite adapter \(no contrastive.json of kind "use-lite-adapter"\); use 'use-lite'/,
    );
    await expect(loadEncoder(tmp('missing'), { runtime: 'use-lite' })).rejects.toThrow(/does not exist/);
  });

  it('contrastive-text eval --checkpoint takes an adapter folder and use-lite unchanged', async () => {
    const pairs = tmp('pairs.jsonl');
    const docs = ['a penguin is a flightless seabird', 'a very fast car', 'the ocean is deep and salty', 'a cup of hot tea'];
    const queries = ['penguin bird', 'fast car', 'salty sea', 'tea'];
    writeFileSync(pairs, queries.map((q, i) => JSON.stringify({ query: q, document: docs[i] })).join('\n'));
    for (const checkpoint of [adapterDir, FROZEN_USE_LITE]) {
      const io = captureIo();
      const code = await main(['eval', '--checkpoint', checkpoint, '--pairs', pairs, '--backend', 'cpu', '--no-progress', '--json'], io);
      expect(code, io.errs.join('\n')).toBe(0);
      const report = JSON.parse(io.lines.at(-1)!) as { runtime: string; backend: string; metrics: { recallAt10: number } };
      expect(report).toMatchObject({ runtime: 'use-lite', backend: 'cpu', checkpoint });
      expect(report.metrics.recallAt10).toBe(1); // 4 documents
    }
    const io = captureIo();
    expect(await main(['eval', '--checkpoint', FROZEN_USE_LITE, '--pairs', pairs, '--pooling', 'mean', '--backend', 'cpu'], io)).not.toBe(
      0,
    );
    expect(io.errs.join('\n')).toMatch(/pooling does not apply to USE-lite/);
  });
});
