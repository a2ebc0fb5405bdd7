#!/usr/bin/env node
import { defineCli, isEntryModule, runMain } from '@contrastive/core/cli';
import { catalogsCommand } from './catalogs-command.js';
import { debtagsCommand } from './debtags-command.js';
import { encodeCommand } from './encode-command.js';
import { evalCommand } from './eval-command.js';
import { generateCommand } from './seq2seq/generate-command.js';
import { indexCommand } from './index-command.js';
import { manpagesCommand } from './manpages-command.js';
import { searchCommand } from './search-command.js';
import { TOOL, VERSION } from './tool.js';
import { trainCommand } from './train-command.js';
import { wordnetCommand } from './wordnet-command.js';

/**
 * The `contrastive-text` CLI on core's toolkit: resolves to the exit code, never rejects. Results go to
 * `io.out` (stdout), every log line to `io.err` (stderr).
 *
 * @example await main(['train', '--method', 'consert', '--corpus', 'corpus.txt', '--json']);
 */
export const main = defineCli({
  tool: TOOL,
  version: VERSION,
  summary: 'contrastive text models on TensorFlow.js: sentence encoders, dense retrieval, seq2seq, aspect detection',
  commands: {
    train: {
      summary:
        'train a sentence encoder (simcse | simcse-sup | consert | ance | adapter), a seq2seq model (mle | claps) or an aspect detector (ssa | ssa-mean | kmeans) into a run folder',
      run: trainCommand,
    },
    eval: { summary: 'score a saved encoder (a run folder, a HF BERT folder or a frozen ONNX folder) against BM25', run: evalCommand },
    generate: {
      summary: 'generate with a trained seq2seq model (greedy or beam search), optionally scored with BLEU / ROUGE',
      run: generateCommand,
    },
    encode: { summary: 'embed texts with a saved encoder (JSONL on stdout)', run: encodeCommand },
    index: { summary: 'embed a corpus into a search index (usearch, exact flat, or PostgreSQL + pgvector)', run: indexCommand },
    search: { summary: 'search an index: dense, BM25 or hybrid top-k passages (JSONL on stdout)', run: searchCommand },
    'wordnet-data': { summary: 'write a WordNet training corpus and a held-out retrieval task', run: wordnetCommand },
    'manpages-data': {
      summary: 'write a retrieval dataset (NAME summary -> DESCRIPTION) from the installed manual pages',
      run: manpagesCommand,
    },
    'catalogs-data': { summary: 'write English -> LANG translation pairs from the installed gettext catalogs', run: catalogsCommand },
    'debtags-data': {
      summary: 'write an aspect-detection dataset: Debian package descriptions labelled with a debtags facet',
      run: debtagsCommand,
    },
  },
  details: 'Models and tokenizers are read from local folders only; nothing is downloaded.',
  examples: [
    `${TOOL} wordnet-data --out data/wordnet`,
    `${TOOL} train --method consert --corpus data/wordnet/corpus.txt --eval-pairs data/wordnet/pairs.jsonl --pooling mean --out runs/consert --json | jq .metrics`,
    `${TOOL} eval --checkpoint runs/consert --pairs data/wordnet/pairs.jsonl`,
    `${TOOL} encode --checkpoint runs/consert --input texts.txt > vectors.jsonl`,
  ],
});

if (isEntryModule(import.meta.url)) void runMain(main);
