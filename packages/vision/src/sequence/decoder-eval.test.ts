import * as tf from '@tensorflow/tfjs';
import { createRng, initBackend } from '@contrastive/core';
import { useLeakCheck } from '@contrastive/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { Charset } from './charset.js';
import { type RecognitionSet, decoderEvaluation } from './decoder-eval.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false });
});
useLeakCheck({ backend: 'wasm' });

/**
 * Tiny synthetic "words": 1–3 symbols of {a, b, c}, each drawn as a 4-px-wide bar at a symbol-specific height
 * band of an 8×24 image, every symbol followed by a 4-px gap (so "aa" has a blank frame between its bars),
 * plus noise. One encoder frame per 4 px gives T = 6 frames.
 */
function words(n: number, seed: number): RecognitionSet {
  const rng = createRng(seed);
  const h = 8;
  const w = 24;
  const px = new Float32Array(n * h * w);
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = 1 + rng.int(3);
    let text = '';
    for (let j = 0; j < len; j++) {
      const sym = rng.int(3);
      text += 'abc'[sym];
      const top = sym * 3; // rows 0–1, 3–4, 6–7
      for (let r = top; r < top + 2; r++) for (let c = j * 8; c < j * 8 + 4; c++) px[i * h * w + r * w + c] = 1;
    }
    for (let p = 0; p < h * w; p++) px[i * h * w + p]! += 0.2 * rng.normal();
    texts.push(text);
  }
  return { images: tf.tensor4d(px, [n, h, w, 1]), texts };
}

/** A tiny frame encoder: an 8×4 patch per frame (stride 4) → 16 ReLU features, [N, 6, 16]. */
function tinyFrameEncoder(seed: number, zero = false): tf.LayersModel {
  const input = tf.input({ shape: [8, 24, 1] });
  // zero: a linear encoder whose frames start at 0 — useless frozen, trainable when fine-tuned
  const kernelInitializer = zero ? tf.initializers.zeros() : tf.initializers.glorotUniform({ seed });
  let x = tf.layers
    .conv2d({ filters: 16, kernelSize: [8, 4], strides: [8, 4], activation: zero ? 'linear' : 'relu', kernelInitializer })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [6, 16] }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

const weightsOf = (m: tf.LayersModel): Float32Array[] => m.getWeights().map((w) => Float32Array.from(w.dataSync()));

