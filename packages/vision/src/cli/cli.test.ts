import { cp, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { loadTrainedEncoder } from '../node/index.js';
import { VERSION } from './tool.js';
import { run } from './main.js';
import { io } from './test-utils/io.js';

let root: string;

useCpuLeakCheck();
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vision-cli-'));
  // Two classes of tiny grayscale-ish images: bright squares vs dark stripes, 10 each.
  for (const [cls, make] of [
    ['bright', (i: number) => ({ r: 200 + i * 5, g: 200, b: 190 })],
    ['dark', (i: number) => ({ r: 20 + i * 3, g: 30, b: 40 })],
  ] as const) {
    for (const split of ['train', 'test']) {
      await mkdir(join(root, split, cls), { recursive: true });
      for (let i = 0; i < 10; i++) {
        await sharp({ create: { width: 10, height: 10, channels: 3, background: make(i) } })
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
  '--channels',
  '1',
  '--batch-size',
  '8',
  '--backend',
  'wasm',
  '--probe-epochs',
  '5',
];

describe('contrastive-vision CLI', () => {
  it('--help documents every train flag; unknown commands and flags are named', async () => {
    const a = io();
    expect(await run(['train', '--help'], a)).toBe(0);
    for (const flag of [
      '--method',
      '--data',
      '--eval-data',
      '--eval-split',
      '--encoder',
      '--image-size',
      '--epochs',
      '--batch-size',
      '--lr',
      '--seed',
      '--out',
      '--resume',
      '--raw-baseline',
      '--no-baseline',
      '--checkpoint-every',
      '--json',
    ]) {
      expect(a.lines.join('\n')).toContain(flag);
    }
    const b = io();
    expect(await run(['fly'], b)).toBe(2);
    expect(b.errs.join('\n')).toMatch(/unknown command 'fly'/);
    const c = io();
    expect(await run(['train', '--method', 'simclr', '--data', root, '--bogus'], c)).toBe(2);
    expect(c.errs.join('\n')).toMatch(/--bogus/);
    const o = io();
    expect(await run(['train', '--method', 'instdisc', '--data', root, '--objective', 'bogus', '--out', join(root, 'o-obj')], o)).toBe(2);
    expect(o.errs.join('\n')).toMatch(/--objective/);
    const p = io();
    expect(await run(['train', '--method', 'simclr', '--data', root, '--objective', 'nce', '--out', join(root, 'o-obj2')], p)).toBe(2);
    expect(p.errs.join('\n')).toMatch(/--objective applies to --method instdisc only/);
    const q = io();
    expect(await run(['train', '--method', 'moco-v1', '--data', root, '--projector', 'linear', '--out', join(root, 'o-proj')], q)).toBe(2);
    expect(q.errs.join('\n')).toMatch(/--projector applies to --method simclr only/);
    const r = io();
    expect(await run(['train', '--method', 'simclr', '--data', root, '--projector', 'deep', '--out', join(root, 'o-proj2')], r)).toBe(2);
    expect(r.errs.join('\n')).toMatch(/--projector must be one of .*mlp.*linear/);
    const d = io();
    expect(await run(['train', '--method', 'simclr', '--data', join(root, 'nope'), '--out', join(root, 'o-missing')], d)).toBe(2);
    expect(d.errs.join('\n')).toMatch(/--data .*nope: image folder .*nope does not exist/);
  });

  it('--version, per-command --help with the shared flags (core/cli), help routed to stdout, no command to stderr', async () => {
    const a = io();
    expect(await run(['--version'], a)).toBe(0);
    expect(a.lines).toEqual([VERSION]);
    for (const command of ['train', 'eval']) {
      const h = io();
      expect(await run([command, '--help'], h)).toBe(0);
      for (const flag of ['--knn-k', '--no-progress', '--backend', '--json']) expect(h.lines.join('\n')).toContain(flag);
    }
    const t = io();
    expect(await run(['help', 'train'], t)).toBe(0);
    expect(t.lines.join('\n')).toMatch(/^contrastive-vision train — /);
    const n = io();
    expect(await run([], n)).toBe(2);
    expect(n.lines).toEqual([]);
    expect(n.errs.join('\n')).toMatch(/contrastive-vision embed --checkpoint DIR --data PATH/);
  });

  it('never writes into a non-empty folder that is not a run', async () => {
    const userDir = join(root, 'precious');
    await mkdir(userDir);
    await writeFile(join(userDir, 'thesis.txt'), 'do not touch');
    const a = io();
    expect(await run(['train', '--method', 'simclr', ...base(), '--out', userDir], a)).toBe(2);
    expect(a.errs.join('\n')).toMatch(/--out .*precious is a non-empty folder that is not a contrastive-vision run/);
    expect(await readFile(join(userDir, 'thesis.txt'), 'utf8')).toBe('do not touch');
  });

  it('train --json prints the summary; --resume continues from the checkpoint; eval writes an embedding map', async () => {
    const out = join(root, 'run');
    const a = io();
    const code = await run(['train', '--method', 'simclr', ...base(), '--epochs', '1', '--raw-baseline', '--out', out, '--json'], a);
    expect(a.errs.join('\n')).not.toMatch(/contrastive-vision: /);
    expect(code).toBe(0);
    // --json: stdout is the summary line alone (every log line went to stderr).
    expect(a.lines).toHaveLength(1);
    const summary = JSON.parse(a.lines[0]!);
    for (const key of [
      'method',
      'domain',
      'seed',
      'epochs',
      'steps',
      'seconds',
      'trainSeconds',
      'backend',
      'out',
      'finalLoss',
      'metrics',
      'baselines',
    ]) {
      expect(summary).toHaveProperty(key);
    }
    for (const key of ['knnAccuracy', 'knnK', 'linearProbeAccuracy']) expect(summary.metrics).toHaveProperty(key);
    for (const key of ['knnAccuracy', 'linearProbeAccuracy']) expect(summary.baselines.randomInit).toHaveProperty(key);
    expect(summary).toMatchObject({ method: 'simclr', domain: 'vision', encoder: 'small-cnn', seed: 0, out });
    // k from the data: 10 training images per class, so the default k is 10, not 200.
    expect(summary.metrics).toMatchObject({ knnK: 10, knnKSource: 'default' });
    expect(JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'))).toEqual(summary);
    // --raw-baseline: the flattened pixels scored the same way (bright vs dark squares: a probe separates them).
    expect(summary.baselines.rawPixels.linearProbeAccuracy).toBe(1);
    expect(summary.baselines.rawPixels.knnAccuracy).toBeGreaterThanOrEqual(0);
    expect(a.lines.concat(a.errs).join('\n')).toMatch(/linear probe 100\.0%.*raw pixels 100\.0%/);
    expect(typeof summary.baselines.randomInit.collapseStd).toBe('number'); // solid-colour test images: the spread itself is ~0
    expect(summary.epochs).toBe(1);
    for (const scores of [summary.metrics, summary.baselines.randomInit]) {
      expect(scores.alignment).toBeGreaterThanOrEqual(0);
      expect(scores.uniformity).toBeLessThanOrEqual(0);
    }
    expect(summary.metrics.knnAccuracy).toBeGreaterThanOrEqual(0);
    expect(summary.metrics.knnAccuracy).toBeLessThanOrEqual(1);
    // A second identical call refuses to clobber the finished run.
    const b = io();
    expect(await run(['train', '--method', 'simclr', ...base(), '--epochs', '1', '--out', out], b)).toBe(2);
    expect(b.errs.join('\n')).toMatch(/already holds a finished run; pass --resume/);
    // Resume: the first epoch comes from the checkpoint, only the second one runs.
    const c = io();
    expect(await run(['train', '--method', 'simclr', ...base(), '--epochs', '2', '--out', out, '--resume', '--json'], c)).toBe(0);
    const resumed = JSON.parse(c.lines.at(-1)!);
    expect(resumed.epochs).toBe(2);
    expect(resumed.baselines.randomInit.knnAccuracy).toBe(summary.baselines.randomInit.knnAccuracy);
    // Without --raw-baseline a resumed run still reports the raw pixels from baseline.json (not scored again).
    expect(resumed.baselines.rawPixels.knnAccuracy).toBe(summary.baselines.rawPixels.knnAccuracy);
    expect(c.errs.join('\n')).not.toMatch(/scoring the raw pixels/);
    // The new target is recorded, so a later --resume without --epochs aims at 2, not the original 1.
    expect(c.errs.join('\n')).toMatch(/target changed from 1 to 2 epochs/);
    expect(c.errs.join('\n')).not.toMatch(/cosine schedules/); // SimCLR's LR is constant
    expect(JSON.parse(await readFile(join(out, 'run.json'), 'utf8')).config.epochs).toBe(2);
    const ckpt = JSON.parse(await readFile(join(out, 'checkpoint', 'checkpoint.json'), 'utf8'));
    expect(JSON.stringify(ckpt)).toMatch(/"epoch":\s*2/);
    expect((await stat(join(out, 'loss-curve.png'))).size).toBeGreaterThan(100);
    // losses.csv: one row per step of both epochs (the resumed run keeps the first epoch's), the last epoch's mean = finalLoss.
    const rows = (await readFile(join(out, 'losses.csv'), 'utf8')).trimEnd().split('\n');
    expect(rows[0]).toBe('step,loss');
    const steps = rows.length - 1;
    expect(steps % 2).toBe(0);
    const last = rows.slice(1 + steps / 2).map((r) => Number(r.split(',')[1]));
    expect(last.reduce((p, q) => p + q, 0) / last.length).toBeCloseTo(resumed.finalLoss, 3);
    const d = io();
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
          '--map-method',
          'pca',
          '--backend',
          'wasm',
          '--probe-epochs',
          '5',
          '--json',
        ],
        d,
      ),
    ).toBe(0);
    const ev = JSON.parse(d.lines.at(-1)!);
    expect(ev.embeddingMap).toBe(join(out, 'embedding-map.png'));
    expect(ev.metrics.alignment).toBeGreaterThanOrEqual(0);
    expect(ev.metrics.uniformity).toBeLessThanOrEqual(0);
    expect(ev).toMatchObject({
      method: 'simclr',
      domain: 'vision',
      epochs: 2,
      steps: resumed.steps,
      finalLoss: resumed.finalLoss,
      trainSeconds: 0,
      out,
    });
    // The trained model is in model/ (core's run-folder layout).
    expect((await stat(join(out, 'model', 'model.json'))).isFile()).toBe(true);
    const png = await readFile(ev.embeddingMap);
    expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]); // "PNG"
    // --knn-k: the k used is the one asked for, and the summary says so; a k above the training set is refused.
    const k = io();
    const evalArgs = [
      'eval',
      '--checkpoint',
      out,
      '--data',
      join(root, 'train'),
      '--eval-data',
      join(root, 'test'),
      '--map-method',
      'pca',
      '--backend',
      'wasm',
      '--probe-epochs',
      '5',
      '--json',
    ];
    expect(await run([...evalArgs, '--knn-k', '3', '--map', join(root, 'k3.png')], k)).toBe(0);
    expect(JSON.parse(k.lines.at(-1)!).metrics).toMatchObject({ knnK: 3, knnKSource: 'flag' });
    expect(await run([...evalArgs, '--knn-k', '21'], k)).toBe(2);
    expect(k.errs.join('\n')).toMatch(/--knn-k 21 exceeds the 20 training examples/);
    const big = join(root, 'big-k');
    expect(await run(['train', '--method', 'simclr', ...base(), '--knn-k', '500', '--out', big], k)).toBe(2);
    expect(await stat(join(big, 'run.json')).catch(() => null)).toBeNull();
    const e = io();
    expect(await run(['eval', '--checkpoint', join(root, 'train'), '--data', root, '--eval-data', root], e)).toBe(2);
    expect(e.errs.join('\n')).toMatch(/--checkpoint .*train: no run.json/);
  });
  it('--eval-split holds out a stratified share of a labeled folder, never trains on it, and eval rebuilds it', async () => {
    const out = join(root, 'split-run');
    const common = [
      '--data',
      join(root, 'train'),
      '--image-size',
      '8',
      '--channels',
      '1',
      '--batch-size',
      '8',
      '--backend',
      'wasm',
      '--probe-epochs',
      '5',
    ];
    const a = io();
    expect(await run(['train', '--method', 'simclr', ...common, '--eval-split', '0.3', '--epochs', '1', '--out', out, '--json'], a)).toBe(
      0,
    );
    const summary = JSON.parse(a.lines.at(-1)!);
    // 10 images per class: 3 held out of each.
    expect({ train: summary.trainImages, eval: summary.evalImages }).toEqual({ train: 14, eval: 6 });
    expect(summary.metrics.knnAccuracy).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(await readFile(join(out, 'run.json'), 'utf8'))).toMatchObject({
      tool: 'contrastive-vision',
      domain: 'vision',
      config: { evalSplit: 0.3, datasetSize: 14 },
    });
    // eval without --eval-data uses the run's split: the same scores as the train command's.
    const b = io();
    const evalArgs = ['--data', join(root, 'train'), '--backend', 'wasm', '--probe-epochs', '5', '--map-method', 'pca', '--json'];
    expect(await run(['eval', '--checkpoint', out, ...evalArgs], b)).toBe(0);
    const ev = JSON.parse(b.lines.at(-1)!);
    expect(ev.metrics.knnAccuracy).toBe(summary.metrics.knnAccuracy);
    expect(ev.metrics.linearProbeAccuracy).toBe(summary.metrics.linearProbeAccuracy);
    // Usage errors name the conflict.
    const c = io();
    expect(
      await run(
        ['train', '--method', 'simclr', ...common, '--eval-split', '0.3', '--eval-data', join(root, 'test'), '--out', join(root, 'x1')],
        c,
      ),
    ).toBe(2);
    expect(await run(['train', '--method', 'simclr', '--data', 'bundled', '--eval-split', '0.3', '--out', join(root, 'x2')], c)).toBe(2);
    expect(await run(['train', '--method', 'simclr', ...common, '--eval-split', '1.5', '--out', join(root, 'x3')], c)).toBe(2);
    expect(await run(['train', '--method', 'simclr', ...common, '--eval-split', '0.5', '--epochs', '1', '--out', out, '--resume'], c)).toBe(
      2,
    );
    expect(
      await run(['train', '--method', 'simclr', ...common, '--projector', 'linear', '--epochs', '1', '--out', out, '--resume'], c),
    ).toBe(2);
    const errs = c.errs.join('\n');
    expect(errs).toMatch(/give --eval-data or --eval-split, not both/);
    expect(errs).toMatch(/--eval-split: --data bundled is an IDX folder, which has its own test split/);
    expect(errs).toMatch(/--eval-split must be a number in \(0, 1\), got 1\.5/);
    expect(errs).toMatch(/--resume: .*split-run was trained with --eval-split 0\.3/);
    expect(errs).toMatch(/--resume: .*split-run was trained with --projector mlp/);
    // Refused before anything is written: the refused runs' folders hold no run.json to block a retry.
    for (const x of ['x1', 'x2', 'x3']) expect(await stat(join(root, x, 'run.json')).catch(() => null)).toBeNull();
    // eval refuses --eval-split on IDX data as train does.
    const d = io();
    expect(await run(['eval', '--checkpoint', out, '--data', 'bundled', '--eval-split', '0.3'], d)).toBe(2);
    expect(d.errs.join('\n')).toMatch(/--eval-split: --data bundled is an IDX folder/);
  });
  it('--limit is recorded: --resume and eval reuse it; a resume or a held-out share over other images is refused', async () => {
    const out = join(root, 'limit-run');
    const common = [
      '--data',
      join(root, 'train'),
      '--image-size',
      '8',
      '--channels',
      '1',
      '--batch-size',
      '4',
      '--backend',
      'cpu',
      '--probe-epochs',
      '2',
      '--no-baseline',
    ];
    const a = io();
    expect(
      await run(
        ['train', '--method', 'simclr', ...common, '--limit', '16', '--eval-split', '0.25', '--epochs', '1', '--out', out, '--json'],
        a,
      ),
    ).toBe(0);
    const first = JSON.parse(a.lines.at(-1)!);
    expect(JSON.parse(await readFile(join(out, 'run.json'), 'utf8')).config).toMatchObject({ limit: 16, datasetSize: first.trainImages });
    // Resumed without --limit: the same images (it used to train on all 20).
    const b = io();
    expect(
      await run(['train', '--method', 'simclr', ...common, '--eval-split', '0.25', '--epochs', '2', '--out', out, '--resume', '--json'], b),
    ).toBe(0);
    expect(JSON.parse(b.lines.at(-1)!)).toMatchObject({ epochs: 2, trainImages: first.trainImages, evalImages: first.evalImages });
    // eval rebuilds the same held-out share without being told the limit.
    const c = io();
    const evalArgs = [
      'eval',
      '--checkpoint',
      out,
      '--data',
      join(root, 'train'),
      '--backend',
      'cpu',
      '--probe-epochs',
      '2',
      '--map-method',
      'pca',
      '--json',
    ];
    expect(await run(evalArgs, c)).toBe(0);
    const resumed = JSON.parse(b.lines.at(-1)!);
    expect(JSON.parse(c.lines.at(-1)!).metrics).toMatchObject({
      knnAccuracy: resumed.metrics.knnAccuracy,
      linearProbeAccuracy: resumed.metrics.linearProbeAccuracy,
    });
    const d = io();
    expect(
      await run(
        ['train', '--method', 'simclr', ...common, '--limit', '12', '--eval-split', '0.25', '--epochs', '3', '--out', out, '--resume'],
        d,
      ),
    ).toBe(2);
    expect(await run([...evalArgs, '--eval-split', '0.5'], d)).toBe(2);
    expect(await run([...evalArgs, '--limit', '12'], d)).toBe(2);
    // The first test's run was trained on all of train/ (scored on test/): no share of train/ is held out.
    expect(await run(['eval', '--checkpoint', join(root, 'run'), '--data', join(root, 'train'), '--eval-split', '0.3'], d)).toBe(2);
    const errs = d.errs.join('\n');
    expect(errs).toMatch(
      new RegExp(
        `--resume: .*limit-run was trained on ${first.trainImages} images of .*train \\(--limit 16\\), but --data .*train --limit 12 now gives \\d+`,
      ),
    );
    expect(errs).toMatch(
      /--eval-split 0\.5: .*limit-run was trained on all but a held-out 0\.25 of --data .*train, so this share holds images it trained on/,
    );
    expect(errs).toMatch(/--eval-split 0\.25: .*limit-run trained on \d+ images of --data .*train, this split keeps \d+/);
    expect(errs).toMatch(
      /--eval-split 0\.3: .*run was trained on all of --data .*train, so this share holds images it trained on; score on --eval-data instead/,
    );
  });

  it('a new run whose --eval-data has classes --data lacks is refused before run.json is written', async () => {
    await mkdir(join(root, 'odd', 'cow'), { recursive: true });
    await sharp({ create: { width: 10, height: 10, channels: 3, background: { r: 1, g: 2, b: 3 } } })
      .png()
      .toFile(join(root, 'odd', 'cow', '0.png'));
    const out = join(root, 'odd-run');
    const a = io();
    const args = [
      'train',
      '--method',
      'simclr',
      '--data',
      join(root, 'train'),
      '--eval-data',
      join(root, 'odd'),
      '--image-size',
      '8',
      '--channels',
      '1',
      '--out',
      out,
    ];
    expect(await run(args, a)).toBe(2);
    expect(a.errs.join('\n')).toMatch(/--eval-data .*odd has class folder\(s\) 'cow' that --data .*train does not have/);
    expect(await stat(join(out, 'run.json')).catch(() => null)).toBeNull();
  });
  it('a run folder written before the toolkit (flat run.json with lr, the model in encoder/) still evals, resumes and loads', async () => {
    const out = join(root, 'legacy-run');
    await cp(join(root, 'run'), out, { recursive: true });
    const record = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    const { learningRate, recipe, ...rest } = record.config;
    expect(recipe).toBe('simclr-small');
    await writeFile(join(out, 'run.json'), JSON.stringify({ ...rest, lr: learningRate }));
    await rename(join(out, 'model'), join(out, 'encoder'));
    // loadTrainedEncoder reads the old encoder/ folder.
    const t = await loadTrainedEncoder(out);
    expect(t).toMatchObject({ imageSize: 8, channels: 1, method: 'simclr', encoderName: 'small-cnn' });
    t.encoder.dispose();
    // eval on the old run.json scores the same checkpoint as the new one did.
    const evalArgs = [
      '--data',
      join(root, 'train'),
      '--eval-data',
      join(root, 'test'),
      '--map-method',
      'pca',
      '--backend',
      'wasm',
      '--probe-epochs',
      '5',
      '--json',
    ];
    const [a, b] = [io(), io()];
    expect(await run(['eval', '--checkpoint', join(root, 'run'), ...evalArgs, '--map', join(root, 'a.png')], a)).toBe(0);
    expect(await run(['eval', '--checkpoint', out, ...evalArgs], b)).toBe(0);
    expect(JSON.parse(b.lines.at(-1)!).metrics).toEqual(JSON.parse(a.lines.at(-1)!).metrics);
    // --resume upgrades run.json to core's run record and continues from the checkpoint (same state names).
    const c = io();
    expect(
      await run(['train', '--method', 'simclr', ...base(), '--epochs', '3', '--out', out, '--resume', '--no-baseline', '--json'], c),
    ).toBe(0);
    expect(c.errs.join('\n')).toMatch(/after epoch 2\/3/);
    expect(JSON.parse(c.lines.at(-1)!)).toMatchObject({ epochs: 3 });
    expect(JSON.parse(await readFile(join(out, 'run.json'), 'utf8'))).toMatchObject({
      tool: 'contrastive-vision',
      config: { recipe: 'simclr-small', learningRate, epochs: 3 },
    });
  });
});
