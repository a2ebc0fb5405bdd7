/**
 * Reading a dropped (or picked) folder of images in the page: walk the folder, keep image files, decode
 * each with `createImageBitmap`, centre-crop to a square and resize to `size × size` RGB. Files that fail to
 * decode are skipped and named; a folder without images is an error that says what it found instead.
 */
import { folderLabels, IMAGE_EXTENSIONS, isImageName } from './folder-labels.js';
import type { PixelData } from './protocol.js';

export interface FolderFile {
  path: string;
  file: File;
}

export interface FolderResult {
  data: PixelData;
  /** Paths that could not be decoded, with the reason. */
  failed: { path: string; reason: string }[];
  /** Image files beyond `maxImages` that were left out. */
  skipped: number;
}

/** Files under the dropped items (folders are walked recursively). */
export async function filesFromDrop(items: DataTransferItemList): Promise<FolderFile[]> {
  const entries = Array.from(items, (item) => item.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const out: FolderFile[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push({ path: entry.fullPath.replace(/^\//, ''), file });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries returns at most 100 entries per call: read until it returns none.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const e of batch) await walk(e);
      }
    }
  };
  for (const e of entries) await walk(e);
  return out;
}

/** Files of an `<input type="file" webkitdirectory>`. */
export const filesFromInput = (files: FileList): FolderFile[] =>
  Array.from(files, (file) => ({ path: file.webkitRelativePath || file.name, file }));

/** Decodes the images among `files` at `size × size` RGB. Throws when there is no image or none decodes. */
export async function decodeFolder(files: readonly FolderFile[], size: number, maxImages: number): Promise<FolderResult> {
  const images = files.filter((f) => isImageName(f.path)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (images.length === 0) {
    throw new Error(
      files.length === 0
        ? 'The folder is empty: drop a folder of images (one sub-folder per class gives labels).'
        : `The folder holds no images (${IMAGE_EXTENSIONS.join(', ')}): found ${files.length} other file${files.length === 1 ? '' : 's'}, e.g. ${files[0]!.path}.`,
    );
  }
  const used = images.slice(0, maxImages);
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const pixels: number[][] = [];
  const kept: string[] = [];
  const failed: FolderResult['failed'] = [];
  for (const { path, file } of used) {
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(file);
    } catch (e) {
      failed.push({ path, reason: (e as Error).message || 'the browser could not decode it' });
      continue;
    }
    const side = Math.min(bitmap.width, bitmap.height);
    ctx.clearRect(0, 0, size, size);
    ctx.fillStyle = '#fff'; // transparent areas become white, as the Node loaders flatten them
    ctx.fillRect(0, 0, size, size);
    ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, size, size);
    bitmap.close();
    const rgba = ctx.getImageData(0, 0, size, size).data;
    const rgb = new Array<number>(size * size * 3);
    for (let p = 0; p < size * size; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = rgba[p * 4 + c]!;
    pixels.push(rgb);
    kept.push(path);
  }
  if (kept.length === 0) {
    throw new Error(`None of the ${used.length} images could be decoded (first: ${failed[0]!.path}: ${failed[0]!.reason}).`);
  }
  const labels = folderLabels(kept);
  const flat = new Uint8Array(kept.length * size * size * 3);
  pixels.forEach((rgb, i) => flat.set(rgb, i * size * size * 3));
  return {
    data: {
      pixels: flat,
      n: kept.length,
      height: size,
      width: size,
      channels: 3,
      labels: labels?.labels ?? null,
      classNames: labels?.classNames ?? null,
    },
    failed,
    skipped: images.length - used.length,
  };
}
