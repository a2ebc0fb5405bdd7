/** Options of {@link buildWordPieceVocab}. */
export interface WordPieceVocabOptions {
  /** Target vocabulary size including special tokens and characters. Default 8000. */
  vocabSize?: number;
  /** A word needs at least this many occurrences to become a token. Default 2. */
  minFrequency?: number;
  /** Share of the non-character budget given to frequent `##suffix` pieces (the rest to words). Default 0.15. */
  suffixShare?: number;
}

/** BERT's special tokens, in the order (and so with the ids) every vocabulary built here uses. */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/**
 * BERT's "basic tokenizer" as the `BertNormalizer` + `BertPreTokenizer` of tokenizer.json apply it:
 * lowercase, strip accents, split on whitespace and punctuation (each punctuation char its own word).
 */
export function basicTokenize(text: string): string[] {
  const norm = text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .toLowerCase();
  return norm.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? [];
}

/**
 * Builds a WordPiece vocabulary from a corpus when no pretrained tokenizer is given. Not the Hugging Face
 * trainer (a BPE-style merge loop): frequent whole words, then frequent word suffixes as `##` pieces, with
 * every seen character (and its `##` form) so no text maps to [UNK]. Deterministic: ties break by string.
 */
export function buildWordPieceVocab(corpus: Iterable<string>, options: WordPieceVocabOptions = {}): string[] {
  const { vocabSize = 8000, minFrequency = 2, suffixShare = 0.15 } = options;
  if (!Number.isInteger(vocabSize) || vocabSize < 16) throw new RangeError(`vocabSize must be an integer >= 16, got ${vocabSize}`);
  if (!(suffixShare >= 0 && suffixShare < 1)) throw new RangeError(`suffixShare must be in [0, 1), got ${suffixShare}`);
  const words = new Map<string, number>();
  let lines = 0;
  for (const line of corpus) {
    lines++;
    for (const w of basicTokenize(line)) words.set(w, (words.get(w) ?? 0) + 1);
  }
  if (words.size === 0) throw new RangeError(`corpus must contain at least one word (got ${lines} empty line(s))`);
  const chars = new Set<string>();
  for (const w of words.keys()) for (const c of w) chars.add(c);
  const sortedChars = [...chars].sort();
  const vocab: string[] = [...SPECIAL_TOKENS, ...sortedChars, ...sortedChars.map((c) => `##${c}`)];
  const seen = new Set(vocab);
  const budget = Math.max(0, vocabSize - vocab.length);
  const byCount = (a: [string, number], b: [string, number]): number => b[1] - a[1] || (a[0] < b[0] ? -1 : 1);
  const wordList = [...words].filter(([w, c]) => c >= minFrequency && [...w].length > 1).sort(byCount);
  const wordBudget = Math.round(budget * (1 - suffixShare));
  const taken = new Set<string>();
  for (const [w] of wordList) {
    if (taken.size >= wordBudget) break;
    if (!seen.has(w)) {
      vocab.push(w);
      seen.add(w);
      taken.add(w);
    }
  }
  // Suffixes of the words that did not make it, so rare words split into stem + known ending.
  const suffixes = new Map<string, number>();
  for (const [w, c] of words) {
    if (taken.has(w)) continue;
    const cs = [...w];
    for (let k = 2; k <= 4 && k < cs.length; k++) {
      const s = `##${cs.slice(cs.length - k).join('')}`;
      suffixes.set(s, (suffixes.get(s) ?? 0) + c);
    }
  }
  for (const [s, c] of [...suffixes].sort(byCount)) {
    if (vocab.length >= vocabSize || c < minFrequency) break;
    if (!seen.has(s)) {
      vocab.push(s);
      seen.add(s);
    }
  }
  // Fill any remaining room with more words.
  for (const [w] of wordList) {
    if (vocab.length >= vocabSize) break;
    if (!seen.has(w)) {
      vocab.push(w);
      seen.add(w);
    }
  }
  return vocab;
}

/** The `tokenizer.json` (Hugging Face tokenizers format) of a BERT WordPiece tokenizer over `vocab`. */
export function wordPieceTokenizerJson(vocab: readonly string[]): Record<string, unknown> {
  const id = (t: string): number => {
    const i = vocab.indexOf(t);
    if (i < 0) throw new RangeError(`vocab must contain the special token ${t}`);
    return i;
  };
  const special = (t: string): number => id(t);
  const cls = special('[CLS]');
  const sep = special('[SEP]');
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((t) => ({
      id: id(t),
      content: t,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [cls], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [sep], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
    },
  };
}

/**
 * The `tokenizer_config.json` written next to a built vocabulary (transformers.js and Python's `AutoTokenizer` pick `BertTokenizer` from
 * it). `modelMaxLength` is `model_max_length`. Default 512.
 */
export function wordPieceTokenizerConfig(options: { modelMaxLength?: number } = {}): Record<string, unknown> {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: options.modelMaxLength ?? 512,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
  };
}
