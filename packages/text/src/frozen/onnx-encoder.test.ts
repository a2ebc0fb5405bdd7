import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { loadBertCheckpoint } from '../encoders/hf-checkpoint.js';
import { SentenceEncoder } from '../encoders/sentence-encoder.js';
import { detectRuntime, disposeEncoder, loadEncoder } from './load-encoder.js';
import { OnnxSentenceEncoder } from './onnx-encoder.js';

const fixtures = decodeURIComponent(new URL('../__fixtures__/', import.meta.url).pathname);
const onnxDir = path.join(fixtures, 'tiny-bert-onnx');
const tfjsDir = path.join(fixtures, 'tiny-bert');

interface Case {
  text: string;
  inputIds: number[];
  truncated: boolean;
  cls: number[];
  mean: number[];
  meanNormalized: number[];
  clsNormalized: number[];
}
const ref = JSON.parse(readFileSync(path.join(onnxDir, 'reference.json'), 'utf8')) as {
  maxLength: number;
  hiddenSize: number;
  cases: Case[];
};
const texts = ref.cases.map((c) => c.text);

function expectClose(actual: Float32Array[], expected: number[][], tol = 1e-4): void {
  expect(actual).toHaveLength(expected.length);
  let worst = 0;
  actual.forEach((a, i) => {
    const e = expected[i]!;
    expect(a).toHaveLength(e.length);
    for (let k = 0; k < e.length; k++) worst = Math.max(worst, Math.abs(a[k]! - e[k]!));
  });
  expect(worst).toBeLessThan(tol);
}

