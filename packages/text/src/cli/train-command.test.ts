import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { TextMethod } from '../methods/text-method.js';
import { UsageError } from './args.js';
import { batchesPerEpoch, TRAIN_HELP, trainCommand } from './train-command.js';

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
    expect([batchesPerEpoch(64, 64), batchesPerEpoch(65, 64), batchesPerEpoch(66, 64), batchesPerEpoch(1, 4), batchesPerEpoch(10, 4)]).toEqual([1, 1, 2, 0, 3]);
  });

  it('documents and validates --weight-decay and --warmup-ratio', async () => {
    expect(TRAIN_HELP).toMatch(/--weight-decay X/);
    expect(TRAIN_HELP).toMatch(/--warmup-ratio X/);
    expect(TRAIN_HELP).toMatch(/--max-grad-norm X/);
    expect(TRAIN_HELP).toMatch(/last2avg/);
    const base = ['--method', 'consert', '--corpus', corpus];
    await expect(trainCommand([...base, '--warmup-ratio', '1.5'], () => {})).rejects.toThrow(UsageError);
    await expect(trainCommand([...base, '--warmup-ratio', '1.5'], () => {})).rejects.toThrow(/--warmup-ratio must be in \[0, 1\]/);
    await expect(trainCommand([...base, '--weight-decay=-1'], () => {})).rejects.toThrow(/--weight-decay must be a number >= 0/);
  });

  it('passes the flags to the AdamW schedule over epochs × steps, and saves ConSERT with last2avg', async () => {
    const logs: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logs.push(String(chunk));
      return true;
    });
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'train-cmd-')), 'model');
    const json: string[] = [];
    await trainCommand(['--method', 'consert', '--corpus', corpus, '--config', 'tiny', '--batch-size', '4', '--max-length', '16', '--epochs', '2',
      '--steps-per-epoch', '2', '--weight-decay', '0.05', '--warmup-ratio', '0.5', '--max-grad-norm', '2', '--out', out, '--json'], (l) => json.push(l));
    expect(logs.join('')).toMatch(/AdamW: peak lr 0\.0005, weight decay 0\.05, gradient-norm clip 2, 4 steps with linear warm-up \(ratio 0\.5\)/);
    expect(JSON.parse(json.at(-1)!).steps).toBe(4);
    expect(JSON.parse(readFileSync(path.join(out, 'contrastive.json'), 'utf8')).pooling).toBe('last2avg');
  });
  it('--checkpoint-every saves inside an epoch: a run that dies mid-epoch resumes at the saved step', async () => {
    const logs: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logs.push(String(chunk));
      return true;
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'train-ckpt-'));
    const ckpt = path.join(dir, 'ckpt');
    // 8 lines, batch 2 → 4 steps per epoch; 2 epochs = 8 steps. The 6th step dies (step 2 of epoch 2).
    const args = ['--method', 'simcse', '--corpus', corpus, '--config', 'tiny', '--batch-size', '2', '--max-length', '16', '--epochs', '2',
      '--checkpoint-dir', ckpt, '--checkpoint-every', '1', '--out', path.join(dir, 'model'), '--json'];
    const real = TextMethod.prototype.step;
    let calls = 0;
    const spy = vi.spyOn(TextMethod.prototype, 'step').mockImplementation(function (this: TextMethod<unknown>, ...a) {
      calls += 1;
      if (calls === 6) throw new Error('killed');
      return real.apply(this, a as never);
    });
    await expect(trainCommand(args, () => {})).rejects.toThrow('killed');
    const { meta } = JSON.parse(readFileSync(path.join(ckpt, 'checkpoint.json'), 'utf8')) as { meta: { epoch: number; stepInEpoch?: number } };
    expect({ epoch: meta.epoch, stepInEpoch: meta.stepInEpoch }).toEqual({ epoch: 1, stepInEpoch: 1 });
    expect(existsSync(path.join(dir, 'model'))).toBe(false);

    calls = 100; // no more failures; count the resumed run's steps
    const json: string[] = [];
    await trainCommand([...args, '--resume'], (l) => json.push(l));
    expect(calls - 100).toBe(3); // steps 2–4 of epoch 2 only
    expect(logs.join('')).toContain(`resumed from '${ckpt}' at step 1 of epoch 2/2 (global step 5)`);
    expect(JSON.parse(json.at(-1)!).steps).toBe(8);
    spy.mockRestore();

    await expect(trainCommand(['--method', 'simcse', '--corpus', corpus, '--checkpoint-every', '5'], () => {})).rejects.toThrow(/--checkpoint-every needs --checkpoint-dir/);
    await expect(trainCommand(['--method', 'simcse', '--corpus', corpus, '--resume'], () => {})).rejects.toThrow(/--resume needs --checkpoint-dir/);
    await expect(trainCommand([...args.slice(0, -1), '--checkpoint-every=-1'], () => {})).rejects.toThrow(/--checkpoint-every must be an integer >= 0/);
  });
});
