import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { CAPTIONS_FILE, type CaptionRecord, type CaptionSplit, parseCaptionLine } from '../data/caption-record.js';
import { CaptionDataError } from '../data/errors.js';
import { DEFAULT_TEST_FRACTION, splitRecords } from '../data/split.js';
import { type ImageFit, MAX_INPUT_PIXELS, rasteriseToRaw } from './rasterise.js';

/** A record of an opened folder: its line in `captions.jsonl` and its side of the split (given or seeded). */
export interface CaptionFolderRecord extends CaptionRecord {
  /** 1-based line of `captions.jsonl`. */
  line: number;
  split: CaptionSplit;
}

/** Options for {@link openCaptionFolder}. */
export interface CaptionFolderOptions {
  /** Output height and width in pixels (square). Default 64, the builders' size. */
  imageSize?: number;
  /** 1 decodes to grayscale, 3 to RGB (transparency is composited onto white first). Default 3. */
  channels?: 1 | 3;
  /** Which records to keep: `'train'`, `'test'` or `'all'` (default). */
  split?: CaptionSplit | 'all';
  /** When no record carries a `split`: the share of images held out for test (default 0.2, see `splitRecords`). */
  testFraction?: number;
  /** When no record carries a `split`: the split's seed (default 0). */
  seed?: number;
  /** How other aspect ratios are fitted: `'contain'` (default: whole picture on white), `'cover'`, `'fill'`. */
  fit?: ImageFit;
  /** How many files sharp decodes at once (default 8). */
  concurrency?: number;
  /**
   * Bytes of decoded, resized pixels kept so that later epochs skip sharp (default 256 MiB: every image of
   * 21,000 at 64×64 RGB); beyond it images are decoded on every read, so memory stays bounded. 0 turns it off.
   */
  cacheBytes?: number;
  /** Largest input image in pixels (default 2^27), checked from the header before decoding. */
  maxInputPixels?: number;
  /**
   * Decode every image once while opening (default `false`: only their existence is checked, and an image that
   * does not decode fails the read that reaches it). Worth it before a long run; fills the cache as it goes.
   */
  verify?: boolean;
}

/**
 * An image–caption folder, readable by index: item `i` is the pair `records[i]` (an image may be the image of
 * several items, see {@link imageIndex}). Structurally a vision `ImageDataset` (size, height, width, channels,
 * labels, classNames, source, itemName, read), so vision's batching and evaluation helpers take it as it is.
 */
export interface CaptionDataset {
  /** Number of items (image–caption pairs, one per record). */
  readonly size: number;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  /** Class index per item from the records' `class` (indices over the whole file, so train and test agree), or `null`. */
  readonly labels: Int32Array | null;
  /** Sorted class names of the whole file, or `null` when not every record has a `class`. */
  readonly classNames: readonly string[] | null;
  /** The folder, for messages. */
  readonly source: string;
  /** The item's image path relative to the folder. */
  readonly itemName: (index: number) => string;
  /** Decodes the images of the items at `indices` into `[indices.length, H, W, C]` float32 in [0, 1]. */
  read(indices: Int32Array): Promise<tf.Tensor4D>;
  /** The `captions.jsonl` path. */
  readonly file: string;
  /** The records of the chosen split, item by item. */
  readonly records: readonly CaptionFolderRecord[];
  /**
   * Distinct-image index of each item (`0 … imageCount − 1`): two items with the same index show the same file,
   * so a contrastive batch can tell a second caption of its image from a negative.
   */
  readonly imageIndex: Int32Array;
  /** Distinct images among the items. */
  readonly imageCount: number;
  /** `'records'` when the file carries the split, `'seeded'` when it was computed (`testFraction`, `seed`). */
  readonly splitFrom: 'records' | 'seeded';
  /** What was accepted but is worth saying: images referenced by several lines, unknown fields, partial classes. */
  readonly warnings: readonly string[];
}

/** Default {@link CaptionFolderOptions.cacheBytes}. */
export const DEFAULT_CAPTION_CACHE_BYTES = 256 * 2 ** 20;

/**
 * Reads `DIR/captions.jsonl` line by line into records (blank lines skipped, a leading BOM and `\r` line ends
 * accepted), each with its line number. Every line is checked (`parseCaptionLine`); the first bad one throws a
 * {@link CaptionDataError} naming the file and the line. Images are not touched.
 */
