import { createRng, deriveSeed, train } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { ANCE } from '../methods/ance.js';
import { anceDataFromPairs } from './ance-batches.js';
import { createAnceTraining } from './ance-training.js';
import { Bm25Index } from '../eval/bm25.js';
import { bm25Negatives } from './mine-negatives.js';
import { AnnNegativeRefresher, type AnnRefresherOptions } from './refresher.js';
import { tinyAnceTask, tinyBert } from './test-utils/tiny-ance.js';
import { tokenizeToStore } from './token-store.js';

const task = tinyAnceTask();

function setup(options: Partial<AnnRefresherOptions> = {}) {
  const method = new ANCE(tinyBert(task.tokenizer.vocabSize), { learningRate: 5e-3 });
  const data = anceDataFromPairs(task.pairs, task.passages);
  const queries = { texts: data.queries, tokens: tokenizeToStore(task.tokenizer, data.queries, { maxLength: 16 }) };
  const passages = { texts: data.passages, tokens: tokenizeToStore(task.tokenizer, data.passages, { maxLength: 16 }) };
  const base: AnnRefresherOptions = {
    encoder: method.encoder,
    embedding: { pooling: method.pooling, normalize: false },
    queries,
    passages,
    positives: data.positives,
    count: 3,
    topK: 8,
    refreshEvery: 2,
    seed: 3,
  };
  return { method, data, base, refresher: new AnnNegativeRefresher({ ...base, ...options }) };
}

