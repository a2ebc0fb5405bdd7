/**
 * The SentencePiece-style tokenizer of Universal Sentence Encoder Lite, ported from
 * `@tensorflow-models/universal-sentence-encoder@1.3.3` (`dist/tokenizer/index.js`, `trie.js`, `util.js`;
 * Copyright 2019 Google LLC, Apache License 2.0: http://www.apache.org/licenses/LICENSE-2.0). Ported rather than
 * imported because that package peers on tfjs 3 (npm refuses it beside tfjs 4) and needs tfjs only to fetch the
 * vocabulary. Behaviour is kept exactly, quirks included (a test compares it with the original on real captions):
 * NFKC, spaces → '▁' with one leading '▁', a Viterbi pass over the vocabulary's log-probabilities (ties go to the
 * later piece), unknown characters → id 0, runs of unknowns merged into one.
 */

/**
 * One vocabulary entry: `[piece, log-probability]`; the index in the list is the token id. The shipped vocab.json
 * has `null` scores for 7 pieces with ':' (':', '://', '▁:)' …); the original adds them as 0 (`null + x === x` in
 * JavaScript), the most probable score there is, and so does this port.
 */
export type UseVocabulary = readonly (readonly [string, number | null])[];

/** '▁' (U+2581), SentencePiece's word-boundary marker. */
const SEPARATOR = '\u2581';
/** The first ids are reserved (unk, control and user-defined symbols) and never matched. */
const RESERVED_SYMBOLS = 6;

interface TrieNode {
  children: Map<string, TrieNode>;
  end: boolean;
  /** `[symbols, score, index]` of the piece ending here. */
  word: [string[], number, number];
}

const node = (): TrieNode => ({ children: new Map(), end: false, word: [[], 0, 0] });

function processInput(text: string): string {
  const normalized = text.normalize('NFKC');
  return normalized.length > 0 ? SEPARATOR + normalized.replace(/ /g, SEPARATOR) : normalized;
}

/** USE-lite's tokenizer: `encode(text)` → token ids (8,000-piece vocabulary). */
export class UseTokenizer {
  readonly vocabulary: UseVocabulary;
  private readonly root: TrieNode = node();

  constructor(vocabulary: UseVocabulary) {
    if (!Array.isArray(vocabulary) || vocabulary.length <= RESERVED_SYMBOLS)
      throw new TypeError(`vocabulary must be a list of [piece, score] pairs (more than ${RESERVED_SYMBOLS}), got ${String(vocabulary)}`);
    this.vocabulary = vocabulary;
    for (let i = RESERVED_SYMBOLS; i < vocabulary.length; i++) {
      const entry = vocabulary[i];
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || (typeof entry[1] !== 'number' && entry[1] !== null))
        throw new TypeError(`vocabulary[${i}] must be [piece: string, score: number | null], got ${JSON.stringify(entry)}`);
      this.insert(entry[0], entry[1] ?? 0, i);
    }
  }

  private insert(piece: string, score: number, index: number): void {
    let n = this.root;
    const symbols = [...piece];
    symbols.forEach((s, i) => {
      let child = n.children.get(s);
      if (!child) {
        child = node();
        child.word[0] = [...n.word[0], s];
        n.children.set(s, child);
      }
      n = child;
      if (i === symbols.length - 1) {
        n.end = true;
        n.word[1] = score;
        n.word[2] = index;
      }
    });
  }

  /** Every vocabulary piece that is a prefix of `ss` (or the first symbol as an unknown). */
  private commonPrefixSearch(ss: string[]): [string[], number, number][] {
    const out: [string[], number, number][] = [];
    let n = this.root.children.get(ss[0]!);
    for (let i = 0; i < ss.length && n; i++) {
      if (n.end) out.push(n.word);
      n = n.children.get(ss[i + 1]!);
    }
    if (out.length === 0) out.push([[ss[0]!], 0, 0]);
    return out;
  }

  /** Token ids of `text` (empty for an empty string). */
  encode(text: string): number[] {
    const symbols = [...processInput(text)];
    const nodes: Map<number, { key: string[]; score: number; index: number }[]>[] = [];
    const words: number[] = [];
    const best: number[] = [];
    for (let i = 0; i <= symbols.length; i++) {
      nodes.push(new Map());
      words.push(0);
      best.push(0);
    }
    for (let i = 0; i < symbols.length; i++) {
      for (const [key, score, index] of this.commonPrefixSearch(symbols.slice(i))) {
        const end = i + key.length;
        const at = nodes[end]!;
        if (!at.has(i)) at.set(i, []);
        at.get(i)!.push({ key, score, index });
      }
    }
    for (let end = 0; end <= symbols.length; end++) {
      // The original iterates `for (startPos in nodes[endPos])` over an object with integer keys: ascending order.
      for (const start of [...nodes[end]!.keys()].sort((a, b) => a - b)) {
        for (const w of nodes[end]!.get(start)!) {
          const score = w.score + best[end - w.key.length]!;
          if (best[end] === 0 || score >= best[end]!) {
            best[end] = score;
            words[end] = w.index;
          }
        }
      }
    }
    const results: number[] = [];
    let iter = words.length - 1;
    while (iter > 0) {
      results.push(words[iter]!);
      // The piece's UTF-16 length, as in the original (equal to its symbol count for the BMP pieces of USE's vocabulary).
      iter -= this.vocabulary[words[iter]!]![0].length;
    }
    const merged: number[] = [];
    let previousUnk = false;
    for (const id of results) {
      if (!(previousUnk && id === 0)) merged.push(id);
      previousUnk = id === 0;
    }
    return merged.reverse();
  }
}
