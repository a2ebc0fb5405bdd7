import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { bertConfig } from '../encoders/bert-config.js';
import { BertEncoder } from '../encoders/bert.js';
import { SentenceEncoder } from '../encoders/sentence-encoder.js';
import { buildWordPieceTokenizer } from '../tokenize/write-wordpiece.js';
import { loadTokenizer } from '../tokenize/load-tokenizer.js';
import { Bm25Index } from './bm25.js';
import { evaluateAlignmentUniformity, evaluateRetrieval, evaluateRetrievalBm25, evaluateSts, evaluateStsBm25 } from './evaluate.js';
import { denseRanks, metricsFromRanks, retrievalTask } from './retrieval.js';
import { spearman } from './spearman.js';

const corpus = readFileSync(new URL('../__fixtures__/corpus/tiny.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean);

describe('evaluation', () => {
  useCpuLeakCheck();

  it('spearman matches scipy (with ties) and detects perfect monotone relations', () => {
    expect(spearman([1, 2, 3, 4, 5, 2], [5, 6, 7, 8, 7, 1])).toBeCloseTo(0.7941176470588236, 10);
    expect(spearman([1, 2, 3], [10, 200, 3000])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(() => spearman([1], [1])).toThrow(/at least 2/);
  });

  it('retrieval metrics: dedupes documents, ranks pessimistically on ties', async () => {
    const t = retrievalTask([
      { query: 'a', document: 'x' },
      { query: 'b', document: 'y' },
      { query: 'c', document: 'x' },
    ]);
    expect(t.documents).toEqual(['x', 'y']);
    expect(Array.from(t.gold)).toEqual([0, 1, 0]);
    const m = metricsFromRanks([1, 2, 11], 5);
    expect(m.recallAt1).toBeCloseTo(1 / 3);
    expect(m.recallAt10).toBeCloseTo(2 / 3);
    expect(m.mrrAt10).toBeCloseTo((1 + 0.5) / 3);
    const q = [new Float32Array([1, 0]), new Float32Array([0, 1])];
    const docs = [new Float32Array([1, 0]), new Float32Array([1, 0]), new Float32Array([0, 1])];
    expect(Array.from(await denseRanks(q, docs, new Int32Array([0, 2])))).toEqual([2, 1]);
  });

  it('BM25 finds documents by shared (stemmed) terms', () => {
    const idx = new Bm25Index(corpus);
    expect(idx.search('solar planets', 3)[0]![0]).toBe(7);
    expect(idx.search('foxes jumping', 8).map(([i]) => i)).toContain(0);
    const r = evaluateRetrievalBm25([
      { query: 'fox jumping over a dog', document: corpus[0]! },
      { query: 'pets at home', document: corpus[4]! },
      { query: 'planets around the sun', document: corpus[7]! },
    ]);
    expect(r.recallAt10).toBe(1);
    expect(r.documents).toBe(3);
  });

  it('dense retrieval / STS / alignment-uniformity run end to end on an untrained encoder', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'eval-')), 'tok');
    const vocab = buildWordPieceTokenizer(dir, corpus, { vocabSize: 150, minFrequency: 1 });
    const tok = await loadTokenizer(dir);
    const bert = new BertEncoder(bertConfig('tiny', vocab.length, { hiddenSize: 32, intermediateSize: 64, maxPositions: 32 }), { seed: 1 });
    const enc = new SentenceEncoder(bert, tok, { pooling: 'mean', maxLength: 32 });
    const pairs = corpus.map((d, i) => ({ query: d.split(' ').slice(0, 4).join(' '), document: corpus[(i + 1) % corpus.length]! }));
    const m = await evaluateRetrieval(enc, pairs, { batchSize: 3 });
    expect(m.queries).toBe(corpus.length);
    expect(m.recallAt10).toBe(1); // 8 documents: everything is in the top 10
    expect(m.recallAt1).toBeGreaterThanOrEqual(0);
    // Identical sentence pairs are maximally similar: a gold score of 5 for identical pairs gives rho = 1.
    const sts = corpus.slice(0, 6).map((s, i) => ({ sentence1: s, sentence2: i % 2 ? s : corpus[7 - i]!, score: i % 2 ? 5 : 0 }));
    const r = await evaluateSts(enc, sts);
    expect(r.spearman).toBeGreaterThan(0.8);
    expect(evaluateStsBm25(sts).spearman).toBeGreaterThan(0.5);
    const au = await evaluateAlignmentUniformity(
      enc,
      corpus.map((s) => ({ a: s, b: s })),
    );
    expect(au.alignment).toBeCloseTo(0, 5);
    expect(Number.isFinite(au.uniformity)).toBe(true);
    enc.dispose();
  });
});
