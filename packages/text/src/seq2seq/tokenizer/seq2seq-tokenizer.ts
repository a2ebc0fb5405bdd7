import { trainBpe } from './bpe-train.js';
import { METASPACE, metaspaceSegments } from './normalize.js';

/** Options of {@link Seq2SeqTokenizer.train}. */
export interface Seq2SeqTokenizerTrainOptions {
  /** Total vocabulary size: the 4 special tokens, the characters, then BPE merges. Default 8000. */
  vocabSize?: number;
  /** A pair of pieces must occur at least this often to be merged. Default 2. */
  minFrequency?: number;
  /**
   * A character must occur at least this often to get a piece; rarer characters encode as [UNK]. Default 1
   * (every character seen), so only characters never seen in training are UNK.
   */
  minCharFrequency?: number;
}

/** The serialised form ({@link Seq2SeqTokenizer.toJSON}); `vocab[i]` is the piece of id i. */
export interface Seq2SeqTokenizerJson {
  type: 'seq2seq-bpe';
  version: 1;
  /** Always `'nfc-whitespace-metaspace'` (see {@link normalizeSeq2SeqText}). */
  normalization: 'nfc-whitespace-metaspace';
  vocab: string[];
  /** BPE merges in rank order; each `a + b` is in `vocab`. */
  merges: [string, string][];
}

/** The special tokens, with the ids {@link Seq2SeqConfig}'s defaults expect (pad 0, BOS 1, EOS 2) and UNK 3. */
export const SEQ2SEQ_SPECIAL_TOKENS = ['[PAD]', '[BOS]', '[EOS]', '[UNK]'] as const;

const CACHE_LIMIT = 100_000;

/**
 * A cased, lossless subword tokenizer shared by source and target of a seq2seq model (issue 28): SentencePiece-style
 * metaspace BPE. Text is normalised ({@link normalizeSeq2SeqText}: NFC, whitespace runs → one space), each word is
 * prefixed with ▁ and split into letter / digit / other runs, and BPE merges (trained here, {@link train}) join
 * characters into pieces within a run. Case, umlauts and punctuation attachment survive, so
 * `decode(encode(x)) === normalizeSeq2SeqText(x)` whenever every character of `x` was seen in training — which is
 * what sacreBLEU-style scoring of detokenised German output needs. Ids: [PAD]=0, [BOS]=1, [EOS]=2, [UNK]=3, then
 * characters (most frequent first), then merges in rank order.
 */
export class Seq2SeqTokenizer {
  readonly padId = 0;
  readonly bosId = 1;
  readonly eosId = 2;
  readonly unkId = 3;
  private readonly vocab: readonly string[];
  private readonly merges: readonly [string, string][];
  private readonly pieceId = new Map<string, number>();
  private readonly rank = new Map<string, number>();
  private readonly cache = new Map<string, number[]>();

  private constructor(vocab: string[], merges: [string, string][]) {
    this.vocab = vocab;
    this.merges = merges;
    for (let i = SEQ2SEQ_SPECIAL_TOKENS.length; i < vocab.length; i++) this.pieceId.set(vocab[i]!, i);
    merges.forEach(([a, b], r) => this.rank.set(`${a}\u0000${b}`, r));
  }

  /**
   * Learns a vocabulary from a corpus (source and target texts together, so one table serves both). Deterministic.
   * Throws a RangeError on bad options or a corpus without any character.
   */
  static train(texts: Iterable<string>, options: Seq2SeqTokenizerTrainOptions = {}): Seq2SeqTokenizer {
    const { vocabSize = 8000, minFrequency = 2, minCharFrequency = 1 } = options;
    const nSpecial = SEQ2SEQ_SPECIAL_TOKENS.length;
    if (!Number.isInteger(vocabSize) || vocabSize <= nSpecial)
      throw new RangeError(`vocabSize must be an integer > ${nSpecial}, got ${String(vocabSize)}`);
    if (!Number.isInteger(minFrequency) || minFrequency < 1)
      throw new RangeError(`minFrequency must be a positive integer, got ${String(minFrequency)}`);
    if (!Number.isInteger(minCharFrequency) || minCharFrequency < 1)
      throw new RangeError(`minCharFrequency must be a positive integer, got ${String(minCharFrequency)}`);
    const words = new Map<string, number>();
    for (const text of texts) {
      if (typeof text !== 'string') throw new TypeError(`Seq2SeqTokenizer.train: texts must be strings, got ${typeof text}`);
      for (const seg of metaspaceSegments(text)) words.set(seg, (words.get(seg) ?? 0) + 1);
    }
    if (words.size === 0) throw new RangeError('Seq2SeqTokenizer.train: the corpus has no non-blank text');
    const { chars, merges } = trainBpe(words, { budget: vocabSize - nSpecial, minFrequency, minCharFrequency });
    return new Seq2SeqTokenizer([...SEQ2SEQ_SPECIAL_TOKENS, ...chars, ...merges.map(([a, b]) => a + b)], merges);
  }

