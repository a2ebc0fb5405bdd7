import { createRng, deriveSeed } from '@contrastive/core';
import type { TrainCallbacks } from '@contrastive/core';
import type { BertEncoder } from '../encoders/bert.js';
import { Bm25Index } from '../eval/bm25.js';
import { FlatIndex } from '../vector-index/flat-index.js';
import type { VectorIndex } from '../vector-index/vector-index.js';
import type { StoreEmbeddingOptions } from './embed-store.js';
import { LocalInferencer } from './inferencer.js';
import type { AnnInferencer, CorpusEmbeddings, InferencerSetup } from './inferencer.js';
import { bm25Negatives, mineNegatives, textGroups } from './mine-negatives.js';
import type { MiningStats, QueryPositives } from './mine-negatives.js';
import type { TokenStore } from './token-store.js';
import { snapshotWeights } from './weight-snapshot.js';

/** `sync`: refresh inline at the step boundary (deterministic). `async`: an inferencer works while training goes on. */
export const REFRESH_MODES = ['sync', 'async'] as const;
export type RefreshMode = (typeof REFRESH_MODES)[number];

/** Texts and their tokenisation (the same order: row r of `tokens` is `texts[r]`). */
export interface TokenizedTexts {
  texts: readonly string[];
  tokens: TokenStore;
}

/** The negatives in use: `keys[q·count …]` are query q's passage keys. */
export interface NegativesTable {
  keys: Int32Array;
  count: number;
  /** `bm25` (warm start) or `ann` (mined from the dense index). */
  source: 'bm25' | 'ann';
  /** The optimizer step whose weights made it (0 = the initial weights). */
  step: number;
  stats: MiningStats;
}

/** One refresh, as recorded in {@link AnnNegativeRefresher.events}. */
export interface RefreshEvent {
  source: 'bm25' | 'ann';
  /** Steps trained when the weights were read (the table's {@link NegativesTable.step}). */
  step: number;
  /** Steps trained when the table was put in use (= `step` in sync mode; later in async mode). */
  installedAt: number;
  /** Wall seconds from reading the weights to the table being ready (encoding, index, search, mining). */
  seconds: number;
  /** Hits dropped as false negatives (text equal to a positive's under another key). */
  falseNegatives: number;
  /** Negatives filled at random because too few hits were usable. */
  filled: number;
  /** Queries whose positive was in their top-k. */
  positivesRetrieved: number;
  /** The whole mining summary. */
  stats: MiningStats;
}

/** Options of {@link AnnNegativeRefresher}. */
export interface AnnRefresherOptions {
  /** The encoder being trained (the method's; read, never changed). */
  encoder: BertEncoder;
  /** The method's pooling and similarity as embedding options (`normalize` = `similarity === 'cos'`). */
  embedding: StoreEmbeddingOptions;
  /** Training queries. */
  queries: TokenizedTexts;
  /** The passage corpus the negatives come from; key k = passage k. */
  passages: TokenizedTexts;
  /** Per query, its positive passage key(s). */
  positives: readonly QueryPositives[];
  /**
   * n, negatives per query. Default 5, `run_ann_data_gen.py`'s `--negative_sample` default (its scripts use 20;
   * every negative costs one more passage through the encoder per query and step).
   */
  count?: number;
  /** Mine from each query's top-k hits. Default 200, the scripts' `--topk_training` (the code's default is 500). */
  topK?: number;
  /**
   * K: re-encode the corpus every K optimizer steps (the paper: a checkpoint every 10k steps, picked up by the
   * Inferencer when it is free). Required.
   */
  refreshEvery: number;
  /**
   * Negatives before the first refresh: `bm25` (default; the paper's BM25 warm-up — a fresh encoder's neighbours
   * are noise) or `ann` (mine from the initial weights at step 0: a warmed-up or pretrained encoder, as the
   * official code builds its first ANN data from the warm-up checkpoint).
   */
  warmStart?: 'bm25' | 'ann';
  /** Default `sync`. `async` needs an {@link inferencer}. */
  mode?: RefreshMode;
  /**
   * The run's total optimizer steps, if known: no refresh is started at a boundary at or past it (its table would
   * never be used). Default: unknown (a refresh at the last boundary is wasted work, nothing worse).
   */
  totalSteps?: number;
  /** The async mode's inferencer (`WorkerInferencer` from `@contrastive/text/node`); owned: `close()` closes it. */
  inferencer?: AnnInferencer;
  /** Builds the index of a refresh (closed after the search). Default: exact {@link FlatIndex}, as ANCE's Faiss `IndexFlatIP`. */
  createIndex?: (dim: number) => VectorIndex | Promise<VectorIndex>;
  /** Seeds the mining shuffle and fill (per refresh: derived from the seed and the step). Default 0. */
  seed?: number;
  /** Shuffle the top-k before taking n (ANCE's default). Default `true`. */
  shuffle?: boolean;
  /** Drop passages whose text equals a positive's. Default `true`. */
  dropEqualText?: boolean;
  /** Progress lines (one per refresh). */
  log?: (line: string) => void;
}

