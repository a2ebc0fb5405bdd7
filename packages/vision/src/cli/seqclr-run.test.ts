import '@tensorflow/tfjs-backend-wasm';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useLeakCheck } from '@contrastive/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './main.js';
import { parseLabelFractions, wantsSeqclr } from './seqclr-run.js';
import { io } from './test-utils/io.js';

useLeakCheck({ backend: 'wasm' });

let root: string;
const H = 16;
const W = 32;
const CHARSET = 'abc';

/** IDX ubyte file of `n` images `H×W`. */
function idx(images: Uint8Array, n: number): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(0x00000803, 0);
  head.writeUInt32BE(n, 4);
  head.writeUInt32BE(H, 8);
  head.writeUInt32BE(W, 12);
  return Buffer.concat([head, Buffer.from(images)]);
}

/** A word image: each character a bar of its own height in its own 8-px cell (ink bright on dark). */
function render(text: string): Uint8Array {
  const px = new Uint8Array(H * W);
  [...text].forEach((ch, k) => {
    const h = 4 + 4 * CHARSET.indexOf(ch);
    for (let y = H - h; y < H; y++) for (let x = k * 8 + 2; x < k * 8 + 6; x++) px[y * W + x] = 255;
  });
  return px;
}

async function writeSplit(dir: string, split: string, words: string[], font: string): Promise<void> {
  await mkdir(join(dir, split), { recursive: true });
  const all = new Uint8Array(words.length * H * W);
  words.forEach((w, i) => all.set(render(w), i * H * W));
  await writeFile(join(dir, split, 'images-idx3-ubyte'), idx(all, words.length));
  await writeFile(join(dir, split, 'labels.tsv'), `index\ttext\tfont\n${words.map((w, i) => `${i}\t${w}\t${font}`).join('\n')}\n`);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vision-seqclr-'));
  const data = join(root, 'words');
  const train = ['ab', 'ba', 'abc', 'cab', 'bca', 'ca', 'ac', 'cb', 'bc', 'aab', 'bba', 'cca'];
  const test = ['acb', 'bac', 'cc', 'aa'];
  await writeSplit(data, 'train', train, 'f1');
  await writeSplit(data, 'validation', ['ab'], 'f2');
  await writeSplit(data, 'test', test, 'f3');
  const split = (n: number, font: string) => ({ images: n, fonts: [font] });
  await writeFile(
    join(data, 'dataset.json'),
    JSON.stringify({
      format: 'contrastive-word-images',
      formatVersion: 1,
      height: H,
      width: W,
      channels: 1,
      charset: CHARSET,
      maxTextLength: 4,
      splits: { train: split(train.length, 'f1'), validation: split(1, 'f2'), test: split(test.length, 'f3') },
    }),
  );
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const base = () => ['train', '--method', 'seqclr', '--data', join(root, 'words'), '--backend', 'wasm', '--no-progress'];

describe('train --method seqclr', () => {
  it('dispatch and flag checks: errors name the flag, the value and what is allowed', async () => {
    expect(wantsSeqclr(['--method', 'seqclr'])).toBe(true);
    expect(wantsSeqclr(['--method=seqclr'])).toBe(true);
    expect(wantsSeqclr(['--method', 'simclr', '--', '--method', 'seqclr'])).toBe(false);
    expect(parseLabelFractions('0.05, 0.1')).toEqual([0.05, 0.1]);
    const bad: [string[], RegExp][] = [
      [['--instance-mapping', 'pixel'], /--instance-mapping.*all.*frame.*window/],
      [['--instance-mapping', 'all', '--windows', '3'], /--windows applies to --instance-mapping window only/],
      [['--context', 'gru'], /--context.*conv.*bilstm.*none/],
      [['--label-fractions', '0.05,1.5'], /--label-fractions must be distinct numbers in \(0, 1\]/],
      [['--decoder-epochs', '0'], /--decoder-epochs/],
      [['--resume'], /--resume is not supported for --method seqclr/],
      [['--projector', 'linear'], /--projector.*mlp.*none.*bilstm/],
    ];
    for (const [flags, re] of bad) {
      const c = io();
      expect(await run([...base(), ...flags, '--out', join(root, 'never')], c), flags.join(' ')).toBe(2);
      expect(c.errs.join('\n'), flags.join(' ')).toMatch(re);
    }
    const d = io();
    expect(await run(['train', '--method', 'seqclr', '--out', join(root, 'never')], d)).toBe(2);
    expect(d.errs.join('\n')).toMatch(/--data is required for --method seqclr/);
    const e = io();
    expect(await run([...base().slice(0, 4), join(root, 'nope'), '--out', join(root, 'never')], e)).toBe(2);
    expect(e.errs.join('\n')).toMatch(/--data .*nope/);
  });

  it('pre-trains, saves the encoder, and reports word accuracy / CER beside the random-init baseline', async () => {
    const out = join(root, 'run');
    const c = io();
    const code = await run(
      [
        ...base(),
        '--epochs',
        '1',
        '--batch-size',
        '4',
        '--width',
        '0.125',
        '--decoder-epochs',
        '1',
        '--label-fractions',
        '0.5',
        '--out',
        out,
        '--json',
      ],
      c,
    );
    expect(code, c.errs.join('\n')).toBe(0);
    const summary = JSON.parse(c.lines.at(-1)!) as {
      method: string;
      steps: number;
      metrics: Record<string, unknown>;
      baselines: Record<string, Record<string, number>>;
    };
    expect(summary.method).toBe('seqclr');
    expect(summary.steps).toBe(3);
    for (const k of ['wordAccuracy', 'characterErrorRate', 'wordAccuracyFineTune50', 'characterErrorRateFineTune50']) {
      expect(typeof summary.metrics[k], k).toBe('number');
      expect(typeof summary.baselines.randomInit![k], k).toBe('number');
    }
    const cfg = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as {
      config: { mapping: string; windows: number; widths: number[] };
    };
    expect(cfg.config).toMatchObject({ mapping: 'window', windows: 5, widths: [4, 8, 16] });
    const evals = JSON.parse(await readFile(join(out, 'decoder-eval.json'), 'utf8')) as { trained: unknown[]; randomInit: unknown[] };
    expect(evals.trained).toHaveLength(2);
    expect(evals.randomInit).toHaveLength(2);
    // A finished run is not overwritten without --overwrite.
    const again = io();
    expect(await run([...base(), '--out', out], again)).toBe(2);
    expect(again.errs.join('\n')).toMatch(/already holds a finished run/);
  });
});
