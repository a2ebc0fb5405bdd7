import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureIo, faultCase, faultTitle, folderSnapshot, pathExists, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { METHODS } from '../cli/help.js';
import { run } from '../cli/main.js';
import { sndcganGenerator } from '../models/index.js';
import { FAULT_CASES } from './cases.js';

const row = (id: string) => faultTitle(faultCase(FAULT_CASES, id));
const tmp = useTempDir('gan-cli-faults-');
const here = dirname(fileURLToPath(import.meta.url));

/** An IDX header (unsigned bytes) for `dims`. */
function idxHeader(dims: number[]): Uint8Array {
  const b = Buffer.alloc(4 + 4 * dims.length);
  b[2] = 0x08;
  b[3] = dims.length;
  dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
  return b;
}

// 64 images / batch 16 = 4 steps per epoch; 32 generated images scored against 32 test images.
const TINY = [
  '--data',
  'bundled',
  '--limit',
  '64',
  '--test-limit',
  '32',
  '--batch-size',
  '16',
  '--eval-images',
  '32',
  '--width',
  '0.125',
  '--no-progress',
];

describe('contrastive-gan faults', () => {
  it(row('gan/cli-diverging-lr'), async () => {
    for (const method of METHODS) {
      const out = tmp(`diverge-${method}`);
      const a = captureIo();
      expect(
        await run(['train', '--method', method, ...TINY, '--epochs', '6', '--lr', '1e9', '--out', out], a),
        `${method}: ${a.errs.join('\n')}`,
      ).toBe(1);
      const err = a.errs.join('\n');
      expect(err, method).toMatch(/contrastive-gan: training diverged: .*step \d+ of epoch \d+ \(global step \d+\)/);
      // Adam's normalised steps keep the loss finite; the generator's batch-norm moving variance overflows to NaN,
      // which core's end-of-epoch checkpoint finds (the first save of the run).
      const loss = Number(
        /the weights are not finite after step 4 of epoch 1 \(global step 4\) although the loss was (\S+):/.exec(err)?.[1],
      );
      // Finite and huge (about 1e9–1e10 on wasm: Adam's normalised steps keep the loss finite).
      expect(loss, err).toBeGreaterThan(1e8);
      expect(loss, err).toBeLessThan(1e12);
      expect(err, method).toMatch(/'generator\/\d+_moving_variance' \(\d+ NaN of \d+\)/);
      // The epoch line is logged before the save finds the NaN weights, without scores: nothing is scored from them.
      expect(err.indexOf('epoch 1/6'), method).toBeGreaterThan(-1);
      expect(err.indexOf('epoch 1/6'), method).toBeLessThan(err.indexOf('training diverged'));
      expect(err, method).toMatch(/epoch 1\/6 /);
      expect(err, method).not.toMatch(/fidFmnist/);
      expect(a.lines).toEqual([]);
      expect(await pathExists(join(out, 'summary.json'))).toBe(false);
      expect(await pathExists(join(out, 'model'))).toBe(false);
      expect(await pathExists(join(out, 'checkpoint', 'checkpoint.json'))).toBe(false);
      // What is left: run.json, an empty checkpoint/ and an empty samples/ (the epoch-end callback draws and scores
      // nothing from a non-finite model). No losses.csv: core writes the loss history after a successful save only.
      expect((await fs.readdir(out)).sort()).toEqual(['checkpoint', 'run.json', 'samples']);
      expect(await fs.readdir(join(out, 'checkpoint'))).toEqual([]);
      expect(await fs.readdir(join(out, 'samples'))).toEqual([]);
    }
  }, 120_000);

  it(row('gan/cli-out-refusals'), async () => {
    const file = tmp('a-file');
    await fs.writeFile(file, 'mine');
    const foreign = tmp('foreign');
    await fs.mkdir(foreign);
    await fs.writeFile(join(foreign, 'notes.txt'), 'keep me');
    const before = await folderSnapshot(foreign);
    for (const method of METHODS) {
      // A --data that does not exist: had it been read first, the refusal would name --data, not --out.
      const a = captureIo();
      expect(await run(['train', '--method', method, '--data', tmp('nope'), '--out', file], a)).toBe(2);
      expect(a.errs.join('\n')).toMatch(/--out .*a-file is a file, not a folder/);
      expect(a.errs.join('\n')).not.toMatch(/--data|IDX/);
      const b = captureIo();
      expect(await run(['train', '--method', method, '--data', tmp('nope'), '--out', foreign], b)).toBe(2);
      expect(b.errs.join('\n')).toMatch(/--out .*foreign is a non-empty folder that is not a contrastive-gan run/);
      expect(b.errs.join('\n')).not.toMatch(/--data|IDX/);
    }
    expect(await fs.readFile(file, 'utf8')).toBe('mine');
    expect(await folderSnapshot(foreign)).toEqual(before);
  });

  it(row('gan/cli-kill-resume'), async () => {
    // tfjs draws normals with seed 0 unseeded (rand_util: `seed ? seed : Math.random()`); the models pass seeds
    // through core's tfSeed, so under the default --seed 0 two builds hold the same weights.
    const kernel = (seed: number) => {
      const g = sndcganGenerator({ imageSize: 28, channels: 1, width: 0.125, seed });
      const k = Array.from(g.getLayer('g_linear').getWeights()[0]!.dataSync());
      g.dispose();
      return k;
    };
    expect(kernel(0)).toEqual(kernel(0));
    expect(kernel(0)).not.toEqual(kernel(1));
    // The default seed (0). 4 steps per epoch, a checkpoint every 2 steps and at each epoch end; 5 epochs = 20 steps.
    const args = ['train', '--method', 'contrad', ...TINY, '--epochs', '5', '--checkpoint-every', '2', '--json'];
    const whole = captureIo();
    expect(await run([...args, '--out', tmp('whole')], whole), whole.errs.join('\n')).toBe(0);
    const expected = JSON.parse(whole.lines[0]!);

    const out = tmp('killed');
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, '..', 'cli', 'main.ts'), ...args, '--out', out], {
      cwd: join(here, '..', '..'),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    // Kill once a mid-epoch checkpoint after the first epoch is on disk (step 2 of epoch 2, 3, …).
    const deadline = Date.now() + 90_000;
    let meta = { epoch: 0, stepInEpoch: 0, globalStep: 0 };
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        meta = (JSON.parse(await fs.readFile(join(out, 'checkpoint', 'checkpoint.json'), 'utf8')) as { meta: typeof meta }).meta;
      } catch {
        meta = { epoch: 0, stepInEpoch: 0, globalStep: 0 };
      }
      if (meta.epoch >= 1 && meta.stepInEpoch > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(child.exitCode, `child ended early: ${stderr}`).toBeNull();
    child.kill('SIGKILL');
    await exited;
    expect(meta.stepInEpoch).toBe(2);
    expect(meta.globalStep).toBeGreaterThanOrEqual(6);
    expect(meta.globalStep).toBeLessThan(20);
    expect(await pathExists(join(out, 'summary.json'))).toBe(false);
    const resumed = captureIo();
    expect(await run(['train', '--resume', '--out', out, '--json', '--no-progress'], resumed), resumed.errs.join('\n')).toBe(0);
    const got = JSON.parse(resumed.lines[0]!);
    for (const k of ['fidFmnist', 'kidFmnist', 'isFmnist']) expect(got.metrics[k], k).toBe(expected.metrics[k]);
    expect(got.metrics).toEqual(expected.metrics);
    expect(got.finalLoss).toBe(expected.finalLoss);
    expect(got.steps).toBe(expected.steps);
    expect(got.steps).toBe(20);
  }, 180_000);

  it(row('gan/cli-bad-data'), async () => {
    // Headers declaring 1000 images of 28×28; the files hold 10.
    const folder = tmp('truncated');
    await fs.mkdir(folder);
    const truncated = new Uint8Array([...idxHeader([1000, 28, 28]), ...new Uint8Array(10 * 784).fill(7)]);
    for (const p of ['train', 't10k']) await fs.writeFile(join(folder, `${p}-images-idx3-ubyte`), truncated);
    const garbage = tmp('garbage-idx3-ubyte');
    await fs.writeFile(garbage, 'this is not an IDX file at all');
    const cases: [string, string][] = [
      [
        folder,
        `contrastive-gan: --data ${folder}: ${join(folder, 'train-images-idx3-ubyte')}: truncated IDX data: dims [1000, 28, 28] need 784000 bytes, found 7840`,
      ],
      [garbage, `contrastive-gan: --data ${garbage}: ${garbage}: bad IDX magic number 74 68 69 73`],
    ];
    for (const [i, [data, message]] of cases.entries()) {
      const out = tmp(`bad-data-out-${i}`);
      const a = captureIo();
      const code = await run(['train', '--method', 'gan', ...TINY.slice(2), '--data', data, '--out', out], a);
      const err = a.errs.join('\n');
      expect(code, err).toBe(2);
      expect(err).toContain(message);
      expect(err).toContain("Run 'contrastive-gan train --help' for usage.");
      expect(a.lines).toEqual([]);
      // The run folder this command created is removed again, so the same command runs once the data is fixed.
      expect(await pathExists(out)).toBe(false);
      const again = captureIo();
      expect(await run(['train', '--method', 'gan', ...TINY.slice(2), '--data', data, '--out', out], again)).toBe(2);
      expect(again.errs.join('\n')).toContain(message);
    }

    // --resume on a folder that holds no run, and on one that does not exist.
    const notRun = tmp('not-a-run');
    await fs.mkdir(notRun);
    await fs.writeFile(join(notRun, 'notes.txt'), 'keep me');
    const before = await folderSnapshot(notRun);
    for (const dir of [notRun, tmp('missing')]) {
      const b = captureIo();
      expect(await run(['train', '--resume', '--out', dir, '--no-progress'], b)).toBe(2);
      expect(b.errs.join('\n')).toContain(`--out ${dir}: no run.json (expected a run folder written by 'contrastive-gan train --out')`);
    }
    expect(await folderSnapshot(notRun)).toEqual(before);
    expect(await pathExists(tmp('missing'))).toBe(false);
  });
});
