import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { topKPerColumn } from './top-k.js';

let before = 0;
beforeEach(async () => {
  await tf.setBackend('cpu');
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

/** `[rows, cols]` values drawn from `levels` distinct numbers (few levels → many ties). */
function tiedMatrix(rows: number, cols: number, levels: number, seed: number): Float32Array {
  let s = seed;
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = Math.floor((s / 4294967296) * levels) / levels - 0.5;
  }
  return out;
}

/** Brute force: sort every column by (value desc, row asc). */
function reference(data: Float32Array, rows: number, cols: number, k: number): { values: number[]; indices: number[] } {
  const values: number[] = [];
  const indices: number[] = [];
  for (let c = 0; c < cols; c++) {
    const order = Array.from({ length: rows }, (_, r) => r);
    order.sort((a, b) => data[b * cols + c]! - data[a * cols + c]! || a - b);
    for (const r of order.slice(0, k)) {
      indices.push(r);
      values.push(data[r * cols + c]!);
    }
  }
  return { values, indices };
}

function run(data: Float32Array, rows: number, cols: number, k: number): { values: number[]; indices: number[] } {
  const v = new Float32Array(cols * k);
  const i = new Int32Array(cols * k);
  topKPerColumn(data, rows, cols, k, v, i);
  return { values: Array.from(v), indices: Array.from(i) };
}

describe('topKPerColumn', () => {
  // k spans the heap path (k < rows/4), the sorted path (k ≥ rows/4) and both ends.
  const rows = 203;
  const cols = 5;
  for (const k of [1, 2, 7, 50, 51, 100, rows - 1, rows]) {
    for (const levels of [4, 37, 1 << 20]) {
      it(`matches a full sort with ties broken by the lower row (k=${k}, ${levels} distinct values)`, () => {
        const data = tiedMatrix(rows, cols, levels, k * 31 + levels);
        expect(run(data, rows, cols, k)).toEqual(reference(data, rows, cols, k));
      });
    }
  }

  it('matches tf.topk(sorted=true) on the transposed matrix, values and indices', () => {
    const r = 300;
    const c = 4;
    const data = tiedMatrix(r, c, 9, 7);
    for (const k of [1, 10, 75, 200, r]) {
      const ours = run(data, r, c, k);
      const [vals, idx] = tf.tidy(() => {
        const top = tf.topk(tf.transpose(tf.tensor2d(data, [r, c])), k, true);
        return [top.values, top.indices];
      });
      expect(ours.values).toEqual(Array.from(vals.dataSync()));
      expect(ours.indices).toEqual(Array.from(idx.dataSync()));
      tf.dispose([vals, idx]);
    }
  });

  it('treats −0 and +0 as equal (lower row first) and handles an all-equal column', () => {
    const data = Float32Array.from([0, 1, -0, 1, 0, 1, -1, 1]); // rows=4, cols=2
    for (const k of [1, 2, 3, 4]) {
      const out = run(data, 4, 2, k);
      expect(out.indices.slice(0, k)).toEqual([0, 1, 2, 3].slice(0, k)); // column 0: 0, −0, 0 tie; −1 last
      expect(out.indices.slice(k)).toEqual([0, 1, 2, 3].slice(0, k)); // column 1: all equal
    }
  });

  it('rejects k outside [1, rows] and short buffers', () => {
    const data = new Float32Array(12);
    expect(() => topKPerColumn(data, 4, 3, 0, new Float32Array(12), new Int32Array(12))).toThrow(/k must be an integer in \[1, rows=4\], got 0/);
    expect(() => topKPerColumn(data, 4, 3, 5, new Float32Array(15), new Int32Array(15))).toThrow(/rows=4\], got 5/);
    expect(() => topKPerColumn(data, 5, 3, 2, new Float32Array(6), new Int32Array(6))).toThrow(/data has 12 values/);
    expect(() => topKPerColumn(data, 4, 3, 2, new Float32Array(5), new Int32Array(6))).toThrow(/need cols·k = 6 entries/);
  });
});