  /**
   * Rebuilds a tokenizer from {@link toJSON}'s output; throws a RangeError naming the field at fault (wrong type or
   * version, specials not at ids 0–3, duplicate or empty pieces, a merge whose parts or result are not pieces).
   */
  static fromJSON(obj: unknown): Seq2SeqTokenizer {
    const fail = (msg: string): never => {
      throw new RangeError(`Seq2SeqTokenizer.fromJSON: ${msg}`);
    };
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return fail('expected an object');
    const o = obj as Record<string, unknown>;
    if (o.type !== 'seq2seq-bpe') fail(`type must be 'seq2seq-bpe', got ${JSON.stringify(o.type)}`);
    if (o.version !== 1) fail(`version must be 1, got ${JSON.stringify(o.version)}`);
    if (o.normalization !== 'nfc-whitespace-metaspace')
      fail(`normalization must be 'nfc-whitespace-metaspace', got ${JSON.stringify(o.normalization)}`);
    if (!Array.isArray(o.vocab)) return fail('vocab must be an array of strings');
    const vocab = o.vocab as unknown[];
    SEQ2SEQ_SPECIAL_TOKENS.forEach((s, i) => {
      if (vocab[i] !== s) fail(`vocab[${i}] must be '${s}', got ${JSON.stringify(vocab[i])}`);
    });
    const seen = new Set<string>();
    vocab.forEach((p, i) => {
      if (typeof p !== 'string' || p === '') fail(`vocab[${i}] must be a non-empty string, got ${JSON.stringify(p)}`);
      if (seen.has(p as string)) fail(`vocab[${i}] duplicates the piece ${JSON.stringify(p)}`);
      seen.add(p as string);
    });
    if (!Array.isArray(o.merges)) return fail('merges must be an array of [string, string] pairs');
    const merges = o.merges as unknown[];
    merges.forEach((m, i) => {
      if (!Array.isArray(m) || m.length !== 2 || typeof m[0] !== 'string' || typeof m[1] !== 'string')
        fail(`merges[${i}] must be a [string, string] pair, got ${JSON.stringify(m)}`);
      const [a, b] = m as [string, string];
      for (const p of [a, b, a + b]) if (!seen.has(p)) fail(`merges[${i}] ${JSON.stringify(m)}: ${JSON.stringify(p)} is not in vocab`);
    });
    return new Seq2SeqTokenizer(vocab as string[], merges as [string, string][]);
  }

  /** Vocabulary size including the 4 special tokens (the model's `vocabSize`). */
  get vocabSize(): number {
    return this.vocab.length;
  }

  /** The piece of an id (specials as `[PAD]` …); throws on an id outside the vocabulary. */
  idToPiece(id: number): string {
    const p = this.vocab[id];
    if (p === undefined) throw new RangeError(`id ${id} is outside the vocabulary [0, ${this.vocab.length})`);
    return p;
  }

  /** Ids of the normalised text, without BOS/EOS; characters never seen in training are [UNK]. */
  encode(text: string): number[] {
    const out: number[] = [];
    for (const seg of metaspaceSegments(text)) {
      let ids = this.cache.get(seg);
      if (!ids) {
        ids = this.encodeSegment(seg);
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(seg, ids);
      }
      for (const id of ids) out.push(id);
    }
    return out;
  }

  /** Pieces of the normalised text (for inspection), as {@link encode} but as strings. */
  tokenize(text: string): string[] {
    return this.encode(text).map((id) => this.vocab[id]!);
  }

  /**
   * Text of an id sequence: stops at the first EOS, drops PAD/BOS/UNK, joins the pieces and turns ▁ back into
   * spaces (the leading one removed). Throws on an id outside the vocabulary.
   */
  decode(ids: Iterable<number>): string {
    let s = '';
    for (const id of ids) {
      if (id === this.eosId) break;
      const p = this.vocab[id];
      if (p === undefined || !Number.isInteger(id))
        throw new RangeError(`decode: id ${id} is outside the vocabulary [0, ${this.vocab.length})`);
      if (id < SEQ2SEQ_SPECIAL_TOKENS.length) continue;
      s += p;
    }
    return s.replaceAll(METASPACE, ' ').replace(/^ /, '');
  }

  /** The serialisable form (see {@link Seq2SeqTokenizerJson}); `fromJSON(JSON.parse(JSON.stringify(t.toJSON())))` round-trips. */
  toJSON(): Seq2SeqTokenizerJson {
    return {
      type: 'seq2seq-bpe',
      version: 1,
      normalization: 'nfc-whitespace-metaspace',
      vocab: [...this.vocab],
      merges: this.merges.map(([a, b]) => [a, b]),
    };
  }

  /** BPE over one segment: repeatedly merge the adjacent pair of lowest rank (all its occurrences). */
  private encodeSegment(seg: string): number[] {
    let parts = [...seg];
    for (;;) {
      let best = -1;
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = this.rank.get(`${parts[i]}\u0000${parts[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const a = parts[best]!;
      const b = parts[best + 1]!;
      const next: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i + 1 < parts.length && parts[i] === a && parts[i + 1] === b) {
          next.push(a + b);
          i++;
        } else next.push(parts[i]!);
      }
      parts = next;
    }
    return parts.map((p) => this.pieceId.get(p) ?? this.unkId);
  }
}
