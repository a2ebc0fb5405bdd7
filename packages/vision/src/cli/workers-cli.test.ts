import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './main.js';
import { io } from './test-utils/io.js';

// `train --workers N`: the CLI path of data-parallel training (core's train({ workers, replica })).
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vision-workers-cli-'));
  for (const [cls, shade] of [
    ['bright', 200],
    ['dark', 40],
  ] as const) {
    for (const split of ['train', 'test']) {
      await mkdir(join(root, split, cls), { recursive: true });
      for (let i = 0; i < 16; i++) {
        await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: shade + 2 * i, g: shade, b: shade - i } } })
          .png()
          .toFile(join(root, split, cls, `${i}.png`));
      }
    }
  }
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const data = () => ['--data', join(root, 'train'), '--eval-data', join(root, 'test'), '--image-size', '8', '--channels', '1'];
const args = [
  '--batch-size',
  '16',
  '--epochs',
  '2',
  '--backend',
  'wasm',
  '--probe-epochs',
  '2',
  '--no-baseline',
  '--json',
  '--no-progress',
];

async function train(method: string, extra: string[], out: string) {
  const a = io();
  const code = await run(['train', '--method', method, ...data(), ...args, ...extra, '--out', join(root, out)], a);
  return { code, summary: code === 0 ? JSON.parse(a.lines.at(-1)!) : null, errs: a.errs.join('\n') };
}

describe('contrastive-vision train --workers', () => {
  it('SimCLR with --workers 2 --sync-bn trains the losses one thread trains, and says so', async () => {
    const one = await train('simclr', ['--workers', '1'], 'one');
    const two = await train('simclr', ['--workers', '2', '--sync-bn'], 'two');
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(two.errs).toMatch(/data-parallel: 2 workers \(each step's 16 examples split 8 \+ 8; batch norm synchronised over all workers\)/);
    expect(two.summary.workers).toBe(2);
    expect(one.summary.workers).toBeUndefined();
    const losses = async (out: string) =>
      (await readFile(join(root, out, 'losses.csv'), 'utf8'))
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => Number(l.split(',')[1]));
    const [a, b] = [await losses('one'), await losses('two')];
    expect(b).toHaveLength(a.length);
    b.forEach((v, i) => expect(Math.abs(v - a[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(a[i]!))));
  });

  it('MoCo v2 with 3 workers and its 2 BN groups notes that the groups are not split', async () => {
    const r = await train('moco-v2', ['--workers', '3'], 'moco3');
    expect(r.code).toBe(0);
    expect(r.errs).toMatch(/2 BN groups, not a multiple of --workers 3: each worker computes every group/);
  });

  it('refuses --workers 0 and --workers two as usage errors', async () => {
    for (const w of ['0', 'two']) {
      const r = await train('simclr', ['--workers', w], `bad-${w}`);
      expect(r.code).toBe(2);
      expect(r.errs).toMatch(/--workers must be an integer >= 1 or 'auto'/);
    }
  });
});
