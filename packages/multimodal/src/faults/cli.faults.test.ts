import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureIo, faultCase, faultTitle, folderSnapshot, pathExists, useTempDir } from '@contrastive/test-utils';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { METHODS } from '../cli/help.js';
import { run } from '../cli/main.js';
import { CAPTION_COLOURS, colourCaptionFolder } from '../node/test-utils/fixture-trees.js';
import { FAULT_CASES } from './cases.js';

const row = (id: string) => faultTitle(faultCase(FAULT_CASES, id));
const tmp = useTempDir('mm-cli-faults-');
const here = dirname(fileURLToPath(import.meta.url));

/** A copy of the colour folder with `captions.jsonl` line `line` (1-based) passed through `edit`. */
async function withLine(name: string, line: number, edit: (r: Record<string, unknown>) => void): Promise<string> {
  const dir = tmp(name);
  await fs.cp(data, dir, { recursive: true });
  const lines = (await fs.readFile(join(dir, 'captions.jsonl'), 'utf8')).trimEnd().split('\n');
  const r = JSON.parse(lines[line - 1]!) as Record<string, unknown>;
  edit(r);
  lines[line - 1] = JSON.stringify(r);
  await fs.writeFile(join(dir, 'captions.jsonl'), `${lines.join('\n')}\n`);
  return dir;
}

// 24 train images, batch 4: 6 steps per epoch.
const TINY = ['--image-size', '16', '--batch-size', '4', '--embed-dim', '8', '--no-progress'];

let data = '';
let finished: Promise<string> | null = null;
/** A finished clip run on the colour folder (1 epoch), trained once for the eval and search rows. */
function finishedRun(): Promise<string> {
  finished ??= (async () => {
    const out = tmp('finished');
    const a = captureIo();
    const code = await run(['train', '--method', 'clip', '--data', data, ...TINY, '--epochs', '1', '--json', '--out', out], a);
    if (code !== 0) throw new Error(`the finished run failed: ${a.errs.join('\n')}`);
    return out;
  })();
  return finished;
}

