import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from './main.js';

// `train --workers N` through the CLI: the BERT methods split each batch over the workers; the others (here
// MLE) run a whole replica per worker. Either way the loss is one thread's.
const corpus = decodeURIComponent(new URL('../__fixtures__/corpus/tiny.txt', import.meta.url).pathname);

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('contrastive-text train --workers', () => {
  let dir: string;
  beforeAll(() => {
    process.env.CONTRASTIVE_BACKEND = 'cpu';
    dir = mkdtempSync(path.join(os.tmpdir(), 'text-workers-'));
  });

  it('simcse on two workers: exit 0, the split logged, workers in the summary, the one-thread loss', async () => {
    const simcse = (workers: string, out: string) =>
      run([
        'train',
        '--method',
        'simcse',
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
        '--validation',
        '0',
        // mean pooling: BERT's pooler gets no gradient (core's gradient averaging passes it over).
        '--pooling',
        'mean',
        '--workers',
        workers,
        '--out',
        path.join(dir, out),
        '--json',
        '--no-progress',
      ]);
    const two = await simcse('2', 'simcse-2');
    expect(two.code, two.err.join('\n')).toBe(0);
    expect(two.err.join('\n')).toMatch(/data-parallel: 2 workers \(each step's 4 examples split 2 \+ 2/);
    const s2 = JSON.parse(two.out.at(-1)!);
    expect(s2).toMatchObject({ method: 'simcse', workers: 2, steps: 4 });
    const one = await simcse('1', 'simcse-1');
    expect(one.code, one.err.join('\n')).toBe(0);
    expect(one.err.join('\n')).not.toMatch(/data-parallel/);
    const s1 = JSON.parse(one.out.at(-1)!);
    expect(s1.workers).toBeUndefined();
    expect(Math.abs(s2.finalLoss - s1.finalLoss)).toBeLessThan(1e-4);
  });

  it('mle (not split) on two workers: every worker computes the whole step, the loss is one thread’s', async () => {
    const train = path.join(dir, 'pairs.jsonl');
    const words = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'];
    const german = ['eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht'];
    writeFileSync(
      train,
      Array.from({ length: 24 }, (_, i) =>
        JSON.stringify({ source: `${words[i % 8]} and ${words[(i * 3) % 8]}`, target: `${german[i % 8]} und ${german[(i * 3) % 8]}` }),
      ).join('\n'),
    );
    const mle = (workers: string, out: string) =>
      run([
        'train',
        '--method',
        'mle',
        '--train',
        train,
        '--validation',
        '0',
        '--d-model',
        '16',
        '--heads',
        '2',
        '--ffn',
        '32',
        '--layers',
        '1',
        '--vocab-size',
        '40',
        '--batch-size',
        '8',
        '--epochs',
        '1',
        '--steps-per-epoch',
        '2',
        '--workers',
        workers,
        '--out',
        path.join(dir, out),
        '--json',
        '--no-progress',
      ]);
    const two = await mle('2', 'mle-2');
    expect(two.code, two.err.join('\n')).toBe(0);
    expect(two.err.join('\n')).toMatch(/data-parallel: 2 workers \(each computes the whole step/);
    const s2 = JSON.parse(two.out.at(-1)!);
    expect(s2.workers).toBe(2);
    const one = await mle('1', 'mle-1');
    expect(one.code, one.err.join('\n')).toBe(0);
    expect(Math.abs(s2.finalLoss - JSON.parse(one.out.at(-1)!).finalLoss)).toBeLessThan(1e-4);
  });

  it('--workers 0 is a usage error (exit 2)', async () => {
    const r = await run(['train', '--method', 'simcse', '--corpus', corpus, '--workers', '0', '--out', path.join(dir, 'zero')]);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/--workers/);
  });
});
