import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@contrastive/test-utils';
import * as tf from '@tensorflow/tfjs';
import { loadTrainedEncoder, writeIdx } from '@contrastive/vision/node';
import { describe, expect, it } from 'vitest';
import { groupAccuracies } from './data.js';
import { run } from './main.js';

const tmp = useTempDir('contrastive-losses-cli-');

function capture(): { out: string[]; err: string[]; io: { out: (s: string) => void; err: (s: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s) => out.push(s), err: (s) => err.push(s) } };
}

/** An IDX folder of `labels.length` random 8×8 images per split, with label files unless `labels` is null. */
async function idxFolder(name: string, labels: number[] | null): Promise<string> {
  const dir = join(tmp(), name);
  mkdirSync(dir, { recursive: true });
  const n = labels?.length ?? 12;
  const pixels = Uint8Array.from({ length: n * 64 }, (_, i) => (i * 37) % 256);
  for (const prefix of ['train', 't10k']) {
    await writeIdx(join(dir, `${prefix}-images-idx3-ubyte`), [n, 8, 8], pixels);
    if (labels) await writeIdx(join(dir, `${prefix}-labels-idx1-ubyte`), [n], Uint8Array.from(labels));
  }
  return dir;
}

describe('contrastive-losses CLI', () => {
  it('prints help, per-command help and the version', async () => {
    const c = capture();
    expect(await run(['--help'], c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/train/);
    const t = capture();
    expect(await run(['train', '--help'], t.io)).toBe(0);
    const help = t.out.join('\n');
    for (const flag of ['--method NAME', '--long-tail-ratio R', '--data DIR|bundled', '--overwrite', '--resume'])
      expect(help).toContain(flag);
    expect(help).toMatch(/paco\|ce\|logit-adjust\|supcon\|jcl/);
    const v = capture();
    expect(await run(['--version'], v.io)).toBe(0);
    expect(v.out).toEqual([JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version]);
  });

  it('trains paco on the bundled subset and prints the summary with head / medium / tail accuracy', async () => {
    const out = join(tmp(), 'paco');
    const c = capture();
    const code = await run(
      [
        'train',
        '--method',
        'paco',
        '--data',
        'bundled',
        '--limit',
        '200',
        '--test-limit',
        '200',
        '--epochs',
        '1',
        '--json',
        '--no-progress',
        '--out',
        out,
      ],
      c.io,
    );
    expect(code, c.err.join('\n')).toBe(0);
    expect(c.out).toHaveLength(1);
    const s = JSON.parse(c.out[0]!);
    expect(s).toMatchObject({ method: 'paco', domain: 'losses', seed: 0, epochs: 1, steps: 3 });
    expect(Object.keys(s.metrics)).toEqual(
      expect.arrayContaining(['accuracy', 'headAccuracy', 'mediumAccuracy', 'tailAccuracy', 'trainImages', 'testImages', 'longTailRatio']),
    );
    for (const k of ['accuracy', 'headAccuracy', 'mediumAccuracy', 'tailAccuracy']) {
      expect(s.metrics[k]).toBeGreaterThanOrEqual(0);
      expect(s.metrics[k]).toBeLessThanOrEqual(1);
    }
    expect(s.metrics).toMatchObject({ trainImages: 200, testImages: 200, longTailRatio: null });
    for (const f of ['run.json', 'summary.json', 'losses.csv', 'checkpoint', 'model/model.json'])
      expect(existsSync(join(out, f))).toBe(true);
    // A finished run is not replaced without --resume or --overwrite.
    const again = capture();
    expect(await run(['train', '--method', 'paco', '--out', out], again.io)).toBe(2);
  });

  it('trains jcl and scores it by kNN and linear probe beside random init and raw pixels', async () => {
    const c = capture();
    const args = ['train', '--method', 'jcl', '--data', 'bundled', '--limit', '100', '--test-limit', '100', '--key-views', '2'];
    expect(
      await run([...args, '--epochs', '1', '--batch-size', '32', '--json', '--no-progress', '--out', join(tmp(), 'jcl')], c.io),
      c.err.join('\n'),
    ).toBe(0);
    const s = JSON.parse(c.out[0]!);
    expect(s).toMatchObject({ method: 'jcl', domain: 'losses', steps: 3, metrics: { knnKSource: 'default', trainImages: 100 } });
    // model/ holds the trained backbone, which vision's loader reads from the run folder.
    const trained = await loadTrainedEncoder(join(tmp(), 'jcl'));
    expect(trained).toMatchObject({ imageSize: 28, channels: 1, method: 'jcl', encoderName: 'small-cnn' });
    const x = tf.zeros([2, 28, 28, 1]);
    const z = trained.encoder.apply(x, false);
    expect(z.shape).toEqual([2, 128]);
    tf.dispose([x, z]);
    trained.encoder.dispose();
    for (const scores of [s.metrics, s.baselines.randomInit, s.baselines.rawPixels]) {
      expect(scores.knnAccuracy).toBeGreaterThanOrEqual(0);
      expect(scores.linearProbeAccuracy).toBeLessThanOrEqual(1);
    }
    const bad = capture();
    expect(await run(['train', '--method', 'paco', '--key-views', '2'], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--key-views applies to jcl only, not paco/);
  });

  it('trains data-parallel with --workers 2 --sync-bn to the loss of one thread, and refuses --workers 0', async () => {
    const args = ['train', '--method', 'paco', '--data', 'bundled', '--limit', '64', '--test-limit', '20', '--batch-size', '32'];
    const summaries = [];
    for (const workers of ['1', '2']) {
      const c = capture();
      const flags = ['--epochs', '1', '--workers', workers, '--sync-bn', '--json', '--no-progress', '--out', join(tmp(), `w${workers}`)];
      expect(await run([...args, ...flags], c.io), c.err.join('\n')).toBe(0);
      const s = JSON.parse(c.out[0]!);
      expect(s.workers).toBe(workers === '2' ? 2 : undefined);
      if (workers === '2') expect(c.err.join('\n')).toMatch(/data-parallel: 2 workers \(.*16 \+ 16; batch norm synchronised/);
      else expect(c.err.join('\n')).not.toContain('data-parallel');
      summaries.push(s);
    }
    expect(summaries[1].steps).toBe(2);
    expect(Math.abs(summaries[1].finalLoss - summaries[0].finalLoss)).toBeLessThan(1e-4);
    const bad = capture();
    expect(await run([...args, '--workers', '0', '--out', join(tmp(), 'w0')], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--workers/);
  });

  it('builds the long-tailed set on the fly, records it in run.json, and resumes it', async () => {
    const out = join(tmp(), 'ce-lt');
    const args = ['train', '--method', 'ce', '--data', 'bundled', '--long-tail-ratio', '10', '--test-limit', '100', '--batch-size', '64'];
    const c = capture();
    expect(await run([...args, '--epochs', '1', '--json', '--no-progress', '--out', out], c.io), c.err.join('\n')).toBe(0);
    const s = JSON.parse(c.out[0]!);
    // 3,000 bundled images, 300 per class: round(300·10^(−c/9)) per class.
    const counts = Array.from({ length: 10 }, (_, k) => Math.round(300 * 10 ** (-k / 9)));
    expect(s.metrics.trainImages).toBe(counts.reduce((a, b) => a + b, 0));
    expect(s.metrics.longTailRatio).toBe(10);
    const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(record).toMatchObject({ tool: 'contrastive-losses', method: 'ce', config: { 'long-tail-ratio': 10, seed: 0, data: 'bundled' } });
    const r = capture();
    expect(await run(['train', '--resume', '--out', out, '--epochs', '2', '--json', '--no-progress'], r.io), r.err.join('\n')).toBe(0);
    expect(JSON.parse(r.out[0]!)).toMatchObject({ method: 'ce', epochs: 2, steps: 2 * s.steps });
    const bad = capture();
    expect(await run(['train', '--resume', '--out', out, '--long-tail-ratio', '5'], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--long-tail-ratio 10, not --long-tail-ratio 5/);
  });

  it('refuses a long-tail ratio below 1, an empty class and unlabelled data, naming the flag or file', async () => {
    const c = capture();
    expect(await run(['train', '--method', 'paco', '--long-tail-ratio', '0.5', '--out', join(tmp(), 'r')], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--long-tail-ratio must be a number >= 1, got '0.5'/);
    expect(existsSync(join(tmp(), 'r'))).toBe(false);

    const gap = await idxFolder('gap', [0, 0, 0, 0, 2, 2, 2, 2, 0, 2, 0, 2]);
    const e = capture();
    expect(await run(['train', '--method', 'paco', '--data', gap, '--out', join(tmp(), 'g'), '--epochs', '1'], e.io)).toBe(2);
    expect(e.err.join('\n')).toMatch(/--data .*gap.*class 1 has no example/);

    const unlabelled = await idxFolder('nolabels', null);
    const u = capture();
    expect(await run(['train', '--method', 'paco', '--data', unlabelled, '--out', join(tmp(), 'u'), '--epochs', '1'], u.io)).toBe(2);
    expect(u.err.join('\n')).toMatch(/--data .*nolabels.*train-images-idx3-ubyte has no labels file.*--method paco needs class labels/);

    const m = capture();
    expect(await run(['train', '--method', 'ce', '--alpha', '0.1'], m.io)).toBe(2);
    expect(m.err.join('\n')).toMatch(/--alpha applies to paco only, not ce/);
  });
});

describe('groupAccuracies', () => {
  it('scores overall and per group', () => {
    const groups = { head: [0], medium: [1], tail: [2] };
    const acc = groupAccuracies(Int32Array.from([0, 0, 1, 2, 2, 0]), Int32Array.from([0, 0, 1, 1, 2, 2]), 3, groups);
    expect(acc).toEqual({ accuracy: 4 / 6, head: 1, medium: 0.5, tail: 0.5, perClass: [1, 0.5, 0.5] });
  });
});
