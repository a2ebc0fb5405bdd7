import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@contrastive/test-utils';
import { writeIdx } from '@contrastive/vision/node';
import { describe, expect, it } from 'vitest';
import { run } from './main.js';

const tmp = useTempDir('contrastive-gan-cli-');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
}

const TINY = [
  '--data',
  'bundled',
  '--limit',
  '64',
  '--test-limit',
  '64',
  '--width',
  '0.125',
  '--batch-size',
  '16',
  '--eval-images',
  '32',
  '--no-progress',
];

describe('contrastive-gan CLI', () => {
  it('prints help with every method and the version', async () => {
    const h = capture();
    expect(await run(['train', '--help'], h.io)).toBe(0);
    const help = h.out.join('\n');
    for (const s of ['contrad|gan|gan-diffaug', '--eval-images N', '--arch NAME', 'not comparable with published FID'])
      expect(help).toContain(s);
    const v = capture();
    expect(await run(['--version'], v.io)).toBe(0);
    expect(v.out).toEqual([JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version]);
  });

  it('trains the GAN baseline, writes grids, the interpolation strip, the score curve and the generator, and resumes', async () => {
    const out = join(tmp(), 'gan');
    const c = capture();
    expect(await run(['train', '--method', 'gan', ...TINY, '--epochs', '2', '--json', '--out', out], c.io), c.err.join('\n')).toBe(0);
    const s = JSON.parse(c.out[0]!);
    // 64 images / 16 = 4 steps per epoch.
    expect(s).toMatchObject({
      method: 'gan',
      domain: 'gan',
      epochs: 2,
      steps: 8,
      metrics: { evalImages: 32, referenceImages: 64, trainImages: 64 },
    });
    expect(s.metrics.fidFmnist).toBeGreaterThan(0);
    expect(s.metrics.isFmnist).toBeGreaterThanOrEqual(1);
    // Real training images score far better than an untrained generator's samples.
    expect(s.baselines.realTrainImages.fidFmnist).toBeLessThan(s.metrics.fidFmnist);
    for (const f of [
      'samples/epoch-001.png',
      'samples/epoch-002.png',
      'interpolation.png',
      'score-curve.png',
      'model/model.json',
      'summary.json',
    ])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).config).toMatchObject({
      arch: 'sndcgan',
      width: 0.125,
      loss: 'non-saturating',
      r1: 0,
    });
    const r = capture();
    expect(await run(['train', '--resume', '--out', out, '--epochs', '3', '--json', '--no-progress'], r.io), r.err.join('\n')).toBe(0);
    const resumed = JSON.parse(r.out[0]!);
    expect(resumed).toMatchObject({ method: 'gan', epochs: 3, steps: 12 });
    // The score history survives the resume: three evaluations.
    expect(resumed.notes.join('\n')).toMatch(/after each of 1, 2, 3 epoch/);
    const bad = capture();
    expect(await run(['train', '--resume', '--out', out, '--width', '0.5'], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--width 0.125, not --width 0.5/);
    const again = capture();
    expect(await run(['train', '--method', 'gan', '--out', out], again.io)).toBe(2);
  });

  it('trains ContraD by the same command', async () => {
    const c = capture();
    expect(
      await run(['train', '--method', 'contrad', ...TINY, '--epochs', '1', '--json', '--out', join(tmp(), 'contrad')], c.io),
      c.err.join('\n'),
    ).toBe(0);
    const s = JSON.parse(c.out[0]!);
    expect(s).toMatchObject({ method: 'contrad', steps: 4 });
  });

  it('trains ContraD with --workers 2 to the loss of one thread; the GAN baselines run replicated; --workers 0 is refused', async () => {
    const small = [...TINY, '--limit', '32', '--epochs', '1', '--json'];
    const summaries = [];
    for (const workers of ['1', '2']) {
      const c = capture();
      const args = ['train', '--method', 'contrad', ...small, '--workers', workers, '--out', join(tmp(), `contrad-w${workers}`)];
      expect(await run(args, c.io), c.err.join('\n')).toBe(0);
      const s = JSON.parse(c.out[0]!);
      expect(s.workers).toBe(workers === '2' ? 2 : undefined);
      if (workers === '2')
        expect(c.err.join('\n')).toMatch(/data-parallel: 2 workers \(each D step's 48 discriminator rows .* split 24 \+ 24/);
      summaries.push(s);
    }
    expect(summaries[1].steps).toBe(2);
    expect(Math.abs(summaries[1].finalLoss - summaries[0].finalLoss)).toBeLessThan(1e-3);
    const g = capture();
    expect(
      await run(['train', '--method', 'gan', ...small, '--workers', '2', '--out', join(tmp(), 'gan-w2')], g.io),
      g.err.join('\n'),
    ).toBe(0);
    expect(JSON.parse(g.out[0]!).workers).toBe(2);
    expect(g.err.join('\n')).toMatch(/data-parallel: 2 workers \(gan does not split its batch/);
    const bad = capture();
    expect(await run(['train', '--method', 'contrad', ...small, '--workers', '0', '--out', join(tmp(), 'w0')], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--workers/);
  });

  it('refuses flags of another method, a bad width and images the generators cannot make, before training', async () => {
    const a = capture();
    expect(await run(['train', '--method', 'contrad', '--loss', 'hinge', '--out', join(tmp(), 'a')], a.io)).toBe(2);
    expect(a.err.join('\n')).toMatch(/--loss applies to gan, gan-diffaug only, not contrad/);
    const b = capture();
    expect(await run(['train', '--method', 'gan', '--width', '0', '--out', join(tmp(), 'b')], b.io)).toBe(2);
    expect(b.err.join('\n')).toMatch(/--width must be a number > 0/);
    const dir = join(tmp(), 'small');
    mkdirSync(dir, { recursive: true });
    const pixels = Uint8Array.from({ length: 12 * 64 }, (_, i) => i % 256);
    for (const prefix of ['train', 't10k']) await writeIdx(join(dir, `${prefix}-images-idx3-ubyte`), [12, 8, 8], pixels);
    const c = capture();
    expect(await run(['train', '--method', 'gan', '--data', dir, '--out', join(tmp(), 'c')], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/holds 8×8×1 images; the generators make 28×28 or 32×32/);
  });
});
