import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { writeSafetensors } from '../encoders/safetensors.js';
import { ModelFileError } from '../errors.js';
import { loadTowerAdapter, modelFolderKind, readAdapterModelMeta, saveAdapterModel } from './adapter-files.js';
import { TowerAdapter } from './tower-adapter.js';

useCpuLeakCheck();
const tmp = useTempDir('contrastive-text-adapter-files-');

/** An adapter whose weights are not the init (so a round trip proves the values travel). */
async function trainedLooking(layers: 'linear' | 'mlp', outputDim = 512): Promise<TowerAdapter> {
  const a = new TowerAdapter({ inputDim: 512, outputDim, layers, seed: 1, ...(layers === 'mlp' ? { hiddenDim: 32 } : {}) });
  for (const v of a.trainableVariables()) tf.tidy(() => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.01, 'float32', 5))));
  return a;
}

const meta = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'contrastive.json'), 'utf8')) as Record<string, unknown>;
const writeMeta = (dir: string, m: Record<string, unknown>) => writeFileSync(path.join(dir, 'contrastive.json'), JSON.stringify(m));

describe('adapter model folders', () => {
  for (const layers of ['linear', 'mlp'] as const) {
    it(`${layers}: save writes adapter.safetensors + contrastive.json; load gives the same adapter`, async () => {
      const dir = tmp(`saved-${layers}`);
      const a = await trainedLooking(layers, 256);
      await saveAdapterModel(dir, a);
      expect(readdirSync(dir).sort()).toEqual(['adapter.safetensors', 'contrastive.json']);
      const dims = layers === 'linear' ? [512, 256] : [512, 32, 256];
      expect(meta(dir)).toEqual({ kind: 'use-lite-adapter', tower: 'use-lite', layers, dims, format: 1 });
      expect(modelFolderKind(dir)).toBe('use-lite-adapter');
      const { adapter: b, meta: m } = await loadTowerAdapter(dir);
      expect(m.dims).toEqual(dims);
      const x = tf.randomNormal([3, 512], 0, 1, 'float32', 2) as tf.Tensor2D;
      const [ya, yb] = [a.apply(x), b.apply(x)];
      expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
      tf.dispose([x, ya, yb]);
      a.dispose();
      b.dispose();
    });
  }

  it('refuses a non-empty folder unless overwrite, and non-finite weights before writing anything', async () => {
    const dir = tmp('busy');
    await mkdir(dir);
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const a = await trainedLooking('linear');
    await expect(saveAdapterModel(dir, a)).rejects.toThrow(/folder is not empty \(notes.txt…\); pass overwrite: true/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    await saveAdapterModel(dir, a, { overwrite: true });
    expect(readdirSync(dir).sort()).toEqual(['adapter.safetensors', 'contrastive.json', 'notes.txt']);
    const nan = tmp('nan');
    tf.tidy(() => a.trainableVariables()[1]!.assign(tf.fill([512], Number.NaN)));
    await expect(saveAdapterModel(nan, a)).rejects.toThrow(/not finite|NaN/);
    expect(existsSync(nan)).toBe(false);
    a.dispose();
  });

  it('refuses a folder whose contrastive.json names another tower, other dims, or weights that do not fit', async () => {
    const dir = tmp('tampered');
    const a = await trainedLooking('linear');
    await saveAdapterModel(dir, a);
    a.dispose();
    const good = meta(dir);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...good, tower: 'bert-base' }, /"tower" is "bert-base", but adapters load only on "use-lite"/],
      [{ ...good, dims: [768, 512] }, /"dims" starts at 768, but the use-lite tower gives 512-d vectors/],
      [
        { ...good, dims: [512, 128] },
        /tensor 'linear.weight' has shape \[512, 512\], but contrastive.json's dims \[512,128\] need \[128, 512\]/,
      ],
      [{ ...good, dims: [512, 32, 512] }, /"dims" of a "linear" adapter must list 2 widths/],
      [{ ...good, layers: 'mlp', dims: [512, 32, 512] }, /has no tensor 'mlp.0.weight'/],
      [{ ...good, layers: 'deep' }, /"layers" must be one of linear, mlp, got "deep"/],
      [{ ...good, format: 2 }, /"format" must be 1/],
      [{ ...good, kind: 'something-else' }, /"kind" must be "use-lite-adapter", got "something-else"/],
    ];
    for (const [m, message] of cases) {
      writeMeta(dir, m);
      const err = await loadTowerAdapter(dir).catch((e: unknown) => e);
      expect(err, JSON.stringify(m)).toBeInstanceOf(ModelFileError);
      expect((err as Error).message).toMatch(message);
    }
    writeMeta(dir, good);
    writeFileSync(
      path.join(dir, 'adapter.safetensors'),
      writeSafetensors({
        'linear.weight': { shape: [512, 512], data: new Float32Array(512 * 512) },
        'linear.bias': { shape: [512], data: new Float32Array(512) },
        'extra.weight': { shape: [1], data: new Float32Array(1) },
      }),
    );
    await expect(loadTowerAdapter(dir)).rejects.toThrow(/holds extra.weight, which a "linear" adapter does not have/);
    const bias = new Float32Array(512);
    bias[7] = Number.POSITIVE_INFINITY;
    writeFileSync(
      path.join(dir, 'adapter.safetensors'),
      writeSafetensors({
        'linear.weight': { shape: [512, 512], data: new Float32Array(512 * 512) },
        'linear.bias': { shape: [512], data: bias },
      }),
    );
    await expect(loadTowerAdapter(dir)).rejects.toThrow(/tensor 'linear.bias' holds a non-finite value at index 7/);
    expect(() => readAdapterModelMeta(tmp('nothing-here'))).toThrow(/is not an adapter model folder/);
  });
});
