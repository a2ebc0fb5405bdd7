import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadTokenizer } from '../tokenize/load-tokenizer.js';
import type { TextTokenizer, TokenBatch } from '../tokenize/load-tokenizer.js';
import type { ModelIoOptions } from '../tokenize/options.js';
import type { BertEncoder, BertForwardOptions } from './bert.js';
import { loadBertCheckpoint, saveBertCheckpoint } from './hf-checkpoint.js';
import { pool, POOLINGS } from './pooling.js';
import type { Pooling } from './pooling.js';

/** Options of {@link SentenceEncoder.encode}. */
export interface EncodeOptions {
  /** Texts per forward pass. Default 32. */
  batchSize?: number;
  /** Default: the encoder's `pooling`. */
  pooling?: Pooling;
  /** L2-normalise each vector. Default `true`. */
  normalize?: boolean;
  /** Called with the number of texts encoded so far. */
  onProgress?: (done: number) => void;
  /** Receives one warning when texts were truncated. Default `console.warn`. */
  warn?: (message: string) => void;
}

/** Tensors of one tokenised batch; dispose with {@link disposeInputs}. */
export interface BatchTensors {
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  tokenTypeIds: tf.Tensor2D;
}

/** Moves a {@link TokenBatch} to tensors. */
export function batchTensors(b: TokenBatch): BatchTensors {
  return {
    inputIds: tf.tensor2d(b.inputIds, [b.batch, b.length], 'int32'),
    attentionMask: tf.tensor2d(b.attentionMask, [b.batch, b.length], 'int32'),
    tokenTypeIds: tf.tensor2d(b.tokenTypeIds, [b.batch, b.length], 'int32'),
  };
}

export function disposeInputs(t: BatchTensors): void {
  tf.dispose([t.inputIds, t.attentionMask, t.tokenTypeIds]);
}

/**
 * A tokenizer + {@link BertEncoder} + pooling: texts in, sentence vectors out. Saved as a Hugging Face
 * folder (`config.json`, `model.safetensors`, `tokenizer.json`, `tokenizer_config.json`, `vocab.txt`) plus
 * `contrastive.json` recording the pooling and max length.
 */
export class SentenceEncoder {
  constructor(
    readonly bert: BertEncoder,
    readonly tokenizer: TextTokenizer,
    readonly options: { pooling: Pooling; maxLength: number; tokenizerDir?: string } = { pooling: 'cls', maxLength: 64 },
  ) {
    if (tokenizer.vocabSize > bert.config.vocabSize) {
      throw new RangeError(`tokenizer has ${tokenizer.vocabSize} tokens but the BERT config.vocabSize is ${bert.config.vocabSize}`);
    }
    if (options.maxLength > bert.config.maxPositions) {
      throw new RangeError(`maxLength ${options.maxLength} exceeds the BERT maxPositions ${bert.config.maxPositions}`);
    }
  }

  /** Tokenises texts (truncating with a warning; pass `warn` to collect or silence it). */
  tokenize(texts: readonly string[], warn?: (message: string) => void): TokenBatch {
    return this.tokenizer.encodeBatch(texts, { maxLength: this.options.maxLength, warn });
  }

  /** Pooled `[B, H]` embeddings of a tokenised batch (a differentiable tensor for training). */
  embedBatch(t: BatchTensors, pooling: Pooling = this.options.pooling, forward: BertForwardOptions = {}): tf.Tensor2D {
    return tf.tidy(() => {
      return pool(this.bert, this.bert.forward(t, forward), t.attentionMask, pooling);
    });
  }

  /** Encodes texts (inference mode, no dropout) into one `Float32Array` per text. */
  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    const { batchSize = 32, pooling = this.options.pooling, normalize = true, onProgress } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
    if (!POOLINGS.includes(pooling)) throw new RangeError(`pooling must be one of ${POOLINGS.join(', ')}, got '${String(pooling)}'`);
    const out: Float32Array[] = [];
    let truncated = 0;
    for (let i = 0; i < texts.length; i += batchSize) {
      const chunk = texts.slice(i, i + batchSize);
      const tb = this.tokenize(chunk, () => {});
      truncated += tb.truncated.length;
      const t = batchTensors(tb);
      const emb = tf.tidy(() => {
        const e = this.embedBatch(t, pooling);
        return normalize ? tf.div(e, tf.norm(e, 'euclidean', 1, true).maximum(1e-12)) : e;
      });
      disposeInputs(t);
      const data = (await emb.data()) as Float32Array;
      const d = emb.shape[1]!;
      emb.dispose();
      for (let r = 0; r < chunk.length; r++) out.push(data.slice(r * d, (r + 1) * d));
      onProgress?.(out.length);
    }
    // One warning per call, not per batch.
    if (truncated > 0) (options.warn ?? console.warn)(`${truncated} of ${texts.length} text(s) longer than maxLength=${this.options.maxLength} tokens were truncated`);
    return out;
  }

  /** Saves weights, config and tokenizer files to `dir`. */
  async save(dir: string): Promise<void> {
    await saveBertCheckpoint(dir, this.bert);
    const src = this.options.tokenizerDir;
    if (src && path.resolve(src) !== path.resolve(dir)) {
      for (const f of ['tokenizer.json', 'tokenizer_config.json', 'vocab.txt', 'special_tokens_map.json']) {
        if (existsSync(path.join(src, f))) copyFileSync(path.join(src, f), path.join(dir, f));
      }
    }
    writeFileSync(path.join(dir, 'contrastive.json'), `${JSON.stringify({ pooling: this.options.pooling, maxLength: this.options.maxLength }, null, 2)}\n`);
  }

  /** Loads a folder written by {@link save} (or any HF BERT folder with a `tokenizer.json`). */
  static async load(dir: string, options: ModelIoOptions & { pooling?: Pooling; maxLength?: number } = {}): Promise<SentenceEncoder> {
    const metaPath = path.join(dir, 'contrastive.json');
    const meta = existsSync(metaPath) ? (JSON.parse(readFileSync(metaPath, 'utf8')) as { pooling?: Pooling; maxLength?: number }) : {};
    const tokenizer = await loadTokenizer(dir, options);
    const bert = loadBertCheckpoint(dir);
    const maxLength = Math.min(options.maxLength ?? meta.maxLength ?? 64, bert.config.maxPositions);
    return new SentenceEncoder(bert, tokenizer, { pooling: options.pooling ?? meta.pooling ?? 'cls', maxLength, tokenizerDir: dir });
  }

  dispose(): void {
    this.bert.dispose();
  }
}
