import { existsSync } from 'node:fs';
import path from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import type { ModelIoOptions } from './options.js';

/** A batch of token ids ready for the encoder: row-major `[batch, length]` int32 arrays. */
export interface TokenBatch {
  /** Number of sequences. */
  batch: number;
  /** Padded sequence length (the longest sequence in the batch, at most `maxLength`). */
  length: number;
  /** Token ids, `[batch * length]`, padded with the pad id. */
  inputIds: Int32Array;
  /** 1 for real tokens (including [CLS]/[SEP]), 0 for padding, `[batch * length]`. */
  attentionMask: Int32Array;
  /** Segment ids (0 for single sentences), `[batch * length]`. */
  tokenTypeIds: Int32Array;
  /** Indices of the inputs that were longer than `maxLength` and were truncated. */
  truncated: number[];
}

/** Options of {@link TextTokenizer.encodeBatch}. */
export interface EncodeBatchOptions {
  /** Maximum length including [CLS] and [SEP]; longer texts are truncated (keeping the final [SEP]). Default 64. */
  maxLength?: number;
  /** Called once per batch that had truncated texts. Default: `console.warn`. Pass `() => {}` to silence. */
  warn?: (message: string) => void;
}

/**
 * A WordPiece/BPE tokenizer loaded with transformers.js `AutoTokenizer` from a folder holding
 * `tokenizer.json` (+ `tokenizer_config.json`). Pretrained vocabularies and vocabularies built by
 * {@link buildWordPieceTokenizer} go through this one code path.
 */
export class TextTokenizer {
  /** The transformers.js tokenizer (for anything not wrapped here). */
  readonly hf: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
  readonly padId: number;
  readonly sepId: number;
  readonly clsId: number;
  readonly vocabSize: number;

  constructor(hf: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>) {
    this.hf = hf;
    this.padId = hf.pad_token_id ?? 0;
    this.sepId = hf.sep_token_id;
    const vocab = hf.get_vocab();
    const cls = vocab.get('[CLS]') ?? vocab.get('<s>');
    if (cls === undefined || hf.sep_token_id === undefined) {
      throw new RangeError('tokenizer must define a [CLS] (or <s>) token and a separator token');
    }
    this.clsId = cls;
    this.vocabSize = vocab.size;
  }

  /** Token ids of one text with [CLS]/[SEP], not truncated. */
  encode(text: string): number[] {
    return this.hf.encode(text);
  }

  /** Decodes ids back to text (special tokens skipped). */
  decode(ids: ArrayLike<number>): string {
    return this.hf.decode(Array.from(ids), { skip_special_tokens: true });
  }

  /**
   * Tokenizes, truncates (with one warning per batch naming the offending inputs) and pads a batch.
   * Truncation keeps the final [SEP] so the encoder always sees a well-formed sequence.
   */
  encodeBatch(texts: readonly string[], options: EncodeBatchOptions = {}): TokenBatch {
    const { maxLength = 64, warn = (m: string) => console.warn(m) } = options;
    if (!Number.isInteger(maxLength) || maxLength < 2) {
      throw new RangeError(`maxLength must be an integer >= 2, got ${String(maxLength)}`);
    }
    if (texts.length === 0) throw new RangeError('texts must contain at least one string, got []');
    const rows: number[][] = [];
    const truncated: number[] = [];
    texts.forEach((t, i) => {
      if (typeof t !== 'string') throw new TypeError(`texts[${i}] must be a string, got ${typeof t}`);
      let ids = this.encode(t);
      if (ids.length > maxLength) {
        truncated.push(i);
        ids = [...ids.slice(0, maxLength - 1), this.sepId];
      }
      rows.push(ids);
    });
    if (truncated.length > 0) {
      warn(
        `${truncated.length} text(s) longer than maxLength=${maxLength} tokens were truncated ` +
          `(batch indices ${truncated.slice(0, 5).join(', ')}${truncated.length > 5 ? ', …' : ''})`,
      );
    }
    const length = Math.max(...rows.map((r) => r.length));
    const n = rows.length;
    const inputIds = new Int32Array(n * length).fill(this.padId);
    const attentionMask = new Int32Array(n * length);
    rows.forEach((r, i) => {
      inputIds.set(r, i * length);
      attentionMask.fill(1, i * length, i * length + r.length);
    });
    return { batch: n, length, inputIds, attentionMask, tokenTypeIds: new Int32Array(n * length), truncated };
  }
}

/**
 * Loads a tokenizer from a local folder (or, with `allowRemoteModels`, a hub id) through transformers.js.
 * transformers.js keeps its I/O policy in a global `env`; we set it from `options` for this call.
 *
 * @param dirOrId A folder with `tokenizer.json`, or a model id resolved against `localModelPath`.
 */
export async function loadTokenizer(dirOrId: string, options: ModelIoOptions = {}): Promise<TextTokenizer> {
  const { allowRemoteModels = false } = options;
  const isDir = options.localModelPath === undefined && existsSync(dirOrId);
  if (isDir && !existsSync(path.join(dirOrId, 'tokenizer.json'))) {
    throw new Error(`tokenizer folder ${dirOrId} has no tokenizer.json`);
  }
  const localModelPath = options.localModelPath ?? (isDir ? path.dirname(path.resolve(dirOrId)) : env.localModelPath);
  const id = isDir ? path.basename(path.resolve(dirOrId)) : dirOrId;
  env.allowLocalModels = true;
  env.allowRemoteModels = allowRemoteModels;
  env.localModelPath = localModelPath.endsWith('/') ? localModelPath : `${localModelPath}/`;
  try {
    const hf = await AutoTokenizer.from_pretrained(id, { local_files_only: !allowRemoteModels });
    return new TextTokenizer(hf);
  } catch (e) {
    throw new Error(
      `could not load a tokenizer '${id}' from ${env.localModelPath} (allowRemoteModels=${allowRemoteModels}): ${(e as Error).message}`,
    );
  }
}
