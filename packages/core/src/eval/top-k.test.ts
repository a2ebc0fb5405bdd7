import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { ColumnTopK, topKPerColumn } from './top-k.js';

useCpuLeakCheck();

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
  // k spans tiny, buffer compactions (rows ≫ 2k + 64), no compaction (2k + 64 ≥ rows) and both ends.
  const rows = 203;
  const cols = 5;
  for (const k of [1, 2, 7, 50, 69, 70, 100, rows - 1, rows]) {
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

  it('ascending and descending columns (every entry enters / none does) match a full sort', () => {
    const r = 500;
    const up = Float32Array.from({ length: r * 2 }, (_, i) => (i % 2 === 0 ? i : -i));
    for (const k of [1, 3, 100, r]) expect(run(up, r, 2, k)).toEqual(reference(up, r, 2, k));
  });

  it('streams: any split into row chunks gives the same result, indices counted from the first chunk', () => {
    const r = 700;
    const c = 3;
    const data = tiedMatrix(r, c, 23, 11);
    for (const k of [1, 5, 64, 300]) {
      const want = reference(data, r, c, k);
      for (const chunkRows of [1, 4, 63, 64, 65, 250, r]) {
        const sel = new ColumnTopK(c, k, { maxRows: r });
        for (let start = 0; start < r; start += chunkRows) {
          const rows = Math.min(chunkRows, r - start);
          sel.push(data.subarray(start * c, (start + rows) * c), rows);
        }
        sel.finish();
        expect({ values: Array.from(sel.values), indices: Array.from(sel.indices) }).toEqual(want);
      }
    }
  });

  it('ColumnTopK rejects misuse: too few or too many rows, reuse after finish', () => {
    const sel = new ColumnTopK(2, 3, { maxRows: 4 });
    sel.push(new Float32Array(4), 2);
    expect(() => sel.finish()).toThrow(/only 2 rows were pushed, fewer than k = 3/);
    expect(() => sel.push(new Float32Array(6), 3)).toThrow(/pushing 3 more rows after 2 exceeds maxRows = 4/);
    sel.push(new Float32Array(4), 2);
    sel.finish();
    expect(() => sel.push(new Float32Array(2), 1)).toThrow(/push after finish/);
    expect(() => sel.finish()).toThrow(/called twice/);
    expect(() => new ColumnTopK(2, 5, { maxRows: 4 })).toThrow(/maxRows \(4\) must be >= k \(5\)/);
    expect(() => new ColumnTopK(0, 5)).toThrow(/cols must be an integer >= 1, got 0/);
  });

  it('rejects k outside [1, rows] and short buffers', () => {
    const data = new Float32Array(12);
    expect(() => topKPerColumn(data, 4, 3, 0, new Float32Array(12), new Int32Array(12))).toThrow(
      /k must be an integer in \[1, rows=4\], got 0/,
    );
    expect(() => topKPerColumn(data, 4, 3, 5, new Float32Array(15), new Int32Array(15))).toThrow(/rows=4\], got 5/);
    expect(() => topKPerColumn(data, 5, 3, 2, new Float32Array(6), new Int32Array(6))).toThrow(/data has 12 values/);
    expect(() => topKPerColumn(data, 4, 3, 2, new Float32Array(5), new Int32Array(6))).toThrow(/need cols·k = 6 entries/);
  });
});
