import * as tf from '@tensorflow/tfjs';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageDataset } from '../io/dataset.js';
import { BUNDLED_FASHION_MNIST } from '../io/bundled.js';
import { subsetDataset } from '../io/dataset.js';
import { alignEvalLabels, evalSplit, openData, scoringSets } from './data.js';

useCpuLeakCheck();

const ds = (source: string, classNames: string[] | null, labels: number[] | null): ImageDataset => ({
  size: labels?.length ?? 1,
  height: 1,
  width: 1,
  channels: 1,
  labels: labels ? Int32Array.from(labels) : null,
  classNames,
  source,
  read: async (i) => tf.zeros([i.length, 1, 1, 1]),
});

describe('alignEvalLabels', () => {
  it("re-indexes the test folder's labels by the training folder's class names", () => {
    // The test folder lacks 'bag': on its own it numbers coat 0, dress 1; in training they are 1 and 2.
    const train = ds('train', ['bag', 'coat', 'dress'], [0, 1, 2]);
    const test = ds('test', ['coat', 'dress'], [0, 1, 1, 0]);
    const a = alignEvalLabels(train, test);
    expect(Array.from(a.labels!)).toEqual([1, 2, 2, 1]);
    expect(a.classNames).toEqual(['bag', 'coat', 'dress']);
    expect(a.read).toBe(test.read);
  });

  it('leaves identical class lists, numeric labels and unlabeled sets alone', () => {
    const train = ds('train', ['a', 'b'], [0, 1]);
    const same = ds('test', ['a', 'b'], [1, 0]);
    expect(alignEvalLabels(train, same)).toBe(same);
    const idx = ds('t10k', null, [3, 4]);
    expect(alignEvalLabels(train, idx)).toBe(idx);
    const flat = ds('flat', null, null);
    expect(alignEvalLabels(train, flat)).toBe(flat);
  });

  it('names the test classes the training folder does not have', () => {
    const train = ds('/data/train', ['cat', 'dog'], [0, 1]);
    const test = ds('/data/test', ['cat', 'cow', 'dog', 'emu'], [0, 1, 2, 3]);
    expect(() => alignEvalLabels(train, test)).toThrow(
      "--eval-data /data/test has class folder(s) 'cow', 'emu' that --data /data/train does not have (its classes: cat, dog)",
    );
  });
});

describe('subsetDataset and evalSplit', () => {
  it('a subset re-numbers items and reads the parent images at the mapped indices', async () => {
    const seen: number[][] = [];
    const parent: ImageDataset = {
      ...ds('p', ['a', 'b'], [0, 1, 1, 0, 1]),
      itemName: (i) => `f${i}.png`,
      read: async (i) => {
        seen.push(Array.from(i));
        return tf.zeros([i.length, 1, 1, 1]);
      },
    };
    const sub = subsetDataset(parent, Int32Array.of(4, 0, 2));
    expect(sub.size).toBe(3);
    expect([0, 1, 2].map((j) => sub.itemName!(j))).toEqual(['f4.png', 'f0.png', 'f2.png']);
    expect(Array.from(sub.labels!)).toEqual([1, 0, 1]);
    (await sub.read(Int32Array.of(0, 2))).dispose();
    expect(seen).toEqual([[4, 2]]);
    expect(() => sub.read(Int32Array.of(3))).toThrow('index 3 out of range [0, 3) for p');
  });

  it('splits a labeled set into disjoint train and held-out parts; refuses unlabeled sets by name', () => {
    const parent = ds('/imgs', ['a', 'b'], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    const { train, test } = evalSplit(parent, 0.2, 0);
    expect([train.size, test.size]).toEqual([8, 2]);
    expect(Array.from(test.labels!).sort()).toEqual([0, 1]);
    expect(() => evalSplit(ds('/flat', null, null), 0.2, 0)).toThrow(
      '--eval-split needs labeled --data (one sub-folder per class); /flat has none',
    );
    expect(() => evalSplit(ds('/one', ['a', 'b'], [0, 1]), 0.2, 0)).toThrow(/no class of \/one has two images/);
  });
});

describe('scoringSets', () => {
  const opts = { dataPath: 'bundled', seed: 0, imageSize: 28, channels: 1 as const };

  it('scores an IDX training set on the t10k-* files beside it, whether --data names the folder or the images file', async () => {
    const data = await openData('data', 'bundled', 'train', {});
    const { train, test } = await scoringSets(data, { ...opts, evalLimit: 100 });
    expect(train.size).toBe(3000);
    expect(test!.source).toMatch(/t10k-images-idx3-ubyte\.gz$/);
    expect(test!.size).toBe(100);
    const file = join(BUNDLED_FASHION_MNIST, 'train-images-idx3-ubyte.gz');
    const fromFile = await scoringSets(await openData('data', file, 'train', {}), { ...opts, dataPath: file });
    expect(fromFile.test!.source).toMatch(/t10k-images-idx3-ubyte\.gz$/);
    expect(fromFile.test!.size).toBe(1000);
    // Training on the test file itself: nothing else to score on (never the same images).
    const t10k = join(BUNDLED_FASHION_MNIST, 't10k-images-idx3-ubyte.gz');
    expect((await scoringSets(await openData('data', t10k, 'train', {}), { ...opts, dataPath: t10k })).test).toBeNull();
  });

  it('holds out --eval-split of a labeled folder, resized; refuses it with --eval-data or IDX data; checks channels', async () => {
    const folder = { ...ds('/imgs', ['a', 'b'], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]), height: 4, width: 4 };
    const { train, test } = await scoringSets(folder, { ...opts, dataPath: '/imgs', evalSplit: 0.2, imageSize: 2, evalLimit: 1 });
    expect([train.size, test!.size, train.height, test!.width]).toEqual([8, 1, 2, 2]);
    const img = await test!.read(Int32Array.of(0));
    expect(img.shape).toEqual([1, 2, 2, 1]);
    img.dispose();
    expect((await scoringSets(folder, { ...opts, dataPath: '/imgs' })).test).toBeNull();
    await expect(scoringSets(folder, { ...opts, dataPath: '/imgs', evalSplit: 0.2, evalData: '/t' })).rejects.toThrow(
      'give --eval-data or --eval-split, not both',
    );
    const idx = await openData('data', 'bundled', 'train', {});
    await expect(scoringSets(idx, { ...opts, evalSplit: 0.2 })).rejects.toThrow('--eval-split: --data bundled is an IDX folder');
    await expect(scoringSets({ ...idx, channels: 3 }, { ...opts, channels: 3 })).rejects.toThrow(
      '--eval-data has 1 channel(s) but --data has 3',
    );
  });
});
