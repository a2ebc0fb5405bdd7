import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { MAX_IMAGE_SIZE, type ImageDataset } from './dataset.js';
import { DataFormatError, DataReadError, DataTooLargeError } from './errors.js';

/** File extensions an image folder picks up (sharp decodes them all). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif'] as const;

/** Options for {@link openImageFolder}. */
export interface ImageFolderOptions {
  /** Output height and width in pixels (square). Default 32. */
  imageSize?: number;
  /** 1 decodes to grayscale, 3 to RGB (alpha is dropped). Default 3. */
  channels?: 1 | 3;
  /**
   * How to fit images of another aspect ratio: `'cover'` (resize the short side, centre-crop; the
   * torchvision `Resize`+`CenterCrop` habit) or `'fill'` (stretch). Default `'cover'`.
   */
  fit?: 'cover' | 'fill';
  /** How many files sharp decodes at once (default 8). */
  concurrency?: number;
  /** Largest input image in pixels (width × height from its header), default {@link MAX_INPUT_PIXELS}. */
  maxInputPixels?: number;
  /**
   * Bytes of decoded, resized pixels kept in memory so that later epochs skip sharp (default 256 MiB:
   * every image of a folder of up to ~87,000 at 32×32 RGB, ~5,000 at 128×128; beyond the budget the rest
   * are decoded on every read, so memory stays bounded for folders of any size). 0 turns it off.
   */
  cacheBytes?: number;
}

/**
 * Largest image, in pixels, that is decoded (sharp's `limitInputPixels`, checked from the file's header before
 * decoding): 2^27 ≈ 134 megapixels, above any camera photo in common use (a 100 MP medium-format frame is
 * 11,648 × 8,736 = 102 MP). A file declaring more (a decompression bomb, or a corrupt header) is refused naming it.
 */
export const MAX_INPUT_PIXELS = 2 ** 27;

/** Default {@link ImageFolderOptions.cacheBytes}. */
export const DEFAULT_IMAGE_CACHE_BYTES = 256 * 2 ** 20;

/**
 * The entries of `root`, sorted by name, as folders or files; symbolic links count as what they point to
 * (dataset splits are often trees of links), a dangling link as a file (its read then names it).
 */
