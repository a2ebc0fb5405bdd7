/**
 * The alphabet of a text-recognition task: text ⇄ CTC class ids. Id 0 is reserved for the CTC blank; the
 * characters (Unicode code points, so an astral character is one symbol) get ids 1..K in code-point order,
 * so the same training texts always give the same ids. {@link Charset.size} = K + 1 is the number of
 * classes a CTC decoder outputs.
 */

/** What {@link Charset.encode} does with a character outside the charset. */
export type UnknownCharPolicy = 'error' | 'skip';

/** Options of {@link Charset.encode}. */
export interface EncodeOptions {
  /** `'error'` (default): throw, naming the unknown characters; `'skip'`: drop them. */
  unknown?: UnknownCharPolicy;
}

/** The JSON form of a {@link Charset} (`JSON.stringify(charset)`; {@link Charset.fromJSON} reads it back). */
export interface CharsetJSON {
  chars: string[];
}

const show = (ch: string): string => JSON.stringify(ch);

export class Charset {
  /** The characters; `chars[i]` has id i + 1. */
  readonly chars: readonly string[];
  private readonly ids: Map<string, number>;

  /** A charset of exactly `chars` (distinct single code points), in that order. */
  constructor(chars: readonly string[]) {
    if (chars.length === 0) throw new RangeError('Charset: needs at least one character, got none');
    const ids = new Map<string, number>();
    chars.forEach((ch, i) => {
      if (typeof ch !== 'string' || Array.from(ch).length !== 1)
        throw new RangeError(`Charset: chars[${i}] must be one character (code point), got ${show(String(ch))}`);
      if (ids.has(ch)) throw new RangeError(`Charset: chars[${i}] = ${show(ch)} is a duplicate`);
      ids.set(ch, i + 1);
    });
    this.chars = Object.freeze([...chars]);
    this.ids = ids;
  }

  /** The characters of `texts`, sorted by code point (deterministic ids for the same texts). */
  static fromTexts(texts: readonly string[]): Charset {
    const seen = new Set<string>();
    for (const s of texts) for (const ch of s) seen.add(ch);
    if (seen.size === 0) throw new RangeError(`Charset.fromTexts: the ${texts.length} texts contain no character`);
    return new Charset([...seen].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  static fromJSON(json: CharsetJSON): Charset {
    if (!json || !Array.isArray(json.chars)) throw new TypeError('Charset.fromJSON: expected { chars: string[] }');
    return new Charset(json.chars);
  }

  toJSON(): CharsetJSON {
    return { chars: [...this.chars] };
  }

  /** Number of classes including the blank (K + 1). */
  get size(): number {
    return this.chars.length + 1;
  }

  /** The blank's id (always 0). */
  get blank(): number {
    return 0;
  }

  has(ch: string): boolean {
    return this.ids.has(ch);
  }

  /** The ids (1..K) of `text`'s characters. */
  encode(text: string, opts: EncodeOptions = {}): Int32Array {
    const { unknown = 'error' } = opts;
    if (unknown !== 'error' && unknown !== 'skip')
      throw new RangeError(`Charset.encode: unknown must be 'error' or 'skip', got ${String(unknown)}`);
    const out: number[] = [];
    const missing = new Set<string>();
    for (const ch of text) {
      const id = this.ids.get(ch);
      if (id !== undefined) out.push(id);
      else missing.add(ch);
    }
    if (missing.size > 0 && unknown === 'error')
      throw new RangeError(
        `Charset.encode: ${show(text)} has characters outside the charset: ${[...missing].map(show).join(', ')} (pass { unknown: 'skip' } to drop them)`,
      );
    return Int32Array.from(out);
  }

  /** The text of ids; the blank (0) is skipped, an id outside 0..K throws. Repeats are kept (decode CTC output first). */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === 0) continue;
      const ch = Number.isInteger(id) ? this.chars[id - 1] : undefined;
      if (ch === undefined) throw new RangeError(`Charset.decode: id ${id} at ${i} is outside 0..${this.chars.length}`);
      s += ch;
    }
    return s;
  }
}