export async function readCaptionRecords(
  dir: string,
): Promise<{ file: string; records: (CaptionRecord & { line: number })[]; unknown: Map<string, number[]> }> {
  const file = join(dir, CAPTIONS_FILE);
  const s = await stat(file).catch((err: NodeJS.ErrnoException) => err);
  if (s instanceof Error) {
    const dirOk = await stat(dir).then(
      (d) => d.isDirectory(),
      () => false,
    );
    throw new CaptionDataError(
      dirOk ? file : dir,
      undefined,
      dirOk
        ? `no ${CAPTIONS_FILE} in the folder (${s.code ?? s.message}): an image–caption folder holds ${CAPTIONS_FILE} and its images`
        : 'is not a folder (or does not exist)',
      { cause: s },
    );
  }
  if (!s.isFile()) throw new CaptionDataError(file, undefined, 'is not a file');
  const records: (CaptionRecord & { line: number })[] = [];
  const unknown = new Map<string, number[]>();
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (let text of lines) {
      line++;
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.trim().length === 0) continue;
      const parsed = parseCaptionLine(text, file, line);
      records.push({ ...parsed.record, line });
      for (const f of parsed.unknownFields) unknown.set(f, [...(unknown.get(f) ?? []), line]);
    }
  } catch (err) {
    if (err instanceof CaptionDataError) throw err;
    throw new CaptionDataError(file, line + 1, `cannot read: ${(err as Error).message}`, { cause: err });
  } finally {
    lines.close();
  }
  if (records.length === 0) throw new CaptionDataError(file, undefined, `holds no records (${line} line(s), all blank)`);
  return { file, records, unknown };
}

/**
 * Opens an image–caption folder (`DIR/captions.jsonl` + the images it names) as a dataset of pairs.
 *
 * Only the records are read up front, and every image is checked to exist inside the folder (a link pointing
 * outside it is refused too); images are decoded with sharp when a batch is read and kept up to
 * {@link CaptionFolderOptions.cacheBytes}. Bad input is a {@link CaptionDataError} naming `captions.jsonl` and the
 * line: a line that is not JSON, an empty caption, an image path that is missing, escapes the folder or (on read,
 * or while opening with `verify`) does not decode. An image named by several lines is fine (several captions of
 * one picture) and said in {@link CaptionDataset.warnings}.
 *
 * The split: when every record has `split`, those are used (an image on both sides is an error naming both
 * lines); when none has, a seeded image-level split (`splitRecords` with `testFraction`, `seed`); a file where
 * only some have one is refused.
 *
 * @example
 * const train = await openCaptionFolder('data/tuxpaint', { imageSize: 64, split: 'train' });
 * const x = await train.read(Int32Array.of(0, 1)); // [2, 64, 64, 3]
 * train.records[0].caption; // 'A clock.'
 */
