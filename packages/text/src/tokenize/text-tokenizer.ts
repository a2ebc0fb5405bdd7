import type { PreTrainedTokenizer } from '@huggingface/transformers';

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
 * A WordPiece/BPE tokenizer run by transformers.js: from a folder holding `tokenizer.json`
 * (+ `tokenizer_config.json`) with `loadTokenizer` (`@contrastive/text/node`), or from the same JSON in
 * memory with {@link tokenizerFromJson} (browser-safe). Pretrained vocabularies and vocabularies built by
 * {@link buildWordPieceVocab} go through this one code path.
 */
export class TextTokenizer {
  /** The transformers.js tokenizer (for anything not wrapped here). */
  readonly hf: PreTrainedTokenizer;
  readonly padId: number;
  readonly sepId: number;
  readonly clsId: number;
  readonly vocabSize: number;

  constructor(hf: PreTrainedTokenizer) {
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
 * A {@link TextTokenizer} from in-memory `tokenizer.json` (+ `tokenizer_config.json`) objects, e.g. fetched
 * in a browser or made by `wordPieceTokenizerJson(vocab)`. transformers.js is imported on first use, so
 * importing this package does not load it.
 *
 * @example const tok = await tokenizerFromJson(wordPieceTokenizerJson(vocab), WORDPIECE_TOKENIZER_CONFIG);
 */
export async function tokenizerFromJson(
  tokenizerJson: Record<string, unknown>,
  tokenizerConfig: Record<string, unknown> = {},
): Promise<TextTokenizer> {
  if (tokenizerJson === null || typeof tokenizerJson !== 'object' || Array.isArray(tokenizerJson)) {
    throw new TypeError('tokenizerFromJson: tokenizerJson must be the parsed tokenizer.json object');
  }
  const transformers = await import('@huggingface/transformers');
  // As AutoTokenizer: the class named by tokenizer_config.json (BertTokenizer, …), else the generic one.
  const named =
    typeof tokenizerConfig.tokenizer_class === 'string'
      ? (transformers as Record<string, unknown>)[tokenizerConfig.tokenizer_class]
      : undefined;
  const Tokenizer = (typeof named === 'function' ? named : transformers.PreTrainedTokenizer) as new (
    json: unknown,
    config: unknown,
  ) => PreTrainedTokenizer;
  return new TextTokenizer(new Tokenizer(tokenizerJson, tokenizerConfig));
}
