import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { openImageFolder } from '../io/image-folder.js';
import { loadTrainedEncoder } from '../node/index.js';
import { embedImages } from '../methods/common.js';
import { csvField } from './embed-command.js';
import { run } from './main.js';
import { io } from './test-utils/io.js';
import { readVisionRun } from './run-config.js';
import { loadTrainedRun } from './trained-run.js';

let root: string;

useCpuLeakCheck();
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vision-embed-'));
  for (const [cls, v] of [
    ['light, bright', 210],
    ['dark', 30],
  ] as const) {
    await mkdir(join(root, 'data', cls), { recursive: true });
    for (let i = 0; i < 6; i++) {
      await sharp({ create: { width: 9, height: 9, channels: 3, background: { r: v + 4 * i, g: v, b: 255 - v - 3 * i } } })
        .png()
        .toFile(join(root, 'data', cls, `${i}.png`));
    }
  }
  const t = io();
  const code = await run(
    [
      'train',
      '--method',
      'simclr',
      '--data',
      join(root, 'data'),
      '--image-size',
      '8',
      '--batch-size',
      '4',
      '--epochs',
      '1',
      '--backend',
      'cpu',
      '--out',
      join(root, 'run'),
    ],
    t,
  );
  if (code !== 0) throw new Error(t.errs.join('\n'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('contrastive-vision embed', () => {
  it("writes one CSV row per image: relative file name, class name, the encoder's output", async () => {
    const a = io();
    expect(
      await run(
        ['embed', '--checkpoint', join(root, 'run'), '--data', join(root, 'data'), '--batch-size', '5', '--backend', 'cpu', '--json'],
        a,
      ),
    ).toBe(0);
    const summary = JSON.parse(a.lines.at(-1)!);
    expect(summary).toMatchObject({ method: 'simclr', images: 12, out: join(root, 'run', 'embeddings.csv') });
    const rows = (await readFile(summary.out, 'utf8')).trimEnd().split('\n');
    expect(rows).toHaveLength(13);
    const { config: cfg } = await readVisionRun(join(root, 'run'), 'checkpoint');
    const { method: m } = await loadTrainedRun(join(root, 'run'), cfg);
    const dim = m.encoder.outputs[0]!.shape[1] as number;
    expect(rows[0]).toBe(['filename', 'label', ...Array.from({ length: dim }, (_, j) => `embedding_${j}`)].join(','));
    // Classes sorted by name: 'dark' first; a name with a comma is quoted.
    expect(rows[1]!.startsWith('dark/0.png,dark,')).toBe(true);
    expect(rows[7]!.startsWith('"light, bright/0.png","light, bright",')).toBe(true);
    // The numbers are the checkpoint's encoder applied to the same images, read independently.
    const ds = await openImageFolder(join(root, 'data'), { imageSize: 8, channels: cfg.channels });
    const x = await ds.read(Int32Array.of(0, 7));
    const e = embedImages(m.encoder, x);
    const want = (await e.array()) as number[][];
    tf.dispose([x, e]);
    m.dispose();
    const got = [rows[1]!, rows[8]!].map((r) => r.split(',').slice(-dim).map(Number));
    for (const [i, row] of got.entries()) for (const [j, val] of row.entries()) expect(val).toBeCloseTo(want[i]![j]!, 5);
    // Batch size changes nothing.
    const b = io();
    expect(
      await run(
        ['embed', '--checkpoint', join(root, 'run'), '--data', join(root, 'data'), '--backend', 'cpu', '--out', join(root, 'b.csv')],
        b,
      ),
    ).toBe(0);
    expect(await readFile(join(root, 'b.csv'), 'utf8')).toBe(`${rows.join('\n')}\n`);
  });

  it("the run's model/ (loadTrainedEncoder) is the final checkpoint's encoder", async () => {
    const { config: cfg } = await readVisionRun(join(root, 'run'), 'checkpoint');
    const { method: m } = await loadTrainedRun(join(root, 'run'), cfg);
    const t = await loadTrainedEncoder(join(root, 'run'));
    expect(t).toMatchObject({ imageSize: 8, channels: cfg.channels, method: 'simclr', encoderName: 'small-cnn' });
    const ds = await openImageFolder(join(root, 'data'), { imageSize: t.imageSize, channels: t.channels });
    const x = await ds.read(Int32Array.of(0, 5, 11));
    const [a, b] = [embedImages(m.encoder, x), embedImages(t.encoder, x)];
    expect(tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!)).toBe(0);
    tf.dispose([x, a, b]);
    m.dispose();
    t.encoder.dispose();
  });

  it('never replaces an existing file without --overwrite; names a missing output folder', async () => {
    const mine = join(root, 'mine.csv');
    await writeFile(mine, 'precious');
    const a = io();
    const args = ['embed', '--checkpoint', join(root, 'run'), '--data', join(root, 'data'), '--backend', 'cpu', '--limit', '3'];
    expect(await run([...args, '--out', mine], a)).toBe(2);
    expect(a.errs.join('\n')).toMatch(/--out .*mine\.csv exists; pass --overwrite/);
    expect(await readFile(mine, 'utf8')).toBe('precious');
    expect(await run([...args, '--out', mine, '--overwrite'], a)).toBe(0);
    expect((await readFile(mine, 'utf8')).trimEnd().split('\n')).toHaveLength(4);
    expect(await run([...args, '--out', join(root, 'nope', 'x.csv')], a)).toBe(2);
    expect(a.errs.join('\n')).toMatch(/--out .*x\.csv: folder .*nope does not exist/);
    expect(await run(['embed', '--checkpoint', join(root, 'data'), '--data', join(root, 'data')], a)).toBe(2);
    expect(a.errs.join('\n')).toMatch(/--checkpoint .*data: no run\.json/);
  });

  it('--help names every flag and the CSV columns', async () => {
    const a = io();
    expect(await run(['embed', '--help'], a)).toBe(0);
    for (const flag of ['--checkpoint', '--data', '--split', '--out', '--overwrite', '--limit', '--batch-size', '--backend', '--json'])
      expect(a.lines.join('\n')).toContain(flag);
    expect(a.lines.join('\n')).toContain('filename,label,embedding_0');
    const b = io();
    expect(await run(['--help'], b)).toBe(0);
    expect(b.lines.join('\n')).toMatch(/contrastive-vision embed --checkpoint DIR --data PATH/);
  });

  it('quotes CSV fields that need it (RFC 4180)', () => {
    expect(csvField('a/b.png')).toBe('a/b.png');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });
});
