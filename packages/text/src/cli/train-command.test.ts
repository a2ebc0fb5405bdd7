import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/core/test-utils';
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
});
