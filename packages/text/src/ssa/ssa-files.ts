/**
 * Node-only file I/O of SSA / SSCL (exported from `@contrastive/text/node`, never from the browser-safe root):
 * labelled JSONL sentences, word2vec text vectors (streamed), the aspect-mapping file, and the saved model folder.
 */
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { saveCheckpoint, writeFileAtomic } from '@contrastive/core/node';
import { type AspectMapping, parseAspectMapping } from './hrs-map.js';
import type { SsaModel } from './ssa-model.js';
import { Word2VecTextReader } from './word2vec-text.js';
import type { WordVocabulary } from './words.js';

/** A labelled sentence. */
export interface LabelledText {
  text: string;
  label: string;
}

/** A bad labelled-JSONL file: the message names the file and the 1-based line. */
export class LabelledJsonlError extends Error {
  constructor(file: string, line: number | undefined, message: string) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${message}`);
    this.name = 'LabelledJsonlError';
  }
}

/**
 * Reads JSONL rows `{<textField>: string, <labelField>: string}` (defaults `text` / `aspect`, as `debtags-data`
 * writes them). Blank lines are skipped; a line that is not a JSON object, a missing or non-string field or an empty
 * text is an error naming the file and line; a missing file names the flag's file.
 */
export function readLabelledJsonl(file: string, options: { textField?: string; labelField?: string; limit?: number } = {}): LabelledText[] {
  const { textField = 'text', labelField = 'aspect', limit } = options;
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LabelledJsonlError(file, undefined, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const out: LabelledText[] = [];
  const lines = raw.split('\n');
  for (let i = 0; i < lines.length && (limit === undefined || out.length < limit); i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new LabelledJsonlError(file, i + 1, 'not valid JSON');
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new LabelledJsonlError(file, i + 1, 'expected a JSON object');
    const r = row as Record<string, unknown>;
    const text = r[textField];
    const label = r[labelField];
    if (typeof text !== 'string') throw new LabelledJsonlError(file, i + 1, `"${textField}" must be a string (set --text-field)`);
    if (text.trim() === '') throw new LabelledJsonlError(file, i + 1, `"${textField}" is empty`);
    if (typeof label !== 'string' || label.trim() === '')
      throw new LabelledJsonlError(file, i + 1, `"${labelField}" must be a non-empty string (set --label-field)`);
    out.push({ text, label: label.trim().toLowerCase() });
  }
  if (out.length === 0) throw new LabelledJsonlError(file, undefined, 'has no rows');
  return out;
}

/**
 * Streams a word2vec text file line by line, keeping the vectors of the words `wanted` accepts (bounded by the
 * corpus vocabulary, not the file). Errors name the file and line (see {@link Word2VecTextReader}).
 */
export async function readWord2VecText(file: string, wanted: (word: string) => boolean, order?: readonly string[]) {
  const reader = new Word2VecTextReader(file, wanted);
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) reader.addLine(line);
  return reader.finish(order);
}

/** Reads and parses an `aspect_mapping.txt` file for a model of `aspects` learned aspects. */
export function readAspectMapping(file: string, aspects: number): AspectMapping {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LabelledJsonlError(
      file,
      undefined,
      `cannot read the aspect mapping: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return parseAspectMapping(text, aspects, file);
}

/** The vocabulary file of a saved model: one word per line, line i = id i (line 1 = `<pad>`). */
export const SSA_VOCAB_FILE = 'vocab.txt';

/**
 * Saves a trained model into `dir`: its variables (word vectors, W, b, W_a, b_a, A by the names of
 * `SsaModel.stateTensors`) as a core checkpoint with `meta` (encoder, λ, dim, K), and `vocab.txt`. Atomic per file.
 */
export async function saveSsaModel(
  dir: string,
  model: SsaModel,
  vocabulary: WordVocabulary,
  meta: Record<string, unknown> = {},
): Promise<void> {
  await saveCheckpoint(
    dir,
    { stateTensors: () => model.stateTensors(), optimizers: () => ({}) },
    { encoder: model.encoder, smoothFactor: model.smoothFactor, dim: model.dim, aspects: model.aspectCount, ...meta },
    { overwrite: true },
  );
  await writeFileAtomic(path.join(dir, SSA_VOCAB_FILE), `${vocabulary.words.join('\n')}\n`);
}

/** Saves the k-means baseline: its centres `[K, d]` as a core checkpoint (`centroids`) and `vocab.txt`. */
export async function saveKMeansModel(
  dir: string,
  centroids: Float32Array,
  dim: number,
  vocabulary: WordVocabulary,
  meta: Record<string, unknown> = {},
): Promise<void> {
  const t = tf.tensor2d(centroids, [centroids.length / dim, dim]);
  const v = tf.variable(t, false);
  t.dispose();
  try {
    await saveCheckpoint(dir, { stateTensors: () => ({ centroids: v }), optimizers: () => ({}) }, { dim, ...meta }, { overwrite: true });
  } finally {
    v.dispose();
  }
  await writeFileAtomic(path.join(dir, SSA_VOCAB_FILE), `${vocabulary.words.join('\n')}\n`);
}
