import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OptionalDependencyError } from '../../errors.js';
import { IndexFileError, IndexMismatchError } from '../errors.js';
import { recallAtK } from '../recall.js';
import { clusteredCorpus, row } from '../test-utils/data.js';
import { saveFlatIndex } from './flat-index-files.js';
import { loadVectorIndex } from './load-vector-index.js';
import { setStoreImporter } from './optional-deps.js';
import { USEARCH_DEFAULTS, UsearchIndex } from './usearch-index.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'usearch-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));
afterEach(() => setStoreImporter('usearch'));

describe('UsearchIndex', () => {
  it('recall@10 against the exact FlatIndex is >= 0.95 at the defaults on weakly clustered 64-d vectors', async () => {
    // Noise norm 2 around 50 centres: close to uniform on the sphere, the hard case (usearch's own default ef 64
    // measured 0.949 here); 5,000 vectors, 200 queries from the same mixture.
    const { keys, vectors, queries, exact } = clusteredCorpus(5000, 200, 64, 11, 2);
    const index = await UsearchIndex.create({ dim: 64 });
    expect(index.params).toEqual(USEARCH_DEFAULTS);
    await index.add(keys, vectors);
    expect(await index.size()).toBe(5000);
    const truth = await exact.search(queries, 10);
    const got = await index.search(queries, 10);
    const recall = recallAtK(got, truth, 10);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    // The scores are inner products (usearch's 'ip' distance is 1 − dot): the same numbers as the exact index.
    expect(got[0]![0]!.score).toBeCloseTo(truth[0]!.find((h) => h.key === got[0]![0]!.key)?.score ?? Number.NaN, 5);
    // The test can fail: a starved graph search (ef 1, M 2) misses many neighbours on the same data.
    const weak = await UsearchIndex.create({ dim: 64, connectivity: 2, expansionAdd: 2, expansionSearch: 1 });
    await weak.add(keys, vectors);
    expect(recallAtK(await weak.search(queries, 10), truth, 10)).toBeLessThan(recall - 0.1);
    await index.close();
    await weak.close();
  });

  it('adds, replaces (also within one batch), removes and counts', async () => {
    const dim = 4;
    const index = await UsearchIndex.create({ dim });
    const e = (i: number) => Float32Array.from({ length: dim }, (_, j) => (i === j ? 1 : 0));
    await index.add([5, 6], new Float32Array([...e(0), ...e(1)]));
    expect(await index.size()).toBe(2);
    expect((await index.search(e(0), 1))[0]).toEqual([{ key: 5, score: 1 }]);
    await index.add([5], e(2)); // replace
    expect(await index.size()).toBe(2);
    expect((await index.search(e(2), 1))[0]![0]).toEqual({ key: 5, score: 1 });
    expect((await index.search(e(0), 2))[0]!.every((h) => h.score < 0.5)).toBe(true);
    await index.add([7, 7], new Float32Array([...e(0), ...e(3)])); // the last of a repeated key wins
    expect(await index.size()).toBe(3);
    expect((await index.search(e(3), 1))[0]![0]).toEqual({ key: 7, score: 1 });
    await index.remove([6, 999]);
    expect(await index.size()).toBe(2);
    expect((await index.search(e(1), 5))[0]!.map((h) => h.key).sort()).toEqual([5, 7]);
    await expect(index.add([1], new Float32Array(3))).rejects.toThrow(/1 keys need 4 values/);
    await expect(index.add([1], new Float32Array([0, Number.NaN, 0, 0]))).rejects.toThrow(/non-finite/);
    await expect(index.search(new Float32Array(5), 1)).rejects.toThrow(/dimension mismatch/);
    expect(await index.size()).toBe(2);
    await index.remove([5, 7]);
    expect(await index.search(e(0), 3)).toEqual([[]]);
    await index.close();
    await expect(index.size()).rejects.toThrow(/closed/);
  });

  it('saves and loads: same searches, same size; checks dim, encoder and the files', async () => {
    const { keys, vectors, queries } = clusteredCorpus(1000, 30, 16, 2);
    const index = await UsearchIndex.create({ dim: 16, encoder: 'use-lite', expansionSearch: 64 });
    await index.add(keys, vectors);
    await index.remove(keys.slice(0, 10));
    const before = await index.search(queries, 10);
    const folder = join(root, 'u');
    const meta = await index.save(folder);
    expect(meta).toMatchObject({ kind: 'usearch', dim: 16, count: 990, encoder: 'use-lite', files: { index: 'index.usearch' } });
    expect(meta.usearch).toEqual({ ...USEARCH_DEFAULTS, expansionSearch: 64 });
    await expect(index.save(folder)).rejects.toThrow(/already exists; pass overwrite: true/);

    const { index: loaded } = await UsearchIndex.load(folder, { expect: { dim: 16, encoder: 'use-lite' } });
    expect(await loaded.size()).toBe(990);
    expect(loaded.encoder).toBe('use-lite');
    expect(loaded.params.expansionSearch).toBe(64);
    expect(await loaded.search(queries, 10)).toEqual(before);
    const again = await loadVectorIndex(folder);
    expect(again.index).toBeInstanceOf(UsearchIndex);
    // The loaded index stays writable and saves again.
    await loaded.add([1], row(vectors, 16, 0));
    expect(await loaded.size()).toBe(991);
    await loaded.save(folder, { overwrite: true });
    expect((await UsearchIndex.load(folder)).meta.count).toBe(991);

    await expect(UsearchIndex.load(folder, { expect: { dim: 32 } })).rejects.toBeInstanceOf(IndexMismatchError);
    await expect(UsearchIndex.load(folder, { expect: { dim: 16, encoder: 'bert' } })).rejects.toThrow(
      /built by encoder 'use-lite', not by 'bert'/,
    );
    const json = JSON.parse(await readFile(join(folder, 'index.json'), 'utf8'));
    await writeFile(join(folder, 'index.json'), JSON.stringify({ ...json, count: 5 }));
    await expect(UsearchIndex.load(folder)).rejects.toThrow(/index\.usearch: holds 991 vectors, but index\.json says count 5/);
    await writeFile(join(folder, 'index.json'), JSON.stringify(json));
    const good = await readFile(join(folder, 'index.usearch'));
    // A corrupt header is refused before usearch reads it (usearch would allocate what it says).
    await writeFile(join(folder, 'index.usearch'), Buffer.alloc(100, 7));
    const corrupt = await UsearchIndex.load(folder).catch((e: unknown) => e);
    expect(corrupt).toBeInstanceOf(IndexFileError);
    expect((corrupt as Error).message).toMatch(/index\.usearch: stores 117901063 bytes per vector, but index\.json says dim 16/);
    await writeFile(join(folder, 'index.usearch'), good.subarray(0, 5000));
    await expect(UsearchIndex.load(folder)).rejects.toThrow(/index\.usearch: says 1000 vectors of 64 bytes, more than its 5000 bytes hold/);
    // A sound header over a truncated graph: usearch's own error, naming the file.
    await writeFile(join(folder, 'index.usearch'), good.subarray(0, good.length - 100));
    await expect(UsearchIndex.load(folder)).rejects.toThrow(/index\.usearch: usearch could not load it/);

    const flat = join(root, 'flat');
    const { exact } = clusteredCorpus(10, 1, 16, 2);
    await saveFlatIndex(exact, flat);
    await expect(UsearchIndex.load(flat)).rejects.toThrow(/holds a 'flat' index, not a usearch one/);
  });

  it('without usearch installed: an OptionalDependencyError naming the package and the install command', async () => {
    setStoreImporter('usearch', () =>
      Promise.reject(Object.assign(new Error("Cannot find package 'usearch' imported from /x.js"), { code: 'ERR_MODULE_NOT_FOUND' })),
    );
    const err = await UsearchIndex.create({ dim: 4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OptionalDependencyError);
    expect(err).toMatchObject({ code: 'EOPTIONALDEP', dependency: 'usearch', install: 'npm install usearch' });
    expect((err as Error).message).toMatch(/UsearchIndex .* needs the optional peer dependency usearch/);
    // Installed but broken (a binary that does not load) is a different error, naming the package.
    setStoreImporter('usearch', () => Promise.reject(new Error('invalid ELF header')));
    await expect(UsearchIndex.create({ dim: 4 })).rejects.toThrow(/importing usearch failed: invalid ELF header/);
  });
});
