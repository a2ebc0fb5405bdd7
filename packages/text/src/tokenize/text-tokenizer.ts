import { Tokenizer } from '@huggingface/tokenizers';

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
 * The two files a Hugging Face tokenizer folder is made of, parsed: what a {@link TextTokenizer} is built from and
 * what `saveSentenceEncoder` writes back (`tokenizer.json`, `tokenizer_config.json`).
 */
export interface TokenizerFiles {
  /** `tokenizer.json` (the Hugging Face tokenizers format: normalizer, pre-tokenizer, model, post-processor, decoder). */
  readonly tokenizerJson: Readonly<Record<string, unknown>>;
  /** `tokenizer_config.json` (special tokens — `pad_token`, `sep_token`, … — and `tokenizer_class`). */
  readonly tokenizerConfig: Readonly<Record<string, unknown>>;
}

/**
 * The part of `@huggingface/tokenizers`' `Tokenizer` used here. Its own `.d.ts` files use extensionless relative
 * imports, which do not resolve for a consumer compiling with `moduleResolution: node16` (TS2834), so no type of
 * that package appears in this package's public declarations: {@link TextTokenizer} wraps it.
 */
interface HfTokenizer {
  encode(text: string, options?: { text_pair?: string | null; add_special_tokens?: boolean }): { ids: number[]; tokens: string[] };
  decode(ids: number[], options?: { skip_special_tokens?: boolean }): string;
  tokenize(text: string, options?: { add_special_tokens?: boolean }): string[];
  token_to_id(token: string): number | undefined;
  id_to_token(id: number): string | undefined;
  get_vocab(withAddedTokens?: boolean): Map<string, number>;
}

/**
 * The token named by `keys` in `tokenizer_config.json` (the first key present with a value), as transformers.js's
 * `PreTrainedTokenizer` reads it: a string, or a serialised `AddedToken` (`{"__type": "AddedToken", "content"}`).
 */
function tokenFromConfig(config: Readonly<Record<string, unknown>>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    if (!Object.hasOwn(config, key)) continue;
    const item = config[key];
    if (!item) continue;
    if (typeof item === 'string') return item;
    if (typeof item === 'object' && typeof (item as { content?: unknown }).content === 'string')
      return (item as { content: string }).content;
    throw new TypeError(`tokenizer_config.json "${key}" must be a token string or an AddedToken object, got ${JSON.stringify(item)}`);
  }
  return undefined;
}

const isJsonObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A WordPiece/BPE/Unigram tokenizer from a Hugging Face `tokenizer.json` + `tokenizer_config.json`, run by
 * `@huggingface/tokenizers` (pure JS, no native code, the tokenizer transformers.js itself runs): from a folder with
 * `loadTokenizer` (`@contrastive/text/node`), or from the same JSON in memory with `new TextTokenizer(json, config)`
 * / {@link tokenizerFromJson} (browser-safe). Pretrained vocabularies and vocabularies built by
 * {@link buildWordPieceVocab} go through this one code path.
 *
 * Special tokens are resolved as transformers.js's `PreTrainedTokenizer` resolves them, so ids are the ones
 * transformers.js gives: `padId` is `pad_token` (else `eos_token`, else 0), `sepId` is `sep_token` (else `[SEP]` or
 * `</s>` when the config names none), `clsId` is `[CLS]` (else `<s>`).
 *
 * @example
 * const tok = new TextTokenizer(wordPieceTokenizerJson(vocab), wordPieceTokenizerConfig());
 * tok.encode('the cat'); // [2, …, 3]: [CLS] … [SEP]
 */
export class TextTokenizer {
  readonly padId: number;
  readonly sepId: number;
  readonly clsId: number;
  readonly vocabSize: number;
  /** The `tokenizer.json` / `tokenizer_config.json` objects it was built from (a private copy; written by `saveSentenceEncoder`). */
  readonly files: TokenizerFiles;
  readonly #tokenizer: HfTokenizer;

