// A tiny retrieval task for ANCE's mechanics tests: made-up words, each "document" 6 of them, each query 2 words
// of its document in another order; passage 1 is stored again (other case and spacing) under the last key.
import { createRng } from '@contrastive/core';
import { bertConfig } from '../../encoders/bert-config.js';
import { BertEncoder } from '../../encoders/bert.js';
import { TextTokenizer } from '../../tokenize/text-tokenizer.js';
import { buildWordPieceVocab, wordPieceTokenizerConfig, wordPieceTokenizerJson } from '../../tokenize/wordpiece-vocab.js';
import type { RetrievalPair } from '../../data/parse-corpus.js';

export interface TinyAnceTask {
  pairs: RetrievalPair[];
  /** The documents of the pairs, then a copy of document 1 in upper case with doubled spaces. */
  passages: string[];
  /** Key of the copy of document 1. */
  duplicateKey: number;
  tokenizer: TextTokenizer;
}

export function tinyAnceTask(documents = 16, seed = 42): TinyAnceTask {
  const rng = createRng(seed);
  const words = Array.from(
    { length: 48 },
    (_, i) => `w${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}q`,
  );
  const docs = Array.from({ length: documents }, () => rng.shuffle([...words]).slice(0, 6));
  const pairs = docs.map((d) => ({ query: rng.shuffle(d.slice(0, 2)).join(' '), document: d.join(' ') }));
  const passages = [...pairs.map((p) => p.document), pairs[1]!.document.toUpperCase().replace(/ /g, '  ')];
  const vocab = buildWordPieceVocab(
    passages.map((p) => p.toLowerCase()),
    { vocabSize: 120, minFrequency: 1 },
  );
  const tokenizer = new TextTokenizer(wordPieceTokenizerJson(vocab), wordPieceTokenizerConfig());
  return { pairs, passages, duplicateKey: passages.length - 1, tokenizer };
}

/** A 1-layer BERT of width 32 for the task's vocabulary (dropout 0 unless given: steps are then deterministic). */
export function tinyBert(vocabSize: number, options: { seed?: number; dropout?: number } = {}): BertEncoder {
  const { seed = 7, dropout = 0 } = options;
  const config = bertConfig('tiny', vocabSize, {
    hiddenSize: 32,
    numLayers: 1,
    numHeads: 2,
    intermediateSize: 64,
    maxPositions: 16,
    hiddenDropout: dropout,
    attentionDropout: dropout,
  });
  return new BertEncoder(config, { seed });
}
