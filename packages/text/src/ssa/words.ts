/**
 * Word tokenizer and vocabulary of SSA / SSCL. The code's sentences are already tokenised, lower-cased
 * (`--is_lower` true) whitespace-separated words (`text_uae`); ours are raw package descriptions, so a tokenizer
 * stands in for that preprocessing: lower-case, then maximal runs of letters and digits (Unicode-aware) with inner
 * apostrophes, hyphens, dots and `+` kept (`don't`, `x11-apps`, `gtk+`, `node.js`).
 */
const WORD = /[\p{L}\p{N}]+(?:['’.+\-_][\p{L}\p{N}]+)*\+*/gu;

/** Lower-cased word tokens of `text`. */
export function tokenizeWords(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Id of the padding token; its vector is all zeros (as `load_vocab_pretrain` gives the special tokens). */
export const PAD_ID = 0;
/** The padding token's name in the vocabulary file. */
export const PAD_TOKEN = '<pad>';

/**
 * A word vocabulary: id 0 is `<pad>`, then the words, most frequent first (ties by the word's code order), so the
 * same corpus gives the same ids. Out-of-vocabulary words are **dropped** from sentences, not mapped to an unknown
 * token, as `build_batch` does (`if wd in vocab2id`).
 */
export class WordVocabulary {
  /** Tokens by id (`words[0]` = `<pad>`). */
  readonly words: readonly string[];
  /** Corpus count of each id (0 for `<pad>` and for words of loaded vectors). */
  readonly counts: Int32Array;
  private readonly index: Map<string, number>;

  constructor(words: readonly string[], counts?: ArrayLike<number>) {
    if (words[0] !== PAD_TOKEN) throw new RangeError(`a vocabulary starts with '${PAD_TOKEN}', got '${String(words[0])}'`);
    this.words = words;
    this.counts = Int32Array.from(counts ?? new Array<number>(words.length).fill(0));
    if (this.counts.length !== words.length) throw new RangeError(`${words.length} words but ${this.counts.length} counts`);
    this.index = new Map();
    words.forEach((w, i) => {
      if (this.index.has(w)) throw new RangeError(`the word '${w}' appears twice in the vocabulary (ids ${this.index.get(w)} and ${i})`);
      this.index.set(w, i);
    });
  }

  /**
   * Words of `sentences` (token lists) seen at least `minCount` times (the code's gensim `min_count` 10; lower it for
   * small corpora), most frequent first; memory is one map entry per distinct word.
   */
  static build(sentences: Iterable<readonly string[]>, minCount = 10): WordVocabulary {
    if (!(Number.isInteger(minCount) && minCount >= 1)) throw new RangeError(`minCount must be an integer >= 1, got ${minCount}`);
    const freq = new Map<string, number>();
    for (const s of sentences) for (const w of s) freq.set(w, (freq.get(w) ?? 0) + 1);
    const kept = [...freq].filter(([w, c]) => c >= minCount && w !== PAD_TOKEN);
    kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return new WordVocabulary([PAD_TOKEN, ...kept.map(([w]) => w)], [0, ...kept.map(([, c]) => c)]);
  }

  /** Number of ids, `<pad>` included. */
  get size(): number {
    return this.words.length;
  }

  /** Id of `word`, or `undefined` when it is not in the vocabulary. */
  id(word: string): number | undefined {
    return this.index.get(word);
  }

  /** Ids of the in-vocabulary tokens of `tokens`, in order (unknown words dropped). */
  encode(tokens: readonly string[]): number[] {
    const out: number[] = [];
    for (const t of tokens) {
      const id = this.index.get(t);
      if (id !== undefined && id !== PAD_ID) out.push(id);
    }
    return out;
  }
}
