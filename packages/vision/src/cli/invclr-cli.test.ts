import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { run } from './main.js';
import { io } from './test-utils/io.js';

let root: string;

useCpuLeakCheck();
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vision-invclr-cli-'));
  for (const [cls, make] of [
    ['bright', (i: number) => ({ r: 200 + i * 5, g: 190, b: 180 })],
    ['dark', (i: number) => ({ r: 20 + i * 3, g: 40, b: 30 })],
  ] as const) {
    for (const split of ['train', 'test']) {
      await mkdir(join(root, split, cls), { recursive: true });
      for (let i = 0; i < 8; i++) {
        await sharp({ create: { width: 8, height: 8, channels: 3, background: make(i) } })
          .png()
          .toFile(join(root, split, cls, `${i}.png`));
      }
    }
  }
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const base = () => [
  '--data',
  join(root, 'train'),
  '--eval-data',
  join(root, 'test'),
  '--image-size',
  '8',
  '--batch-size',
  '8',
  '--backend',
  'wasm',
  '--probe-epochs',
  '3',
  '--no-baseline',
];

describe('contrastive-vision train --method invclr', () => {
  it('validates --gp-weight, --gp-samples, --gp-upper-limit and --eval-passes by name, and refuses them for other methods', async () => {
    const cases: [string[], RegExp][] = [
      [['--method', 'simclr', '--gp-weight', '0.1'], /--gp-weight applies to --method invclr only \(got --method simclr\)/],
      [['--method', 'moco-v2', '--gp-samples', '5'], /--gp-samples applies to --method invclr only/],
      [['--method', 'invclr', '--gp-weight=-1'], /--gp-weight must be a number >= 0, got '-1'/],
      [['--method', 'invclr', '--gp-samples', '0'], /--gp-samples must be an integer in \[1, 10000\], got '0'/],
      [['--method', 'invclr', '--gp-upper-limit', '0'], /--gp-upper-limit must be a number > 0, got '0'/],
      [['--method', 'simclr', '--eval-passes', '0'], /--eval-passes must be an integer in \[1, 1000\], got '0'/],
    ];
    for (const [argv, msg] of cases) {
      const c = io();
      expect(await run(['train', ...argv, '--data', join(root, 'train'), '--out', join(root, 'refused')], c)).toBe(2);
      expect(c.errs.join('\n')).toMatch(msg);
    }
    const h = io();
    expect(await run(['train', '--help'], h)).toBe(0);
    for (const flag of ['--gp-weight', '--gp-samples', '--gp-upper-limit', '--eval-passes']) expect(h.lines.join('\n')).toContain(flag);
  });

  it('trains with the penalty, records λ / K / clamp, scores with feature averaging; eval averages too; --resume keeps λ', async () => {
    const out = join(root, 'run');
    const a = io();
    const code = await run(
      [
        'train',
        '--method',
        'invclr',
        ...base(),
        '--epochs',
        '1',
        '--gp-weight',
        '0.5',
        '--gp-samples',
        '7',
        '--eval-passes',
        '3',
        '--out',
        out,
        '--json',
      ],
      a,
    );
    expect(code, a.errs.join('\n')).toBe(0);
    const summary = JSON.parse(a.lines.at(-1)!);
    expect(summary.method).toBe('invclr');
    expect(summary.metrics.evalPasses).toBe(3);
    expect(summary.metrics.conditionalVariance).toBeGreaterThan(0);
    const cfg = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')).config;
    expect([cfg.recipe, cfg.gpWeight, cfg.gpSamples, cfg.gpUpperLimit]).toEqual(['invclr-small', 0.5, 7, 1]);

    const e = io();
    expect(
      await run(
        [
          'eval',
          '--checkpoint',
          out,
          '--data',
          join(root, 'train'),
          '--eval-data',
          join(root, 'test'),
          '--eval-passes',
          '2',
          '--probe-epochs',
          '3',
          '--map-method',
          'pca',
          '--no-progress',
          '--json',
        ],
        e,
      ),
    ).toBe(0);
    const ev = JSON.parse(e.lines.at(-1)!);
    expect(ev.metrics.evalPasses).toBe(2);
    expect(ev.metrics.conditionalVariance).toBeGreaterThan(0);
    const plain = io();
    expect(
      await run(
        [
          'eval',
          '--checkpoint',
          out,
          '--data',
          join(root, 'train'),
          '--eval-data',
          join(root, 'test'),
          '--probe-epochs',
          '3',
          '--map-method',
          'pca',
          '--no-progress',
          '--json',
        ],
        plain,
      ),
    ).toBe(0);
    const p = JSON.parse(plain.lines.at(-1)!);
    expect(p.metrics.evalPasses).toBe(1);
    expect(p.metrics.conditionalVariance).toBeUndefined();

    const r = io();
    expect(await run(['train', '--resume', '--out', out, '--gp-weight', '0.1', ...base()], r)).toBe(2);
    expect(r.errs.join('\n')).toMatch(/gp-weight/);
  });
});
