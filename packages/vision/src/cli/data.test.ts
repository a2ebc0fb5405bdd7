import * as tf from '@tensorflow/tfjs';
import { useCpuLeakCheck } from '@contrastive/core/test-utils';
import { describe, expect, it } from 'vitest';
import type { ImageDataset } from '../io/dataset.js';
import { alignEvalLabels, evalSplit, subsetDataset } from './data.js';

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
    const parent: ImageDataset = { ...ds('p', ['a', 'b'], [0, 1, 1, 0, 1]), read: async (i) => (seen.push(Array.from(i)), tf.zeros([i.length, 1, 1, 1])) };
    const sub = subsetDataset(parent, Int32Array.of(4, 0, 2));
    expect(sub.size).toBe(3);
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
    expect(() => evalSplit(ds('/flat', null, null), 0.2, 0)).toThrow('--eval-split needs labeled --data (one sub-folder per class); /flat has none');
    expect(() => evalSplit(ds('/one', ['a', 'b'], [0, 1]), 0.2, 0)).toThrow(/no class of \/one has two images/);
  });
});
