import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { useLeakCheck } from '@contrastive/test-utils';
import { HardNegativeMiner } from './hard-negative-miner.js';
import { MemoryBank } from './memory-bank.js';
import { MoCoQueue } from './moco-queue.js';

// The queue and bank pick their row kernels by backend (gather vs gatherND, scatter with or without a
// defensive copy): run the mechanics again on wasm, the backend initBackend() prefers without tfjs-node.

useLeakCheck({ backend: 'wasm' });

const idKeys = (ids: number[]): tf.Tensor2D => tf.tensor2d(ids.map((id) => [id, 0.5]));

async function read<T>(t: tf.Tensor): Promise<T> {
  const v = (await t.array()) as T;
  t.dispose();
  return v;
}

async function firstColumn(t: tf.Tensor): Promise<number[]> {
  const rows = (await t.array()) as number[][];
  t.dispose();
  return rows.map((r) => r[0]!);
}

describe('negative sources on the wasm backend', () => {
  it('MoCoQueue keeps FIFO order over wrap-around and hands out stable copies', async () => {
    const queue = new MoCoQueue({ size: 4, dim: 2 });
    const a = idKeys([1, 2, 3]);
    queue.update(a);
    const held = queue.negatives();
    const heldIds = (await held.array()) as number[][];
    const b = idKeys([4, 5, 6]);
    queue.update(b); // slots 3, 0, 1
    expect(await firstColumn(queue.negatives())).toEqual([5, 6, 3, 4]);
    expect(queue.pointer).toBe(2);
    expect(await held.array()).toEqual(heldIds); // the earlier copy did not change
    tf.dispose([a, b, held]);
    queue.dispose();
  });

  it('MemoryBank momentum update, rows and exclusion sampling', async () => {
    const bank = new MemoryBank({ size: 5, dim: 2, momentum: 0.5, seed: 1 });
    const old = await read<number[][]>(bank.rows([3]));
    const keys = tf.tensor2d([[0, 2]]);
    bank.update(keys, { indices: new Int32Array([3]) });
    keys.dispose();
    const mixed = [0.5 * old[0]![0]!, 0.5 * old[0]![1]! + 0.5];
    const norm = Math.hypot(...mixed);
    const got = (await read<number[][]>(bank.rows([3])))[0]!;
    got.forEach((v, j) => expect(v).toBeCloseTo(mixed[j]! / norm, 5));
    const zero = new MemoryBank({ size: 5, dim: 2, momentum: 0 });
    const ids = tf.tensor2d([0, 1, 2, 3, 4].map((i) => [i, 1]));
    zero.update(ids, { indices: new Int32Array([0, 1, 2, 3, 4]) });
    ids.dispose();
    const s = zero.sample(200, { exclude: new Int32Array([2]) });
    const rows = ((await s.array()) as number[][][])[0]!;
    s.dispose();
    const drawn = new Set(rows.map(([x, y]) => Math.round(x! / y!)));
    expect([...drawn].sort()).toEqual([0, 1, 3, 4]);
    bank.dispose();
    zero.dispose();
  });

  it('HardNegativeMiner over a queue', async () => {
    const queue = new MoCoQueue({ size: 3, dim: 2 });
    const miner = new HardNegativeMiner({ k: 1, source: queue });
    const fill = tf.tensor2d([
      [1, 0],
      [0.9, 0.1],
      [0, 1],
    ]);
    miner.update(fill);
    const q = tf.tensor2d([[1, 0]]);
    const pos = tf.slice(fill, [0, 0], [1, 2]);
    const out = await read<number[][][]>(miner.negatives(q, { positives: pos }));
    expect(out[0]).toEqual([[0.9, 0.1].map((v) => Math.fround(v))]);
    tf.dispose([fill, q, pos]);
    miner.dispose();
  });
});