describe('OnnxSentenceEncoder (frozen transformers.js / onnxruntime)', () => {
  let enc: OnnxSentenceEncoder;
  useCpuLeakCheck();
  beforeAll(async () => {
    enc = await OnnxSentenceEncoder.load(onnxDir, { maxLength: ref.maxLength });
  });
  afterAll(async () => {
    await enc.dispose();
  });

  it('tokenises like the independent Python WordPiece (incl. [UNK] and truncation keeping [SEP])', () => {
    const tb = enc.tokenize(texts, () => {});
    for (const [i, c] of ref.cases.entries()) {
      const row = Array.from(tb.inputIds.slice(i * tb.length, i * tb.length + c.inputIds.length));
      expect(row).toEqual(c.inputIds);
      expect(tb.attentionMask.slice(i * tb.length, (i + 1) * tb.length).reduce((s, x) => s + x, 0)).toBe(c.inputIds.length);
    }
    expect(tb.truncated).toEqual(ref.cases.flatMap((c, i) => (c.truncated ? [i] : [])));
  });

  it('matches the PyTorch reference to 1e-4 for cls, mean and normalised pooling, padded in mixed batches', async () => {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    expectClose(
      await enc.encode(texts, { batchSize: 3, pooling: 'mean', normalize: false, warn }),
      ref.cases.map((c) => c.mean),
    );
    expectClose(
      await enc.encode(texts, { batchSize: 4, pooling: 'cls', normalize: false, warn }),
      ref.cases.map((c) => c.cls),
    );
    expectClose(
      await enc.encode(texts, { batchSize: 7, pooling: 'mean', warn }),
      ref.cases.map((c) => c.meanNormalized),
    );
    // Default pooling of a folder without contrastive.json is 'cls'; default normalize is true.
    expectClose(
      await enc.encode(texts, { batchSize: 2, warn }),
      ref.cases.map((c) => c.clsNormalized),
    );
    const nTrunc = ref.cases.filter((c) => c.truncated).length;
    expect(nTrunc).toBeGreaterThan(0);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toBe(`${nTrunc} of ${texts.length} text(s) longer than maxLength=${ref.maxLength} tokens were truncated`);
  });

  it('equals the trainable tfjs BertEncoder loaded from the same safetensors (mean pooling)', async () => {
    const tfjs = new SentenceEncoder(loadBertCheckpoint(tfjsDir, { warn: () => {} }), enc.tokenizer, {
      pooling: 'mean',
      maxLength: ref.maxLength,
    });
    try {
      const progress: number[] = [];
      const a = await tfjs.encode(texts, { batchSize: 3, normalize: false, warn: () => {} });
      const b = await enc.encode(texts, {
        batchSize: 3,
        pooling: 'mean',
        normalize: false,
        warn: () => {},
        onProgress: (d) => progress.push(d),
      });
      expectClose(
        b,
        a.map((v) => Array.from(v)),
      );
      expect(progress).toEqual([3, 6, 7]);
    } finally {
      tfjs.dispose();
    }
  });

  it('is local-only by default: a hub id that is not a local folder fails clearly without any network call', async () => {
    const origFetch = env.fetch;
    let calls = 0;
    env.fetch = (async () => {
      calls++;
      throw new Error('network used');
    }) as typeof env.fetch;
    try {
      await expect(OnnxSentenceEncoder.load('sentence-transformers/all-MiniLM-L6-v2')).rejects.toThrow(
        /no model folder 'sentence-transformers\/all-MiniLM-L6-v2' in .* allowRemoteModels is false/,
      );
      await expect(OnnxSentenceEncoder.load('no-such-model', { localModelPath: fixtures })).rejects.toThrow(
        /no model folder 'no-such-model' in .*__fixtures__\//,
      );
      // An id resolved against localModelPath loads, and leaves remote models disabled.
      const byId = await OnnxSentenceEncoder.load('tiny-bert-onnx', { localModelPath: fixtures, pooling: 'mean' });
      expect(byId.options).toEqual({ pooling: 'mean', maxLength: 24 });
      expect(env.allowRemoteModels).toBe(false);
      await byId.dispose();
      await expect(byId.encode(['the cat'])).rejects.toThrow(/disposed/);
    } finally {
      env.fetch = origFetch;
    }
    expect(calls).toBe(0);
  });

  it('names the missing file and the expected layout', async () => {
    await expect(OnnxSentenceEncoder.load(tfjsDir)).rejects.toThrow(
      /tiny-bert has no onnx\/model\.onnx .*config\.json, tokenizer\.json and onnx\/model\.onnx.*loadSentenceEncoder/,
    );
    await expect(OnnxSentenceEncoder.load(onnxDir, { dtype: 'q8' })).rejects.toThrow(/no onnx\/model_quantized\.onnx for dtype 'q8'/);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'onnx-enc-'));
    try {
      cpSync(onnxDir, tmp, { recursive: true });
      rmSync(path.join(tmp, 'tokenizer.json'));
      await expect(OnnxSentenceEncoder.load(tmp)).rejects.toThrow(new RegExp(`${tmp} has no tokenizer\\.json`));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('rejects bad options and inputs with the argument name and the expected value', async () => {
    await expect(OnnxSentenceEncoder.load(onnxDir, { dtype: 'fp64' as 'fp32' })).rejects.toThrow(/dtype must be one of fp32, fp16, q8/);
    await expect(OnnxSentenceEncoder.load(onnxDir, { maxLength: 100 })).rejects.toThrow(
      /maxLength 100 exceeds the model's max_position_embeddings 24/,
    );
    await expect(OnnxSentenceEncoder.load(onnxDir, { threads: 0 })).rejects.toThrow(/threads must be an integer >= 1/);
    await expect(OnnxSentenceEncoder.load(onnxDir, { pooling: 'max' as 'cls' })).rejects.toThrow(
      /pooling must be one of cls, cls-mlp, mean/,
    );
    await expect(enc.encode(['a'], { pooling: 'last2avg' })).rejects.toThrow(
      /'last2avg' needs the last two layers' states; this ONNX graph outputs last_hidden_state/,
    );
    await expect(enc.encode([])).rejects.toThrow(/texts must contain at least one string, got \[\]/);
    await expect(enc.encode(['a'], { batchSize: 0 })).rejects.toThrow(/batchSize must be an integer >= 1, got 0/);
    await expect(enc.encode(['a'], { batchSize: 1.5 })).rejects.toThrow(/batchSize must be an integer >= 1, got 1.5/);
    await expect(enc.encode(['a'], { pooling: 'max' as 'cls' })).rejects.toThrow(/pooling must be one of/);
    await expect(enc.encode(['a', 3 as unknown as string])).rejects.toThrow(/texts\[1\] must be a string/);
    await expect(enc.encode(['a'], { pooling: 'cls-mlp' })).rejects.toThrow(
      /'cls-mlp' needs a 'pooler_output' output; this ONNX graph has last_hidden_state/,
    );
  });

  it('single-thread sessions give the same vectors', async () => {
    const one = await OnnxSentenceEncoder.load(onnxDir, { maxLength: ref.maxLength, threads: 1, pooling: 'mean' });
    try {
      expectClose(
        await one.encode(texts, { warn: () => {} }),
        ref.cases.map((c) => c.meanNormalized),
      );
    } finally {
      await one.dispose();
    }
  });

  it('loadEncoder picks tfjs for safetensors folders and onnx for onnx/model.onnx folders', async () => {
    expect(detectRuntime(tfjsDir)).toBe('tfjs');
    expect(detectRuntime(onnxDir)).toBe('onnx');
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'onnx-enc-'));
    try {
      expect(() => detectRuntime(tmp)).toThrow(/has neither model\.safetensors .* nor onnx\/model\.onnx/);
      expect(() => detectRuntime(path.join(tmp, 'missing'))).toThrow(/does not exist/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    const loaded = await loadEncoder(onnxDir, { pooling: 'mean', maxLength: ref.maxLength });
    expect(loaded.runtime).toBe('onnx');
    expectClose(
      await loaded.encoder.encode(texts.slice(0, 2)),
      ref.cases.slice(0, 2).map((c) => c.meanNormalized),
    );
    await disposeEncoder(loaded);
    await expect(loadEncoder(onnxDir, { runtime: 'torch' as 'onnx' })).rejects.toThrow(/runtime must be one of auto, tfjs, onnx/);
  });
});
