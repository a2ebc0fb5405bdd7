import * as tf from '@tensorflow/tfjs';
import { createRng, stepInfo } from '@contrastive/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kMeans } from './kmeans.js';
import { trainSkipGram } from './sgns.js';
import { padBatch } from './ssa-data.js';
import { SsaModel } from './ssa-model.js';
import { SsclMethod } from './sscl-method.js';
import { tokenizeWords, WordVocabulary } from './words.js';

let before = 0;
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

/** Two topics with disjoint words: sentences of 4-6 words from one topic each. */
function corpus(n: number, seed: number): string[][] {
  const rng = createRng(seed);
  const topics = [
    ['play', 'game', 'level', 'puzzle', 'arcade', 'player'],
    ['convert', 'format', 'file', 'image', 'encode', 'output'],
  ];
  return Array.from({ length: n }, (_, i) => {
    const t = topics[i % 2]!;
    return Array.from({ length: 4 + rng.int(3) }, () => t[rng.int(t.length)]!);
  });
}

const cos = (v: Float32Array, a: number, b: number, d: number) => {
  let s = 0;
  let na = 0;
  let nb = 0;
  for (let x = 0; x < d; x++) {
    s += v[a * d + x]! * v[b * d + x]!;
    na += v[a * d + x]! ** 2;
    nb += v[b * d + x]! ** 2;
  }
  return s / Math.sqrt(na * nb);
};

describe('word tokens and vocabulary', () => {
  it('lower-cases words and keeps inner punctuation', () => {
    expect(tokenizeWords("GTK+ viewer for x11-apps, don't PANIC: node.js 2.0!")).toEqual([
      'gtk+',
      'viewer',
      'for',
      'x11-apps',
      "don't",
      'panic',
      'node.js',
      '2.0',
    ]);
  });

  it('keeps words of min count, most frequent first, and drops unknown words when encoding', () => {
    const v = WordVocabulary.build(
      [
        ['b', 'a', 'b'],
        ['c', 'b', 'a'],
      ],
      2,
    );
    expect(v.words).toEqual(['<pad>', 'b', 'a']);
    expect(v.encode(['a', 'zzz', 'b'])).toEqual([2, 1]);
  });
});

describe('skip-gram with negative sampling', () => {
  it('is seeded, and puts words of the same topic closer than words of different topics', () => {
    const sents = corpus(200, 1);
    const vocab = WordVocabulary.build(sents, 1);
    const ids = sents.map((s) => vocab.encode(s));
    const opts = { dim: 16, epochs: 3, seed: 3, sample: 0 };
    const v = trainSkipGram(ids, vocab, opts);
    expect(trainSkipGram(ids, vocab, opts)).toEqual(v);
    expect(Array.from(v.subarray(0, 16))).toEqual(new Array(16).fill(0));
    const id = (w: string) => vocab.id(w)!;
    const same = cos(v, id('game'), id('puzzle'), 16) + cos(v, id('file'), id('image'), 16);
    const cross = cos(v, id('game'), id('file'), 16) + cos(v, id('puzzle'), id('image'), 16);
    expect(same).toBeGreaterThan(cross + 0.5);
  });
});

describe('k-means', () => {
  it('finds well-separated clusters, is seeded, and refuses k > n', () => {
    const rng = createRng(5);
    const pts = new Float32Array(60 * 2);
    for (let i = 0; i < 60; i++) {
      const c = i % 3;
      pts[2 * i] = c * 10 + rng.normal() * 0.3;
      pts[2 * i + 1] = (c === 1 ? 10 : 0) + rng.normal() * 0.3;
    }
    const r = kMeans(pts, 2, { k: 3, seed: 1 });
    for (let i = 3; i < 60; i++) expect(r.labels[i]).toBe(r.labels[i % 3]);
    expect(new Set(r.labels).size).toBe(3);
    expect(r.inertia).toBeLessThan(60 * 0.5);
    expect(kMeans(pts, 2, { k: 3, seed: 1 }).centroids).toEqual(r.centroids);
    expect(() => kMeans(pts.subarray(0, 4), 2, { k: 3 })).toThrow(/at least k = 3 points/);
  });
});

describe('SsclMethod', () => {
  const makeModel = (encoder: 'ssa' | 'mean') => {
    const rng = createRng(2);
    const V = 12;
    const d = 8;
    const vectors = new Float32Array(V * d).map((_, i) => (i < d ? 0 : rng.normal()));
    const aspects = new Float32Array(4 * d).map(() => rng.normal());
    return new SsaModel({ wordVectors: vectors, dim: d, aspects, encoder, seed: 1 });
  };
  const make = (encoder: 'ssa' | 'mean', options = {}) =>
    new SsclMethod(makeModel(encoder), { schedule: 'constant', learningRate: 0.02, warmupSteps: 5, ...options });
  const sentences = Array.from({ length: 8 }, (_, i) => Array.from({ length: 3 + (i % 3) }, (_, j) => 1 + ((i * 5 + j * 3) % 11)));

  for (const encoder of ['ssa', 'mean'] as const)
    it(`${encoder}: a few steps lower the loss, the word vectors stay frozen, aspect 0 stays put, nothing leaks`, () => {
      const method = make(encoder);
      const emb0 = method.model.embedding.dataSync().slice();
      const a0 = method.model.aspects.dataSync().slice();
      const batch = padBatch(sentences);
      const lossAt = (g: number) => tf.tidy(() => method.losses(batch, g).loss.dataSync()[0]!);
      const start = lossAt(50);
      for (let s = 0; s < 30; s++) {
        const out = method.step(batch, stepInfo(s + 40));
        tf.dispose(out as unknown as tf.TensorContainer);
      }
      expect(lossAt(50)).toBeLessThan(start);
      expect(method.model.embedding.dataSync()).toEqual(emb0);
      const a1 = method.model.aspects.dataSync();
      expect(Array.from(a1.subarray(0, 8))).toEqual(Array.from(a0.subarray(0, 8)));
      expect(Array.from(a1.subarray(8))).not.toEqual(Array.from(a0.subarray(8)));
      expect(Object.keys(method.stateTensors())).toContain('aspect_embedding');
      tf.dispose([batch.ids, batch.mask]);
      method.dispose();
      method.dispose();
    });

  it('the Noam schedule ignores learningRate and uses the warm-up steps; bad options throw', () => {
    const model = makeModel('ssa');
    expect(() => new SsclMethod(model, { warmupSteps: 0 })).toThrow(/warmupSteps/);
    model.dispose();
    const m = make('ssa', { schedule: 'noam' });
    expect(m.name).toBe('ssa');
    m.dispose();
  });
});
