import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { createRng } from '../random/rng.js';
import { loadEvalFixture } from './__fixtures__/load.js';
import { embeddingMap } from './embedding-map.js';
import { embeddingMapPng } from './embedding-map-png.js';
import { pca2 } from './pca.js';

useCpuLeakCheck();

/** Three well-separated Gaussian blobs in 10-D. */
function blobs(perClass: number, seed = 1): { x: number[][]; y: number[] } {
  const rng = createRng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < perClass; i++) {
      x.push(Array.from({ length: 10 }, (_, j) => (j === c ? 10 : 0) + 0.3 * rng.normal()));
      y.push(c);
    }
  }
  return { x, y };
}

/** Fraction of points whose nearest other point (in 2-D) has the same label. */
function neighbourPurity(coords: Float32Array, labels: Int32Array): number {
  const n = labels.length;
  let same = 0;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = (coords[2 * i]! - coords[2 * j]!) ** 2 + (coords[2 * i + 1]! - coords[2 * j + 1]!) ** 2;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    if (labels[best] === labels[i]) same++;
  }
  return same / n;
}

describe('pca2', () => {
  it('matches numpy SVD principal axes and coordinates', () => {
    const { pca } = loadEvalFixture();
    const rows = pca.x.length;
    const cols = pca.x[0]!.length;
    const res = pca2(Float32Array.from(pca.x.flat()), rows, cols);
    for (let c = 0; c < 2; c++) {
      for (let j = 0; j < cols; j++) expect(res.components[c]![j]!).toBeCloseTo(pca.components[c]![j]!, 4);
    }
    for (let i = 0; i < rows; i++) {
      expect(res.coords[2 * i]!).toBeCloseTo(pca.coords[i]![0]!, 3);
      expect(res.coords[2 * i + 1]!).toBeCloseTo(pca.coords[i]![1]!, 3);
    }
  });
});

describe('embeddingMap', () => {
  it('PCA and UMAP keep separated classes apart; UMAP is reproducible for a seed', () => {
    const { x, y } = blobs(30);
    const p = embeddingMap(x, y, { method: 'pca' });
    expect(p.coords.length).toBe(180);
    expect(neighbourPurity(p.coords, p.labels!)).toBe(1);
    const u1 = embeddingMap(x, y, { method: 'umap', seed: 7, nEpochs: 100 });
    const u2 = embeddingMap(x, y, { method: 'umap', seed: 7, nEpochs: 100 });
    expect(neighbourPurity(u1.coords, u1.labels!)).toBeGreaterThan(0.95);
    expect(Array.from(u1.coords)).toEqual(Array.from(u2.coords));
    expect(u1.coords.every(Number.isFinite)).toBe(true);
  });

  it('subsamples to maxPoints with the labels kept aligned (tensor input)', () => {
    const { x, y } = blobs(40);
    const xt = tf.tensor2d(x);
    const m = embeddingMap(xt, Int32Array.from(y), { method: 'pca', maxPoints: 50, seed: 3 });
    expect(m.indices.length).toBe(50);
    expect(m.coords.length).toBe(100);
    for (let i = 0; i < 50; i++) expect(m.labels![i]).toBe(y[m.indices[i]!]);
    for (let i = 1; i < 50; i++) expect(m.indices[i]!).toBeGreaterThan(m.indices[i - 1]!);
    xt.dispose();
  });

  it('rejects bad input with named errors', () => {
    const { x, y } = blobs(5);
    expect(() => embeddingMap(x, y.slice(1))).toThrow(/labels has 14 labels but embeddings has 15 rows/);
    expect(() => embeddingMap(x, y, { method: 'tsne' as 'umap' })).toThrow(/method must be one of 'umap', 'pca'/);
    const bad = x.map((r) => r.slice());
    bad[3]![2] = NaN;
    expect(() => embeddingMap(bad, y, { method: 'pca' })).toThrow(/embeddings\[3\]\[2\] is NaN/);
    expect(() => embeddingMap(x.slice(0, 2), null, { method: 'umap' })).toThrow(/at least 3 rows.*pca/);
  });
});

describe('embeddingMapPng', () => {
  it('writes a decodable PNG of the requested size to path and returns the same bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emb-map-'));
    try {
      const { x, y } = blobs(20);
      const path = join(dir, 'nested', 'map.png');
      const png = embeddingMapPng(x, y, { path, method: 'pca', width: 400, height: 300, classNames: ['a', 'b', 'c'] });
      expect(readFileSync(path).equals(png)).toBe(true);
      const img = PNG.sync.read(png);
      expect([img.width, img.height]).toEqual([400, 300]);
      // Each class colour (tab10 blue, orange, green) appears somewhere.
      const has = (r: number, g: number, b: number): boolean => {
        for (let o = 0; o < img.data.length; o += 4) if (img.data[o] === r && img.data[o + 1] === g && img.data[o + 2] === b) return true;
        return false;
      };
      expect(has(31, 119, 180) && has(255, 127, 14) && has(44, 160, 44)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
