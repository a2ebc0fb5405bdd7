import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { HardNegativeMiner, mineHardNegatives } from './hard-negative-miner.js';
import { MemoryBank } from './memory-bank.js';
import { MoCoQueue } from './moco-queue.js';

useCpuLeakCheck();

async function read<T>(t: tf.Tensor): Promise<T> {
  const v = (await t.array()) as T;
  t.dispose();
  return v;
}

// Unit vectors at known angles: similarity to the query at angle 0 decreases with the angle.
const at = (deg: number, r = 1): number[] => [r * Math.cos((deg * Math.PI) / 180), r * Math.sin((deg * Math.PI) / 180)];

describe('mineHardNegatives', () => {
  it('picks the k most similar pool rows per query, in order, from a shared pool', async () => {
    const q = tf.tensor2d([at(0), at(90)]);
    const pool = tf.tensor2d([at(80, 2), at(10, 3), at(170), at(45), at(95)]);
    const out = await read<number[][][]>(mineHardNegatives(q, pool, { k: 2, exclude: 'none' }));
    // Query 0: angles 10 (row 1), 45 (row 3). Query 1: 95 (row 4), 80 (row 0). Rows come back unnormalised.
    const poolRows = (await pool.array()) as number[][];
    expect(out[0]).toEqual([poolRows[1], poolRows[3]]);
    expect(out[1]).toEqual([poolRows[4], poolRows[0]]);
    tf.dispose([q, pool]);
  });

  it("'index' never returns query i's own key even when it is the most similar", async () => {
    const q = tf.tensor2d([at(0), at(90), at(180)]);
    const keys = tf.tensor2d([at(1), at(89), at(100)]); // key 2 is closer to query 1 than to query 2
    const out = await read<number[][][]>(mineHardNegatives(q, keys, { k: 1 })); // default 'index' for [N, D]
    const k = (await keys.array()) as number[][];
    expect(out[0]).toEqual([k[1]]); // key 0 (its positive, the most similar) excluded
    expect(out[1]).toEqual([k[2]]);
    expect(out[2]).toEqual([k[1]]);
    const all = await read<number[][][]>(mineHardNegatives(q, keys, { k: 2 }));
    all.forEach((rows, i) => expect(rows).not.toContainEqual(k[i]));
    tf.dispose([q, keys]);
  });

  it("'identity' excludes pool rows equal (in direction) to the positive, also per-query pools", async () => {
    const q = tf.tensor2d([at(0), at(90)]);
    const pos = tf.tensor2d([at(5), at(85)]);
    const queue = tf.tensor2d([at(5, 2), at(20), at(85), at(60)]); // holds both positives (one rescaled)
    const shared = await read<number[][][]>(mineHardNegatives(q, queue, { k: 2, exclude: 'identity', positives: pos }));
    const rows = (await queue.array()) as number[][];
    expect(shared[0]).toEqual([rows[1], rows[3]]); // at(5,2) excluded although most similar
    expect(shared[1]).toEqual([rows[3], rows[1]]); // at(85) excluded
    const perQuery = tf.tidy(() => tf.stack([queue, tf.reverse(queue, 0)]) as tf.Tensor3D);
    const pq = await read<number[][][]>(mineHardNegatives(q, perQuery, { k: 1, exclude: 'identity', positives: pos }));
    expect(pq[0]).toEqual([rows[1]]);
    expect(pq[1]).toEqual([rows[3]]);
    tf.dispose([q, pos, queue, perQuery]);
  });

  it('validates k against the pool and shapes', () => {
    const q = tf.ones([2, 3]) as tf.Tensor2D;
    const pool = tf.ones([2, 3]) as tf.Tensor2D;
    expect(() => mineHardNegatives(q, pool, { k: 2 })).toThrow(/k \(2\) must be <= 1/);
    const bad = tf.ones([4, 2]) as tf.Tensor2D;
    expect(() => mineHardNegatives(q, bad, { k: 1 })).toThrow(/pool must have shape \[M, 3\]/);
    expect(() => mineHardNegatives(q, pool, { k: 1, exclude: 'identity' })).toThrow(/positives/);
    tf.dispose([q, pool, bad]);
  });
});

describe('HardNegativeMiner', () => {
  it('mines in-batch keys from ctx.positives', async () => {
    const miner = new HardNegativeMiner({ k: 1 });
    const q = tf.tensor2d([at(0), at(90)]);
    const keys = tf.tensor2d([at(2), at(30)]);
    const out = await read<number[][][]>(miner.negatives(q, { positives: keys }));
    const k = (await keys.array()) as number[][];
    expect(out).toEqual([[k[1]], [k[0]]]);
    expect(() => miner.negatives(q)).toThrow(/ctx.positives/);
    tf.dispose([q, keys]);
    miner.dispose();
  });

  it('mines a MoCo queue, excludes the positive by identity, forwards update and dispose', async () => {
    const queue = new MoCoQueue({ size: 4, dim: 2 });
    const miner = new HardNegativeMiner({ k: 2, source: queue });
    const fill = tf.tensor2d([at(3), at(40), at(100), at(-30)]);
    miner.update(fill); // forwarded: the queue now holds these keys
    const q = tf.tensor2d([at(0)]);
    const pos = tf.tensor2d([at(3)]);
    const out = await read<number[][][]>(miner.negatives(q, { positives: pos }));
    const rows = (await fill.array()) as number[][];
    expect(out[0]).toEqual([rows[3], rows[1]]); // -30° and 40°, not the positive at 3°
    tf.dispose([fill, q, pos]);
    miner.dispose();
    expect(() => queue.negatives()).toThrow(/disposed/); // the miner owned the queue
  });

  it('mines per-query memory-bank samples without ever returning the positive row', async () => {
    const bank = new MemoryBank({ size: 5, dim: 2, momentum: 0, negativesPerQuery: 20, seed: 2 });
    const rows = Array.from({ length: 5 }, (_, i) => at(i * 10));
    const all = tf.tensor2d(rows);
    bank.update(all, { indices: new Int32Array([0, 1, 2, 3, 4]) });
    all.dispose();
    const miner = new HardNegativeMiner({ k: 3, source: bank });
    const q = tf.tensor2d([at(0)]);
    const out = await read<number[][][]>(miner.negatives(q, { indices: new Int32Array([0]) }));
    expect(out[0]).toHaveLength(3);
    for (const r of out[0]!) expect(r[0]).not.toBeCloseTo(1, 6); // row 0 = at(0) never returned
    q.dispose();
    miner.dispose();
  });
});
