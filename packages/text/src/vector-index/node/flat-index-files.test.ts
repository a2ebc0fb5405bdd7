import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexFileError, IndexMismatchError } from '../errors.js';
import { FlatIndex } from '../flat-index.js';
import { INDEX_FORMAT, type IndexMeta } from '../index-meta.js';
import { clusteredCorpus } from '../test-utils/data.js';
import { loadFlatIndex, saveFlatIndex } from './flat-index-files.js';
import { writeIndexFolder } from './index-folder.js';
import { loadVectorIndex } from './load-vector-index.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'flat-files-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const dim = 8;
const corpus = () => clusteredCorpus(300, 20, dim, 5);

describe('saveFlatIndex / loadFlatIndex', () => {
  it('round-trips keys, vectors and meta; searches are identical after loading', async () => {
    const { keys, vectors, queries, exact } = corpus();
    await exact.remove([keys[10]!]); // storage order after a remove differs from key order
    const folder = join(root, 'a');
    const meta = await saveFlatIndex(exact, folder, { encoder: 'enc-1' });
    expect(meta).toMatchObject({ format: INDEX_FORMAT, kind: 'flat', dim, count: 299, metric: 'ip', encoder: 'enc-1' });
    expect((await readdir(folder)).sort()).toEqual(['index.json', 'keys.u64', 'vectors.f32']);
    expect(JSON.parse(await readFile(join(folder, 'index.json'), 'utf8'))).toEqual(meta);
    const { index, meta: loaded } = await loadFlatIndex(folder, { expect: { dim, encoder: 'enc-1' } });
    expect(loaded).toEqual(meta);
    expect(index.entries()).toEqual(exact.entries());
    expect(await index.search(queries, 10)).toEqual(await exact.search(queries, 10));
    expect((await loadVectorIndex(folder)).index).toBeInstanceOf(FlatIndex);
    expect(keys.length).toBe(300);
    expect(vectors.length).toBe(300 * dim);
  });

  it('refuses to overwrite an existing index unless asked, and never replaces a folder that is not an index', async () => {
    const { exact } = corpus();
    const folder = join(root, 'b');
    await saveFlatIndex(exact, folder);
    const before = await readFile(join(folder, 'vectors.f32'));
    const small = new FlatIndex(dim);
    small.addSync([1], new Float32Array(dim).fill(0.5));
    const err = await saveFlatIndex(small, folder).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexFileError);
    expect((err as Error).message).toMatch(/already exists; pass overwrite: true/);
    expect(await readFile(join(folder, 'vectors.f32'))).toEqual(before);
    await saveFlatIndex(small, folder, { overwrite: true });
    expect((await loadFlatIndex(folder)).meta.count).toBe(1);

    const user = join(root, 'user-data');
    await mkdir(user);
    await writeFile(join(user, 'thesis.tex'), 'precious');
    await expect(saveFlatIndex(small, user, { overwrite: true })).rejects.toThrow(/is not an index folder .*refusing to replace it/);
    expect(await readFile(join(user, 'thesis.tex'), 'utf8')).toBe('precious');
    expect((await readdir(root)).filter((n) => n.startsWith('.'))).toEqual([]); // no temporary folders left
  });

  it('a save that fails midway leaves no folder (new) or the old index intact (overwrite), and no temp folder', async () => {
    const failing = async (dir: string): Promise<IndexMeta> => {
      await writeFile(join(dir, 'vectors.f32'), Buffer.alloc(64));
      throw new Error('disk full (simulated)');
    };
    await expect(writeIndexFolder(join(root, 'c'), false, failing)).rejects.toThrow(/disk full/);
    expect(await readdir(root)).not.toContain('c');
    const { exact, queries } = corpus();
    await saveFlatIndex(exact, join(root, 'd'));
    await expect(writeIndexFolder(join(root, 'd'), true, failing)).rejects.toThrow(/disk full/);
    const { index } = await loadFlatIndex(join(root, 'd'));
    expect(await index.search(queries, 5)).toEqual(await exact.search(queries, 5));
    expect((await readdir(root)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('checks the expected dim and encoder, naming both', async () => {
    const { exact } = corpus();
    const folder = join(root, 'e');
    await saveFlatIndex(exact, folder, { encoder: 'bert-a' });
    const dimErr = await loadFlatIndex(folder, { expect: { dim: 16 } }).catch((e: unknown) => e);
    expect(dimErr).toBeInstanceOf(IndexMismatchError);
    expect((dimErr as Error).message).toMatch(/holds 8-d vectors, but 16-d vectors were given/);
    const encErr = await loadFlatIndex(folder, { expect: { dim, encoder: 'bert-b' } }).catch((e: unknown) => e);
    expect(encErr).toMatchObject({ code: 'EINDEXMISMATCH', field: 'encoder' });
    expect((encErr as Error).message).toMatch(/built by encoder 'bert-a', not by 'bert-b'/);
    // A caller that does not know its encoder is not refused on that ground.
    expect((await loadFlatIndex(folder, { expect: { dim } })).meta.encoder).toBe('bert-a');
  });

  it('refuses truncated or corrupt files with an error naming the file', async () => {
    const { exact } = corpus();
    const make = async (name: string) => {
      const folder = join(root, name);
      await saveFlatIndex(exact, folder);
      return folder;
    };
    const t = await make('trunc');
    await truncate(join(t, 'vectors.f32'), 100);
    await expect(loadFlatIndex(t)).rejects.toThrow(/vectors\.f32: is 100 bytes, but index\.json says count 300 × dim 8 × 4 = 9600 bytes/);

    const k = await make('keys');
    await rm(join(k, 'keys.u64'));
    await expect(loadFlatIndex(k)).rejects.toThrow(/keys\.u64: is missing/);

    const dup = await make('dup');
    const keyBytes = await readFile(join(dup, 'keys.u64'));
    keyBytes.copy(keyBytes, 8, 0, 8); // row 1 gets row 0's key
    await writeFile(join(dup, 'keys.u64'), keyBytes);
    await expect(loadFlatIndex(dup)).rejects.toThrow(/keys\.u64: key 7 appears twice \(rows 0 and 1\)/);

    const nan = await make('nan');
    const vec = await readFile(join(nan, 'vectors.f32'));
    vec.writeFloatLE(Number.NaN, 4 * 17);
    await writeFile(join(nan, 'vectors.f32'), vec);
    await expect(loadFlatIndex(nan)).rejects.toThrow(/vectors\.f32: vector 2 \(key 13\) has a non-finite value/);

    const json = await make('json');
    await writeFile(join(json, 'index.json'), '{"format":');
    await expect(loadFlatIndex(json)).rejects.toThrow(/index\.json: is not valid JSON/);
    const meta = JSON.parse(await readFile(join(t, 'index.json'), 'utf8'));
    await writeFile(join(json, 'index.json'), JSON.stringify({ ...meta, dim: -1 }));
    await expect(loadFlatIndex(json)).rejects.toThrow(/index\.json: dim -1 is not a positive integer/);

    await expect(loadFlatIndex(join(root, 'nope'))).rejects.toThrow(/nope: no such index folder/);
    await mkdir(join(root, 'empty'));
    await expect(loadFlatIndex(join(root, 'empty'))).rejects.toThrow(/index\.json: is missing: the folder is not an index folder/);
  });
});
