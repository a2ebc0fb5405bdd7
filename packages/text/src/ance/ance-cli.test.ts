import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { UsageError, type CliIo } from '@contrastive/core/cli';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainCommand } from '../cli/train-command.js';
import { anceConfigFromFlags, anceMethodOptions } from './ance-cli.js';
import { tinyAnceTask } from './test-utils/tiny-ance.js';

const silent: CliIo = { out: () => {}, err: () => {} };
const collect = (out: string[], err: string[]): CliIo => ({ out: (l) => void out.push(l), err: (l) => void err.push(l) });
const task = tinyAnceTask();

describe('ANCE flags → method options', () => {
  it('maps --in-batch and --similarity onto the method options, and nothing when unset', () => {
    const config = anceConfigFromFlags({ 'in-batch': 'off', similarity: 'cos', negatives: '3' }, 'ance');
    expect(config).toEqual({ inBatchNegatives: false, similarity: 'cos', negatives: 3 });
    expect(anceMethodOptions(config)).toEqual({ inBatchNegatives: false, similarity: 'cos' });
    expect(anceMethodOptions(anceConfigFromFlags({}, 'ance'))).toEqual({});
    expect(anceConfigFromFlags({}, 'simcse')).toEqual({});
  });
});

describe('contrastive-text train --method ance', () => {
  useCpuLeakCheck();
  const tmp = useTempDir('ance-cli-');
  let pairs = '';
  let extra = '';
  beforeAll(() => {
    process.env.CONTRASTIVE_BACKEND = 'cpu';
    pairs = tmp('pairs.jsonl');
    extra = tmp('extra.txt');
    writeFileSync(pairs, `${task.pairs.map((p) => JSON.stringify(p)).join('\n')}\n`);
    writeFileSync(extra, 'a passage that is only a negative\nanother extra passage\n');
  });
  const base = () => [
    '--method',
    'ance',
    '--corpus',
    pairs,
    '--config',
    'tiny',
    '--max-length',
    '16',
    '--batch-size',
    '4',
    '--epochs',
    '1',
  ];

  it.each(['sync', 'async'] as const)(
    'trains on pairs with BM25 then ANN negatives (--refresh %s) and records the ANCE flags',
    async (refresh) => {
      const out = tmp(`run-${refresh}`);
      const json: string[] = [];
      const logs: string[] = [];
      const code = await trainCommand(
        [
          ...base(),
          '--passages',
          extra,
          '--negatives',
          '2',
          '--refresh-every',
          '1',
          '--top-k',
          '8',
          '--refresh',
          refresh,
          '--validation',
          '4',
          '--out',
          out,
          '--json',
        ],
        collect(json, logs),
      );
      expect(code).toBe(0);
      const log = logs.join('\n');
      // 16 pairs − 4 held out = 12 queries in batches of 4: 3 steps; 12 documents + 4 held-out ones stay out + 2 extra.
      expect(log).toContain(
        'ance: 12 queries, 14 passages (12 documents of the pairs + 2 from --passages); 2 negatives per query from the top 8, refreshed every 1 steps',
      );
      expect(log).toMatch(/ance: bm25 negatives from step 0/);
      if (refresh === 'sync') {
        expect(log).toMatch(/ance: ann negatives from step 1 \(/);
        expect(log).toMatch(/ance: ann negatives from step 2 \(/);
        expect(log).not.toMatch(/ann negatives from step 3/); // the last boundary's table would be unused
      }
      const summary = JSON.parse(json.at(-1)!);
      expect(summary).toMatchObject({ method: 'ance', steps: 3 });
      const record = JSON.parse(readFileSync(`${out}/run.json`, 'utf8'));
      expect(record.config).toMatchObject({
        method: 'ance',
        recipe: 'ance-tiny',
        passages: extra,
        negatives: 2,
        refreshEvery: 1,
        topK: 8,
        refresh,
      });
      expect(JSON.parse(readFileSync(`${out}/model/contrastive.json`, 'utf8')).pooling).toBe('mean');
    },
  );

  it('refuses bad ANCE flags, ANCE flags on another method, and too many negatives for the corpus', async () => {
    const out = ['--out', tmp('refused')];
    await expect(trainCommand([...base(), '--negatives', '0', ...out], silent)).rejects.toThrow(/--negatives must be an integer >= 1/);
    await expect(trainCommand([...base(), '--refresh-every', '0', ...out], silent)).rejects.toThrow(
      /--refresh-every must be an integer >= 1/,
    );
    await expect(trainCommand([...base(), '--refresh', 'later', ...out], silent)).rejects.toThrow(/--refresh must be one of/);
    await expect(trainCommand([...base(), '--in-batch', 'maybe', ...out], silent)).rejects.toThrow(/--in-batch must be one of/);
    await expect(trainCommand([...base(), '--similarity', 'l2', ...out], silent)).rejects.toThrow(/--similarity must be one of/);
    await expect(trainCommand(['--method', 'simcse', '--corpus', pairs, '--negatives', '3', ...out], silent)).rejects.toThrow(
      /--negatives is an ANCE flag; it needs --method ance/,
    );
    // 16 passages: a query's own positive leaves 15 possible negatives. Refused before the run folder exists.
    const tooMany = trainCommand([...base(), '--negatives', '16', '--validation', '0', ...out], silent);
    await expect(tooMany).rejects.toThrow(UsageError);
    await expect(trainCommand([...base(), '--negatives', '16', '--validation', '0', ...out], silent)).rejects.toThrow(
      /--negatives 16: the corpus has 16 passages, only 15 of which can be negatives of query 1 .*lower --negatives or add passages with --passages/,
    );
    expect(existsSync(tmp('refused'))).toBe(false);
  });
});
