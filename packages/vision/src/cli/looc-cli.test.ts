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
  root = await mkdtemp(join(tmpdir(), 'vision-looc-cli-'));
  for (const [cls, shade] of [
    ['bright', 210],
    ['dark', 30],
  ] as const) {
    for (const split of ['train', 'test']) {
      await mkdir(join(root, split, cls), { recursive: true });
      for (let i = 0; i < 8; i++) {
        await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: shade + i, g: shade, b: shade } } })
          .png()
          .toFile(join(root, split, cls, `${i}.png`));
      }
    }
  }
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const data = () => ['--data', join(root, 'train'), '--eval-data', join(root, 'test'), '--image-size', '8', '--channels', '1'];

describe('contrastive-vision train --method looc', () => {
  it('--looc-augs and --readout are validated and refused for other methods, naming the flag', async () => {
    for (const [args, msg] of [
      [
        ['--method', 'looc', '--looc-augs', 'color,texture'],
        /--looc-augs: unknown augmentation "texture"; expected one of color, rotation, blur/,
      ],
      [['--method', 'looc', '--looc-augs', 'rotation,rotation'], /--looc-augs lists an augmentation twice/],
      [['--method', 'looc', '--readout', 'heads'], /--readout/],
      [['--method', 'moco-v2', '--looc-augs', 'rotation'], /--looc-augs applies to --method looc only \(got --method moco-v2\)/],
      [['--method', 'simclr', '--readout', 'concat'], /--readout applies to --method looc only \(got --method simclr/],
    ] as const) {
      const a = io();
      expect(await run(['train', ...args, ...data(), '--out', join(root, 'refused')], a)).toBe(2);
      expect(a.errs.join('\n')).toMatch(msg);
    }
    const h = io();
    expect(await run(['train', '--help'], h)).toBe(0);
    expect(h.lines.join('\n')).toMatch(/--looc-augs[\s\S]*--readout/);
  });

  it('trains, records the augmentations and the readout, and eval scores either readout of the checkpoint', async () => {
    const out = join(root, 'looc-run');
    const a = io();
    const args = [...data(), '--batch-size', '8', '--epochs', '1', '--backend', 'wasm', '--probe-epochs', '2', '--no-baseline'];
    expect(
      await run(['train', '--method', 'looc', '--looc-augs', 'rotation,color', '--readout', 'concat', ...args, '--out', out, '--json'], a),
    ).toBe(0);
    const summary = JSON.parse(a.lines.at(-1)!) as { method: string; notes?: string[]; metrics: Record<string, number> };
    expect(summary.method).toBe('looc');
    expect(summary.notes?.join('\n')).toMatch(/scored readout: concat \(LooC\+\+/);
    const cfg = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')).config as { loocAugs: string[]; readout: string };
    expect(cfg.loocAugs).toEqual(['rotation', 'color']);
    expect(cfg.readout).toBe('concat');
    const e = io();
    const evalArgs = [
      'eval',
      '--checkpoint',
      out,
      '--data',
      join(root, 'train'),
      '--eval-data',
      join(root, 'test'),
      '--probe-epochs',
      '2',
      '--map-method',
      'pca',
      '--json',
    ];
    expect(await run([...evalArgs, '--readout', 'backbone'], e)).toBe(0);
    const r = io();
    expect(await run([...evalArgs, '--readout', 'sideways'], r)).toBe(2);
  });
});
