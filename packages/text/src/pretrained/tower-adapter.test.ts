import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adapterTensorNames, TowerAdapter } from './tower-adapter.js';

let before = 0;
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

/** Seeded rows in [-1, 1). */
function rows(n: number, d: number, seed: number): tf.Tensor2D {
  return tf.randomUniform([n, d], -1, 1, 'float32', seed) as tf.Tensor2D;
}

function gram(w: number[][]): number[][] {
  return tf.tidy(() => {
    const t = tf.tensor2d(w);
    return tf.matMul(t, t, true, false).arraySync() as number[][];
  });
}

describe('TowerAdapter', () => {
  it('linear d → d starts at the identity: apply(x) === x', () => {
    const a = new TowerAdapter({ inputDim: 6 });
    const x = rows(5, 6, 1);
    const y = a.apply(x);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(a.dims).toEqual([6, 6]);
    tf.dispose([x, y]);
    a.dispose();
  });

  it("mlp starts as its linear map (the residual branch's last layer is zero) and changes with the seed only in W1", async () => {
    const a = new TowerAdapter({ inputDim: 6, layers: 'mlp', hiddenDim: 4, seed: 3 });
    const b = new TowerAdapter({ inputDim: 6, layers: 'mlp', hiddenDim: 4, seed: 4 });
    const x = rows(5, 6, 2);
    const y = a.apply(x);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(a.dims).toEqual([6, 4, 6]);
    const [ta, tb] = [await a.tensors(), await b.tensors()];
    expect([...ta.keys()]).toEqual(adapterTensorNames('mlp'));
    expect(ta.get('mlp.0.weight')!.shape).toEqual([4, 6]);
    expect(Array.from(ta.get('mlp.0.weight')!.data)).not.toEqual(Array.from(tb.get('mlp.0.weight')!.data));
    expect(ta.get('mlp.2.weight')!.data.every((v) => v === 0)).toBe(true);
    tf.dispose([x, y]);
    a.dispose();
    b.dispose();
  });

  it("d' > d is an exact isometry (orthonormal columns of the torch weight); d' < d has orthonormal rows; both seeded", async () => {
    const up = new TowerAdapter({ inputDim: 4, outputDim: 7, seed: 5 });
    const w = await up.tensors();
    const W = w.get('linear.weight')!; // torch [out, in] = [7, 4]
    expect(W.shape).toEqual([7, 4]);
    const m = Array.from({ length: 7 }, (_, r) => Array.from(W.data.subarray(r * 4, r * 4 + 4)));
    gram(m).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 5)));
    const x = rows(3, 4, 6);
    const y = up.apply(x);
    const norms = tf.tidy(() => [tf.norm(x, 'euclidean', 1).arraySync() as number[], tf.norm(y, 'euclidean', 1).arraySync() as number[]]);
    norms[1]!.forEach((n, i) => expect(n).toBeCloseTo(norms[0]![i]!, 5));

    const down = new TowerAdapter({ inputDim: 7, outputDim: 3, seed: 5 });
    const D = (await down.tensors()).get('linear.weight')!; // [3, 7]
    const rowsOfD = Array.from({ length: 3 }, (_, r) => Array.from(D.data.subarray(r * 7, r * 7 + 7)));
    const dt = rowsOfD[0]!.map((_, c) => rowsOfD.map((r) => r[c]!)); // [7, 3]: columns are D's rows
    gram(dt).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 5)));
    const again = new TowerAdapter({ inputDim: 7, outputDim: 3, seed: 5 });
    expect(Array.from((await again.tensors()).get('linear.weight')!.data)).toEqual(Array.from(D.data));
    tf.dispose([x, y]);
    [up, down, again].forEach((a) => a.dispose());
  });

  it('round-trips through its torch-layout tensors, and names its state for checkpoints', async () => {
    const a = new TowerAdapter({ inputDim: 5, outputDim: 3, layers: 'mlp', hiddenDim: 2, seed: 9 });
    const b = TowerAdapter.fromTensors('mlp', [5, 2, 3], await a.tensors());
    const x = rows(4, 5, 7);
    const [ya, yb] = [a.apply(x), b.apply(x)];
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
    expect(Object.keys(a.stateTensors())).toEqual(adapterTensorNames('mlp').map((n) => `adapter/${n}`));
    expect(a.trainableVariables()).toHaveLength(6);
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
    a.dispose(); // idempotent
    expect(() => a.apply(x)).toThrow(/after dispose/);
  });

  it('refuses bad options, inputs and tensors with messages naming them', async () => {
    expect(() => new TowerAdapter({ inputDim: 0 })).toThrow(/inputDim must be a positive integer, got 0/);
    expect(() => new TowerAdapter({ inputDim: 4, layers: 'deep' as 'mlp' })).toThrow(/layers must be one of linear, mlp, got 'deep'/);
    expect(() => new TowerAdapter({ inputDim: 4, hiddenDim: 3 })).toThrow(/hiddenDim applies to layers 'mlp' only/);
    expect(() => TowerAdapter.fromTensors('mlp', [4, 4], new Map())).toThrow(/dims of a 'mlp' adapter must list 3 widths/);
    const a = new TowerAdapter({ inputDim: 4 });
    const t = await a.tensors();
    t.set('linear.bias', { shape: [5], data: new Float32Array(5) });
    expect(() => TowerAdapter.fromTensors('linear', [4, 4], t)).toThrow(/tensor 'linear.bias' has shape \[5\], expected \[4\]/);
    const x = rows(2, 3, 1);
    expect(() => a.apply(x)).toThrow(/expected tower vectors \[N, 4\], got \[2, 3\]/);
    x.dispose();
    a.dispose();
  });
});