  /**
   * @param tokenizerJson The parsed `tokenizer.json`.
   * @param tokenizerConfig The parsed `tokenizer_config.json` (special tokens). Default `{}`.
   * @throws TypeError when either is not a JSON object, Error when `@huggingface/tokenizers` rejects the file, RangeError
   *   when the vocabulary has no [CLS] (or `<s>`) or no separator token.
   */
  constructor(tokenizerJson: Readonly<Record<string, unknown>>, tokenizerConfig: Readonly<Record<string, unknown>> = {}) {
    if (!isJsonObject(tokenizerJson)) throw new TypeError('TextTokenizer: tokenizerJson must be the parsed tokenizer.json object');
    if (!isJsonObject(tokenizerConfig))
      throw new TypeError('TextTokenizer: tokenizerConfig must be the parsed tokenizer_config.json object');
    // @huggingface/tokenizers keeps (and extends) parts of the objects it is given: keep our own copy to save.
    this.files = { tokenizerJson: structuredClone(tokenizerJson), tokenizerConfig: structuredClone(tokenizerConfig) };
    const tokenizer = new Tokenizer(structuredClone(tokenizerJson), structuredClone(tokenizerConfig)) as unknown as HfTokenizer;
    this.#tokenizer = tokenizer;
    const id = (token: string | undefined): number | undefined => (token === undefined ? undefined : tokenizer.token_to_id(token));
    this.padId = id(tokenFromConfig(tokenizerConfig, 'pad_token', 'eos_token')) ?? 0;
    const sep = id(tokenFromConfig(tokenizerConfig, 'sep_token') ?? (tokenizer.token_to_id('[SEP]') !== undefined ? '[SEP]' : '</s>'));
    const vocab = tokenizer.get_vocab();
    const cls = vocab.get('[CLS]') ?? vocab.get('<s>');
    if (cls === undefined || sep === undefined) {
      throw new RangeError('tokenizer must define a [CLS] (or <s>) token and a separator token');
    }
    this.sepId = sep;
    this.clsId = cls;
    this.vocabSize = vocab.size;
  }

  /** Token ids of one text with [CLS]/[SEP], not truncated. */
  encode(text: string): number[] {
    return this.#tokenizer.encode(text).ids;
  }

  /** The tokens of one text (word pieces, no special tokens), e.g. `['the', 'cat', '##s']`. */
  tokenize(text: string): string[] {
    return this.#tokenizer.tokenize(text);
  }

  /** Decodes ids back to text (special tokens skipped). */
  decode(ids: ArrayLike<number>): string {
    return this.#tokenizer.decode(Array.from(ids), { skip_special_tokens: true });
  }

  /** The id of a token (`undefined` when it is not in the vocabulary). */
  tokenToId(token: string): number | undefined {
    return this.#tokenizer.token_to_id(token);
  }

  /** The token of an id (`undefined` when no token has it). */
  idToToken(id: number): string | undefined {
    return this.#tokenizer.id_to_token(id);
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
 * A {@link TextTokenizer} from in-memory `tokenizer.json` (+ `tokenizer_config.json`) objects, e.g. fetched in a
 * browser or made by `wordPieceTokenizerJson(vocab)`. The same as `new TextTokenizer(json, config)`; kept async
 * for callers written when it imported transformers.js on first use.
 *
 * @example const tok = await tokenizerFromJson(wordPieceTokenizerJson(vocab), wordPieceTokenizerConfig());
 */
export async function tokenizerFromJson(
  tokenizerJson: Record<string, unknown>,
  tokenizerConfig: Record<string, unknown> = {},
): Promise<TextTokenizer> {
  if (!isJsonObject(tokenizerJson)) {
    throw new TypeError('tokenizerFromJson: tokenizerJson must be the parsed tokenizer.json object');
  }
  return new TextTokenizer(tokenizerJson, tokenizerConfig);
}
