import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { UsageError, type CliIo } from '@contrastive/core/cli';
import { TextMethod } from '../methods/text-method.js';
import { batchesPerEpoch, TRAIN_HELP, trainCommand } from './train-command.js';

const silent: CliIo = { out: () => {}, err: () => {} };
/** Collects stdout lines in `out` and stderr lines in `err`. */
function collect(out: string[], err: string[] = []): CliIo {
  return { out: (l) => void out.push(l), err: (l) => void err.push(l) };
}

const corpus = decodeURIComponent(new URL('../__fixtures__/corpus/tiny.txt', import.meta.url).pathname);

describe('contrastive-text train: optimizer flags and ConSERT test pooling', () => {
  useCpuLeakCheck();
  beforeAll(async () => {
    process.env.CONTRASTIVE_BACKEND = 'cpu';
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('counts the batches an epoch yields (a last batch of < 2 items is dropped)', () => {
    expect([
      batchesPerEpoch(64, 64),
      batchesPerEpoch(65, 64),
      batchesPerEpoch(66, 64),
      batchesPerEpoch(1, 4),
      batchesPerEpoch(10, 4),
    ]).toEqual([1, 1, 2, 0, 3]);
  });

  it('documents and validates --weight-decay and --warmup-ratio', async () => {
    expect(TRAIN_HELP).toMatch(/--weight-decay X/);
    expect(TRAIN_HELP).toMatch(/--warmup-ratio X/);
    expect(TRAIN_HELP).toMatch(/--max-grad-norm X/);
    expect(TRAIN_HELP).toMatch(/last2avg/);
    const base = ['--method', 'consert', '--corpus', corpus];
    await expect(trainCommand([...base, '--warmup-ratio', '1.5'], silent)).rejects.toThrow(UsageError);
    await expect(trainCommand([...base, '--warmup-ratio', '1.5'], silent)).rejects.toThrow(/--warmup-ratio must be a number in \[0, 1\]/);
    await expect(trainCommand([...base, '--weight-decay=-1'], silent)).rejects.toThrow(/--weight-decay must be a number >= 0/);
  });

  it('passes the flags to the AdamW schedule over epochs × steps, and saves ConSERT with last2avg', async () => {
    const logs: string[] = [];
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'train-cmd-')), 'run');
    const json: string[] = [];
    await trainCommand(
      [
        '--method',
        'consert',
        '--corpus',
        corpus,
        '--config',
        'tiny',
        '--batch-size',
        '4',
        '--max-length',
        '16',
        '--epochs',
        '2',
        '--steps-per-epoch',
        '2',
        '--weight-decay',
        '0.05',
        '--warmup-ratio',
        '0.5',
        '--max-grad-norm',
        '2',
        '--out',
        out,
        '--json',
      ],
      collect(json, logs),
    );
    expect(logs.join('\n')).toMatch(
      /AdamW: peak lr 0\.0005, weight decay 0\.05, gradient-norm clip 2, 4 steps with linear warm-up \(ratio 0\.5\)/,
    );
    expect(JSON.parse(json.at(-1)!).steps).toBe(4);
    expect(JSON.parse(readFileSync(path.join(out, 'model', 'contrastive.json'), 'utf8')).pooling).toBe('last2avg');
    // run.json records what --resume rebuilds from: the recipe and the flags over it.
    const record = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(record).toMatchObject({ tool: 'contrastive-text', domain: 'text', method: 'consert' });
    expect(record.config).toMatchObject({
      recipe: 'consert-tiny',
      learningRate: 5e-4,
      weightDecay: 0.05,
      warmupRatio: 0.5,
      maxGradNorm: 2,
      epochs: 2,
      stepsPerEpoch: 2,
      batchSize: 4,
    });
  });
  it('--checkpoint-every saves inside an epoch: a run that dies mid-epoch resumes at the saved step', async () => {
    const logs: string[] = [];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'train-ckpt-'));
    const out = path.join(dir, 'run');
    const ckpt = path.join(out, 'checkpoint');
    // 8 lines, batch 2 → 4 steps per epoch; 2 epochs = 8 steps. The 6th step dies (step 2 of epoch 2).
    const args = [
      '--method',
      'simcse',
      '--corpus',
      corpus,
      '--config',
      'tiny',
      '--batch-size',
      '2',
      '--max-length',
      '16',
      '--epochs',
      '2',
      '--checkpoint-every',
      '1',
      '--out',
      out,
      '--json',
    ];
    const real = TextMethod.prototype.step;
    let calls = 0;
    const spy = vi.spyOn(TextMethod.prototype, 'step').mockImplementation(function (this: TextMethod<unknown>, ...a) {
      calls += 1;
      if (calls === 6) throw new Error('killed');
      return real.apply(this, a as never);
    });
    await expect(trainCommand(args, collect([], logs))).rejects.toThrow('killed');
    const { meta } = JSON.parse(readFileSync(path.join(ckpt, 'checkpoint.json'), 'utf8')) as {
      meta: { epoch: number; stepInEpoch?: number };
    };
    expect({ epoch: meta.epoch, stepInEpoch: meta.stepInEpoch }).toEqual({ epoch: 1, stepInEpoch: 1 });
    expect(existsSync(path.join(out, 'model'))).toBe(false);
    expect(existsSync(path.join(out, 'summary.json'))).toBe(false);

    // The partial run is not replaced by accident: without --resume (or --overwrite) the same --out is refused before training.
    await expect(trainCommand(args, silent)).rejects.toThrow(
      /already holds a partial run \(no summary\.json yet\); pass --resume to continue it or --overwrite to replace it/,
    );
    // A flag that shapes the run must match run.json on --resume.
    await expect(trainCommand([...args, '--resume', '--lr', '1e-3'], silent)).rejects.toThrow(
      /--resume: .* was trained with --lr 0\.0005, not --lr 0\.001/,
    );

    calls = 100; // no more failures; count the resumed run's steps
    const json: string[] = [];
    await trainCommand([...args, '--resume'], collect(json, logs));
    expect(calls - 100).toBe(3); // steps 2–4 of epoch 2 only
    expect(logs.join('\n')).toContain(`resumed from '${ckpt}' at step 1 of epoch 2/2 (global step 5)`);
    expect(JSON.parse(json.at(-1)!).steps).toBe(8);
    spy.mockRestore();

    await expect(
      trainCommand(['--method', 'simcse', '--corpus', corpus, '--resume', '--out', path.join(dir, 'none')], silent),
    ).rejects.toThrow(/holds no run to resume/);
    await expect(trainCommand([...args.slice(0, -1), '--checkpoint-every=-1'], silent)).rejects.toThrow(
      /--checkpoint-every must be an integer >= 0/,
    );
  });
});
