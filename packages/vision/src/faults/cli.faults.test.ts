import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { captureIo, faultCase, faultTitle, folderSnapshot, pathExists, useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../cli/main.js';
import { checkTrainingMemory } from '../cli/memory.js';
import { collapseWarning } from '../cli/train-command.js';
import { METHODS } from '../methods/registry.js';
import { FAULT_CASES } from './cases.js';
import { idxHeader } from './fixtures.js';

const row = (id: string) => faultTitle(faultCase(FAULT_CASES, id));
const tmp = useTempDir('vision-cli-faults-');
useCpuLeakCheck();

/** A labelled image folder: `classes` sub-folders of `n` 10×10 PNGs each. */
async function imageFolder(dir: string, classes: string[], n: number): Promise<void> {
  for (const [c, name] of classes.entries()) {
    await fs.mkdir(join(dir, name), { recursive: true });
    for (let i = 0; i < n; i++) {
      await sharp({ create: { width: 10, height: 10, channels: 3, background: { r: c ? 20 + 5 * i : 200 + 5 * i, g: 30 * c, b: 90 } } })
        .png()
        .toFile(join(dir, name, `${i}.png`));
    }
  }
}

const SMALL = ['--image-size', '8', '--channels', '1', '--batch-size', '8', '--backend', 'wasm', '--probe-epochs', '2', '--no-progress'];
let train = '';
let test = '';
beforeAll(async () => {
  train = tmp('data', 'train');
  test = tmp('data', 'test');
  await imageFolder(train, ['bright', 'dark'], 8);
  await imageFolder(test, ['bright', 'dark'], 4);
});

/** A finished 1-epoch SimCLR run in `out`. */
async function finishedRun(out: string, extra: string[] = []): Promise<void> {
  const a = captureIo();
  const code = await run(
    ['train', '--method', 'simclr', '--data', train, '--eval-data', test, ...SMALL, '--epochs', '1', '--out', out, ...extra],
    a,
  );
  expect(code, a.errs.join('\n')).toBe(0);
}

describe('inputs are checked before anything is written', () => {
  it(row('vision/cli-image-size-bound'), async () => {
    const out = tmp('big');
    const a = captureIo();
    expect(await run(['train', '--method', 'simclr', '--data', train, '--image-size', '100000', '--out', out], a)).toBe(2);
    expect(a.errs.join('\n')).toMatch(/--image-size must be an integer in \[4, 1024\], got '100000'/);
    expect(await pathExists(out)).toBe(false);
    // The memory one step needs, against what the machine has (24 GB here, as a parameter: the test is machine-independent).
    const geometry = { imageSize: 1024, channels: 3, sourcePixels: 100, encoder: 'small-cnn', widthMultiplier: 1 } as const;
    expect(() => checkTrainingMemory(256, geometry, 24e9)).toThrow(
      /^--image-size 1024 with --batch-size 256: one training step of small-cnn on 1024x1024x3 images needs at least 215\.8 GB .* more than the 24\.0 GB of memory here; lower --batch-size to 28 or less, or --image-size$/,
    );
    expect(() => checkTrainingMemory(8, geometry, 24e9)).not.toThrow();
    // On this machine: a step that cannot fit anywhere is refused before run.json is written.
    const b = captureIo();
    const huge = ['--image-size', '1024', '--encoder', 'resnet18', '--width', '8', '--batch-size', '256'];
    expect(await run(['train', '--method', 'simclr', '--data', tmp('data'), ...huge, '--limit', '1000', '--out', out], b)).toBe(2);
    expect(b.errs.join('\n')).toMatch(/one training step of resnet18 on 1024x1024x3 images needs at least/);
    expect(await pathExists(out)).toBe(false);
  });

  it(row('vision/idx-tiny-images'), async () => {
    const folder = tmp('tiny-idx');
    await fs.mkdir(folder);
    const images = new Uint8Array([...idxHeader([16, 3, 3]), ...new Uint8Array(16 * 9).fill(50)]);
    const labels = new Uint8Array([...idxHeader([16]), ...Array.from({ length: 16 }, (_, i) => i % 2)]);
    for (const p of ['train', 't10k']) {
      await fs.writeFile(join(folder, `${p}-images-idx3-ubyte`), images);
      await fs.writeFile(join(folder, `${p}-labels-idx1-ubyte`), labels);
    }
    const out = tmp('tiny-out');
    const a = captureIo();
    expect(await run(['train', '--method', 'simclr', '--data', folder, '--batch-size', '8', '--backend', 'wasm', '--out', out], a)).toBe(2);
    expect(a.errs.join('\n')).toContain(
      `--data ${folder}: the images of ${join(folder, 'train-images-idx3-ubyte')} are 3x3; the encoders take 4x4 to 1024x1024: pass --image-size N (4 ≤ N ≤ 1024) to resize them`,
    );
    expect(await pathExists(out)).toBe(false);
  });

  it(row('vision/cli-validate-before-write'), async () => {
    const bad = tmp('bad');
    await fs.cp(train, bad, { recursive: true });
    const first = join(bad, 'bright', '0.png');
    await fs.writeFile(first, 'not an image');
    const out = tmp('bad-out');
    const argv = [
      'train',
      '--method',
      'simclr',
      '--data',
      bad,
      '--eval-data',
      test,
      ...SMALL,
      '--epochs',
      '1',
      '--no-baseline',
      '--out',
      out,
    ];
    const a = captureIo();
    expect(await run(argv, a)).toBe(2);
    expect(a.errs.join('\n')).toMatch(new RegExp(`--data ${bad}: cannot decode image file ${first}: `));
    expect(await pathExists(out)).toBe(false);
    // Once the file is fixed, the very same command runs.
    await fs.copyFile(join(train, 'bright', '0.png'), first);
    const b = captureIo();
    expect(await run(argv, b), b.errs.join('\n')).toBe(0);
  });

  it(row('vision/cli-out-refusals'), async () => {
    const file = tmp('a-file');
    await fs.writeFile(file, 'mine');
    const a = captureIo();
    // --data does not exist: the refusal comes first, before any data is read.
    expect(await run(['train', '--method', 'simclr', '--data', tmp('nope'), '--out', file], a)).toBe(2);
    expect(a.errs.join('\n')).toMatch(/--out .*a-file is a file, not a folder; choose another --out/);
    expect(await fs.readFile(file, 'utf8')).toBe('mine');
    const foreign = tmp('foreign');
    await fs.mkdir(foreign);
    await fs.writeFile(join(foreign, 'config.json'), '{"mine":true}');
    const before = await folderSnapshot(foreign);
    const b = captureIo();
    expect(await run(['train', '--method', 'simclr', '--data', tmp('nope'), '--out', foreign], b)).toBe(2);
    expect(b.errs.join('\n')).toMatch(/--out .*foreign is a non-empty folder that is not a contrastive-vision run/);
    expect(await folderSnapshot(foreign)).toEqual(before);
  });

  it(row('vision/cli-single-class'), async () => {
    const one = tmp('one');
    await imageFolder(join(one, 'train'), ['only'], 8);
    await imageFolder(join(one, 'test'), ['only'], 4);
    const out = tmp('one-out');
    const a = captureIo();
    const code = await run(
      [
        'train',
        '--method',
        'simclr',
        '--data',
        join(one, 'train'),
        '--eval-data',
        join(one, 'test'),
        ...SMALL,
        '--epochs',
        '1',
        '--out',
        out,
        '--json',
      ],
      a,
    );
    expect(code, a.errs.join('\n')).toBe(0);
    const summary = JSON.parse(a.lines[0]!) as { metrics: object; notes: string[] };
    expect(summary.metrics).toEqual({});
    expect(summary.notes.join('\n')).toMatch(/holds a single class \('only'\): a kNN or linear probe over one class is trivially right/);
    const b = captureIo();
    expect(
      await run(['eval', '--checkpoint', out, '--data', join(one, 'train'), '--eval-data', join(one, 'test'), '--backend', 'wasm'], b),
    ).toBe(2);
    expect(b.errs.join('\n')).toMatch(/holds a single class/);
  });
});

describe('divergence and collapse', () => {
  it(row('vision/cli-diverging-lr'), async () => {
    for (const method of METHODS) {
      const out = tmp(`diverge-${method}`);
      const a = captureIo();
      const argv = ['train', '--method', method, '--data', 'bundled', '--limit', '64', '--eval-limit', '32', '--batch-size', '16'];
      const code = await run(
        [...argv, '--epochs', '2', '--lr', '1e9', '--no-baseline', '--backend', 'wasm', '--no-progress', '--out', out],
        a,
      );
      expect(code, `${method}: ${a.errs.join('\n')}`).toBe(1);
      expect(a.errs.join('\n')).toMatch(/contrastive-vision: training diverged: .*step \d+ of epoch \d+ \(global step \d+\)/);
      expect(a.lines).toEqual([]); // no score printed
      expect(await pathExists(join(out, 'summary.json'))).toBe(false);
      expect(await pathExists(join(out, 'model'))).toBe(false);
    }
    // A good run's files stay byte-identical when its continuation diverges (its run.json lr raised to 1e9).
    const out = tmp('diverge-resume');
    await finishedRun(out, ['--no-baseline']);
    const record = JSON.parse(await fs.readFile(join(out, 'run.json'), 'utf8')) as { config: { learningRate: number } };
    record.config.learningRate = 1e9;
    await fs.writeFile(join(out, 'run.json'), JSON.stringify(record));
    const before = { checkpoint: await folderSnapshot(join(out, 'checkpoint')), model: await folderSnapshot(join(out, 'model')) };
    const summary = await fs.readFile(join(out, 'summary.json'), 'utf8');
    const b = captureIo();
    expect(await run(['train', '--resume', '--out', out, '--epochs', '3', '--backend', 'wasm', '--no-progress'], b)).toBe(1);
    expect(b.errs.join('\n')).toMatch(/training diverged: .*step \d+ of epoch [23] /);
    expect(await folderSnapshot(join(out, 'checkpoint'))).toEqual(before.checkpoint);
    expect(await folderSnapshot(join(out, 'model'))).toEqual(before.model);
    expect(await fs.readFile(join(out, 'summary.json'), 'utf8')).toBe(summary);
  }, 120_000);

  it(row('vision/cli-collapse-warning'), async () => {
    expect(collapseWarning(0.04, 128)).toBeNull(); // a healthy trained small CNN: 0.034–0.044
    expect(collapseWarning(0.005, 128, 0.008)).toMatch(
      /^representation collapse: the std of the L2-normalised embeddings is 5\.00e-3 \(the untrained encoder: 8\.00e-3\), below 2\.21e-2 \(0\.25\/√128/,
    );
    // Identical images: every embedding is the same point.
    const same = tmp('same');
    for (const cls of ['a', 'b']) {
      await fs.mkdir(join(same, cls), { recursive: true });
      for (let i = 0; i < 8; i++) {
        await sharp({ create: { width: 10, height: 10, channels: 3, background: { r: 128, g: 128, b: 128 } } })
          .png()
          .toFile(join(same, cls, `${i}.png`));
      }
    }
    const out = tmp('same-out');
    const a = captureIo();
    expect(await run(['train', '--method', 'simclr', '--data', same, ...SMALL, '--epochs', '1', '--out', out, '--json'], a)).toBe(0);
    expect(a.errs.join('\n')).toMatch(
      /\[contrastive-vision\] warning: representation collapse: the std of the L2-normalised embeddings is/,
    );
    const summary = JSON.parse(a.lines[0]!) as { notes: string[] };
    expect(summary.notes.some((n) => n.startsWith('representation collapse: '))).toBe(true);
  });
});

describe('resume and the run folder', () => {
  it(row('vision/cli-resume-mismatch'), async () => {
    const out = tmp('mismatch');
    await finishedRun(out, ['--no-baseline']);
    const before = await folderSnapshot(out);
    for (const [flag, value, recorded] of [
      ['--method', 'byol', 'simclr'],
      ['--lr', '0.5', '0.001'],
      ['--batch-size', '4', '8'],
    ] as const) {
      const a = captureIo();
      expect(await run(['train', '--resume', '--out', out, '--epochs', '2', flag, value, '--backend', 'wasm'], a)).toBe(2);
      expect(a.errs.join('\n')).toContain(`was trained with ${flag} ${recorded}, not ${flag} ${value}`);
    }
    expect(await folderSnapshot(out)).toEqual(before);
  });

  it(row('vision/cli-corrupt-checkpoint'), async () => {
    const out = tmp('corrupt');
    await finishedRun(out, ['--no-baseline']);
    const manifest = join(out, 'checkpoint', 'checkpoint.json');
    await fs.writeFile(manifest, '{bad');
    const before = await folderSnapshot(out);
    const a = captureIo();
    const code = await run(['train', '--resume', '--out', out, '--epochs', '2', '--backend', 'wasm', '--no-progress'], a);
    expect(code).not.toBe(0);
    expect(a.errs.join('\n')).toMatch(new RegExp(`corrupt checkpoint '${manifest}'`));
    expect(a.errs.join('\n')).not.toMatch(/starting from scratch/);
    expect(await folderSnapshot(out)).toEqual(before);
  });
});

/** Mounts a tmpfs of `sizeKb` KiB on `dir` (root on Linux only); true when it worked. */
function tryMount(dir: string, sizeKb: number): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts) execFileSync('umount', [m], { stdio: 'ignore' });
});
/** A folder on a fresh tmpfs, or (not root) a plain folder: then CI fails, elsewhere the error is injected. */
async function tmpfs(name: string, sizeKb: number): Promise<{ dir: string; mounted: boolean }> {
  const dir = tmp(name);
  await fs.mkdir(dir, { recursive: true });
  const mounted = tryMount(dir, sizeKb);
  if (mounted) mounts.push(dir);
  else if (process.env.CI) throw new Error(`cannot mount a tmpfs on ${dir} (not root?): the ${name} fault needs it on CI`);
  return { dir, mounted };
}
function errno(code: string, syscall: string, file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${file}'`), { code, syscall, path: file, errno: -1 });
}