describe('AnnNegativeRefresher (sync)', () => {
  useCpuLeakCheck();

  it('warm-starts from BM25, then refreshes at exactly steps K, 2K, … with tables that change; the positive’s duplicate is never a negative', async () => {
    const { method, data } = setup();
    // The copy of document 1 (upper case, doubled spaces) is the last passage: same text as query 1's positive.
    expect(data.passages[task.duplicateKey]).toBe(task.passages[task.duplicateKey]);
    const ance = createAnceTraining({
      method,
      tokenizer: task.tokenizer,
      maxLength: 16,
      pairs: task.pairs,
      passages: task.passages,
      batchSize: 4,
      negatives: 3,
      topK: 8,
      refreshEvery: 2,
      seed: 3,
      totalSteps: 6,
    });
    const tables: Int32Array[] = [];
    const usedNegatives: number[][] = [];
    const batches = ance.batches;
    await train({
      method,
      epochs: 2,
      stepsPerEpoch: 3,
      seed: 1,
      progress: false,
      batches: (epoch, rng) =>
        (function* () {
          for (const b of batches(epoch, rng)) {
            tables.push(ance.refresher.table.keys.slice());
            usedNegatives.push(Array.from(ance.refresher.table.keys));
            yield b;
          }
        })(),
      callbacks: [ance.callbacks],
    });
    const ev = ance.refresher.events;
    expect(ev.map((e) => [e.source, e.step, e.installedAt])).toEqual([
      ['bm25', 0, 0],
      ['ann', 2, 2],
      ['ann', 4, 4],
    ]); // none after the last step (totalSteps 6)
    for (const e of ev) expect(e.seconds).toBeGreaterThanOrEqual(0);
    // Steps 0-1 used BM25's table, 2-3 the first ANN table, 4-5 the second.
    expect(tables[0]).toEqual(tables[1]);
    expect(tables[2]).toEqual(tables[3]);
    expect(tables[1]).not.toEqual(tables[2]);
    expect(tables[3]).not.toEqual(tables[4]);
    // Query 1's positive text is also stored under duplicateKey: never its negative, and counted when dropped.
    const q1 = data.queries.indexOf(task.pairs[1]!.query);
    for (const t of usedNegatives) expect(t.slice(q1 * 3, q1 * 3 + 3)).not.toContain(task.duplicateKey);
    await ance.close();
    method.dispose();
  });

  it('uses BM25 negatives before the first refresh (the same table as bm25Negatives); warmStart ann mines at step 0', async () => {
    const { method, data, base, refresher } = setup({ shuffle: false });
    const first = await refresher.start(0);
    expect(first.source).toBe('bm25');
    // Each query's usable BM25 hits (best first: shuffle is off) lead its row; the rest is the random fill.
    const bm25 = new Bm25Index(data.passages);
    let mined = 0;
    data.queries.forEach((q, i) => {
      const usable = bm25
        .search(q, 8)
        .map(([k]) => k)
        .filter((k) => !data.positives[i]!.includes(k) && !(i === 1 && k === task.duplicateKey));
      const row = Array.from(first.keys.subarray(i * 3, i * 3 + 3));
      expect(row.slice(0, Math.min(3, usable.length))).toEqual(usable.slice(0, 3));
      mined += Math.min(3, usable.length);
    });
    expect(mined).toBeGreaterThan(5);
    expect(first.stats.mined).toBe(mined);
    const want = bm25Negatives(data.queries, data.positives, data.passages, { count: 3, topK: 8, rng: createRng(0), shuffle: false });
    expect(want.stats.mined).toBe(mined);
    const ann = new AnnNegativeRefresher({ ...base, warmStart: 'ann' });
    expect((await ann.start(0)).source).toBe('ann');
    // Resuming past the first boundary rebuilds from the current weights, not BM25.
    expect((await refresher.start(5)).source).toBe('ann');
    expect(refresher.events.map((e) => e.step)).toEqual([0, 5]);
    await Promise.all([refresher.close(), ann.close()]);
    method.dispose();
  });

  it('never mines a passage whose text equals the positive’s (under another key), and counts it', async () => {
    // n = 15 of 17 passages and every passage in the top-k: each query walks its whole list, so query 1 always
    // meets the copy of its positive (the copy's tokens, hence its vector, equal the positive's).
    const { method, refresher, base, data } = setup({ count: 15, topK: 17 });
    const q1 = data.queries.indexOf(task.pairs[1]!.query);
    const table = await refresher.computeAnnTable(2);
    expect(Array.from(table.keys.subarray(q1 * 15, q1 * 15 + 15))).not.toContain(task.duplicateKey);
    expect(table.stats.falseNegatives).toBe(1);
    expect(table.stats.filled).toBe(0);
    // With the text check off, the copy is a negative of query 1 (16 eligible passages, 16 taken).
    const loose = new AnnNegativeRefresher({ ...base, count: 16, topK: 17, dropEqualText: false });
    const t2 = await loose.computeAnnTable(2);
    expect(Array.from(t2.keys.subarray(q1 * 16, q1 * 16 + 16))).toContain(task.duplicateKey);
    expect(t2.stats.falseNegatives).toBe(0);
    await Promise.all([refresher.close(), loose.close()]);
    method.dispose();
  });

  it('mines reproducibly: the same weights, seed and step give the same table; another step another shuffle', async () => {
    const { method, refresher } = setup();
    const a = await refresher.computeAnnTable(4);
    const b = await refresher.computeAnnTable(4);
    const c = await refresher.computeAnnTable(6);
    expect(Array.from(a.keys)).toEqual(Array.from(b.keys));
    expect(Array.from(a.keys)).not.toEqual(Array.from(c.keys));
    expect(deriveSeed(3, 4)).not.toBe(deriveSeed(3, 6));
    await refresher.close();
    method.dispose();
  });

  it('refuses bad input: a query without a positive, n < 1, K < 1, async without an inferencer', () => {
    const { method, base } = setup();
    const positives = base.positives.map((p, i) => (i === 2 ? [] : p));
    expect(() => new AnnNegativeRefresher({ ...base, positives })).toThrow(/query 2 has no positive passage/);
    expect(() => new AnnNegativeRefresher({ ...base, positives: base.positives.slice(1) })).toThrow(/16 queries but 15 positive lists/);
    expect(() => new AnnNegativeRefresher({ ...base, count: 0 })).toThrow(/count \(negatives per query\) must be an integer >= 1, got 0/);
    expect(() => new AnnNegativeRefresher({ ...base, refreshEvery: 0 })).toThrow(
      /refreshEvery \(K, steps between refreshes\) must be an integer >= 1, got 0/,
    );
    expect(() => new AnnNegativeRefresher({ ...base, count: 17 })).toThrow(/count 17 needs a corpus of more than 17 passages, got 17/);
    expect(() => new AnnNegativeRefresher({ ...base, mode: 'async' })).toThrow(/mode 'async' needs an inferencer/);
    expect(() => new AnnNegativeRefresher({ ...base, positives: [[99], ...base.positives.slice(1)] })).toThrow(/positive key 99/);
    expect(() => new AnnNegativeRefresher(base).table).toThrow(/no negatives yet/);
    expect(() =>
      createAnceTraining({
        method,
        tokenizer: task.tokenizer,
        maxLength: 16,
        pairs: [{ query: 'x', document: ' ' }],
        batchSize: 2,
        refreshEvery: 1,
      }),
    ).toThrow(/pair 1: empty or missing "document"/);
    method.dispose();
  });
});
