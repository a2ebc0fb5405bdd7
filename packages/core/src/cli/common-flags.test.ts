import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKENDS } from '../backend/init-backend.js';
import { parseFlags, UsageError } from './args.js';
import { COMMON_FLAG_HELP, COMMON_FLAGS, EVAL_FLAG_HELP, EVAL_FLAGS, readCommonFlags } from './common-flags.js';

const DEFAULTS = { epochs: 10, batchSize: 256, lr: 1e-3 };
const read = (argv: string[], defaults: Parameters<typeof readCommonFlags>[1] = DEFAULTS) =>
  readCommonFlags(parseFlags(argv, COMMON_FLAGS), defaults);

describe('COMMON_FLAGS', () => {
  it('has one help line per flag, and --knn-k lives in its own group', () => {
    expect(COMMON_FLAG_HELP.map((f) => f.name).sort()).toEqual(Object.keys(COMMON_FLAGS).sort());
    expect(EVAL_FLAG_HELP.map((f) => f.name)).toEqual(Object.keys(EVAL_FLAGS));
    expect(COMMON_FLAGS).not.toHaveProperty('knn-k');
  });
});

describe('readCommonFlags', () => {
  it('fills in the defaults', () => {
    const c = read([]);
    expect(c).toEqual({
      epochs: 10,
      batchSize: 256,
      learningRate: 1e-3,
      seed: 0,
      overwrite: false,
      resume: false,
      json: false,
      progress: true,
      workers: process.env['CONTRASTIVE_WORKERS'] ? Number(process.env['CONTRASTIVE_WORKERS']) : 'auto',
      syncBatchNorm: false,
      given: new Set(),
    });
    expect(c.out).toBeUndefined();
    expect(c.backend).toBeUndefined();
  });

  it('reads every flag and records which were given', () => {
    const c = read(
      [
        '--epochs',
        '3',
        '--batch-size',
        '64',
        '--lr',
        '3e-4',
        '--seed',
        '7',
        '--out',
        'r',
        '--resume',
        '--checkpoint-every',
        '0',
        '--backend',
        'cpu',
        '--json',
        '--no-progress',
        '--limit',
        '100',
      ],
      { ...DEFAULTS, checkpointEvery: 50 },
    );
    expect(c).toMatchObject({
      epochs: 3,
      batchSize: 64,
      learningRate: 3e-4,
      seed: 7,
      out: 'r',
      resume: true,
      overwrite: false,
      checkpointEvery: 0,
      backend: 'cpu',
      json: true,
      progress: false,
      limit: 100,
    });
    expect([...c.given].sort()).toEqual([
      'backend',
      'batch-size',
      'checkpoint-every',
      'epochs',
      'json',
      'limit',
      'lr',
      'no-progress',
      'out',
      'resume',
      'seed',
    ]);
  });

  it('derives --out from outPrefix and the seed, and takes command defaults for seed and checkpoint-every', () => {
    expect(read(['--seed', '3'], { ...DEFAULTS, outPrefix: 'simclr-cnn' }).out).toBe(join('runs', 'simclr-cnn-seed3'));
    const c = read([], { ...DEFAULTS, seed: 5, checkpointEvery: 50, outPrefix: 'x' });
    expect(c).toMatchObject({ seed: 5, checkpointEvery: 50, out: join('runs', 'x-seed5') });
  });

  it('reads --workers N|auto (else env CONTRASTIVE_WORKERS, else auto) and --sync-bn', () => {
    const saved = process.env['CONTRASTIVE_WORKERS'];
    try {
      delete process.env['CONTRASTIVE_WORKERS'];
      expect(read([])).toMatchObject({ workers: 'auto', syncBatchNorm: false });
      expect(read(['--workers', '3', '--sync-bn'])).toMatchObject({ workers: 3, syncBatchNorm: true });
      process.env['CONTRASTIVE_WORKERS'] = '1';
      expect(read([]).workers).toBe(1);
      expect(read(['--workers', 'auto']).workers).toBe('auto');
      expect(() => read(['--workers', '0'])).toThrow("--workers must be an integer >= 1 or 'auto', got '0'");
      process.env['CONTRASTIVE_WORKERS'] = 'many';
      expect(() => read([])).toThrow("env CONTRASTIVE_WORKERS must be an integer >= 1 or 'auto', got 'many'");
    } finally {
      if (saved === undefined) delete process.env['CONTRASTIVE_WORKERS'];
      else process.env['CONTRASTIVE_WORKERS'] = saved;
    }
  });

  it('accepts exactly core’s backends', () => {
    for (const b of BACKENDS) expect(read(['--backend', b]).backend).toBe(b);
    expect(() => read(['--backend', 'webgl'])).toThrow("--backend must be one of wasm, cpu, tensorflow, got 'webgl'");
  });

  it.each([
    [['--epochs', '0'], "--epochs must be an integer >= 1, got '0'"],
    [['--epochs', '1.5'], "--epochs must be an integer >= 1, got '1.5'"],
    [['--batch-size', '1'], "--batch-size must be an integer >= 2, got '1'"],
    [['--lr', '0'], "--lr must be a number > 0, got '0'"],
    [['--lr', 'fast'], "--lr must be a number > 0, got 'fast'"],
    [['--seed=-1'], "--seed must be an integer >= 0, got '-1'"],
    [['--checkpoint-every=-5'], "--checkpoint-every must be an integer >= 0, got '-5'"],
    [['--limit', '0'], "--limit must be an integer >= 1, got '0'"],
    [['--out', ''], "--out must not be empty, got ''"],
  ])('refuses %j', (argv, message) => {
    expect(() => read(argv)).toThrow(UsageError);
    expect(() => read(argv)).toThrow(message);
  });

  it('refuses --resume with --overwrite', () => {
    expect(() => read(['--resume', '--overwrite'])).toThrow(/--resume and --overwrite contradict each other/);
  });
});
