import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { adapterBatches, adapterBatchIndices, adapterExamples, adapterStepsPerEpoch, adapterTexts } from './adapter-batches.js';
import { rotatedPairs, TableTower } from './test-utils/synthetic-tower.js';
import { TowerCache } from './tower-cache.js';

useCpuLeakCheck();

describe('TowerCache', () => {
  it('embeds each distinct text once, in batches of at most batchSize, and gathers rows in order', async () => {
    const { tower, examples } = rotatedPairs(10, 4, 1);
    const calls: number[] = [];
    const counting = {
      name: tower.name,
      dim: tower.dim,
      encode: (t: readonly string[]) => {
        calls.push(t.length);
        return tower.encode(t);
      },
    };
    const cache = new TowerCache(counting, { batchSize: 3 });
    const texts = adapterTexts(examples);
    const progress: number[] = [];
    expect(await cache.add([...texts, ...texts], (done) => progress.push(done))).toBe(20);
    expect(calls).toEqual([3, 3, 3, 3, 3, 3, 2]);
    expect(progress.at(-1)).toBe(20);
    expect(await cache.add(texts)).toBe(0); // nothing new: the tower is not called again
    expect(calls).toHaveLength(7);
    expect(cache.size).toBe(20);
    expect(cache.bytes).toBe(4096 * 4 * 4);
    const x = cache.gather(['p3', 'q0']);
    expect(x.shape).toEqual([2, 4]);
    expect(Array.from(x.dataSync())).toEqual([...tower.table.get('p3')!, ...tower.table.get('q0')!]);
    x.dispose();
    // As a text embedder it answers from the cache and embeds only what it has not seen.
    const [v] = await cache.encode(['q1']);
    expect(Array.from(v!)).toEqual(Array.from(tower.table.get('q1')!));
    expect(calls).toHaveLength(7);
    expect(() => cache.vector('never added')).toThrow(/"never added" was not embedded \(add it with cache.add first\)/);
    await expect(cache.encode(['q1'], { pooling: 'mean' })).rejects.toThrow(/pooling does not apply/);
    expect(() => new TowerCache(tower, { batchSize: 0 })).toThrow(/batchSize must be an integer >= 1/);
  });

  it('grows past one storage block without losing rows', async () => {
    const table = new Map(Array.from({ length: 5000 }, (_, i) => [`t${i}`, Float32Array.of(i, -i)] as const));
    const cache = new TowerCache(new TableTower(2, table), { batchSize: 1000 });
    await cache.add(table.keys());
    expect(cache.size).toBe(5000);
    expect(Array.from(cache.vector('t4097'))).toEqual([4097, -4097]);
    expect(Array.from(cache.vector('t0'))).toEqual([0, -0]);
  });
});

describe('adapterBatches', () => {
  it('turns pairs and triplets into examples, and refuses a mix', () => {
    expect(adapterExamples([{ query: 'a', document: 'b' }])).toEqual([{ query: 'a', positive: 'b' }]);
    expect(adapterExamples([{ text: 'a', positive: 'b', negative: 'c' }])).toEqual([{ query: 'a', positive: 'b', negative: 'c' }]);
    expect(() =>
      adapterExamples([
        { query: 'a', document: 'b' },
        { text: 'a', positive: 'b', negative: 'c' },
      ]),
    ).toThrow(/mix pairs and triplets \(1 of 2 have a negative\)/);
    expect(
      adapterTexts([
        { query: 'a', positive: 'b' },
        { query: 'c', positive: 'b' },
      ]),
    ).toEqual(['a', 'b', 'c']);
  });

  it('gives floor(n / batchSize) batches per epoch, one of all n below batchSize, none below 2', () => {
    expect(adapterStepsPerEpoch(100, 32)).toBe(3);
    expect(adapterStepsPerEpoch(5, 32)).toBe(1);
    expect(adapterStepsPerEpoch(1, 32)).toBe(0);
    expect(() => adapterStepsPerEpoch(10, 1)).toThrow(/batchSize must be an integer >= 2/);
  });

  it('never puts one text twice in a batch (a shared positive waits for a later batch); seeded shuffles', () => {
    // 12 queries, 3 definitions shared by 4 queries each: a batch of 3 can hold each definition once.
    const examples = Array.from({ length: 12 }, (_, i) => ({ query: `example ${i}`, positive: `definition ${i % 3}` }));
    for (let seed = 0; seed < 20; seed++) {
      const batches = adapterBatchIndices(examples, 3, createRng(seed));
      expect(batches).toHaveLength(4);
      for (const b of batches) expect(new Set(b.map((i) => examples[i]!.positive)).size).toBe(b.length);
      expect(new Set(batches.flat()).size).toBe(12); // every example once
    }
    expect(adapterBatchIndices(examples, 3, createRng(5))).toEqual(adapterBatchIndices(examples, 3, createRng(5)));
    expect(adapterBatchIndices(examples, 3, createRng(5))).not.toEqual(adapterBatchIndices(examples, 3, createRng(6)));
    // Four queries of one definition cannot make a batch of two distinct positives: the epoch ends.
    const same = Array.from({ length: 4 }, (_, i) => ({ query: `q${i}`, positive: 'the one definition' }));
    expect(adapterBatchIndices(same, 2, createRng(0))).toEqual([]);
  });

  it('yields tower-vector batches from the cache (with the negative column for triplets), and refuses uncached texts', async () => {
    const { tower, examples } = rotatedPairs(10, 4, 2, { negatives: true });
    const cache = new TowerCache(tower);
    expect(() => adapterBatches(examples, cache)).toThrow(/"q0" was not embedded/);
    await cache.add(adapterTexts(examples));
    const batches = [...adapterBatches(examples, cache, { batchSize: 4 })(0, createRng(1))];
    expect(batches).toHaveLength(2);
    const [b] = batches;
    expect(b!.query.shape).toEqual([4, 4]);
    expect(b!.negative!.shape).toEqual([4, 4]);
    // Row i of each column belongs to the same example.
    const q = b!.query.arraySync();
    const p = b!.positive.arraySync();
    const i = examples.findIndex((e) => Array.from(tower.table.get(e.query)!).every((v, k) => Math.abs(v - q[0]![k]!) < 1e-7));
    expect(p[0]!.map((v) => Math.fround(v))).toEqual(Array.from(tower.table.get(examples[i]!.positive)!));
    for (const x of batches) tf.dispose([x.query, x.positive, x.negative!]);
  });
});
