import { PAD_TOKEN, WordVocabulary } from './words.js';

/** A malformed word2vec text file: the message names the file and the 1-based line. */
export class WordVectorsFormatError extends Error {
  constructor(file: string, line: number | undefined, message: string) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${message}`);
    this.name = 'WordVectorsFormatError';
  }
}

/**
 * Reads word2vec **text** format (`gensim` `save_word2vec_format(binary=False)`, fastText `.vec`): a header line
 * `<count> <dim>`, then `<word> <dim numbers>` per line. Fed line by line, it keeps only the words `wanted` accepts
 * (the corpus vocabulary), so memory is bounded by the corpus, not by the file. Errors name the file and line: a bad
 * header, a wrong number of values, a non-finite value, a word given twice, more lines than the header says.
 */
export class Word2VecTextReader {
  readonly file: string;
  private readonly wanted: (word: string) => boolean;
  private dim = 0;
  private declared = 0;
  private seen = 0;
  private line = 0;
  private readonly vectors = new Map<string, Float32Array>();

  constructor(file: string, wanted: (word: string) => boolean) {
    this.file = file;
    this.wanted = wanted;
  }

  /** Vector size from the header (0 before it). */
  get dimension(): number {
    return this.dim;
  }

  /** Feeds the next line (without its newline). */
  addLine(text: string): void {
    this.line++;
    const raw = text.trimEnd();
    if (this.line === 1) {
      const m = /^(\d+)\s+(\d+)$/.exec(raw.trim());
      if (!m)
        throw new WordVectorsFormatError(this.file, 1, `expected the word2vec text header '<count> <dim>', got '${raw.slice(0, 60)}'`);
      this.declared = Number(m[1]);
      this.dim = Number(m[2]);
      if (this.dim < 1) throw new WordVectorsFormatError(this.file, 1, `dimension must be >= 1, got ${this.dim}`);
      return;
    }
    if (raw.trim() === '') return;
    this.seen++;
    if (this.seen > this.declared)
      throw new WordVectorsFormatError(this.file, this.line, `more vectors than the header's ${this.declared}`);
    const fields = raw.split(' ');
    if (fields.length !== this.dim + 1)
      throw new WordVectorsFormatError(this.file, this.line, `expected a word and ${this.dim} values, got ${fields.length - 1} values`);
    const word = fields[0]!;
    if (!this.wanted(word)) return;
    if (this.vectors.has(word)) throw new WordVectorsFormatError(this.file, this.line, `the word '${word}' has a second vector`);
    const v = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i++) {
      const x = Number(fields[i + 1]);
      if (!Number.isFinite(x))
        throw new WordVectorsFormatError(this.file, this.line, `value ${i + 1} of '${word}' is not a finite number: '${fields[i + 1]}'`);
      v[i] = x;
    }
    this.vectors.set(word, v);
  }

  /**
   * The vocabulary (`<pad>` then the kept words, in `order`'s order when given, else file order) and its V×d
   * vectors (row 0 zeros). Throws when the file ended early or no wanted word had a vector.
   */
  finish(order?: readonly string[]): { vocabulary: WordVocabulary; vectors: Float32Array; dim: number } {
    if (this.line === 0) throw new WordVectorsFormatError(this.file, undefined, 'the file is empty');
    if (this.seen < this.declared)
      throw new WordVectorsFormatError(
        this.file,
        undefined,
        `the header promises ${this.declared} vectors but the file has ${this.seen} (truncated?)`,
      );
    const words = (order ?? [...this.vectors.keys()]).filter((w) => this.vectors.has(w) && w !== PAD_TOKEN);
    if (words.length === 0) throw new WordVectorsFormatError(this.file, undefined, 'none of the corpus words has a vector in this file');
    const vectors = new Float32Array((words.length + 1) * this.dim);
    words.forEach((w, i) => vectors.set(this.vectors.get(w)!, (i + 1) * this.dim));
    return { vocabulary: new WordVocabulary([PAD_TOKEN, ...words]), vectors, dim: this.dim };
  }
}