/** Queries searched per `VectorIndex.search` call (bounds the hit lists held at once). */
const SEARCH_CHUNK = 256;

/**
 * ANCE's negative refresh (Xiong et al., ICLR 2021): every K optimizer steps the passage corpus and the training
 * queries are re-encoded with the current weights, an exact inner-product index is rebuilt, every query is
 * searched and its negatives are re-mined ({@link mineNegatives}: shuffled top-k, positive and equal-text
 * passages dropped). Before the first refresh the negatives come from BM25 (warm start).
 *
 * Modes:
 * - `sync`: at the boundary after step K, 2K, … the refresh runs inline and its table is used from the next step
 *   on. Deterministic: the same seed gives the same tables and the same run.
 * - `async`: at each boundary the weights are snapshotted and handed to the {@link AnnInferencer} (a worker
 *   thread), and training continues on the current negatives; the new table is put in use at the first step
 *   boundary after it is ready — the paper's Trainer/Inferencer split. A boundary that comes while the inferencer
 *   is busy is not queued: the next refresh starts, with the then-current weights, as soon as the busy one is
 *   installed (as the Inferencer always takes the newest checkpoint). Which step a table arrives at depends on
 *   timing, so async runs are not bit-reproducible.
 *
 * Use with core's `train()`: pass {@link callbacks} and build each batch from {@link negativesOf} *when the batch
 * is drawn* (a generator reads it lazily: see `anceBatches`). On resume (`onTrainBegin` with a step > 0) the
 * table is rebuilt from the resumed weights (BM25 before the first refresh), so a resumed run equals an
 * uninterrupted one only when it resumes at a refresh boundary.
 *
 * Index search and mining run on the caller's thread in both modes (an exact search over 10⁴ passages takes
 * well under a second); `async` moves the encoding, the expensive part, off it.
 */
export class AnnNegativeRefresher {
  readonly count: number;
  readonly topK: number;
  readonly refreshEvery: number;
  readonly mode: RefreshMode;
  readonly warmStart: 'bm25' | 'ann';
  /** Every table put in use, in order. */
  readonly events: RefreshEvent[] = [];
  private readonly setup: InferencerSetup;
  private readonly local: LocalInferencer;
  private current: NegativesTable | null = null;
  private ready: { table: NegativesTable; seconds: number } | null = null;
  private inFlight: Promise<void> | null = null;
  private failure: Error | null = null;
  private wanted = false;
  private bm25: Bm25Index | null = null;
  private closed = false;

