import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { packBatch, unpackBatch } from './batch-transfer.js';
import { shardBounds } from './context.js';
import { parallelParts, parallelRows } from './shard.js';

useCpuLeakCheck();

describe('shardBounds', () => {
  it('splits n rows into contiguous shards, the first n % size one longer', () => {
    expect(shardBounds(10, 3)).toEqual([
      { start: 0, count: 4 },
      { start: 4, count: 3 },
      { start: 7, count: 3 },
    ]);
    expect(shardBounds(2, 4).map((b) => b.count)).toEqual([1, 1, 0, 0]);
  });
});

describe('parallelRows / parallelParts outside a data-parallel step', () => {
  it('compute every row / part here', () => {
    const rows = parallelRows(5, (s, n) => tf.fill([n, 2], s));
    expect(rows.shape).toEqual([5, 2]);
    const parts = parallelParts(3, (p) => tf.fill([2, 1], p));
    expect(Array.from(parts.dataSync())).toEqual([0, 0, 1, 1, 2, 2]);
    tf.dispose([rows, parts]);
  });
});

describe('packBatch / unpackBatch', () => {
  it('round-trips tensors inside arrays and plain objects, keeping typed arrays', () => {
    const batch = { images: tf.tensor2d([1, 2, 3, 4], [2, 2]), indices: Int32Array.of(4, 9), list: [tf.scalar(3, 'int32')] };
    const packed = structuredClone(packBatch(batch));
    const back = unpackBatch(packed) as { images: tf.Tensor; indices: Int32Array; list: tf.Tensor[] };
    expect(back.images.shape).toEqual([2, 2]);
    expect(Array.from(back.images.dataSync())).toEqual([1, 2, 3, 4]);
    expect(back.list[0]!.dtype).toBe('int32');
    expect(Array.from(back.indices)).toEqual([4, 9]);
    tf.dispose([batch.images, batch.list[0]!, back.images, back.list[0]!]);
  });

  it('refuses class instances it cannot send', () => {
    class Thing {
      x = 1;
    }
    expect(() => packBatch({ a: new Thing() })).toThrow(/plain objects; got a Thing/);
  });
});
