import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { encodeIdx, parseIdx, readIdx, writeIdx } from './idx.js';
import { findIdxPair, loadIdxDataset } from './idx-dataset.js';
import { imageBatches, readAll } from './dataset.js';
import { BUNDLED_FASHION_MNIST } from './bundled.js';

let dir: string;
useCpuLeakCheck();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idx-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('IDX format', () => {
  it('round-trips raw and gzip', async () => {
    const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 7);
    for (const name of ['a-idx3-ubyte', 'a-idx3-ubyte.gz']) {
      await writeIdx(join(dir, name), [2, 3, 4], data);
      const back = await readIdx(join(dir, name));
      expect(back.dims).toEqual([2, 3, 4]);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
    // The .gz file really is compressed (starts with the gzip magic).
    expect(Array.from(encodeIdx([1], Uint8Array.of(5), true).subarray(0, 2))).toEqual([0x1f, 0x8b]);
  });

  it('names the file on a bad magic number, a truncated body or a missing file', async () => {
    const bad = join(dir, 'bad-idx3-ubyte');
    await writeFile(bad, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    await expect(readIdx(bad)).rejects.toThrow(/bad-idx3-ubyte: bad IDX magic number 01 02 03 04/);
    const truncated = encodeIdx([2, 2], Uint8Array.of(1, 2, 3, 4)).subarray(0, 14);
    expect(() => parseIdx(truncated, 'short.idx')).toThrow(/short.idx: truncated IDX data/);
    await expect(readIdx(join(dir, 'nope.gz'))).rejects.toThrow(/cannot read IDX file .*nope.gz/);
  });
});

describe('Fashion-MNIST loader', () => {
  it('loads the bundled subset: 3,000 + 1,000 stratified images with labels', async () => {
    const train = await loadIdxDataset(BUNDLED_FASHION_MNIST);
    const test = await loadIdxDataset(BUNDLED_FASHION_MNIST, { split: 'test' });
    expect([train.size, train.height, train.width, train.channels]).toEqual([3000, 28, 28, 1]);
    expect(test.size).toBe(1000);
    const counts = new Array(10).fill(0);
    for (const y of train.labels!) counts[y]++;
    expect(counts).toEqual(new Array(10).fill(300));
    expect(train.classNames![9]).toBe('Ankle boot');
    expect(test.itemName!(17)).toBe('t10k-images-idx3-ubyte.gz#17');
    const x = await readAll(test, 16);
    expect(x.shape).toEqual([16, 28, 28, 1]);
    const [lo, hi] = tf.tidy(() => [x.min().dataSync()[0]!, x.max().dataSync()[0]!]);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    expect(hi).toBeGreaterThan(0.5);
    x.dispose();
  });

  it('finds the standard files in any folder and errors on a folder without them', async () => {
    const pair = await findIdxPair(BUNDLED_FASHION_MNIST, 'test');
    expect(pair.images).toMatch(/t10k-images-idx3-ubyte\.gz$/);
    expect(pair.labels).toMatch(/t10k-labels-idx1-ubyte\.gz$/);
    await expect(loadIdxDataset(dir)).rejects.toThrow(/no train images in .*train-images-idx3-ubyte/);
  });

  it('streams batches covering every index once, with the last partial batch unless dropLast', async () => {
    const ds = await loadIdxDataset(BUNDLED_FASHION_MNIST, { split: 'test', limit: 10 });
    const seen: number[] = [];
    const shapes: number[] = [];
    for await (const b of imageBatches(ds, { batchSize: 4 })) {
      seen.push(...b.indices);
      shapes.push(b.images.shape[0]);
      b.images.dispose();
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(shapes).toEqual([4, 4, 2]);
    const dropped: number[] = [];
    for await (const b of imageBatches(ds, { batchSize: 4, dropLast: true })) {
      dropped.push(b.images.shape[0]);
      b.images.dispose();
    }
    expect(dropped).toEqual([4, 4]);
    // Breaking out early frees the prefetched batch.
    for await (const b of imageBatches(ds, { batchSize: 3 })) {
      b.images.dispose();
      break;
    }
  });
});
