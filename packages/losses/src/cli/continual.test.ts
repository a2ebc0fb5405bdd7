import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@contrastive/test-utils';
import { writeIdx } from '@contrastive/vision/node';
import { describe, expect, it } from 'vitest';
import { run } from './main.js';

const tmp = useTempDir('contrastive-losses-continual-');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
}

const TINY = ['--data', 'bundled', '--limit', '240', '--test-limit', '60', '--batch-size', '16', '--memory-size', '8', '--no-progress'];

describe('contrastive-losses continual', () => {
  it('trains grcl over three domains, scores every domain after each target, and a resume reports the same matrix', async () => {
    const out = join(tmp(), 'grcl');
    const c = capture();
    const args = ['continual', '--method', 'grcl', '--domains', 'upright,rot90,invert', ...TINY, '--epochs', '1', '--json', '--out', out];
    expect(await run(args, c.io), c.err.join('\n')).toBe(0);
    const s = JSON.parse(c.out[0]!);
    // 240 images / 3 domains = 80 per domain; 80 / 16 = 5 steps per epoch; 2 targets × 1 epoch.
    expect(s).toMatchObject({ method: 'grcl', domain: 'losses', epochs: 2, steps: 10, metrics: { imagesPerDomain: 80, testImages: 60 } });
    for (const stage of ['rot90', 'invert']) {
      for (const d of ['upright', 'rot90', 'invert']) {
        const a = s.metrics[`after:${stage}:${d}`];
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(1);
        // Accuracy on 60 test images is a multiple of 1/60.
        expect(Math.abs(a * 60 - Math.round(a * 60))).toBeLessThan(0.01);
      }
    }
    expect(s.metrics['forgetting:upright']).toBeCloseTo(s.metrics['after:rot90:upright'] - s.metrics['after:invert:upright'], 3);
    expect(s.metrics['forgetting:invert']).toBeNull();
    expect(s.metrics.accuracy).toBeCloseTo((s.metrics['final:upright'] + s.metrics['final:rot90'] + s.metrics['final:invert']) / 3, 3);
    expect(readFileSync(join(out, 'losses.csv'), 'utf8')).toMatch(/step/);
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
    // A finished run resumed trains nothing and reports the matrix it checkpointed.
    const r = capture();
    expect(await run(['continual', '--resume', '--out', out, '--json', '--no-progress'], r.io), r.err.join('\n')).toBe(0);
    const again = JSON.parse(r.out[0]!);
    expect(again.steps).toBe(10);
    expect(again.metrics).toEqual(s.metrics);
    // The stage length is fixed for a run.
    const e = capture();
    expect(await run(['continual', '--resume', '--out', out, '--epochs', '2'], e.io)).toBe(2);
    expect(e.err.join('\n')).toMatch(/--epochs 1, not --epochs 2/);
  });

  it('trains grcl data-parallel (--workers 2 --sync-bn) to the losses of one thread, memories included', async () => {
    const runs = [];
    for (const workers of ['1', '2']) {
      const c = capture();
      const args = ['continual', '--method', 'grcl', '--domains', 'upright,rot90,invert', ...TINY, '--epochs', '1', '--json'];
      const flags = ['--workers', workers, '--sync-bn', '--out', join(tmp(), `grcl-w${workers}`)];
      expect(await run([...args, ...flags], c.io), c.err.join('\n')).toBe(0);
      const s = JSON.parse(c.out[0]!);
      expect(s.workers).toBe(workers === '2' ? 2 : undefined);
      if (workers === '2') expect(c.err.join('\n')).toMatch(/data-parallel: 2 workers \(.*8 \+ 8; batch norm synchronised/);
      const csv = readFileSync(join(tmp(), `grcl-w${workers}`, 'losses.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1);
      runs.push({ s, losses: csv.map((line) => Number(line.split(',').at(-1))) });
    }
    const [one, two] = runs as [{ s: { steps: number }; losses: number[] }, { s: { steps: number }; losses: number[] }];
    expect(two.s.steps).toBe(10);
    // The second target stage's steps are constrained by the first stage's memory, stored on every worker.
    expect(two.losses).toHaveLength(10);
    for (let i = 0; i < 10; i++)
      expect(Math.abs(two.losses[i]! - one.losses[i]!)).toBeLessThan(1e-3 * Math.max(1, Math.abs(one.losses[i]!)));
  });

  it('trains the finetune baseline by the same code', async () => {
    const c = capture();
    const args = ['continual', '--method', 'finetune', '--domains', 'upright,noise', ...TINY, '--epochs', '1', '--json'];
    expect(await run([...args, '--out', join(tmp(), 'ft')], c.io), c.err.join('\n')).toBe(0);
    const s = JSON.parse(c.out[0]!);
    // Two domains of 120: one target stage of 7 steps.
    expect(s).toMatchObject({ method: 'finetune', epochs: 1, steps: 7, metrics: { imagesPerDomain: 120 } });
    expect(s.metrics['forgetting:upright']).toBeNull();
    expect(s.metrics.forgetting).toBeNull();
  });

  it('refuses bad domains, a memory larger than a domain and unlabelled data, before writing anything', async () => {
    const cases: [string[], RegExp][] = [
      [['--domains', 'upright'], /--domains: need at least two domains/],
      [['--domains', 'upright,sideways'], /--domains: unknown domain 'sideways'/],
      [['--memory-size', '500'], /--memory-size 500: each domain has only 60 images/],
      [['--method', 'gem'], /--method/],
      [['--temperature', '0'], /--temperature must be a number > 0/],
    ];
    for (const [extra, message] of cases) {
      const c = capture();
      const out = join(tmp(), `bad-${extra.join('')}`);
      const args = ['continual', '--method', 'grcl', ...TINY, ...extra, '--out', out];
      expect(await run(args, c.io)).toBe(2);
      expect(c.err.join('\n')).toMatch(message);
      if (!extra.includes('--memory-size')) expect(existsSync(out)).toBe(false);
    }
    const dir = join(tmp(), 'nolabels');
    mkdirSync(dir, { recursive: true });
    const pixels = Uint8Array.from({ length: 12 * 64 }, (_, i) => (i * 37) % 256);
    for (const prefix of ['train', 't10k']) await writeIdx(join(dir, `${prefix}-images-idx3-ubyte`), [12, 8, 8], pixels);
    const u = capture();
    expect(await run(['continual', '--method', 'grcl', '--data', dir, '--out', join(tmp(), 'u')], u.io)).toBe(2);
    expect(u.err.join('\n')).toMatch(/no labels file.*--method grcl needs class labels/);
  });
});
