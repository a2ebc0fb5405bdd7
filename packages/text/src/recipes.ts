import { findRecipe } from '@contrastive/core';
import type { Recipe } from '@contrastive/core';
import type { BertPreset } from './encoders/bert-config.js';
import type { TextMethodConfig, TextMethodName } from './methods/registry.js';

/** How a recipe trains beside the method's options (what the CLI's `--epochs`, `--batch-size`, `--max-length` default to). */
export interface TextTrainingDefaults {
  epochs: number;
  batchSize: number;
  /** Tokens per text including [CLS]/[SEP]. */
  maxLength: number;
}

/** The encoder a from-scratch recipe builds (absent: the recipe fine-tunes a pretrained BERT). */
export interface TextModelDefaults {
  /** BERT size preset (`tiny` = BERT-tiny L2/H128). */
  preset: BertPreset;
  /** WordPiece vocabulary size built from the corpus. */
  vocabSize: number;
  /** BERT hidden and attention dropout. */
  dropout: number;
}

/** A named text recipe: a method, its options, and the training and model settings that go with them. */
export interface TextRecipe extends Recipe<TextMethodConfig> {
  readonly method: TextMethodName;
  readonly training: TextTrainingDefaults;
  /** Set for recipes that train a fresh BERT from scratch; absent for fine-tuning recipes. */
  readonly model?: TextModelDefaults;
}

/** This project's from-scratch model: BERT-tiny, an 8000-token WordPiece vocabulary from the corpus, dropout 0.1. */
const TINY_MODEL: TextModelDefaults = { preset: 'tiny', vocabSize: 8000, dropout: 0.1 };
/** This project's small-corpus training on 2 CPU cores: 1 epoch of batches of 64 texts of at most 32 tokens. */
const SMALL_TRAINING: TextTrainingDefaults = { epochs: 1, batchSize: 64, maxLength: 32 };

/**
 * Named recipes for the CLI and examples (`findRecipe(RECIPES, name)` from core):
 *
 * - `*-paper`: each paper's defaults for BERT-base fine-tuning (official scripts).
 * - `*-tiny`: this project's from-scratch defaults, which the CLI uses without `--model` (a fresh BERT-tiny
 *   at peak rate 5e-4; the papers' rates are for a pretrained BERT and do nothing from scratch), with mean pooling
 *   for SimCSE (its paper's [CLS] pooling collapses from scratch).
 * - `*-finetune`: the CLI's defaults with `--model DIR` (a pretrained BERT): peak rate 3e-5 for every method.
 *
 * Everything not listed (temperature, pooling, views, weight decay, warm-up) is the method's own default,
 * which is its paper's (see `SIMCSE_OPTIMIZER`, `CONSERT_OPTIMIZER`).
 */
export const RECIPES: readonly TextRecipe[] = [
  {
    name: 'simcse-paper',
    method: 'simcse',
    description:
      'princeton-nlp/SimCSE run_unsup_example.sh (BERT-base): batch 64, lr 3e-5, 1 epoch, max length 32, τ 0.05, cls-mlp in training / cls at test',
    options: { learningRate: 3e-5, temperature: 0.05 },
    training: { epochs: 1, batchSize: 64, maxLength: 32 },
  },
  {
    name: 'simcse-sup-paper',
    method: 'simcse-sup',
    description:
      'princeton-nlp/SimCSE run_sup_example.sh (BERT-base, NLI triplets): batch 512 (4 GPUs × 128), lr 5e-5, 3 epochs, max length 32, τ 0.05, cls-mlp',
    options: { learningRate: 5e-5, temperature: 0.05, hardNegativeWeight: 0 },
    training: { epochs: 3, batchSize: 512, maxLength: 32 },
  },
  {
    name: 'consert-paper',
    method: 'consert',
    description:
      'yym6472/ConSERT unsup-consert-base.sh (BERT-base): batch 96, lr 5e-7, 10 epochs, max length 64, τ 0.1, feature cutoff 0.2 + token shuffle, no dropout, mean pooling (last2avg at test)',
    options: {
      learningRate: 5e-7,
      temperature: 0.1,
      views: [{ type: 'feature-cutoff', rate: 0.2 }, { type: 'token-shuffle' }],
      dropout: false,
    },
    training: { epochs: 10, batchSize: 96, maxLength: 64 },
  },
  {
    name: 'ance-paper',
    method: 'ance',
    description:
      'microsoft/ANCE run_train.sh, passage ANCE(FirstP) (RoBERTa-base after a BM25 warm-up): batch 64 (8 per GPU × 2 accumulation × 4 GPUs), ' +
      'lr 1e-6 (LAMB there, AdamW here), max length 512, NLL with raw dot product, 20 negatives from the top 200, first-token pooling ' +
      '(ANCE adds Linear + LayerNorm on it, not available here)',
    options: { learningRate: 1e-6, pooling: 'cls', similarity: 'dot', temperature: 1, loss: 'nll' },
    training: { epochs: 1, batchSize: 64, maxLength: 512 },
  },
  ...(['simcse', 'simcse-sup', 'consert', 'ance'] as const).flatMap((method): TextRecipe[] => [
    {
      name: `${method}-tiny`,
      method,
      description:
        `this project's from-scratch default (CLI without --model): fresh BERT-tiny, 8000-token WordPiece vocabulary, dropout 0.1, peak lr 5e-4, batch 64, 1 epoch, max length 32` +
        (method === 'consert' ? '' : ', mean pooling in training and at test') +
        (method === 'ance' ? ', in-batch negatives beside the mined ones' : '') +
        `; the rest ${method}'s paper defaults`,
      // SimCSE's [CLS] pooling collapses from scratch: a fresh BERT's [CLS] varies ~1000× less between sentences than
      // under dropout, so the loss is solved by sentence length (docs/results-text.md, "Why unsupervised SimCSE…").
      // Mean pooling carries the tokens. ConSERT already pools by mean.
      options:
        method === 'consert'
          ? { learningRate: 5e-4 }
          : method === 'ance'
            ? // ANCE from scratch (WordNet example → definition, 3,000 pairs, 188 steps, seeds 1–2): mean pooling is the only one
              // that gains (cls and cls-mlp fall below untrained), and the other queries' positives as extra negatives
              // lift held-out MRR@10 from 0.046/0.034 to 0.087/0.078 (untrained 0.034/0.033); ANCE itself does not use them.
              { learningRate: 5e-4, pooling: 'mean' as const, inBatchNegatives: true }
            : { learningRate: 5e-4, pooling: 'mean' as const },
      training: SMALL_TRAINING,
      model: TINY_MODEL,
    },
    {
      name: `${method}-finetune`,
      method,
      description: `this project's fine-tuning default (CLI with --model DIR): peak lr 3e-5, batch 64, 1 epoch, max length 32; the rest ${method}'s paper defaults`,
      options: { learningRate: 3e-5 },
      training: SMALL_TRAINING,
    },
  ]),
];

/** The recipe called `name`; unknown names throw with the valid ones (core's `findRecipe`). */
export function findTextRecipe(name: string): TextRecipe {
  findRecipe(RECIPES, name, 'text recipe');
  return RECIPES.find((r) => r.name === name)!;
}
