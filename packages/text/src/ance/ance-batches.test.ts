import { createRng } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { anceBatches, anceDataFromPairs, anceStepsPerEpoch } from './ance-batches.js';
import { tinyAnceTask } from './test-utils/tiny-ance.js';
import { rowLength, tokenBatchOf, tokenizeToStore } from './token-store.js';

const task = tinyAnceTask();

describe('anceDataFromPairs', () => {
  it('keys documents by text, gathers every positive of a repeated query, appends new extra passages', () => {
    const d = anceDataFromPairs(
      [
        { query: 'q1', document: 'doc a' },
        { query: 'q2', document: 'doc b' },
        { query: 'q1', document: 'doc c' },
        { query: 'q3', document: 'doc a' },
      ],
      ['doc b', 'doc d', '  ', 'doc e'],
    );
    expect(d.queries).toEqual(['q1', 'q2', 'q3']);
    expect(d.passages).toEqual(['doc a', 'doc b', 'doc c', 'doc d', 'doc e']);
    expect(d.positives).toEqual([[0, 2], [1], [0]]);
    expect(d.stats).toEqual({ pairs: 4, queries: 3, passages: 5, documents: 3, extraPassages: 2 });
  });

  it('refuses empty input, naming the pair', () => {
    expect(() => anceDataFromPairs([])).toThrow(/at least one/);
    expect(() =>
      anceDataFromPairs([
        { query: 'a', document: 'b' },
        { query: '', document: 'c' },
      ]),
    ).toThrow(/pair 2: empty or missing "query"/);
  });
});

describe('token store and batches', () => {
  it('stores the tokenizer’s rows unpadded and pads them back exactly as encodeBatch does', () => {
    const texts = task.passages.slice(0, 5);
    const store = tokenizeToStore(task.tokenizer, texts, { maxLength: 5 });
    expect(store.truncated).toBe(5); // 6 words + [CLS]/[SEP] > 5
    const want = task.tokenizer.encodeBatch(texts, { maxLength: 5, warn: () => {} });
    const got = tokenBatchOf(store, [0, 1, 2, 3, 4]);
    expect([got.batch, got.length]).toEqual([want.batch, want.length]);
    expect(Array.from(got.inputIds)).toEqual(Array.from(want.inputIds));
    expect(Array.from(got.attentionMask)).toEqual(Array.from(want.attentionMask));
    expect(rowLength(store, 0)).toBe(5);
    expect(() => tokenBatchOf(store, [5])).toThrow(/row 5 is not in \[0, 5\)/);
  });

  it('visits every query once per epoch (seeded), with its positive and the current table’s negatives at draw time', () => {
    const data = anceDataFromPairs(task.pairs);
    const queries = tokenizeToStore(task.tokenizer, data.queries, { maxLength: 16 });
    const passages = tokenizeToStore(task.tokenizer, data.passages, { maxLength: 16 });
    let version = 0;
    // Negatives of query q at table version v: passages (q + 1 + v) and (q + 2 + v) mod 16.
    const source = { negativesOf: (q: number) => Int32Array.from([(q + 1 + version) % 16, (q + 2 + version) % 16]) };
    const make = anceBatches({ queries, passages, positives: data.positives }, source, { batchSize: 5 });
    expect(anceStepsPerEpoch(16, 5)).toBe(4);
    const it1 = make(0, createRng(1));
    const b0 = it1.next().value!;
    version = 1; // a refresh between two draws changes the next batch only
    const rest = [...it1];
    expect([b0, ...rest].map((b) => b.query.batch)).toEqual([5, 5, 5, 1]);
    expect(b0.negatives.batch).toBe(10);
    // Find which queries batch 0 holds from their token rows, then check positives and negatives row by row.
    const rowOf = (b: typeof b0.query, i: number) =>
      Array.from(b.inputIds.subarray(i * b.length, i * b.length + b.length))
        .filter((_, j) => b.attentionMask[i * b.length + j] === 1)
        .join();
    const ids = (s: typeof queries, r: number) => Array.from(s.ids.subarray(s.offsets[r]!, s.offsets[r + 1]!)).join();
    const qIndex = (b: typeof b0, i: number) => data.queries.findIndex((_, q) => ids(queries, q) === rowOf(b.query, i));
    const seen: number[] = [];
    [b0, ...rest].forEach((b, bi) => {
      for (let i = 0; i < b.query.batch; i++) {
        const q = qIndex(b, i);
        seen.push(q);
        expect(rowOf(b.positive, i)).toBe(ids(passages, data.positives[q]![0]!));
        const v = bi === 0 ? 0 : 1;
        expect(rowOf(b.negatives, 2 * i)).toBe(ids(passages, (q + 1 + v) % 16));
        expect(rowOf(b.negatives, 2 * i + 1)).toBe(ids(passages, (q + 2 + v) % 16));
      }
    });
    expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    // Same epoch rng, same order; another seed, another order.
    const order = (seed: number) => [...make(0, createRng(seed))].map((b) => qIndex(b, 0));
    expect(order(1)).toEqual(order(1));
    expect(order(1)).not.toEqual(order(2));
  });
});
