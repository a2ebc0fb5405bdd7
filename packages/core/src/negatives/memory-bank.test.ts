import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { createRng } from '../random/rng.js';
import { MemoryBank } from './memory-bank.js';

useCpuLeakCheck();

async function read<T>(t: tf.Tensor): Promise<T> {
  const v = (await t.array()) as T;
  t.dispose();
  return v;
}

const unit = (v: number[]): number[] => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

describe('MemoryBank', () => {
  it('starts from seeded random unit rows, one per item', async () => {
    const bank = new MemoryBank({ size: 5, dim: 3, seed: 7 });
    const rows = await read<number[][]>(bank.rows([0, 1, 2, 3, 4]));
    expect(rows).toHaveLength(5);
    for (const r of rows) expect(Math.hypot(...r)).toBeCloseTo(1, 5);
    const again = new MemoryBank({ size: 5, dim: 3, seed: 7 });
    expect(await read(again.rows(new Int32Array([4, 0])))).toEqual([rows[4], rows[0]]);
    bank.dispose();
    again.dispose();
  });

  it('updates only the positives rows with v <- normalize(m v + (1-m) normalize(f)), checked by hand', async () => {
    const m = 0.25;
    const bank = new MemoryBank({ size: 4, dim: 2, momentum: m, seed: 1 });
    const oldRows = await read<number[][]>(bank.rows([0, 1, 2, 3]));
    const f = [
      [3, 4], // normalised to [0.6, 0.8] inside
      [0, -2],
    ];
    const keys = tf.tensor2d(f);
    bank.update(keys, { indices: new Int32Array([2, 0]) });
    keys.dispose();
    const rows = await read<number[][]>(bank.rows([0, 1, 2, 3]));
    const expected = (old: number[], fi: number[]): number[] => {
      const fn = unit(fi);
      return unit(old.map((v, j) => m * v + (1 - m) * fn[j]!));
    };
    const e2 = expected(oldRows[2]!, f[0]!);
    const e0 = expected(oldRows[0]!, f[1]!);
    rows[2]!.forEach((v, j) => expect(v).toBeCloseTo(e2[j]!, 5));
    rows[0]!.forEach((v, j) => expect(v).toBeCloseTo(e0[j]!, 5));
    expect(rows[1]).toEqual(oldRows[1]); // untouched rows are bit-identical
    expect(rows[3]).toEqual(oldRows[3]);
    bank.dispose();
  });

  it('momentum 0 replaces the row by the normalised key; momentum 1 keeps it', async () => {
    const replace = new MemoryBank({ size: 3, dim: 2, momentum: 0 });
    const keep = new MemoryBank({ size: 3, dim: 2, momentum: 1 });
    const before1 = await read<number[][]>(keep.rows([1]));
    const keys = tf.tensor2d([[0, 5]]);
    replace.update(keys, { indices: new Int32Array([1]) });
    keep.update(keys, { indices: new Int32Array([1]) });
    keys.dispose();
    const r = (await read<number[][]>(replace.rows([1])))[0]!;
    expect(r[0]).toBeCloseTo(0, 6);
    expect(r[1]).toBeCloseTo(1, 6);
    const k = (await read<number[][]>(keep.rows([1])))[0]!;
    k.forEach((v, j) => expect(v).toBeCloseTo(before1[0]![j]!, 6));
    replace.dispose();
    keep.dispose();
  });

  it('a repeated index within a batch keeps its last occurrence', async () => {
    const bank = new MemoryBank({ size: 3, dim: 2, momentum: 0 });
    const keys = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    bank.update(keys, { indices: new Int32Array([2, 2]) });
    keys.dispose();
    const r = (await read<number[][]>(bank.rows([2])))[0]!;
    expect(r[0]).toBeCloseTo(0, 6);
    expect(r[1]).toBeCloseTo(1, 6);
    bank.dispose();
  });

  it('sample(k, {exclude}) returns [N, k, D] rows and never the excluded index', async () => {
    const size = 6;
    const bank = new MemoryBank({ size, dim: 2, momentum: 0, seed: 3 });
    // Row i = [i, 1] normalised, so a sampled row identifies its index by the ratio x / y.
    const all = tf.tensor2d(Array.from({ length: size }, (_, i) => [i, 1]));
    bank.update(all, { indices: Int32Array.from({ length: size }, (_, i) => i) });
    all.dispose();
    const exclude = new Int32Array([0, 3, 5]);
    const k = 400;
    const s = bank.sample(k, { exclude });
    expect(s.shape).toEqual([3, k, 2]);
    const rows = await read<number[][][]>(s);
    const counts = rows.map(() => new Array<number>(size).fill(0));
    rows.forEach((q, qi) => q.forEach(([x, y]) => (counts[qi]![Math.round(x! / y!)]! += 1)));
    counts.forEach((c, qi) => {
      expect(c[exclude[qi]!]).toBe(0); // exclusion really excludes
      // Uniform over the other 5 rows: each gets about k/5 = 80 (generous bounds, seeded).
      c.forEach((v, i) => {
        if (i !== exclude[qi]) expect(v).toBeGreaterThan(40);
      });
    });
    // Without exclusion every row can be drawn.
    const free = await read<number[][][]>(bank.sample(300, { n: 1 }));
    const seen = new Set(free[0]!.map(([x, y]) => Math.round(x! / y!)));
    expect(seen.size).toBe(size);
    // The Int32Array shorthand means exclude.
    const short = bank.sample(2, new Int32Array([1, 2]));
    expect(short.shape).toEqual([2, 2, 2]);
    short.dispose();
    bank.dispose();
  });

  it('negatives(queries, ctx) samples negativesPerQuery rows per query, excluding ctx.indices', async () => {
    const size = 4;
    const bank = new MemoryBank({ size, dim: 2, momentum: 0, negativesPerQuery: 50, seed: 9 });
    const all = tf.tensor2d(Array.from({ length: size }, (_, i) => [i, 1]));
    bank.update(all, { indices: Int32Array.from({ length: size }, (_, i) => i) });
    all.dispose();
    const q = tf.ones([2, 2]) as tf.Tensor2D;
    const negs = bank.negatives(q, { indices: new Int32Array([1, 2]) });
    expect(negs.shape).toEqual([2, 50, 2]);
    const rows = await read<number[][][]>(negs);
    expect(rows[0]!.some(([x, y]) => Math.round(x! / y!) === 1)).toBe(false);
    expect(rows[1]!.some(([x, y]) => Math.round(x! / y!) === 2)).toBe(false);
    // A derived stream makes the draw reproducible independently of the bank's own stream.
    const a = await read<number[][][]>(bank.negatives(q, { indices: new Int32Array([1, 2]), rng: createRng(5) }));
    const b = await read<number[][][]>(bank.negatives(q, { indices: new Int32Array([1, 2]), rng: createRng(5) }));
    expect(a).toEqual(b);
    q.dispose();
    bank.dispose();
  });

  it('shared mode draws one [k, D] set per batch that avoids every batch index', async () => {
    const size = 6;
    const bank = new MemoryBank({ size, dim: 2, momentum: 0, negativesPerQuery: 300, shared: true, seed: 4 });
    const all = tf.tensor2d(Array.from({ length: size }, (_, i) => [i, 1]));
    bank.update(all, { indices: Int32Array.from({ length: size }, (_, i) => i) });
    all.dispose();
    const q = tf.ones([3, 2]) as tf.Tensor2D;
    const negs = bank.negatives(q, { indices: new Int32Array([0, 2, 5]) });
    expect(negs.shape).toEqual([300, 2]);
    const drawn = new Set(((await read<number[][]>(negs)) as number[][]).map(([x, y]) => Math.round(x! / y!)));
    expect([...drawn].sort()).toEqual([1, 3, 4]); // every allowed row appears, no excluded one
    expect(() => bank.sampleShared(1, { exclude: Int32Array.from({ length: size }, (_, i) => i) })).toThrow(/covers all 6 rows/);
    q.dispose();
    bank.dispose();
  });

  it('rejects bad input with named errors', () => {
    expect(() => new MemoryBank({ size: 4, dim: 2, momentum: 1.5 })).toThrow(/momentum/);
    expect(() => new MemoryBank({ size: 0, dim: 2 })).toThrow(/size/);
    const bank = new MemoryBank({ size: 4, dim: 2 });
    const keys = tf.ones([2, 2]) as tf.Tensor2D;
    expect(() => bank.update(keys)).toThrow(/ctx.indices/);
    expect(() => bank.update(keys, { indices: new Int32Array([0]) })).toThrow(/one index per key row/);
    expect(() => bank.update(keys, { indices: new Int32Array([0, 4]) })).toThrow(/ctx.indices\[1\] = 4/);
    expect(() => bank.rows([1.5])).toThrow(/indices/);
    expect(() => bank.sample(0)).toThrow(/k/);
    expect(() => bank.sample(2, { n: 3, exclude: new Int32Array([0]) })).toThrow(/n \(3\)/);
    const wrong = tf.ones([2, 3]) as tf.Tensor2D;
    expect(() => bank.negatives(wrong)).toThrow(/queries must have shape \[N, 2\]/);
    tf.dispose([keys, wrong]);
    bank.dispose();
    expect(() => bank.rows([0])).toThrow(/disposed/);
  });
});
