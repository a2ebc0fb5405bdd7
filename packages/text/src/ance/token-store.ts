import type { EncodeBatchOptions, TokenBatch } from '../tokenize/text-tokenizer.js';

/**
 * Texts tokenised once, stored without padding: row r's ids are `ids[offsets[r] … offsets[r+1])` ([CLS] … [SEP],
 * truncated to the max length). ANCE re-encodes the whole passage corpus at every refresh and builds every batch
 * from it, so the corpus is tokenised once; the flat arrays also cross to a worker thread in one copy.
 * Memory: 4 bytes per token plus 4 per text.
 */
export interface TokenStore {
  /** Number of texts. */
  readonly size: number;
  readonly ids: Int32Array;
  /** `size + 1` offsets into `ids`. */
  readonly offsets: Int32Array;
  /** The id padding is filled with. */
  readonly padId: number;
  /** How many texts were longer than the max length and truncated. */
  readonly truncated: number;
}

/** What {@link tokenizeToStore} needs of a tokenizer (`TextTokenizer` has it). */
export interface StoreTokenizer {
  readonly padId: number;
  encodeBatch(texts: readonly string[], options?: EncodeBatchOptions): TokenBatch;
}

/**
 * Tokenises `texts` (in chunks of 256, with the tokenizer's own truncation that keeps the final [SEP]) into a
 * {@link TokenStore}.
 */
export function tokenizeToStore(tokenizer: StoreTokenizer, texts: readonly string[], options: { maxLength: number }): TokenStore {
  const { maxLength } = options;
  if (texts.length === 0) throw new RangeError('tokenizeToStore: no texts');
  const rows: Int32Array[] = [];
  let total = 0;
  let truncated = 0;
  for (let i = 0; i < texts.length; i += 256) {
    const b = tokenizer.encodeBatch(texts.slice(i, i + 256), { maxLength, warn: () => {} });
    truncated += b.truncated.length;
    for (let r = 0; r < b.batch; r++) {
      let n = 0;
      while (n < b.length && b.attentionMask[r * b.length + n] === 1) n++;
      rows.push(b.inputIds.slice(r * b.length, r * b.length + n));
      total += n;
    }
  }
  const ids = new Int32Array(total);
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => {
    ids.set(r, offsets[i]!);
    offsets[i + 1] = offsets[i]! + r.length;
  });
  return { size: rows.length, ids, offsets, padId: tokenizer.padId, truncated };
}

/** Number of tokens of row `r`. */
export function rowLength(store: TokenStore, r: number): number {
  return store.offsets[r + 1]! - store.offsets[r]!;
}

/** A padded {@link TokenBatch} of the given rows, in that order (rows may repeat). */
export function tokenBatchOf(store: TokenStore, rows: ArrayLike<number>): TokenBatch {
  const n = rows.length;
  if (n === 0) throw new RangeError('tokenBatchOf: no rows');
  let length = 1;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= store.size) throw new RangeError(`tokenBatchOf: row ${r} is not in [0, ${store.size})`);
    length = Math.max(length, rowLength(store, r));
  }
  const inputIds = new Int32Array(n * length).fill(store.padId);
  const attentionMask = new Int32Array(n * length);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    inputIds.set(store.ids.subarray(store.offsets[r]!, store.offsets[r + 1]!), i * length);
    attentionMask.fill(1, i * length, i * length + rowLength(store, r));
  }
  return { batch: n, length, inputIds, attentionMask, tokenTypeIds: new Int32Array(n * length), truncated: [] };
}
