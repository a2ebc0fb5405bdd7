/**
 * The typed errors of the text package (browser-safe: no `node:` import). Each names the file (or the source a
 * caller gave, e.g. a URL) and what was expected, and carries the values as fields and a stable `code`, so a
 * CLI or a script can react to the class rather than parse the message.
 */

/**
 * A safetensors file that cannot be read as one: too short, a header length past the end of the file (or above
 * {@link SAFETENSORS_MAX_HEADER_BYTES}), a header that is not a JSON object, a tensor entry without a valid
 * `dtype`, `shape` or `data_offsets`, offsets that do not match the shape, overlap, leave gaps or run past the
 * end. `file` names the file (or the source given), `tensor` the entry at fault when there is one.
 */
export class SafetensorsError extends Error {
  /** Always `'ESAFETENSORS'`. */
  readonly code = 'ESAFETENSORS';
  /** The file (or source) read. */
  readonly file: string;
  /** The tensor entry at fault, when the problem is in one. */
  readonly tensor?: string;
  constructor(file: string, problem: string, tensor?: string) {
    super(`${file}: ${tensor === undefined ? '' : `tensor '${tensor}': `}${problem}`);
    this.name = 'SafetensorsError';
    this.file = file;
    if (tensor !== undefined) this.tensor = tensor;
  }
}

/**
 * A model file (a Hugging Face `config.json`, `contrastive.json`, or weights that do not fit the config) that
 * does not describe a model we can build: `file` names it, `field` the key or weight at fault when there is one.
 * Thrown **before** anything the file describes is allocated.
 */
export class ModelFileError extends Error {
  /** Always `'EMODELFILE'`. */
  readonly code = 'EMODELFILE';
  readonly file: string;
  readonly field?: string;
  constructor(file: string, problem: string, field?: string) {
    super(`${file}: ${problem}`);
    this.name = 'ModelFileError';
    this.file = file;
    if (field !== undefined) this.field = field;
  }
}

/** A `tokenizer.json` (or its folder) that cannot be loaded as a tokenizer we can use; `file` names it. */
export class TokenizerFileError extends Error {
  /** Always `'ETOKENIZER'`. */
  readonly code = 'ETOKENIZER';
  readonly file: string;
  constructor(file: string, problem: string, options: { cause?: unknown } = {}) {
    super(`${file}: ${problem}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TokenizerFileError';
    this.file = file;
  }
}

/**
 * An optional peer dependency that a feature needs is not installed (today: `@huggingface/transformers`, which
 * only the frozen ONNX encoder and hub downloads use). `dependency` names the package, `install` the command that
 * adds it; the message says both and which feature asked for it.
 */
export class OptionalDependencyError extends Error {
  /** Always `'EOPTIONALDEP'`. */
  readonly code = 'EOPTIONALDEP';
  /** The npm package that is missing, e.g. `'@huggingface/transformers'`. */
  readonly dependency: string;
  /** The command that installs it, e.g. `'npm install @huggingface/transformers'`. */
  readonly install: string;
  constructor(dependency: string, feature: string, options: { cause?: unknown } = {}) {
    const install = `npm install ${dependency}`;
    super(
      `${feature} needs the optional peer dependency ${dependency}, which is not installed. Install it next to @contrastive/text: ${install}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'OptionalDependencyError';
    this.dependency = dependency;
    this.install = install;
  }
}

/**
 * A data file (corpus, JSONL pairs or triplets, STS TSV) that is missing, unreadable or malformed: `file` names
 * it and `line` (1-based) the offending line when there is one; the message says what was expected.
 */
export class TextDataError extends Error {
  /** Always `'ETEXTDATA'`. */
  readonly code = 'ETEXTDATA';
  readonly file: string;
  readonly line?: number;
  constructor(file: string, problem: string, line?: number) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${problem}`);
    this.name = 'TextDataError';
    this.file = file;
    if (line !== undefined) this.line = line;
  }
}

/**
 * An encoder produced an embedding holding NaN or ±Infinity (a diverged or corrupt model): scoring it or writing
 * it is refused. `index` is the text's 0-based position in the batch handed to the encoder; `line` and `file`
 * name the input line when the caller knows it (the `encode` command does).
 */
export class NonFiniteEmbeddingError extends Error {
  /** Always `'ENONFINITE'` (as core's `NonFiniteStateError`). */
  readonly code = 'ENONFINITE';
  readonly index: number;
  readonly file?: string;
  readonly line?: number;
  constructor(index: number, options: { what?: string; file?: string; line?: number; text?: string } = {}) {
    const where =
      options.file !== undefined && options.line !== undefined
        ? `${options.file}:${options.line}`
        : `${options.what ?? 'text'} ${index}${options.line === undefined ? '' : ` (line ${options.line})`}`;
    const text =
      options.text === undefined ? '' : ` ${JSON.stringify(options.text.length > 60 ? `${options.text.slice(0, 57)}...` : options.text)}`;
    super(
      `the embedding of ${where}${text} is not finite (NaN or Infinity): the model is broken (training diverged, or its weights ` +
        'overflow); retrain it with a lower learning rate or use another checkpoint',
    );
    this.name = 'NonFiniteEmbeddingError';
    this.index = index;
    if (options.file !== undefined) this.file = options.file;
    if (options.line !== undefined) this.line = options.line;
  }
}

/** True when every value of `v` is finite. */
export function allFinite(v: ArrayLike<number>): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) return false;
  return true;
}

/**
 * Throws {@link NonFiniteEmbeddingError} for the first vector of `vectors` holding NaN or ±Infinity. `what`
 * names the texts in the message (`'query'`, `'document'`, `'sentence1 of pair'`).
 */
export function assertFiniteEmbeddings(vectors: readonly ArrayLike<number>[], what = 'text'): void {
  const bad = vectors.findIndex((v) => !allFinite(v));
  if (bad >= 0) throw new NonFiniteEmbeddingError(bad, { what });
}
