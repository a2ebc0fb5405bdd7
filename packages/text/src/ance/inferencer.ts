import type { BertEncoder } from '../encoders/bert.js';
import { embedTokenStore } from './embed-store.js';
import type { StoreEmbeddingOptions } from './embed-store.js';
import type { TokenStore } from './token-store.js';
import type { WeightSnapshot } from './weight-snapshot.js';

/** What an inferencer embeds: the refresher's tokenised corpus and queries, and how. */
export interface InferencerSetup {
  passages: TokenStore;
  queries: TokenStore;
  embedding: StoreEmbeddingOptions;
}

/** The corpus and the training queries embedded by one set of weights (row-major, `dim` values per row). */
export interface CorpusEmbeddings {
  passages: Float32Array;
  queries: Float32Array;
  dim: number;
}

/**
 * ANCE's Inferencer: turns a snapshot of the training encoder's weights into embeddings of the passage corpus
 * and the training queries, so the refresher can rebuild the index while training continues. `setup` is the
 * same object on every call of one refresher (an implementation may send it once and cache it).
 *
 * Implementations: {@link LocalInferencer} (on the caller's thread, with a second BERT), and `WorkerInferencer`
 * from `@contrastive/text/node` (a `worker_threads` Worker with its own tfjs).
 */
export interface AnnInferencer {
  embed(setup: InferencerSetup, snapshot: WeightSnapshot): Promise<CorpusEmbeddings>;
  /** Frees what the inferencer holds (a worker, a model). Idempotent. */
  close(): Promise<void>;
}

/**
 * Embeds with the live encoder on the current thread (ignores the snapshot: the encoder already holds those
 * weights at a step boundary). What the refresher's `sync` mode uses.
 */
export class LocalInferencer implements AnnInferencer {
  constructor(private readonly encoder: BertEncoder) {}

  async embed(setup: InferencerSetup): Promise<CorpusEmbeddings> {
    const passages = await embedTokenStore(this.encoder, setup.passages, setup.embedding);
    const queries = await embedTokenStore(this.encoder, setup.queries, setup.embedding);
    return { passages, queries, dim: this.encoder.config.hiddenSize };
  }

  async close(): Promise<void> {}
}
