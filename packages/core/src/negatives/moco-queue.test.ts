import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { MoCoQueue } from './moco-queue.js';

useCpuLeakCheck();

/** Keys whose first column is an id, so queue rows can be identified after enqueueing. */
function idKeys(ids: number[], dim = 3): tf.Tensor2D {
  return tf.tensor2d(ids.map((id) => [id, ...new Array<number>(dim - 1).fill(0.5)]));
}

async function ids(queue: MoCoQueue): Promise<number[]> {
  const q = queue.negatives();
  const rows = (await q.array()) as number[][];
  q.dispose();
  return rows.map((r) => r[0]!);
}

describe('MoCoQueue', () => {
  it('starts from seeded random unit rows of shape [K, D]', async () => {
    const a = new MoCoQueue({ size: 6, dim: 4, seed: 3 });
    const b = new MoCoQueue({ size: 6, dim: 4, seed: 3 });
    const c = new MoCoQueue({ size: 6, dim: 4, seed: 4 });
    const [qa, qb, qc] = [a.negatives(), b.negatives(), c.negatives()];
    expect(qa.shape).toEqual([6, 4]);
    const rows = (await qa.array()) as number[][];
    for (const r of rows) expect(Math.hypot(...r)).toBeCloseTo(1, 5);
    expect(await qb.array()).toEqual(rows);
    expect(await qc.array()).not.toEqual(rows);
    expect(a.pointer).toBe(0);
    tf.dispose([qa, qb, qc]);
    [a, b, c].forEach((q) => q.dispose());
  });

  it('negatives() returns a copy the caller owns', async () => {
    const queue = new MoCoQueue({ size: 4, dim: 3 });
    const copy = queue.negatives();
    const snapshot = await copy.array();
    const k = idKeys([10, 11]);
    queue.update(k);
    expect(await copy.array()).toEqual(snapshot); // the copy did not change with the queue
    copy.dispose();
    expect(await ids(queue)).toEqual([10, 11, expect.any(Number), expect.any(Number)]);
    k.dispose();
    queue.dispose();
  });

  it('keeps exact FIFO order over wrap-around with batches that do not divide K', async () => {
    const K = 5;
    const queue = new MoCoQueue({ size: K, dim: 3 });
    const fifo: number[] = []; // reference model: a list of the last keys, and a ring of slots
    const ring: (number | null)[] = new Array<number | null>(K).fill(null);
    let ptr = 0;
    let next = 1;
    for (const n of [2, 3, 3, 1, 4, 2, 5, 3]) {
      const batch = Array.from({ length: n }, () => next++);
      const k = idKeys(batch);
      queue.update(k);
      k.dispose();
      for (const id of batch) {
        ring[ptr] = id;
        ptr = (ptr + 1) % K;
        fifo.push(id);
      }
      expect(queue.pointer).toBe(ptr);
      const got = await ids(queue);
      // Slots never written still hold their random initial rows.
      expect(got).toEqual(ring.map((id, j) => id ?? got[j]));
      // Once full, the queue holds exactly the last K keys enqueued.
      if (fifo.length >= K) expect([...got].sort((a, b) => a - b)).toEqual(fifo.slice(-K).sort((a, b) => a - b));
    }
    queue.dispose();
  });

  it('handles a batch larger than K: only its last K keys remain, in ring positions', async () => {
    const queue = new MoCoQueue({ size: 4, dim: 3 });
    const first = idKeys([1]);
    queue.update(first); // pointer 1
    const big = idKeys([2, 3, 4, 5, 6, 7]); // 6 keys written from slot 1: 2→1, 3→2, 4→3, 5→0, 6→1, 7→2
    queue.update(big);
    expect(await ids(queue)).toEqual([5, 6, 7, 4]);
    expect(queue.pointer).toBe((1 + 6) % 4);
    const exact = idKeys([8, 9, 10, 11]); // exactly K from pointer 3
    queue.update(exact);
    expect(await ids(queue)).toEqual([9, 10, 11, 8]);
    expect(queue.pointer).toBe(3);
    tf.dispose([first, big, exact]);
    queue.dispose();
  });

  it('stores the key values unchanged (no normalisation, no gradient)', async () => {
    const queue = new MoCoQueue({ size: 3, dim: 2 });
    const k = tf.tensor2d([
      [3, 4],
      [-1, 0.25],
    ]);
    queue.update(k);
    const q = queue.negatives();
    const rows = (await q.array()) as number[][];
    expect(rows.slice(0, 2)).toEqual([
      [3, 4],
      [-1, 0.25],
    ]);
    tf.dispose([k, q]);
    queue.dispose();
  });

  it('exposes its queue and pointer for checkpoints; restoring them restores the ring', async () => {
    const a = new MoCoQueue({ size: 4, dim: 3, seed: 1 });
    const k = idKeys([1, 2, 3]);
    a.update(k);
    const b = new MoCoQueue({ size: 4, dim: 3, seed: 2 });
    const sa = a.stateTensors();
    const sb = b.stateTensors();
    expect(Object.keys(sa)).toEqual(['queue/keys', 'queue/ptr']);
    expect(Object.keys(a.stateTensors('moco/queue'))).toEqual(['moco/queue/keys', 'moco/queue/ptr']);
    for (const name of Object.keys(sa)) sb[name]!.assign(sa[name]!);
    expect(b.pointer).toBe(3);
    const k2 = idKeys([4, 5]);
    a.update(k2);
    b.update(k2);
    expect(await ids(b)).toEqual(await ids(a));
    expect(await ids(b)).toEqual([5, 2, 3, 4]);
    tf.dispose([k, k2]);
    a.dispose();
    b.dispose();
  });

  it('rejects bad options and shapes with named errors', () => {
    expect(() => new MoCoQueue({ size: 0, dim: 3 })).toThrow(/size/);
    expect(() => new MoCoQueue({ size: 4, dim: 2.5 })).toThrow(/dim/);
    const queue = new MoCoQueue({ size: 4, dim: 3 });
    const wrong = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => queue.update(wrong)).toThrow(/keys must have shape \[n, 3\].*\[2, 5\]/);
    expect(() => queue.negatives(wrong)).toThrow(/queries/);
    wrong.dispose();
    queue.dispose();
    queue.dispose(); // idempotent
    expect(() => queue.negatives()).toThrow(/disposed/);
  });
});