export async function openCaptionFolder(dir: string, opts: CaptionFolderOptions = {}): Promise<CaptionDataset> {
  const {
    imageSize = 64,
    channels = 3,
    split = 'all',
    testFraction = DEFAULT_TEST_FRACTION,
    seed = 0,
    fit = 'contain',
    concurrency = 8,
    cacheBytes = DEFAULT_CAPTION_CACHE_BYTES,
    maxInputPixels = MAX_INPUT_PIXELS,
    verify = false,
  } = opts;
  if (!Number.isInteger(imageSize) || imageSize < 1 || imageSize > 1024)
    throw new RangeError(`imageSize must be an integer in [1, 1024], got ${String(imageSize)}`);
  if (channels !== 1 && channels !== 3) throw new RangeError(`channels must be 1 or 3, got ${String(channels)}`);
  if (!['train', 'test', 'all'].includes(split)) throw new RangeError(`split must be 'train', 'test' or 'all', got ${String(split)}`);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be an integer >= 1, got ${String(concurrency)}`);

  const { file, records: raw, unknown } = await readCaptionRecords(dir);
  const warnings: string[] = [];
  for (const [field, lines] of unknown) {
    warnings.push(`field "${field}" on ${lines.length} line(s) (first: line ${lines[0]}) is not part of the format and was ignored`);
  }

  // The split: all given, none given (seeded), or a mix (refused: a half-split file is a mistake, not a choice).
  const withSplit = raw.filter((r) => r.split !== undefined);
  let all: CaptionFolderRecord[];
  let splitFrom: 'records' | 'seeded';
  if (withSplit.length === raw.length) {
    const side = new Map<string, CaptionFolderRecord>();
    for (const r of raw as CaptionFolderRecord[]) {
      const other = side.get(r.image);
      if (other && other.split !== r.split) {
        throw new CaptionDataError(
          file,
          r.line,
          `image '${r.image}' is "${r.split}" here but "${other.split}" on line ${other.line}: an image must not be on both sides of the split`,
        );
      }
      side.set(r.image, r);
    }
    all = raw as CaptionFolderRecord[];
    splitFrom = 'records';
  } else if (withSplit.length === 0) {
    all = splitRecords(raw, { testFraction, seed });
    splitFrom = 'seeded';
  } else {
    const a = withSplit[0]!;
    const b = raw.find((r) => r.split === undefined)!;
    throw new CaptionDataError(
      file,
      b.line,
      `has no "split" while line ${a.line} (and ${withSplit.length - 1} more) has one: give every line a split, or none for a seeded split`,
    );
  }

  // Every distinct image of the whole file must exist inside the folder (checked for both sides, so that a
  // broken test image is found before training on the train side, not after).
  const root = await realpath(dir);
  const firstLine = new Map<string, number>();
  const linesOf = new Map<string, number[]>();
  for (const r of all) {
    if (!firstLine.has(r.image)) firstLine.set(r.image, r.line);
    linesOf.set(r.image, [...(linesOf.get(r.image) ?? []), r.line]);
  }
  const distinct = [...firstLine.keys()];
  const fullPath = new Map<string, string>();
  for (let i = 0; i < distinct.length; i += 64) {
    await Promise.all(
      distinct.slice(i, i + 64).map(async (image) => {
        const line = firstLine.get(image)!;
        const p = join(dir, ...image.split('/'));
        let real: string;
        try {
          real = await realpath(p);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          throw new CaptionDataError(
            file,
            line,
            `image '${image}' ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (err as Error).message})`} (${p})`,
            { cause: err },
          );
        }
        if (real !== root && !real.startsWith(root + sep)) {
          throw new CaptionDataError(file, line, `image '${image}' escapes the folder: it is a link to ${real}, outside ${root}`);
        }
        const st = await stat(real);
        if (!st.isFile()) throw new CaptionDataError(file, line, `image '${image}' is not a file (${p})`);
        fullPath.set(image, real);
      }),
    );
  }
  const dups = [...linesOf].filter(([, lines]) => lines.length > 1);
  if (dups.length > 0) {
    const [image, lines] = dups[0]!;
    warnings.push(
      `${dups.length} image(s) are named by more than one line (${dups.reduce((n, [, l]) => n + l.length, 0)} lines; e.g. '${image}' on lines ${lines.slice(0, 5).join(', ')}${lines.length > 5 ? ', …' : ''}): each line is one pair; imageIndex tells which pairs share an image`,
    );
  }

  // Classes over the whole file, so that the train and test sides number them alike.
  const withClass = all.filter((r) => r.class !== undefined).length;
  const classNames = withClass === all.length ? [...new Set(all.map((r) => r.class!))].sort() : null;
  if (withClass > 0 && withClass < all.length)
    warnings.push(`${withClass} of ${all.length} records have a "class": the dataset has no labels (give every record one)`);

  const records = split === 'all' ? all : all.filter((r) => r.split === split);
  if (records.length === 0)
    throw new CaptionDataError(
      file,
      undefined,
      `has no "${split}" records (${all.length} records in all, split ${splitFrom === 'records' ? 'given by the file' : `seeded with testFraction ${testFraction}`})`,
    );
  const imageIds = new Map<string, number>();
  const imageIndex = Int32Array.from(records, (r) => {
    let id = imageIds.get(r.image);
    if (id === undefined) {
      id = imageIds.size;
      imageIds.set(r.image, id);
    }
    return id;
  });
  const images = [...imageIds.keys()];
  const classIndex = classNames ? new Map(classNames.map((c, i) => [c, i])) : null;
  const labels = classIndex ? Int32Array.from(records, (r) => classIndex.get(r.class!)!) : null;

  const pixels = imageSize * imageSize * channels;
  const cacheSlots = Math.floor(Math.max(0, cacheBytes) / pixels);
  const cache = new Map<number, Buffer>();
  const decodeImage = async (id: number): Promise<Buffer> => {
    const hit = cache.get(id);
    if (hit) return hit;
    const image = images[id]!;
    let buf: Buffer;
    try {
      buf = await rasteriseToRaw(fullPath.get(image)!, imageSize, channels, { fit, maxInputPixels });
    } catch (err) {
      throw new CaptionDataError(
        file,
        firstLine.get(image),
        `image '${image}' does not decode (${fullPath.get(image)}): ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (cache.size < cacheSlots) cache.set(id, buf); // in read order, so what is kept is deterministic
    return buf;
  };
  if (verify) {
    for (let i = 0; i < images.length; i += concurrency) {
      await Promise.all(images.slice(i, i + concurrency).map((_, j) => decodeImage(i + j)));
    }
  }
  return {
    size: records.length,
    height: imageSize,
    width: imageSize,
    channels,
    labels,
    classNames,
    source: dir,
    itemName: (index) => records[index]!.image,
    file,
    records,
    imageIndex,
    imageCount: images.length,
    splitFrom,
    warnings,
    read: async (indices) => {
      const out = new Float32Array(indices.length * pixels);
      for (let start = 0; start < indices.length; start += concurrency) {
        const chunk = Array.from(indices.subarray(start, start + concurrency), (i) => {
          if (!(Number.isInteger(i) && i >= 0 && i < records.length))
            throw new RangeError(`index ${i} out of range [0, ${records.length}) for ${dir}`);
          return imageIndex[i]!;
        });
        const decoded = await Promise.all(chunk.map(decodeImage));
        decoded.forEach((buf, j) => {
          const off = (start + j) * pixels;
          for (let p = 0; p < pixels; p++) out[off + p] = buf[p]! / 255;
        });
      }
      return tf.tensor4d(out, [indices.length, imageSize, imageSize, channels]);
    },
  };
}