describe('contrastive-multimodal faults', () => {
  beforeAll(async () => {
    data = tmp('colours');
    await colourCaptionFolder(data);
  });

  it(row('multimodal/cli-diverging-lr'), async () => {
    for (const method of METHODS) {
      const out = tmp(`diverge-${method}`);
      const a = captureIo();
      const code = await run(['train', '--method', method, '--data', data, ...TINY, '--epochs', '3', '--lr', '1e9', '--out', out], a);
      const err = a.errs.join('\n');
      expect(code, `${method}: ${err}`).toBe(1);
      expect(a.lines, method).toEqual([]);
      expect(await pathExists(join(out, 'summary.json')), method).toBe(false);
      expect(await pathExists(join(out, 'model')), method).toBe(false);
      expect(await pathExists(join(out, 'checkpoint', 'checkpoint.json')), method).toBe(false);
      if (method === 'lit') {
        // Only a projection trains on USE-lite's vectors: the loss stays finite while the image tower's batch-norm
        // statistics overflow; core's checkpoint save at the end of epoch 1 finds them.
        const loss = Number(
          /the weights are not finite after step 6 of epoch 1 \(global step 6\) although the loss was (\S+):/.exec(err)?.[1],
        );
        expect(Number.isFinite(loss), err).toBe(true);
        expect(err).toMatch(/'image_tower\/encoder\/\d+_moving_variance' \(\d+ (NaN|Inf) of \d+\)/);
        expect(err.indexOf('epoch 1/3')).toBeGreaterThan(-1);
        expect(err.indexOf('epoch 1/3')).toBeLessThan(err.indexOf('training diverged'));
        expect((await fs.readdir(out)).sort()).toEqual(['checkpoint', 'run.json']);
        expect(await fs.readdir(join(out, 'checkpoint'))).toEqual([]);
      } else {
        // The loss itself turns NaN on the second step: core stops there, before any checkpoint is saved.
        expect(err, method).toMatch(/contrastive-multimodal: training diverged: the loss is NaN at step 2 of epoch 1 \(global step 2\)/);
        expect(err, method).not.toMatch(/epoch 1\/3/);
        expect((await fs.readdir(out)).sort(), method).toEqual(['loss-curve.png', 'losses.csv', 'run.json']);
        // losses.csv ends with the NaN loss (the step that diverged), after step 1's finite one.
        const [head, first, last, ...rest] = (await fs.readFile(join(out, 'losses.csv'), 'utf8')).trimEnd().split('\n');
        expect([head, last, rest], method).toEqual(['step,loss', '2,NaN', []]);
        expect(Number.isFinite(Number(first!.split(',')[1])) && first!.startsWith('1,'), `${method}: ${first}`).toBe(true);
      }
    }
  }, 120_000);

  it(row('multimodal/cli-kill-resume'), async () => {
    // Seed 0 (the default). 6 steps per epoch, a checkpoint every 2 steps and at each epoch end; 5 epochs = 30 steps.
    const args = ['train', '--method', 'clip', '--data', data, ...TINY, '--epochs', '5', '--checkpoint-every', '2', '--json'];
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
    // Kill once a mid-epoch checkpoint after the first epoch is on disk (step 2 or 4 of epoch 2, 3, …).
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
    expect([2, 4]).toContain(meta.stepInEpoch);
    expect(meta.globalStep).toBeGreaterThanOrEqual(8);
    expect(meta.globalStep).toBeLessThan(30);
    expect(await pathExists(join(out, 'summary.json'))).toBe(false);
    expect(await pathExists(join(out, 'model'))).toBe(false);
    const resumed = captureIo();
    expect(await run(['train', '--resume', '--out', out, '--json', '--no-progress'], resumed), resumed.errs.join('\n')).toBe(0);
    const got = JSON.parse(resumed.lines[0]!);
    expect(got.finalLoss).toBe(expected.finalLoss);
    expect(got.steps).toBe(expected.steps);
    expect(got.steps).toBe(30);
    expect(got.metrics).toEqual(expected.metrics);
    // Every step's loss (unrounded, in losses.csv) is the uninterrupted run's.
    const losses = (dir: string) => fs.readFile(join(dir, 'losses.csv'), 'utf8');
    expect((await losses(out)).trimEnd().split('\n')).toHaveLength(31);
    expect(await losses(out)).toBe(await losses(tmp('whole')));
  }, 180_000);

  it(row('multimodal/cli-out-refusals'), async () => {
    const file = tmp('a-file');
    await fs.writeFile(file, 'mine');
    const foreign = tmp('foreign');
    await fs.mkdir(foreign);
    await fs.writeFile(join(foreign, 'notes.txt'), 'keep me');
    const before = await folderSnapshot(foreign);
    for (const method of METHODS) {
      // A --data that does not exist: had it been read first, the refusal would name --data, not --out.
      const a = captureIo();
      expect(await run(['train', '--method', method, '--data', tmp('nope'), '--out', file], a), method).toBe(2);
      expect(a.errs.join('\n')).toContain(`contrastive-multimodal: --out ${file} is a file, not a folder; choose another --out`);
      expect(a.errs.join('\n')).not.toMatch(/--data|captions/);
      const b = captureIo();
      expect(await run(['train', '--method', method, '--data', tmp('nope'), '--out', foreign], b), method).toBe(2);
      expect(b.errs.join('\n')).toContain(
        `contrastive-multimodal: --out ${foreign} is a non-empty folder that is not a contrastive-multimodal run (no run.json)`,
      );
      expect(b.errs.join('\n')).not.toMatch(/--data|captions/);
      // --overwrite still refuses a file at once (it defers only the removal of an existing run's files).
      const c = captureIo();
      expect(await run(['train', '--method', method, '--data', tmp('nope'), '--overwrite', '--out', file], c), method).toBe(2);
      expect(c.errs.join('\n')).toContain(`--out ${file} is a file, not a folder`);
      expect(c.errs.join('\n')).not.toMatch(/--data|captions/);
      expect([...a.lines, ...b.lines, ...c.lines]).toEqual([]);
    }
    expect(await fs.readFile(file, 'utf8')).toBe('mine');
    expect(await folderSnapshot(foreign)).toEqual(before);
  });

  it(row('multimodal/cli-overwrite-bad-data'), async () => {
    const precious = tmp('precious');
    await fs.cp(await finishedRun(), precious, { recursive: true });
    const before = await folderSnapshot(precious);
    expect(Object.keys(before)).toContain('/summary.json');
    const missing = await withLine('overwrite-missing-image', 30, (r) => {
      r.image = 'img/nope.png';
    });
    for (const [bad, message] of [
      [missing, `${join(missing, 'captions.jsonl')}:30: image 'img/nope.png' does not exist`],
      [tmp('no-such-folder'), `--data ${tmp('no-such-folder')}: ${tmp('no-such-folder')}: is not a folder (or does not exist)`],
    ] as const) {
      const a = captureIo();
      expect(await run(['train', '--method', 'clip', '--data', bad, ...TINY, '--epochs', '1', '--overwrite', '--out', precious], a)).toBe(
        2,
      );
      expect(a.errs.join('\n')).toContain(message);
      expect(a.lines).toEqual([]);
      // The finished run is still all there, byte for byte.
      expect(await folderSnapshot(precious)).toEqual(before);
    }
  });

  it(row('multimodal/cli-bad-captions'), async () => {
    const finishedDir = await finishedRun();
    const runBefore = await folderSnapshot(finishedDir);
    const image = (line: number) => {
      const k = line - 1;
      return `img/${CAPTION_COLOURS[k % 6]![0]}-${Math.floor(k / 6)}.png`;
    };
    const png = await fs.readFile(join(data, image(5)));
    const cases: { name: string; dir: string; message: (real: string) => string; evalToo: boolean }[] = [];
    // A test line (30) naming an image that is not there.
    const missingDir = await withLine('missing-image', 30, (r) => {
      r.image = 'img/nope.png';
    });
    cases.push({
      name: 'missing-image',
      dir: missingDir,
      message: () =>
        `${join(missingDir, 'captions.jsonl')}:30: image 'img/nope.png' does not exist (${join(missingDir, 'img', 'nope.png')})`,
      evalToo: true,
    });
    // A test line (27) with an empty caption.
    const emptyDir = await withLine('empty-caption', 27, (r) => {
      r.caption = '';
    });
    cases.push({
      name: 'empty-caption',
      dir: emptyDir,
      message: () => `${join(emptyDir, 'captions.jsonl')}:27: empty caption: "caption" is empty (image "${image(27)}")`,
      evalToo: true,
    });
    // A test image (line 33) that is not an image at all. (For the two that do not decode, sharp's own words follow
    // the file: 'Input file contains unsupported image format', 'vipspng: libpng read error' — or, decoding 8 at
    // once, libvips' shared error buffer may say 'Unknown error'; so only what we write is asserted.)
    const textDir = await withLine('not-an-image', 33, () => undefined);
    await fs.writeFile(join(textDir, image(33)), 'this is not a PNG');
    cases.push({
      name: 'not-an-image',
      dir: textDir,
      message: (real) => `${join(textDir, 'captions.jsonl')}:33: image '${image(33)}' does not decode (${join(real, image(33))}): `,
      evalToo: true,
    });
    // A train image (line 5) cut to three quarters of its bytes: its header is whole (sharp's metadata, a header
    // check, reads it as a 16×16 PNG), its pixels are not.
    const truncatedDir = await withLine('truncated', 5, () => undefined);
    await fs.writeFile(join(truncatedDir, image(5)), png.subarray(0, Math.floor(png.length * 0.75)));
    expect(await sharp(join(truncatedDir, image(5))).metadata()).toMatchObject({ format: 'png', width: 16, height: 16 });
    cases.push({
      name: 'truncated',
      dir: truncatedDir,
      message: (real) => `${join(truncatedDir, 'captions.jsonl')}:5: image '${image(5)}' does not decode (${join(real, image(5))}): `,
      // eval reads the test split only; this is a train image.
      evalToo: false,
    });

    for (const c of cases) {
      const expected = `contrastive-multimodal: --data ${c.dir}: ${c.message(await fs.realpath(c.dir))}`;
      // A new --out (and its missing parent) is not left behind.
      const parent = tmp(`out-${c.name}`);
      const out = join(parent, 'run');
      const argv = ['train', '--method', 'clip', '--data', c.dir, ...TINY, '--epochs', '1', '--json', '--out', out];
      for (let attempt = 0; attempt < 2; attempt++) {
        // The second attempt gets the same answer (not 'already holds a partial run').
        const a = captureIo();
        expect(await run(argv, a), `${c.name}: ${a.errs.join('\n')}`).toBe(2);
        expect(a.errs.join('\n'), c.name).toContain(expected);
        expect(a.errs.join('\n'), c.name).toContain("Run 'contrastive-multimodal train --help' for usage.");
        expect(a.lines, c.name).toEqual([]);
        expect(await pathExists(parent), c.name).toBe(false);
      }
      // An existing empty --out is left as it was.
      const empty = tmp(`empty-out-${c.name}`);
      await fs.mkdir(empty);
      const b = captureIo();
      expect(await run(['train', '--method', 'lit', '--data', c.dir, ...TINY, '--out', empty], b), c.name).toBe(2);
      expect(b.errs.join('\n'), c.name).toContain(expected);
      expect(await fs.readdir(empty), c.name).toEqual([]);
      if (c.evalToo) {
        const e = captureIo();
        expect(await run(['eval', '--checkpoint', finishedDir, '--data', c.dir, '--json'], e), c.name).toBe(2);
        expect(e.errs.join('\n'), c.name).toContain(expected);
        expect(e.lines, c.name).toEqual([]);
      }
    }
    expect(await folderSnapshot(finishedDir)).toEqual(runBefore);

    // Once the image is fixed, the same command trains (nothing was left to refuse it).
    await fs.writeFile(join(truncatedDir, image(5)), png);
    const out = join(tmp('out-truncated'), 'run');
    const fixed = captureIo();
    expect(
      await run(['train', '--method', 'clip', '--data', truncatedDir, ...TINY, '--epochs', '1', '--json', '--out', out], fixed),
      fixed.errs.join('\n'),
    ).toBe(0);
    expect(JSON.parse(fixed.lines[0]!).steps).toBe(6);
  }, 120_000);

  it(row('multimodal/cli-bad-use-lite'), async () => {
    const useLite = tmp('no-use-lite');
    await fs.mkdir(useLite);
    const parent = tmp('lit-out');
    const out = join(parent, 'run');
    for (let attempt = 0; attempt < 2; attempt++) {
      const a = captureIo();
      expect(await run(['train', '--method', 'lit', '--data', data, ...TINY, '--use-lite', useLite, '--out', out], a)).toBe(2);
      expect(a.errs.join('\n')).toContain(
        `contrastive-multimodal: --use-lite ${useLite}: cannot read USE-lite's vocabulary ${join(useLite, 'vocab.json')}: ENOENT`,
      );
      expect(a.lines).toEqual([]);
      expect(await pathExists(parent)).toBe(false);
    }
  });

  it(row('multimodal/cli-unfinished-run'), async () => {
    // What a killed or diverged run leaves: run.json, checkpoint/, losses; no model/, no summary.json.
    const partial = tmp('partial');
    await fs.cp(await finishedRun(), partial, { recursive: true });
    await fs.rm(join(partial, 'model'), { recursive: true });
    await fs.rm(join(partial, 'summary.json'));
    const before = await folderSnapshot(partial);
    const message = `contrastive-multimodal: --checkpoint ${partial}: no model/projections.json — the run has not finished (train writes model/ at its end)`;
    for (const argv of [
      ['eval', '--checkpoint', partial, '--json'],
      ['search', '--checkpoint', partial, '--images', join(data, 'img'), '--query', 'a red square', '--json'],
    ]) {
      const a = captureIo();
      expect(await run(argv, a), argv[0]).toBe(2);
      expect(a.errs.join('\n'), argv[0]).toContain(message);
      expect(a.lines, argv[0]).toEqual([]);
    }
    expect(await folderSnapshot(partial)).toEqual(before);
  });

  it(row('multimodal/cli-search-images'), async () => {
    const finishedDir = await finishedRun();
    const search = (images: string, sheet: string) =>
      ['search', '--checkpoint', finishedDir, '--images', images, '--query', 'a red square', '--sheet', sheet, '--json'] as const;
    const empty = tmp('no-images');
    await fs.mkdir(empty);
    const notes = tmp('only-notes');
    await fs.mkdir(notes);
    await fs.writeFile(join(notes, 'notes.txt'), 'no pictures here');
    for (const dir of [empty, notes]) {
      const a = captureIo();
      expect(await run([...search(dir, tmp('sheet-empty.png'))], a)).toBe(2);
      expect(a.errs.join('\n')).toContain(`contrastive-multimodal: --images ${dir}: image folder ${dir} holds no images (looked for .png`);
      expect(a.errs.join('\n')).toContain("Run 'contrastive-multimodal search --help' for usage.");
      expect(a.lines).toEqual([]);
    }
    // One file among the images does not decode: found while embedding, before anything is written.
    const broken = tmp('broken-images');
    await fs.cp(join(data, 'img'), broken, { recursive: true });
    await fs.writeFile(join(broken, 'green-3.png'), 'this is not a PNG');
    const sheet = tmp('sheet-broken.png');
    const b = captureIo();
    expect(await run([...search(broken, sheet)], b)).toBe(2);
    // (sharp's reason follows; decoding several files at once it is not always the same words, see bad-captions.)
    expect(b.errs.join('\n')).toContain(
      `contrastive-multimodal: --images ${broken}: cannot decode image file ${join(broken, 'green-3.png')}: `,
    );
    expect(b.errs.join('\n')).toContain("Run 'contrastive-multimodal search --help' for usage.");
    expect(b.lines).toEqual([]);
    expect(await pathExists(sheet)).toBe(false);
    expect(await pathExists(tmp('sheet-empty.png'))).toBe(false);
  });

  it(row('multimodal/cli-eval-one-test-image'), async () => {
    const finishedDir = await finishedRun();
    // Every line train except line 25: the test split is one image.
    const dir = tmp('one-test-image');
    await fs.cp(data, dir, { recursive: true });
    const lines = (await fs.readFile(join(dir, 'captions.jsonl'), 'utf8')).trimEnd().split('\n');
    await fs.writeFile(
      join(dir, 'captions.jsonl'),
      `${lines.map((l, i) => JSON.stringify({ ...JSON.parse(l), split: i === 24 ? 'test' : 'train' })).join('\n')}\n`,
    );
    const a = captureIo();
    expect(await run(['eval', '--checkpoint', finishedDir, '--data', dir, '--json'], a)).toBe(2);
    expect(a.errs.join('\n')).toContain(
      `contrastive-multimodal: --data ${dir}: the test split has 1 image(s); retrieval needs 2 (set --test-fraction or add a split)`,
    );
    expect(a.lines).toEqual([]);
    // train refuses the same folder.
    const b = captureIo();
    const out = tmp('one-test-out');
    expect(await run(['train', '--method', 'clip', '--data', dir, ...TINY, '--out', out], b)).toBe(2);
    expect(b.errs.join('\n')).toContain(`--data ${dir}: the test split has 1 image(s); set --test-fraction or add a split`);
    expect(await pathExists(out)).toBe(false);
  });
});