async function listEntries(root: string): Promise<{ name: string; kind: 'dir' | 'file' | 'other' }[]> {
  let listed: Dirent[];
  try {
    listed = await readdir(root, { withFileTypes: true });
  } catch (err) {
    throw new DataReadError(root, `cannot list image folder ${root}: ${(err as Error).message}`, err);
  }
  const entries = listed.sort((a, b) => (a.name < b.name ? -1 : 1));
  return Promise.all(
    entries.map(async (e) => {
      if (!e.isSymbolicLink()) return { name: e.name, kind: e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other' } as const;
      const t = await stat(join(root, e.name)).catch(() => null);
      return { name: e.name, kind: t === null || t.isFile() ? 'file' : t.isDirectory() ? 'dir' : 'other' } as const;
    }),
  );
}

/**
 * Every image file under `dir`, at any depth, following links, in torchvision's `make_dataset` order:
 * folders sorted by path (`sorted(os.walk(dir, followlinks=True))`), files by name inside each. A folder
 * reached twice through links is read once.
 */
async function imagesUnder(dir: string, seen = new Set<string>()): Promise<{ dir: string; files: string[] }[]> {
  let real: string;
  try {
    real = await realpath(dir);
  } catch (err) {
    throw new DataReadError(dir, `cannot resolve image folder ${dir}: ${(err as Error).message}`, err);
  }
  if (seen.has(real)) return [];
  seen.add(real);
  const entries = await listEntries(dir);
  const here = { dir, files: entries.filter((e) => e.kind === 'file' && isImage(e.name)).map((e) => join(dir, e.name)) };
  const below = await Promise.all(entries.filter((e) => e.kind === 'dir').map((e) => imagesUnder(join(dir, e.name), seen)));
  return [here, ...below.flat()].sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

const isImage = (name: string): boolean => (IMAGE_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());

/**
 * Opens a folder of images as a dataset. Layouts:
 * - `root/<class>/<image>`: labeled, one sub-folder per class (classes sorted by name, as torchvision's
 *   `ImageFolder` does), its images at any depth below it (as `ImageFolder` walks each class folder);
 * - `root/<image>`: unlabeled.
 *
 * Only the file list is read up front; images are decoded and resized with sharp when a batch is read and
 * kept (as bytes at the output size) up to {@link ImageFolderOptions.cacheBytes}, so the folder can be
 * larger than memory. A file that does not decode fails with its path in the error; a class folder without
 * images is an error naming it (as in torchvision).
 */
export async function openImageFolder(root: string, opts: ImageFolderOptions = {}): Promise<ImageDataset> {
  const {
    imageSize = 32,
    channels = 3,
    fit = 'cover',
    concurrency = 8,
    cacheBytes = DEFAULT_IMAGE_CACHE_BYTES,
    maxInputPixels = MAX_INPUT_PIXELS,
  } = opts;
  if (!Number.isInteger(imageSize) || imageSize < 1 || imageSize > MAX_IMAGE_SIZE)
    throw new RangeError(`imageSize must be an integer in [1, ${MAX_IMAGE_SIZE}], got ${imageSize}`);
  if (channels !== 1 && channels !== 3) throw new RangeError(`channels must be 1 or 3, got ${String(channels)}`);
  const s = await stat(root).catch(() => null);
  if (!s?.isDirectory()) throw new DataFormatError(root, `image folder ${root} does not exist or is not a folder`);
  const entries = await listEntries(root);
  const classDirs = entries.filter((e) => e.kind === 'dir' && !e.name.startsWith('.'));
  const files: string[] = [];
  const labelList: number[] = [];
  let classNames: string[] | null = null;
  const emptyClasses: string[] = [];
  if (classDirs.length > 0) {
    classNames = classDirs.map((d) => d.name);
    for (const [c, d] of classDirs.entries()) {
      const before = files.length;
      for (const group of await imagesUnder(join(root, d.name))) {
        for (const f of group.files) {
          files.push(f);
          labelList.push(c);
        }
      }
      if (files.length === before) emptyClasses.push(d.name);
    }
  } else {
    for (const e of entries) if (e.kind === 'file' && isImage(e.name)) files.push(join(root, e.name));
  }
  if (files.length === 0) {
    throw new DataFormatError(
      root,
      `image folder ${root} holds no images (looked for ${IMAGE_EXTENSIONS.join(', ')} ` +
        `${classDirs.length > 0 ? 'inside its class sub-folders' : 'directly inside it or in class sub-folders'})`,
    );
  }
  if (emptyClasses.length > 0) {
    // torchvision's ImageFolder refuses these too: a class with no images would still take a label index.
    throw new DataFormatError(
      root,
      `image folder ${root}: class folder(s) ${emptyClasses.map((n) => `'${n}'`).join(', ')} hold no images ` +
        `(looked for ${IMAGE_EXTENSIONS.join(', ')}); add images or remove the folder(s)`,
    );
  }
  const pixels = imageSize * imageSize * channels;
  const cache = new Map<number, Buffer>();
  const cacheSlots = Math.floor(Math.max(0, cacheBytes) / pixels);
  const decodeAt = async (idx: number): Promise<Buffer> => {
    const hit = cache.get(idx);
    if (hit) return hit;
    const file = files[idx];
    if (file === undefined) throw new RangeError(`index ${idx} out of range [0, ${files.length}) for ${root}`);
    return decode(file);
  };
  const decode = async (file: string): Promise<Buffer> => {
    try {
      let img = sharp(file, { failOn: 'error', limitInputPixels: maxInputPixels })
        .rotate()
        .resize(imageSize, imageSize, { fit })
        .removeAlpha();
      img = channels === 1 ? img.toColourspace('b-w') : img.toColourspace('srgb');
      const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
      if (info.channels !== channels || data.length !== pixels) {
        throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}, expected ${imageSize}x${imageSize}x${channels}`);
      }
      return data;
    } catch (err) {
      const message = (err as Error).message;
      if (/pixel limit/i.test(message)) {
        // The header alone (no pixels are decoded), to name the declared size.
        const meta = await sharp(file, { limitInputPixels: false })
          .metadata()
          .catch(() => null);
        const pixels = meta?.width && meta.height ? meta.width * meta.height : Number.NaN;
        const size = meta?.width && meta.height ? `${meta.width}x${meta.height} = ${pixels} pixels` : 'more pixels';
        throw new DataTooLargeError(
          file,
          `image file ${file} declares ${size}, above the ${maxInputPixels}-pixel bound (maxInputPixels, checked from its header before decoding)`,
          pixels * channels,
          maxInputPixels * channels,
        );
      }
      throw new DataFormatError(file, `cannot decode image file ${file}: ${message}`, { cause: err });
    }
  };
  return {
    size: files.length,
    height: imageSize,
    width: imageSize,
    channels,
    labels: classNames ? Int32Array.from(labelList) : null,
    classNames,
    source: root,
    itemName: (index) => relative(root, files[index]!).split(sep).join('/'),
    read: async (indices) => {
      const out = new Float32Array(indices.length * pixels);
      for (let start = 0; start < indices.length; start += concurrency) {
        const chunk = Array.from(indices.subarray(start, start + concurrency));
        const decoded = await Promise.all(chunk.map(decodeAt));
        decoded.forEach((buf, j) => {
          if (cache.size < cacheSlots) cache.set(chunk[j]!, buf); // in read order, so what is kept is deterministic
          const off = (start + j) * pixels;
          for (let p = 0; p < pixels; p++) out[off + p] = buf[p]! / 255;
        });
      }
      return tf.tensor4d(out, [indices.length, imageSize, imageSize, channels]);
    },
  };
}
