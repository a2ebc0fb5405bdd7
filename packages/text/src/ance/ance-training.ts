import type { Rng, TrainCallbacks } from '@contrastive/core';
import type { BertEncoder } from '../encoders/bert.js';
import type { Pooling } from '../encoders/pooling.js';
import type { AnceBatch } from '../methods/ance.js';
import type { VectorIndex } from '../vector-index/vector-index.js';
import type { AnceSimilarity } from './ance-loss.js';
import { anceBatches, anceDataFromPairs, anceStepsPerEpoch } from './ance-batches.js';
import type { AnceData } from './ance-batches.js';
import type { RetrievalPair } from '../data/parse-corpus.js';
import type { AnnInferencer } from './inferencer.js';
import { AnnNegativeRefresher } from './refresher.js';
import type { RefreshMode } from './refresher.js';
import { tokenizeToStore } from './token-store.js';
import type { StoreTokenizer, TokenStore } from './token-store.js';

/** Options of {@link createAnceTraining}. */
export interface AnceTrainingOptions {
  /** The ANCE method being trained (its encoder, pooling and similarity shape the index). */
  method: { encoder: BertEncoder; pooling: Pooling; similarity: AnceSimilarity };
  /** The tokenizer of the method's encoder. */
  tokenizer: StoreTokenizer;
  /** Tokens per text including [CLS]/[SEP]; longer texts are truncated. */
  maxLength: number;
  /** Training pairs: queries and their positive documents (the documents form the passage corpus). */
  pairs: readonly RetrievalPair[];
  /** More passages for the corpus negatives are mined from (a `--passages FILE`). */
  passages?: readonly string[];
  /** Queries per batch. */
  batchSize: number;
  /** n, negatives per query and step (the refresher's `count`). Default 5. */
  negatives?: number;
  /** K, steps between refreshes. */
  refreshEvery: number;
  /** Mine from the top-k. Default 200. */
  topK?: number;
  /** The run's total steps (epochs × steps per epoch): no refresh at the very end, where it would be unused. */
  totalSteps?: number;
  /** Default `sync`; `async` needs `inferencer`. */
  mode?: RefreshMode;
  inferencer?: AnnInferencer;
  warmStart?: 'bm25' | 'ann';
  createIndex?: (dim: number) => VectorIndex | Promise<VectorIndex>;
  /** Seeds the mining (the run's seed). Default 0. */
  seed?: number;
  /** Texts per forward pass when re-encoding the corpus. Default 64. */
  encodeBatchSize?: number;
  log?: (line: string) => void;
}

/** What {@link createAnceTraining} returns: hand `batches`, `stepsPerEpoch` and `callbacks` to core's `train()`. */
export interface AnceTraining {
  data: AnceData;
  /** The tokenised queries and passages (`tokens.truncated` says how many were cut). */
  tokens: { queries: TokenStore; passages: TokenStore };
  refresher: AnnNegativeRefresher;
  batches: (epoch: number, rng: Rng) => Generator<AnceBatch>;
  stepsPerEpoch: number;
  /** The refresher's callbacks (first table at train begin, refresh every K steps). */
  callbacks: TrainCallbacks;
  /** Closes the refresher (and its worker). Call in a `finally`. */
  close(): Promise<void>;
}

/**
 * Everything `train --method ance` needs beside the method: the passage corpus and queries from the pairs (and an
 * extra corpus), tokenised once; the {@link AnnNegativeRefresher}; and the batch generator reading its table.
 *
 * @example
 * const ance = createAnceTraining({ method, tokenizer, maxLength: 32, pairs, batchSize: 32, refreshEvery: 100 });
 * try {
 *   await train({ method, batches: ance.batches, stepsPerEpoch: ance.stepsPerEpoch, epochs: 1, callbacks: [ance.callbacks] });
 * } finally {
 *   await ance.close();
 * }
 */
export function createAnceTraining(options: AnceTrainingOptions): AnceTraining {
  const { tokenizer, maxLength, batchSize, seed = 0 } = options;
  let refresher: AnnNegativeRefresher;
  let data: AnceData;
  let queries: TokenStore;
  let passages: TokenStore;
  let batches: AnceTraining['batches'];
  try {
    data = anceDataFromPairs(options.pairs, options.passages ?? []);
    queries = tokenizeToStore(tokenizer, data.queries, { maxLength });
    passages = tokenizeToStore(tokenizer, data.passages, { maxLength });
    refresher = makeRefresher(options, data, queries, passages, seed);
    batches = anceBatches({ queries, passages, positives: data.positives }, refresher, { batchSize });
  } catch (e) {
    // The refresher owns the inferencer only once built: close a worker the caller started for it.
    void options.inferencer?.close();
    throw e;
  }
  return {
    data,
    tokens: { queries, passages },
    refresher,
    batches,
    stepsPerEpoch: anceStepsPerEpoch(data.queries.length, batchSize),
    callbacks: refresher.callbacks(),
    close: () => refresher.close(),
  };
}

function makeRefresher(
  options: AnceTrainingOptions,
  data: AnceData,
  queries: TokenStore,
  passages: TokenStore,
  seed: number,
): AnnNegativeRefresher {
  const { method } = options;
  return new AnnNegativeRefresher({
    encoder: method.encoder,
    embedding: {
      pooling: method.pooling,
      normalize: method.similarity === 'cos',
      ...(options.encodeBatchSize === undefined ? {} : { batchSize: options.encodeBatchSize }),
    },
    queries: { texts: data.queries, tokens: queries },
    passages: { texts: data.passages, tokens: passages },
    positives: data.positives,
    refreshEvery: options.refreshEvery,
    seed,
    ...defined({
      count: options.negatives,
      topK: options.topK,
      totalSteps: options.totalSteps,
      mode: options.mode,
      inferencer: options.inferencer,
      warmStart: options.warmStart,
      createIndex: options.createIndex,
      log: options.log,
    }),
  });
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
