import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { BertEncoder } from './bert.js';
import { bertConfig } from './bert-config.js';
import { loadBertCheckpoint, saveBertCheckpoint } from './hf-checkpoint.js';
import { pool } from './pooling.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';

const fixtureDir = fileURLToPathCompat(new URL('../__fixtures__/tiny-bert', import.meta.url));
const fx = JSON.parse(readFileSync(new URL('../__fixtures__/text_bert.json', import.meta.url), 'utf8')) as {
  inputIds: number[][];
  attentionMask: number[][];
  tokenTypeIds: number[][];
  shape: number[];
  lastHiddenState: number[];
  cls: number[];
  clsMlp: number[];
  mean: number[];
  gradWordEmbeddingsOfSumMean: number[];
  hiddenStates: number[][];
  last2avg: number[];
};

function fileURLToPathCompat(u: URL): string {
  return decodeURIComponent(u.pathname);
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThan(tol);
}

describe('BERT encoder', () => {
  useCpuLeakCheck();

  const inputs = () => ({
    inputIds: tf.tensor2d(fx.inputIds, undefined, 'int32'),
    attentionMask: tf.tensor2d(fx.attentionMask, undefined, 'int32'),
    tokenTypeIds: tf.tensor2d(fx.tokenTypeIds, undefined, 'int32'),
  });

  it('matches the independent PyTorch BERT to 1e-4 (hidden states, cls, cls-mlp, mean, gradient)', () => {
    const bert = loadBertCheckpoint(fixtureDir);
    const x = inputs();
    const { lastHiddenState, hiddenStates } = bert.forward(x);
    expect(lastHiddenState.shape).toEqual(fx.shape);
    expect(hiddenStates).toHaveLength(bert.config.numLayers + 1);
    expectClose(lastHiddenState.dataSync(), fx.lastHiddenState);
    for (const [p, want] of [
      ['cls', fx.cls],
      ['cls-mlp', fx.clsMlp],
      ['mean', fx.mean],
    ] as const) {
      const v = pool(bert, lastHiddenState, x.attentionMask, p);
      expectClose(v.dataSync(), want);
      v.dispose();
    }
    const word = bert.weight('embeddings.word_embeddings.weight');
    const { grads, value } = tf.variableGrads(() => {
      const { lastHiddenState: h, hiddenStates: hs } = bert.forward(x);
      const s = pool(bert, h, x.attentionMask, 'mean').sum() as tf.Scalar;
      tf.dispose(hs);
      return s;
    }, [word]);
    expectClose(grads[word.name]!.dataSync(), fx.gradWordEmbeddingsOfSumMean);
    tf.dispose([value, grads, hiddenStates, x]);
    bert.dispose();
  });

  it("exposes every layer's hidden state and pools 'last2avg' as ConSERT's evaluation does (PyTorch reference)", () => {
    const bert = loadBertCheckpoint(fixtureDir);
    const x = inputs();
    const out = bert.forward(x);
    expect(out.hiddenStates).toHaveLength(fx.hiddenStates.length);
    out.hiddenStates.forEach((h, i) => {
      expect(h.shape).toEqual(fx.shape);
      expectClose(h.dataSync(), fx.hiddenStates[i]!);
    });
    const v = pool(bert, out, x.attentionMask, 'last2avg');
    expectClose(v.dataSync(), fx.last2avg);
    // It is not the last layer's mean (the check above could not pass by accident).
    const mean = pool(bert, out, x.attentionMask, 'mean');
    expectClose(mean.dataSync(), fx.mean);
    const gap = Math.max(...Array.from(v.dataSync()).map((a, i) => Math.abs(a - fx.mean[i]!)));
    expect(gap).toBeGreaterThan(1e-2);
    // A bare tensor has no earlier layers: a clear error, not a silent fallback.
    expect(() => pool(bert, out.lastHiddenState, x.attentionMask, 'last2avg')).toThrow(/hiddenStates/);
    tf.dispose([v, mean, ...out.hiddenStates, x]);
    bert.dispose();
  });

  it('respects the attention mask: padding ids never change real-token outputs', () => {
    const bert = loadBertCheckpoint(fixtureDir);
    const a = inputs();
    const ids2 = fx.inputIds.map((r, i) => r.map((t, j) => (fx.attentionMask[i]![j] ? t : 30 + j)));
    const b = inputs();
    b.inputIds.dispose();
    b.inputIds = tf.tensor2d(ids2, undefined, 'int32');
    const ha = bert.forward(a);
    const hb = bert.forward(b);
    const ma = pool(bert, ha.lastHiddenState, a.attentionMask, 'mean');
    const mb = pool(bert, hb.lastHiddenState, b.attentionMask, 'mean');
    expectClose(ma.dataSync(), mb.dataSync(), 1e-5);
    tf.dispose([
      a.inputIds,
      a.attentionMask,
      a.tokenTypeIds,
      b.inputIds,
      b.attentionMask,
      b.tokenTypeIds,
      ...ha.hiddenStates,
      ...hb.hiddenStates,
      ma,
      mb,
    ]);
    bert.dispose();
  });

  it('dropout: training passes differ, seeded passes repeat, inference is deterministic, same seed same weights', async () => {
    const bert = new BertEncoder(bertConfig('tiny', 50, { maxPositions: 16 }), { seed: 3 });
    const x = inputs();
    const run = (training: boolean, seed?: number): Float32Array => {
      const rng = seed === undefined ? undefined : createRng(seed);
      const o = bert.forward(x, { training, rng });
      const d = o.lastHiddenState.dataSync() as Float32Array;
      tf.dispose(o.hiddenStates);
      return d;
    };
    const twin = new BertEncoder(bertConfig('tiny', 50, { maxPositions: 16 }), { seed: 3 });
    for (const [n, v] of Object.entries(bert.stateTensors())) {
      expect(Array.from(twin.weight(n).dataSync())).toEqual(Array.from(v.dataSync()));
    }
    twin.dispose();
    const e1 = run(false);
    const e2 = run(false);
    expect(Array.from(e1)).toEqual(Array.from(e2));
    const t1 = run(true);
    const t2 = run(true);
    const diff = t1.reduce((s, v, i) => s + Math.abs(v - t2[i]!), 0);
    expect(diff).toBeGreaterThan(1e-3);
    expect(Array.from(run(true, 5))).toEqual(Array.from(run(true, 5)));
    tf.dispose(x);
    bert.dispose();
  });

  it('safetensors: F32 write/read round trip and F16/BF16 reads', () => {
    const data = new Float32Array([1.5, -2, 0.25, 3e-3, 7, -0.5]);
    const bytes = writeSafetensors({ a: { shape: [2, 3], data }, b: { shape: [1], data: new Float32Array([4]) } }, { note: 'x' });
    const { tensors, metadata } = readSafetensors(bytes);
    expect(metadata).toEqual({ note: 'x' });
    expect(tensors.get('a')!.shape).toEqual([2, 3]);
    expect(Array.from(tensors.get('a')!.data)).toEqual(Array.from(data));
    expect((new DataView(bytes.buffer).getUint32(0, true) + 8) % 8).toBe(0);
    // Hand-made F16 (1.0 = 0x3c00, -2.0 = 0xc000) and BF16 (1.5 = 0x3fc0) tensors.
    const header = JSON.stringify({
      h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
      g: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] },
    });
    const hb = new TextEncoder().encode(header);
    const buf = new Uint8Array(8 + hb.length + 6);
    const dv = new DataView(buf.buffer);
    dv.setBigUint64(0, BigInt(hb.length), true);
    buf.set(hb, 8);
    dv.setUint16(8 + hb.length, 0x3c00, true);
    dv.setUint16(8 + hb.length + 2, 0xc000, true);
    dv.setUint16(8 + hb.length + 4, 0x3fc0, true);
    const r = readSafetensors(buf).tensors;
    expect(Array.from(r.get('h')!.data)).toEqual([1, -2]);
    expect(Array.from(r.get('g')!.data)).toEqual([1.5]);
    expect(() => readSafetensors(new Uint8Array(4), 'x.safetensors')).toThrow(/x\.safetensors/);
  });

  it('saves and reloads a checkpoint exactly; a config/weights shape mismatch is a clear error', async () => {
    const bert = loadBertCheckpoint(fixtureDir);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bert-'));
    await saveBertCheckpoint(dir, bert);
    const again = loadBertCheckpoint(dir);
    for (const [n, v] of Object.entries(bert.stateTensors())) {
      expect(Array.from(again.weight(n).dataSync())).toEqual(Array.from(v.dataSync()));
    }
    again.dispose();
    bert.dispose();
    const bad = mkdtempSync(path.join(os.tmpdir(), 'bert-bad-'));
    cpSync(fixtureDir, bad, { recursive: true });
    const cfg = JSON.parse(readFileSync(path.join(bad, 'config.json'), 'utf8'));
    cfg.intermediate_size = 48;
    writeFileSync(path.join(bad, 'config.json'), JSON.stringify(cfg));
    expect(() => loadBertCheckpoint(bad)).toThrow(/intermediate\.dense\.weight' has shape \[32, 16\].*\[48, 16\]/);
    expect(() => loadBertCheckpoint(`${os.tmpdir()}/nope`)).toThrow(/config\.json/);
  });
});
