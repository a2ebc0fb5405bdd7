/**
 * Saving and loading a {@link FlatIndex} as a folder: `vectors.f32` (little-endian float32, `count × dim`,
 * row-major), `keys.u64` (little-endian uint64, `count`, the key of each row) and `index.json`. Atomic and
 * overwrite-refusing (see `index-folder.ts`); a load checks every file's size against `index.json` before
 * allocating, and the index's dim and encoder against what the caller expects.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { checkIndexInfo, IndexFileError } from '../errors.js';
import { FlatIndex } from '../flat-index.js';
import { INDEX_FILES, INDEX_FORMAT, INDEX_FORMAT_VERSION, type IndexMeta } from '../index-meta.js';
import type { IndexInfo } from '../vector-index.js';
import { readLittleEndian, writeLittleEndian } from './binary-files.js';
import { checkFileSize, readIndexMeta, type SaveIndexOptions, writeIndexFolder } from './index-folder.js';

/** Options of a load. */
export interface LoadIndexOptions {
  /**
   * What the caller will search with: a different `dim`, or another `encoder` when both the index and this name
   * one, is an {@link IndexMismatchError} naming both. Default: no check.
   */
  expect?: IndexInfo;
}

async function writeBinary(path: string, data: Float32Array | BigUint64Array): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await writeLittleEndian(fh, data);
  } finally {
    await fh.close();
  }
}

async function readBinary(path: string, out: Float32Array | BigUint64Array): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await readLittleEndian(fh, out, path);
  } finally {
    await fh.close();
  }
}

/**
 * Saves `index` to `folder` (created; an existing index folder is replaced only with `overwrite: true`). Returns
 * the metadata written as `index.json`.
 */
export async function saveFlatIndex(index: FlatIndex, folder: string, options: SaveIndexOptions = {}): Promise<IndexMeta> {
  const { keys, vectors } = index.entries();
  return writeIndexFolder(folder, options.overwrite ?? false, async (dir) => {
    const files = INDEX_FILES.flat;
    await writeBinary(join(dir, files.vectors!), vectors);
    await writeBinary(
      join(dir, files.keys!),
      BigUint64Array.from(keys, (k) => BigInt(k)),
    );
    return {
      format: INDEX_FORMAT,
      version: INDEX_FORMAT_VERSION,
      kind: 'flat',
      dim: index.dim,
      count: keys.length,
      metric: 'ip',
      ...(options.encoder === undefined ? {} : { encoder: options.encoder }),
      createdAt: new Date().toISOString(),
      files: { ...files },
    };
  });
}

/**
 * Loads a folder written by {@link saveFlatIndex}. Errors: {@link IndexFileError} (missing or malformed
 * `index.json`, a data file whose size disagrees with it, duplicate or unsafe keys, non-finite values — each
 * naming the file), {@link IndexMismatchError} (the `expect`ed dim or encoder differs).
 */
export async function loadFlatIndex(folder: string, options: LoadIndexOptions = {}): Promise<{ index: FlatIndex; meta: IndexMeta }> {
  const meta = await readIndexMeta(folder);
  if (meta.kind !== 'flat') throw new IndexFileError(join(folder, 'index.json'), `holds a '${meta.kind}' index, not a flat one`);
  if (options.expect !== undefined) checkIndexInfo(`the index in ${folder}`, meta, options.expect);
  const { dim, count } = meta;
  const files = INDEX_FILES.flat;
  const vectorsFile = await checkFileSize(folder, files.vectors!, count * dim * 4, `count ${count} × dim ${dim} × 4`);
  const keysFile = await checkFileSize(folder, files.keys!, count * 8, `count ${count} × 8`);
  const rawKeys = new BigUint64Array(count);
  await readBinary(keysFile, rawKeys);
  const keys: number[] = new Array(count);
  const seen = new Set<number>();
  for (let i = 0; i < count; i++) {
    const k = rawKeys[i]!;
    if (k > BigInt(Number.MAX_SAFE_INTEGER)) throw new IndexFileError(keysFile, `key ${i} (${k}) is above Number.MAX_SAFE_INTEGER`);
    const n = Number(k);
    if (seen.has(n)) throw new IndexFileError(keysFile, `key ${n} appears twice (rows ${keys.indexOf(n)} and ${i})`);
    seen.add(n);
    keys[i] = n;
  }
  const vectors = new Float32Array(count * dim);
  await readBinary(vectorsFile, vectors);
  const index = new FlatIndex(dim, Math.max(1, count));
  try {
    index.addSync(keys, vectors);
  } catch (e) {
    throw new IndexFileError(vectorsFile, (e as Error).message.replace(/^add: /, ''), { cause: e });
  }
  return { index, meta };
}