  constructor(private readonly options: AnnRefresherOptions) {
    const { queries, passages, positives, refreshEvery, count = 5, topK = 200, mode = 'sync', warmStart = 'bm25' } = options;
    if (!Number.isInteger(refreshEvery) || refreshEvery < 1)
      throw new RangeError(`refreshEvery (K, steps between refreshes) must be an integer >= 1, got ${refreshEvery}`);
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`count (negatives per query) must be an integer >= 1, got ${count}`);
    if (!Number.isInteger(topK) || topK < 1) throw new RangeError(`topK must be an integer >= 1, got ${topK}`);
    if (options.totalSteps !== undefined && !(Number.isInteger(options.totalSteps) && options.totalSteps >= 1))
      throw new RangeError(`totalSteps must be an integer >= 1, got ${options.totalSteps}`);
    if (!REFRESH_MODES.includes(mode)) throw new RangeError(`mode must be one of 'sync', 'async', got '${String(mode)}'`);
    if (warmStart !== 'bm25' && warmStart !== 'ann') throw new RangeError(`warmStart must be 'bm25' or 'ann', got '${String(warmStart)}'`);
    if (mode === 'async' && options.inferencer === undefined)
      throw new TypeError("mode 'async' needs an inferencer (WorkerInferencer from @contrastive/text/node)");
    if (queries.texts.length !== queries.tokens.size || passages.texts.length !== passages.tokens.size)
      throw new RangeError('queries/passages: texts and tokens differ in length');
    if (positives.length !== queries.texts.length)
      throw new RangeError(`${queries.texts.length} queries but ${positives.length} positive lists: every query needs a positive`);
    if (count >= passages.texts.length)
      throw new RangeError(`count ${count} needs a corpus of more than ${count} passages, got ${passages.texts.length}`);
    positives.forEach((p, q) => {
      const keys = typeof p === 'number' ? [p] : p;
      if (!Array.isArray(keys) || keys.length === 0) throw new RangeError(`query ${q} has no positive passage`);
      for (const k of keys)
        if (!Number.isInteger(k) || k < 0 || k >= passages.texts.length)
          throw new RangeError(`query ${q}: positive key ${k} is not a passage key in [0, ${passages.texts.length})`);
    });
    this.count = count;
    this.topK = topK;
    this.refreshEvery = refreshEvery;
    this.mode = mode;
    this.warmStart = warmStart;
    this.setup = { passages: passages.tokens, queries: queries.tokens, embedding: options.embedding };
    this.local = new LocalInferencer(options.encoder);
    textGroups(passages.texts); // normalise the corpus once, up front
  }

  /** The table in use. @throws before {@link start}. */
  get table(): NegativesTable {
    if (this.current === null) throw new Error('AnnNegativeRefresher: no negatives yet (call start(), or pass callbacks() to train())');
    return this.current;
  }

  /** Query q's current negatives (passage keys, `count` of them). */
  negativesOf(q: number): Int32Array {
    const t = this.table;
    if (!Number.isInteger(q) || q < 0 || q * t.count >= t.keys.length)
      throw new RangeError(`query ${q} is not in [0, ${t.keys.length / t.count})`);
    return t.keys.subarray(q * t.count, (q + 1) * t.count);
  }

  /**
   * The first table, for training that starts (or resumes) after `stepsDone` steps: BM25 before the first
   * refresh boundary with `warmStart: 'bm25'`, else mined from the current weights.
   */
  async start(stepsDone = 0): Promise<NegativesTable> {
    this.checkOpen();
    const t0 = performance.now();
    const useBm25 = this.warmStart === 'bm25' && stepsDone < this.refreshEvery;
    const table = useBm25 ? this.bm25Table() : await this.annTable(stepsDone, await this.local.embed(this.setup));
    this.install(table, stepsDone, (performance.now() - t0) / 1000);
    return table;
  }

  /**
   * Called after each optimizer step with the number of steps done: installs a finished async table, and starts
   * (async) or runs (sync) the refresh due at multiples of K.
   */
  async afterStep(stepsDone: number): Promise<void> {
    this.checkOpen();
    if (this.current === null) throw new Error('AnnNegativeRefresher.afterStep before start() (pass callbacks() to train())');
    if (this.failure !== null) {
      const e = this.failure;
      this.failure = null;
      throw new Error(`ANCE async refresh failed: ${e.message}`, { cause: e });
    }
    if (this.ready !== null) {
      const { table, seconds } = this.ready;
      this.ready = null;
      this.install(table, stepsDone, seconds);
    }
    const { totalSteps } = this.options;
    if (totalSteps !== undefined && stepsDone >= totalSteps) return;
    const due = stepsDone % this.refreshEvery === 0;
    if (this.mode === 'sync') {
      if (due) {
        const t0 = performance.now();
        const table = await this.annTable(stepsDone, await this.local.embed(this.setup));
        this.install(table, stepsDone, (performance.now() - t0) / 1000);
      }
      return;
    }
    if (!due && !this.wanted) return;
    if (this.inFlight !== null) {
      this.wanted = true;
      return;
    }
    this.wanted = false;
    await this.launch(stepsDone);
  }

  /**
   * An ANN table from the weights the encoder holds now, computed by this refresher's mode (`sync`: inline;
   * `async`: by the inferencer from a snapshot), **not** put in use. Mining is seeded by (seed, `step`).
   */
  async computeAnnTable(step: number): Promise<NegativesTable> {
    this.checkOpen();
    const embeddings =
      this.mode === 'async'
        ? await this.options.inferencer!.embed(this.setup, await snapshotWeights(this.options.encoder))
        : await this.local.embed(this.setup);
    return this.annTable(step, embeddings);
  }

  /** Callbacks for core's `train()`: the first table at `onTrainBegin`, {@link afterStep} at every `onStepEnd`. */
  callbacks(): TrainCallbacks {
    return {
      onTrainBegin: async (info) => {
        await this.start(info.globalStep);
      },
      onStepEnd: async (globalStep) => {
        await this.afterStep(globalStep + 1);
      },
    };
  }

  /** Waits for a refresh in flight (its table is dropped), then closes the inferencer. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.inFlight?.catch(() => {});
    await this.options.inferencer?.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('AnnNegativeRefresher: used after close()');
  }

  private async launch(step: number): Promise<void> {
    const t0 = performance.now();
    const snapshot = await snapshotWeights(this.options.encoder);
    this.inFlight = (async () => {
      const embeddings = await this.options.inferencer!.embed(this.setup, snapshot);
      if (this.closed) return;
      const table = await this.annTable(step, embeddings);
      this.ready = { table, seconds: (performance.now() - t0) / 1000 };
    })()
      .catch((e: unknown) => {
        if (!this.closed) this.failure = e instanceof Error ? e : new Error(String(e));
      })
      .finally(() => {
        this.inFlight = null;
      });
  }

  private install(table: NegativesTable, installedAt: number, seconds: number): void {
    this.current = table;
    const { stats } = table;
    const event: RefreshEvent = {
      source: table.source,
      step: table.step,
      installedAt,
      seconds,
      falseNegatives: stats.falseNegatives,
      filled: stats.filled,
      positivesRetrieved: stats.positivesRetrieved,
      stats,
    };
    this.events.push(event);
    this.options.log?.(
      `ance: ${table.source} negatives from step ${table.step}${installedAt === table.step ? '' : ` in use from step ${installedAt}`}` +
        ` (${seconds.toFixed(1)} s): ${stats.falseNegatives} false negatives dropped, ${stats.filled} filled at random, ` +
        `positive in top-${this.topK} for ${stats.positivesRetrieved}/${stats.queries} queries`,
    );
  }

  private bm25Table(): NegativesTable {
    const { queries, passages, positives, seed = 0, shuffle, dropEqualText } = this.options;
    this.bm25 ??= new Bm25Index(passages.texts);
    const mined = bm25Negatives(queries.texts, positives, passages.texts, {
      count: this.count,
      topK: this.topK,
      rng: createRng(deriveSeed(seed, 0, 0x6b6d)), // a stream of its own, apart from the ANN refreshes
      index: this.bm25,
      ...(shuffle === undefined ? {} : { shuffle }),
      ...(dropEqualText === undefined ? {} : { dropEqualText }),
    });
    return { ...mined, source: 'bm25', step: 0 };
  }

  private async annTable(step: number, e: CorpusEmbeddings): Promise<NegativesTable> {
    const {
      passages,
      positives,
      seed = 0,
      shuffle,
      dropEqualText,
      createIndex = (dim: number) => new FlatIndex(dim, passages.texts.length),
    } = this.options;
    const index = await createIndex(e.dim);
    const hits: Int32Array[] = [];
    try {
      await index.add(
        Array.from({ length: passages.texts.length }, (_, i) => i),
        e.passages,
      );
      const nq = e.queries.length / e.dim;
      for (let q = 0; q < nq; q += SEARCH_CHUNK) {
        const part = await index.search(e.queries.subarray(q * e.dim, Math.min(nq, q + SEARCH_CHUNK) * e.dim), this.topK);
        for (const row of part) hits.push(Int32Array.from(row, (h) => h.key));
      }
    } finally {
      await index.close();
    }
    const mined = mineNegatives(hits, positives, passages.texts, {
      count: this.count,
      topK: this.topK,
      rng: createRng(deriveSeed(seed, step)),
      ...(shuffle === undefined ? {} : { shuffle }),
      ...(dropEqualText === undefined ? {} : { dropEqualText }),
    });
    return { ...mined, source: 'ann', step };
  }
}
