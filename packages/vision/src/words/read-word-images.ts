/**
 * Reads one split of a word-image dataset folder (written by `contrastive-vision data words`, see
 * `build-word-images.ts`) into a tensor and its labels (Node only).
 *
 * Everything is checked before the image tensor is allocated: dataset.json's format, sizes and charset; the
 * IDX header's dims against dataset.json (and the file's length against the dims: `readIdx`); labels.tsv line
 * by line (index, text in the charset and at most maxTextLength long, a font of that split), its row count
 * against the images. Errors are {@link DataFormatError}s naming the file (and `file:line` for labels.tsv).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DataFormatError, DataReadError } from '../io/errors.js';
import { readIdx } from '../io/idx.js';
import { WORD_IMAGES_FILE, WORD_IMAGES_FORMAT, WORD_IMAGES_FORMAT_VERSION, WORD_LABELS_FILE } from './build-word-images.js';
import { WORD_SPLITS, type WordSplit } from './split.js';

/** One split of a word-image dataset. */
export interface WordImages {
  /** `[N, H, W, 1]` float32, 0 = no ink … 1 = full ink (the stored bytes / 255). The caller disposes it. */
  images: tf.Tensor4D;
  /** The word in each image. */
  texts: string[];
  /** The font id of each image. */
  fonts: string[];
  /** The characters texts are made of, in label-index order (dataset.json's `charset`). */
  charset: string;
  /** Longest text the dataset allows (dataset.json's `maxTextLength`). */
  maxTextLength: number;
}

/** What the reader needs from dataset.json. */
interface DatasetRecord {
  height: number;
  width: number;
  charset: string;
  maxTextLength: number;
  splits: Record<WordSplit, { images: number; fonts: string[] }>;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new DataReadError(file, `cannot read ${file}: ${(err as Error).message}`, err);
  }
}

const isCount = (v: unknown, min: number): v is number => Number.isSafeInteger(v) && (v as number) >= min;

/** dataset.json, validated (the fields the reader uses). */
async function readRecord(dir: string): Promise<DatasetRecord> {
  const file = path.join(dir, 'dataset.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readText(file));
  } catch (err) {
    if (err instanceof DataFormatError) throw err;
    throw new DataFormatError(file, `not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const r = raw as Record<string, unknown>;
  const bad = (what: string): never => {
    throw new DataFormatError(file, `${what} (not a word-image dataset written by 'contrastive-vision data words'?)`);
  };
  if (typeof r !== 'object' || r === null || r.format !== WORD_IMAGES_FORMAT) bad(`format is not '${WORD_IMAGES_FORMAT}'`);
  if (r.formatVersion !== WORD_IMAGES_FORMAT_VERSION) {
    bad(`formatVersion ${String(r.formatVersion)} is not ${WORD_IMAGES_FORMAT_VERSION}, the version this reader knows`);
  }
  if (!isCount(r.height, 1) || !isCount(r.width, 1))
    bad(`height and width must be integers >= 1, got ${String(r.height)} x ${String(r.width)}`);
  if (typeof r.charset !== 'string' || r.charset.length === 0 || new Set(r.charset).size !== [...r.charset].length) {
    bad('charset must be a non-empty string of distinct characters');
  }
  if (!isCount(r.maxTextLength, 1)) bad(`maxTextLength must be an integer >= 1, got ${String(r.maxTextLength)}`);
  const splits = r.splits as Record<string, { images?: unknown; fonts?: unknown }> | undefined;
  for (const s of WORD_SPLITS) {
    const e = splits?.[s];
    if (!e || !isCount(e.images, 0) || !Array.isArray(e.fonts) || !e.fonts.every((f) => typeof f === 'string')) {
      bad(`splits.${s} must have an integer 'images' and a 'fonts' list`);
    }
  }
  return r as unknown as DatasetRecord;
}

/**
 * Reads split `split` of the dataset in `dir` (see the module comment).
 *
 * @example
 * const { images, texts, charset } = await readWordImages('data/words', 'train');
 */
export async function readWordImages(dir: string, split: WordSplit): Promise<WordImages> {
  if (!(WORD_SPLITS as readonly string[]).includes(split)) {
    throw new RangeError(`split must be one of ${WORD_SPLITS.join(', ')}, got '${String(split)}'`);
  }
  const record = await readRecord(dir);
  const { height, width, charset, maxTextLength } = record;
  const expected = record.splits[split].images;
  const imagesFile = path.join(dir, split, WORD_IMAGES_FILE);
  // The bound is the size dataset.json declares, so a header that claims more is refused before any allocation.
  const idx = await readIdx(imagesFile, { maxBytes: expected * height * width });
  const dims = idx.dims;
  if (dims.length !== 3 || dims[0] !== expected || dims[1] !== height || dims[2] !== width) {
    throw new DataFormatError(
      imagesFile,
      `IDX dims [${dims.join(', ')}] do not match dataset.json ([${expected}, ${height}, ${width}]: splits.${split}.images, height, width)`,
    );
  }

  const labelsFile = path.join(dir, split, WORD_LABELS_FILE);
  const lines = (await readText(labelsFile)).split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines[0] !== 'index\ttext\tfont') {
    throw new DataFormatError(labelsFile, `${labelsFile}:1: header must be 'index<TAB>text<TAB>font', got '${lines[0] ?? ''}'`);
  }
  if (lines.length - 1 !== expected) {
    throw new DataFormatError(labelsFile, `${labelsFile} has ${lines.length - 1} rows but ${imagesFile} holds ${expected} images`);
  }
  const fontsOfSplit = new Set(record.splits[split].fonts);
  const allowed = new Set(charset);
  const texts: string[] = [];
  const fonts: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const at = `${labelsFile}:${i + 1}`;
    const cells = lines[i]!.split('\t');
    if (cells.length !== 3) throw new DataFormatError(labelsFile, `${at}: expected 3 tab-separated cells, got ${cells.length}`);
    const [index, text, font] = cells as [string, string, string];
    if (index !== String(i - 1)) throw new DataFormatError(labelsFile, `${at}: index must be ${i - 1}, got '${index}'`);
    if (text.length === 0 || [...text].length > maxTextLength) {
      throw new DataFormatError(labelsFile, `${at}: text '${text}' must have 1-${maxTextLength} characters (maxTextLength)`);
    }
    const stray = [...text].find((c) => !allowed.has(c));
    if (stray !== undefined) throw new DataFormatError(labelsFile, `${at}: text '${text}' has '${stray}', not in the charset '${charset}'`);
    if (!fontsOfSplit.has(font)) {
      throw new DataFormatError(labelsFile, `${at}: font '${font}' is not one of the ${split} fonts in dataset.json`);
    }
    texts.push(text);
    fonts.push(font);
  }

  const values = new Float32Array(idx.data.length);
  for (let k = 0; k < values.length; k++) values[k] = idx.data[k]! / 255;
  const images = tf.tensor4d(values, [expected, height, width, 1]);
  return { images, texts, fonts, charset, maxTextLength };
}
