import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRng, stepInfo } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { bertConfig } from '../encoders/bert-config.js';
import { BertEncoder } from '../encoders/bert.js';
import { SentenceEncoder } from '../encoders/sentence-encoder.js';
import { evaluateRetrieval } from '../eval/evaluate.js';
import { buildWordPieceTokenizer } from '../tokenize/write-wordpiece.js';
import { loadTokenizer } from '../tokenize/load-tokenizer.js';
import { SupervisedSimCSE } from './simcse-supervised.js';

// A synthetic corpus: 16 "documents" of 6 made-up words each; a query is 2 of its words in another order.
// Mean pooling: from scratch, [CLS] pooling collapses for many steps (see README), mean pooling learns at once.
const rng = createRng(42);
const words = Array.from(
  { length: 48 },
  (_, i) => `w${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}q`,
);
const docs = Array.from({ length: 16 }, () => rng.shuffle([...words]).slice(0, 6));
const pairs = docs.map((d) => ({ query: rng.shuffle(d.slice(0, 2)).join(' '), document: d.join(' ') }));

describe('a short training run', () => {
  useCpuLeakCheck();

  it('improves retrieval over the untrained encoder', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'train-')), 'tok');
    const vocab = buildWordPieceTokenizer(
      dir,
      pairs.map((p) => p.document),
      { vocabSize: 120, minFrequency: 1 },
    );
    const tokenizer = await loadTokenizer(dir);
    const config = bertConfig('tiny', vocab.length, { hiddenSize: 32, numLayers: 1, numHeads: 2, intermediateSize: 64, maxPositions: 16 });
    const enc = new SentenceEncoder(new BertEncoder(config, { seed: 7 }), tokenizer, { pooling: 'mean', maxLength: 16 });
    const untrained = await evaluateRetrieval(enc, pairs);
    const method = new SupervisedSimCSE(enc.bert, { learningRate: 1e-3, pooling: 'mean' });
    const r = createRng(5);
    for (let step = 0; step < 12; step++) {
      const idx = Array.from(r.permutation(pairs.length).slice(0, 8));
      const neg = idx.map((i) => pairs[(i + 1 + r.int(pairs.length - 1)) % pairs.length]!.document);
      const loss = method.step(
        {
          anchor: enc.tokenize(idx.map((i) => pairs[i]!.query)),
          positive: enc.tokenize(idx.map((i) => pairs[i]!.document)),
          negative: enc.tokenize(neg),
        },
        stepInfo(step, { seed: 1 }),
      );
      loss.dispose();
    }
    const trained = await evaluateRetrieval(enc, pairs);
    expect(trained.mrrAt10).toBeGreaterThan(untrained.mrrAt10 + 0.1);
    method.dispose(); // frees enc.bert too: the method owns it
  });
});