describe('file-system faults', () => {
  it(row('vision/cli-enospc'), async () => {
    const { dir, mounted } = await tmpfs('full', 8192);
    const out = join(dir, 'run');
    await finishedRun(out, ['--no-baseline']);
    const before = await folderSnapshot(join(out, 'checkpoint'));
    const restore: (() => void)[] = [];
    if (mounted) {
      const { bavail, bsize } = await fs.statfs(dir);
      await fs.writeFile(join(dir, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - 64 * 1024))); // leave 64 KiB
    } else {
      const open = fs.open.bind(fs);
      const spy = vi.spyOn(fs, 'open').mockImplementation(async (...args: Parameters<typeof fs.open>) => {
        const h = await open(...args);
        vi.spyOn(h, 'writeFile').mockImplementation(async (data) => {
          if ((data as Uint8Array | string).length > 64 * 1024) throw errno('ENOSPC', 'write', String(args[0]));
        });
        return h;
      });
      restore.push(() => spy.mockRestore());
    }
    try {
      const a = captureIo();
      expect(await run(['train', '--resume', '--out', out, '--epochs', '2', '--backend', 'wasm', '--no-progress'], a)).toBe(1);
      expect(a.errs.join('\n')).toMatch(/contrastive-vision: cannot write '[^']+': no space left on device \(ENOSPC\)/);
      expect(await folderSnapshot(join(out, 'checkpoint'))).toEqual(before);
      const left = await fs.readdir(join(out, 'checkpoint'));
      expect(left.filter((f) => f.includes('.tmp-'))).toEqual([]);
    } finally {
      for (const r of restore) r();
      await fs.rm(join(dir, 'filler'), { force: true });
    }
  });

  it(row('vision/cli-readonly'), async () => {
    const { dir, mounted } = await tmpfs('readonly', 1024);
    const restore: (() => void)[] = [];
    if (mounted) execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'ignore' });
    else {
      // Node's recursive mkdir reports EROFS on a missing parent as ENOENT: emulate that, and EROFS elsewhere.
      const spy = vi.spyOn(fs, 'mkdir').mockImplementation(async (p, opts) => {
        const recursive = typeof opts === 'object' && opts?.recursive === true;
        throw errno(recursive ? 'ENOENT' : 'EROFS', 'mkdir', String(p));
      });
      restore.push(() => spy.mockRestore());
    }
    try {
      const out = join(dir, 'new', 'run');
      const a = captureIo();
      expect(await run(['train', '--method', 'simclr', '--data', tmp('nope'), '--out', out, '--backend', 'wasm'], a)).toBe(1);
      expect(a.errs.join('\n')).toMatch(/cannot create the folder '[^']+': read-only file system \(EROFS\)/);
    } finally {
      for (const r of restore) r();
    }
  });
});
