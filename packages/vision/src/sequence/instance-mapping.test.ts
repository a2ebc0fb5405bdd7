import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { checkCase, expectClose, readFixtureCases, toTensor, useLeakCheck, type FixtureCase, type Nested } from '@contrastive/test-utils';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  adaptivePoolingMatrix,
  adaptiveWindow,
  allToInstance,
  flattenInstances,
  frameToInstance,
  mapInstances,
  windowToInstance,
  type InstanceMapping,
} from './instance-mapping.js';
import { instanceNtXent } from './seqclr.js';

// The method trains on wasm, so the golden values are checked there.
useLeakCheck({ backend: 'wasm' });

const FIXTURES = new URL('./__fixtures__', import.meta.url);
const FILE = 'seqclr-instance-ntxent.json';
const pooling = (
  JSON.parse(readFileSync(new URL(`./__fixtures__/${FILE}`, import.meta.url), 'utf8')) as {
    pooling: { T: number; windows: number; x: Nested; y: Nested }[];
  }
).pooling;

describe('window-to-instance = PyTorch adaptive_avg_pool1d over time', () => {
  it('window boundaries: floor(i·T/T′) .. ceil((i+1)·T/T′), overlapping when T′ does not divide T', () => {
    expect([0, 1, 2, 3, 4].map((i) => adaptiveWindow(i, 10, 5))).toEqual([
      [0, 2],
      [2, 4],
      [4, 6],
      [6, 8],
      [8, 10],
    ]);
    expect([0, 1, 2, 3, 4].map((i) => adaptiveWindow(i, 7, 5))).toEqual([
      [0, 2],
      [1, 3],
      [2, 5],
      [4, 6],
      [5, 7],
    ]);
    // T′ > T repeats frames.
    expect([0, 1, 2, 3, 4].map((i) => adaptiveWindow(i, 3, 5))).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
    const m = adaptivePoolingMatrix(7, 3);
    for (let i = 0; i < 3; i++) expect(m.slice(i * 7, i * 7 + 7).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  for (const p of pooling) {
    it(`T = ${p.T} → T′ = ${p.windows}: shape and values match PyTorch`, () => {
      const x = toTensor(p.x) as tf.Tensor3D;
      const y = windowToInstance(x, p.windows);
      expect(y.shape).toEqual([x.shape[0], p.windows, x.shape[2]]);
      expectClose(y.dataSync(), p.y, `pool T=${p.T} T'=${p.windows}`);
      tf.dispose([x, y]);
    });
  }

  it('all-to-instance is one instance (the mean), frame-to-instance keeps the T frames; rows flatten image-major', () => {
    const x = tf.tensor3d([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [
        [0, 0],
        [2, 2],
        [4, 4],
      ],
    ]);
    const a = allToInstance(x);
    const f = frameToInstance(x);
    const flat = tf.tidy(() => flattenInstances(windowToInstance(x, 3)));
    expect(a.shape).toEqual([2, 1, 2]);
    expect(Array.from(a.dataSync())).toEqual([3, 4, 2, 2]);
    expect(f.shape).toEqual([2, 3, 2]);
    // Row n·T′ + t is instance t of image n.
    expect(Array.from(flat.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(() => mapInstances(x, 'nope' as InstanceMapping)).toThrow(/all \| frame \| window/);
    expect(() => windowToInstance(x, 0)).toThrow(/windows \(T′\) must be an integer >= 1/);
    const flat2d = tf.zeros([2, 3]);
    expect(() => windowToInstance(flat2d as unknown as tf.Tensor3D)).toThrow(/rank 3/);
    tf.dispose([x, a, f, flat, flat2d]);
  });
});

describe('instance NT-Xent matches PyTorch (value and gradients w.r.t. both frame maps)', () => {
  const cases = readFixtureCases<FixtureCase & { mapping: InstanceMapping; options: { windows: number; temperature: number } }>(
    FIXTURES,
    FILE,
  );
  for (const c of cases) {
    it(c.name, () => {
      checkCase(c, ['r1', 'r2'], (r1, r2) =>
        instanceNtXent(r1 as tf.Tensor3D, r2 as tf.Tensor3D, {
          mapping: c.mapping,
          windows: c.options.windows,
          temperature: c.options.temperature,
        }),
      );
    });
  }
});

describe('positives are instance t of the same image in the other view', () => {
  // Every (image n, window t) gets its own direction e_{n·T′+t} (constant over the frames of its window), so the
  // loss is near its minimum exactly when view 2 pairs the same (n, t) with it.
  const N = 3;
  const W = 4;
  const T = 8; // 2 frames per window
  const frames = (perm: (n: number, t: number) => [number, number]) =>
    tf.tidy(() => {
      const data: number[] = [];
      for (let n = 0; n < N; n++)
        for (let f = 0; f < T; f++) {
          const [pn, pt] = perm(n, Math.floor(f / 2));
          for (let d = 0; d < N * W; d++) data.push(d === pn * W + pt ? 1 : 0);
        }
      return tf.tensor3d(data, [N, T, N * W]);
    });
  const lossOf = (r1: tf.Tensor3D, r2: tf.Tensor3D) => {
    const l = instanceNtXent(r1, r2, { mapping: 'window', windows: W, temperature: 0.1 });
    const v = l.dataSync()[0]!;
    l.dispose();
    return v;
  };

  it('same (image, instance) → near-zero loss; instances shifted in time or swapped between images → large loss', () => {
    const r1 = frames((n, t) => [n, t]);
    const shifted = frames((n, t) => [n, (t + 1) % W]);
    const swapped = frames((n, t) => [(n + 1) % N, t]);
    const aligned = lossOf(r1, r1);
    expect(aligned).toBeLessThan(1e-3);
    expect(lossOf(r1, shifted)).toBeGreaterThan(5);
    expect(lossOf(r1, swapped)).toBeGreaterThan(5);
    // All-to-instance cannot tell a time shift apart (one instance per image): the shifted pair is still a positive.
    const all = instanceNtXent(r1, shifted, { mapping: 'all', temperature: 0.1 });
    expect(all.dataSync()[0]).toBeLessThan(1e-3);
    tf.dispose([r1, shifted, swapped, all]);
  });
});
