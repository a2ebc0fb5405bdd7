import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { fileSystemHandler } from '@contrastive/core/node';
import { useTempDir } from '@contrastive/test-utils';
import { BUNDLED_FASHION_MNIST, loadIdxDataset, writeIdx } from '@contrastive/vision/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleLatent } from '../models/index.js';
import { scoreImages } from '../node/index.js';
import { run } from './main.js';
import { loadGanRun } from './trained-run.js';

const tmp = useTempDir('contrastive-gan-commands-');

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
}

const TINY = ['--data', 'bundled', '--limit', '64', '--test-limit', '64', '--width', '0.125', '--batch-size', '16', '--eval-images', '32'];

describe('contrastive-gan sample / score / probe', () => {
  let runDir = '';
  beforeAll(async () => {
    runDir = join(tmp(), 'contrad');
    const c = capture();
    expect(
      await run(['train', '--method', 'contrad', ...TINY, '--epochs', '2', '--no-progress', '--json', '--out', runDir], c.io),
      c.err.join('\n'),
    ).toBe(0);
  }, 120_000);

  it('loadGanRun restores the checkpoint: its generator equals model/, and differs from the seeded initialisation', async () => {
    const trained = await loadGanRun(runDir, 'checkpoint');
    const init = await loadGanRun(runDir, 'checkpoint', { initOnly: true });
    const saved = await tf.loadLayersModel(fileSystemHandler(join(runDir, 'model')));
    try {
      expect(trained).toMatchObject({ method: 'contrad', epochs: 2, steps: 8, shape: [28, 28, 1], seed: 0 });
      const z = sampleLatent(6, trained.model.zDim, 5);
      const a = trained.model.generator.apply(z, { training: false }) as tf.Tensor;
      const b = saved.apply(z, { training: false }) as tf.Tensor;
      const c = init.model.generator.apply(z, { training: false }) as tf.Tensor;
      expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-6);
      expect(tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]).toBeGreaterThan(1e-3);
      tf.dispose([z, a, b, c]);
    } finally {
      trained.dispose();
      init.dispose();
      saved.dispose();
    }
  });

  it('sample writes a folder of PNGs (refusing a non-empty one without --overwrite, which removes only stale samples) or one grid', async () => {
    const dir = join(tmp(), 'samples');
    const a = capture();
    expect(await run(['sample', '--checkpoint', runDir, '--count', '30', '--out', dir, '--json'], a.io), a.err.join('\n')).toBe(0);
    expect(JSON.parse(a.out[0]!)).toMatchObject({ images: 30, out: dir, seed: 0 });
    expect(readdirSync(dir).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `sample-${String(i).padStart(5, '0')}.png`));
    expect(pngSize(join(dir, 'sample-00007.png'))).toEqual([28, 28]);

    writeFileSync(join(dir, 'mine.txt'), 'keep');
    const refused = capture();
    expect(await run(['sample', '--checkpoint', runDir, '--count', '5', '--out', dir], refused.io)).toBe(2);
    expect(refused.err.join('\n')).toMatch(/non-empty folder; pass --overwrite/);
    expect(readdirSync(dir)).toHaveLength(31);
    const again = capture();
    expect(await run(['sample', '--checkpoint', runDir, '--count', '5', '--out', dir, '--overwrite'], again.io), again.err.join('\n')).toBe(
      0,
    );
    expect(readdirSync(dir).sort()).toEqual(['mine.txt', ...Array.from({ length: 5 }, (_, i) => `sample-0000${i}.png`)]);

    const grid = join(tmp(), 'grid.png');
    const g = capture();
    expect(await run(['sample', '--checkpoint', runDir, '--count', '12', '--columns', '4', '--out', grid], g.io), g.err.join('\n')).toBe(0);
    // 4 columns × 3 rows of 28 px images at scale 2 with 2 px padding.
    expect(pngSize(grid)).toEqual([4 * 56 + 5 * 2, 3 * 56 + 4 * 2]);
    const exists = capture();
    expect(await run(['sample', '--checkpoint', runDir, '--out', grid], exists.io)).toBe(2);
    expect(exists.err.join('\n')).toMatch(/grid\.png exists; pass --overwrite/);
    const notRun = capture();
    expect(await run(['sample', '--checkpoint', tmp(), '--out', join(tmp(), 'x')], notRun.io)).toBe(2);
    expect(notRun.err.join('\n')).toMatch(/--checkpoint .*run\.json/);
  }, 60_000);

  it('score of a sample folder equals scoreImages of the same samples in memory (up to 8-bit PNG rounding); real images score far better', async () => {
    const dir = join(tmp(), 'to-score');
    expect(await run(['sample', '--checkpoint', runDir, '--count', '200', '--seed', '3', '--out', dir], capture().io)).toBe(0);
    const c = capture();
    expect(await run(['score', '--images', dir, '--reference-limit', '300', '--json'], c.io), c.err.join('\n')).toBe(0);
    const got = JSON.parse(c.out[0]!);
    expect(got).toMatchObject({ n: 200, nReference: 300, reference: 'bundled' });

    const trained = await loadGanRun(runDir, 'checkpoint');
    const ref = await loadIdxDataset(BUNDLED_FASHION_MNIST, { split: 'test', limit: 300 });
    try {
      const rng = createRng(3);
      const x = tf.tidy(() =>
        tf.clipByValue(
          trained.model.generator.apply(sampleLatent(200, trained.model.zDim, rng.seed()), { training: false }) as tf.Tensor,
          0,
          1,
        ),
      ) as tf.Tensor4D;
      const direct = await scoreImages(x, ref);
      x.dispose();
      expect(got.fidFmnist).toBeCloseTo(direct.fidFmnist, 0);
      expect(Math.abs(got.fidFmnist - direct.fidFmnist) / direct.fidFmnist).toBeLessThan(0.01);
      expect(got.isFmnist.mean).toBeCloseTo(direct.isFmnist.mean, 1);
    } finally {
      trained.dispose();
    }

    const real = capture();
    expect(await run(['score', '--images', BUNDLED_FASHION_MNIST, '--limit', '200', '--reference-limit', '300', '--json'], real.io)).toBe(
      0,
    );
    const r = JSON.parse(real.out[0]!);
    expect(r.n).toBe(200);
    expect(r.fidFmnist * 5).toBeLessThan(got.fidFmnist);
    expect(r.isFmnist.mean).toBeGreaterThan(got.isFmnist.mean);

    const one = join(tmp(), 'one-image');
    mkdirSync(one);
    writeFileSync(join(one, 'a.png'), readFileSync(join(dir, 'sample-00000.png')));
    const few = capture();
    expect(await run(['score', '--images', one], few.io)).toBe(2);
    expect(few.err.join('\n')).toMatch(/1 image\(s\); the scores need at least 2/);
  }, 60_000);

  it("probe scores the discriminator's features beside its random initialisation and raw pixels, and writes probe.json", async () => {
    const c = capture();
    const args = [
      'probe',
      '--checkpoint',
      runDir,
      '--limit',
      '300',
      '--test-limit',
      '100',
      '--probe-epochs',
      '5',
      '--no-progress',
      '--json',
    ];
    expect(await run(args, c.io), c.err.join('\n')).toBe(0);
    const s = JSON.parse(c.out[0]!);
    // Width 0.125: ndf 8, last map 4×4×64 → 1,024 features.
    expect(s).toMatchObject({
      method: 'contrad',
      domain: 'gan',
      epochs: 2,
      steps: 8,
      metrics: { featureDim: 1024, trainImages: 300, testImages: 100 },
    });
    expect(s.baselines.rawPixels.featureDim).toBe(784);
    for (const m of [s.metrics, s.baselines.randomInit, s.baselines.rawPixels]) {
      expect(m.linearProbeAccuracy).toBeGreaterThan(0.3); // 10 classes: chance is 0.1
      expect(m.knnAccuracy).toBeGreaterThan(0.3);
    }
    // The trained and the initial discriminator are different feature maps.
    expect(
      s.metrics.linearProbeAccuracy !== s.baselines.randomInit.linearProbeAccuracy ||
        s.metrics.knnAccuracy !== s.baselines.randomInit.knnAccuracy,
    ).toBe(true);
    expect(JSON.parse(readFileSync(join(runDir, 'probe.json'), 'utf8'))).toEqual({ ...s, seconds: expect.any(Number) });
    expect(existsSync(join(runDir, 'summary.json'))).toBe(true);

    // A data set of another image size, or no data set, is refused (exit 2) naming --data.
    const other = join(tmp(), 'other');
    mkdirSync(other);
    const none = capture();
    expect(await run(['probe', '--checkpoint', runDir, '--data', other], none.io)).toBe(2);
    expect(none.err.join('\n')).toMatch(/--data .*other: no train images/);
    for (const [prefix, n] of [
      ['train', 12],
      ['t10k', 6],
    ] as const) {
      await writeIdx(join(other, `${prefix}-images-idx3-ubyte`), [n, 32, 32], new Uint8Array(n * 32 * 32).fill(9));
      await writeIdx(
        join(other, `${prefix}-labels-idx1-ubyte`),
        [n],
        Uint8Array.from({ length: n }, (_, i) => i % 3),
      );
    }
    const size = capture();
    expect(await run(['probe', '--checkpoint', runDir, '--data', other], size.io)).toBe(2);
    expect(size.err.join('\n')).toMatch(/32×32×1 images; .* discriminator takes 28×28×1/);
  }, 120_000);
});
