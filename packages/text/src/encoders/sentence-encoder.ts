import * as tf from '@tensorflow/tfjs';
import type { TextTokenizer, TokenBatch } from '../tokenize/text-tokenizer.js';
import type { BertEncoder, BertForwardOptions } from './bert.js';
import { pool, POOLINGS } from './pooling.js';
import type { Pooling } from './pooling.js';
import { batchTensors, disposeInputs } from './token-tensors.js';
import type { BatchTensors } from './token-tensors.js';

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

/**
 * Anything that turns texts into sentence vectors: {@link SentenceEncoder} and the frozen
 * `OnnxSentenceEncoder` (`@contrastive/text/node`). The evaluation functions take either.
 */
export interface TextEmbedder {
  encode(texts: readonly string[], options?: EncodeOptions): Promise<Float32Array[]>;
}

/**
 * A tokenizer + {@link BertEncoder} + pooling: texts in, sentence vectors out. Saved (by
 * `saveSentenceEncoder(encoder, dir)` from `@contrastive/text/node`) as a Hugging Face folder
 * (`config.json`, `model.safetensors`, `tokenizer.json`, `tokenizer_config.json`, `vocab.txt` — the tokenizer
 * from memory) with the sentence-transformers pooling files (`modules.json`, `1_Pooling/config.json`, …) and
 * `contrastive.json` recording the pooling and max length; `loadSentenceEncoder(dir)` loads it back.
 *
 * `tokenizerDir` (optional) is the folder the tokenizer was loaded from: its side files (`special_tokens_map.json`,
 * `merges.txt`, …) are copied on save.
 * `dispose()` frees the BERT: when a method trains `encoder.bert`, the method owns it instead — save the
 * encoder, then dispose the method (not both).
 */
export class SentenceEncoder implements TextEmbedder {
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
    if (truncated > 0)
      (options.warn ?? console.warn)(
        `${truncated} of ${texts.length} text(s) longer than maxLength=${this.options.maxLength} tokens were truncated`,
      );
    return out;
  }

  /** Frees the BERT weights (idempotent). */
  dispose(): void {
    this.bert.dispose();
  }
}