describe('decoderEvaluation', () => {
  it('frozen, linear decoder: reads the bar words far above chance and leaves the encoder unchanged', async () => {
    const train = words(300, 1);
    const test = words(100, 2);
    const enc = tinyFrameEncoder(3);
    const before = weightsOf(enc);
    const charset = Charset.fromTexts(train.texts);
    const lines: string[] = [];
    const r = await decoderEvaluation(enc, train, test, {
      charset,
      mode: 'frozen',
      seed: 1,
      epochs: 25,
      learningRate: 0.05,
      log: (l) => lines.push(l),
    });
    // chance for 1–3 symbols of 3 with the right length is at most 1/3 per word; a learned reader is near 1
    expect(r.wordAccuracy).toBeGreaterThan(0.8);
    expect(r.characterErrorRate).toBeLessThan(0.15);
    expect(r.lossCurve[r.lossCurve.length - 1]!).toBeLessThan(r.lossCurve[0]! / 3);
    expect(r).toMatchObject({
      trainedOn: 300,
      testSize: 100,
      frames: 6,
      infeasible: 0,
      epochs: 25,
      mode: 'frozen',
      decoder: 'linear',
      standardized: true,
    });
    expect(r.steps).toBe(25 * Math.ceil(300 / 32));
    expect(lines).toHaveLength(25);
    weightsOf(enc).forEach((w, i) => expect(w).toEqual(before[i]));
    enc.dispose();
    tf.dispose([train.images, test.images]);
  });

  it('fine-tune on 10 % of the labels with a BiLSTM decoder learns, and the caller’s encoder is not modified', async () => {
    const train = words(400, 4);
    const test = words(100, 5);
    const enc = tinyFrameEncoder(6);
    const before = weightsOf(enc);
    const charset = Charset.fromTexts(train.texts);
    const opts = {
      charset,
      mode: 'fine-tune',
      labelFraction: 0.1,
      seed: 2,
      epochs: 30,
      batchSize: 8,
      learningRate: 0.01,
      decoder: 'bilstm',
      hiddenUnits: 8,
    } as const;
    const r = await decoderEvaluation(enc, train, test, opts);
    expect(r.trainedOn).toBe(40);
    expect(r.standardized).toBe(false);
    expect(r.wordAccuracy).toBeGreaterThan(0.6);
    weightsOf(enc).forEach((w, i) => expect(w).toEqual(before[i]));
    enc.dispose();
    tf.dispose([train.images, test.images]);
  });

  it('fine-tuning trains the encoder: a zero encoder reads nothing frozen and learns when fine-tuned', async () => {
    const train = words(200, 10);
    const test = words(100, 11);
    const enc = tinyFrameEncoder(0, true);
    const charset = Charset.fromTexts(train.texts);
    const opts = { charset, seed: 4, epochs: 15, learningRate: 0.05, labelFraction: 0.5 } as const;
    const frozen = await decoderEvaluation(enc, train, test, { ...opts, mode: 'frozen' });
    const tuned = await decoderEvaluation(enc, train, test, { ...opts, mode: 'fine-tune' });
    expect(frozen.trainedOn).toBe(100);
    // all-zero frames have zero variance: only centred, so the loss stays finite (it would throw otherwise)
    expect(frozen.lossCurve.every(Number.isFinite)).toBe(true);
    // constant frames give one transcription for every image: at most the most frequent word's share
    expect(frozen.wordAccuracy).toBeLessThan(0.15);
    expect(tuned.wordAccuracy).toBeGreaterThan(0.8);
    enc.dispose();
    tf.dispose([train.images, test.images]);
  });

  it('is deterministic for a seed; counts words longer than the frames as infeasible', async () => {
    const train = words(40, 7);
    const test = words(20, 8);
    // 'abcabca' needs 7 frames; 'aaaa' needs 7 (4 + 3 blanks); the encoder has 6
    train.texts[0] = 'abcabca';
    train.texts[1] = 'aaaa';
    const enc = tinyFrameEncoder(9);
    const charset = Charset.fromTexts(train.texts);
    const opts = { charset, mode: 'frozen', seed: 3, epochs: 2 } as const;
    const a = await decoderEvaluation(enc, train, test, opts);
    const b = await decoderEvaluation(enc, train, test, opts);
    expect(a.infeasible).toBe(2);
    expect(b.lossCurve).toEqual(a.lossCurve);
    expect(b.wordAccuracy).toBe(a.wordAccuracy);
    enc.dispose();
    tf.dispose([train.images, test.images]);
  });

  it('validates its options and sets, naming the argument', async () => {
    const train = words(4, 1);
    const enc = tinyFrameEncoder(1);
    const charset = Charset.fromTexts(['ab']);
    const base = { charset, mode: 'frozen', seed: 1 } as const;
    await expect(decoderEvaluation(enc, train, train, { ...base, mode: 'linear' as 'frozen' })).rejects.toThrow(
      /mode must be one of frozen, fine-tune, got linear/,
    );
    await expect(decoderEvaluation(enc, train, train, { ...base, labelFraction: 0 })).rejects.toThrow(
      /labelFraction must be in \(0, 1\], got 0/,
    );
    await expect(decoderEvaluation(enc, train, train, { ...base, epochs: 1.5 })).rejects.toThrow(/epochs must be an integer >= 1, got 1.5/);
    await expect(decoderEvaluation(enc, train, train, { ...base, decoder: 'gru' as 'linear' })).rejects.toThrow(
      /decoder must be one of linear, bilstm, got gru/,
    );
    await expect(decoderEvaluation(enc, train, train, { ...base, learningRate: -1 })).rejects.toThrow(
      /learningRate must be a finite number > 0/,
    );
    await expect(decoderEvaluation(enc, { images: train.images, texts: ['a'] }, train, base)).rejects.toThrow(
      /train.texts must hold one text per image \(4\), got 1/,
    );
    await expect(decoderEvaluation(enc, train, train, { ...base, charset: Charset.fromTexts(['x']) })).rejects.toThrow(
      /train.texts\[\d\]: .* has characters outside the charset/,
    );
    enc.dispose();
    train.images.dispose();
  });
});
