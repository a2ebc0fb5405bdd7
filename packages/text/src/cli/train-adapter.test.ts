import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from './main.js';

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const TOPICS = ['cooking', 'sailing', 'astronomy', 'gardening', 'chess', 'cycling', 'pottery', 'fishing', 'painting', 'climbing'];
const pairs = TOPICS.flatMap((t, i) => [
  { query: `how do I get started with ${t}`, document: `A beginner's guide to ${t}: tools, first steps and common mistakes.` },
  { query: `history of ${t}`, document: `The origins of ${t} and how it changed over the centuries (${i}).` },
]);

describe('contrastive-text train --method adapter (frozen USE-lite + trained head)', () => {
  let dir: string;
  let corpus: string;
  let evalPairs: string;
  beforeAll(() => {
    process.env.CONTRASTIVE_BACKEND = 'wasm'; // USE-lite's graph is ~20× slower on cpu
    dir = mkdtempSync(path.join(os.tmpdir(), 'adapter-cli-'));
    corpus = path.join(dir, 'pairs.jsonl');
    writeFileSync(corpus, pairs.map((p) => JSON.stringify(p)).join('\n'));
    evalPairs = path.join(dir, 'eval.jsonl');
    writeFileSync(
      evalPairs,
      pairs
        .slice(0, 8)
        .map((p) => JSON.stringify({ query: p.query.toUpperCase(), document: p.document }))
        .join('\n'),
    );
  });

  it('--workers 2: whole replicas of the adapter (the step is not split), the one-thread loss, workers in the summary', async () => {
    const adapter = (workers: string) =>
      run([
        'train',
        '--method',
        'adapter',
        '--corpus',
        corpus,
        '--batch-size',
        '4',
        '--epochs',
        '1',
        '--validation',
        '0',
        '--workers',
        workers,
        '--out',
        path.join(dir, `workers-${workers}`),
        '--json',
        '--no-progress',
      ]);
    const two = await adapter('2');
    expect(two.code, two.err.join('\n')).toBe(0);
    expect(two.err.join('\n')).toMatch(/data-parallel: 2 workers \(each computes the whole step/);
    const one = await adapter('1');
    expect(one.code, one.err.join('\n')).toBe(0);
    const s2 = JSON.parse(two.out.at(-1)!);
    const s1 = JSON.parse(one.out.at(-1)!);
    expect(s2.workers).toBe(2);
    expect(s1.workers).toBeUndefined();
    expect(Math.abs(s2.finalLoss - s1.finalLoss)).toBeLessThan(1e-4);
  });

  it('trains, keeps the best adapter in model/, and the run folder is an encoder for eval', async () => {
    const out = path.join(dir, 'run');
    const r = await run([
      'train',
      '--method',
      'adapter',
      '--corpus',
      corpus,
      '--batch-size',
      '4',
      '--epochs',
      '2',
      '--validation',
      '4',
      '--eval-pairs',
      evalPairs,
      '--out',
      out,
      '--json',
      '--no-progress',
    ]);
    expect(r.code, r.err.join('\n')).toBe(0);
    const summary = JSON.parse(r.out.at(-1)!);
    expect(summary).toMatchObject({ method: 'adapter', domain: 'text', steps: 8, epochs: 2 });
    expect(summary.metrics).toHaveProperty('validationStart');
    expect(summary.baselines.untrained).toHaveProperty('mrrAt10');
    expect(JSON.parse(readFileSync(path.join(out, 'model', 'contrastive.json'), 'utf8'))).toMatchObject({
      kind: 'use-lite-adapter',
      tower: 'use-lite',
    });
    expect(JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')).config).toMatchObject({
      method: 'adapter',
      layers: 'linear',
      validation: 4,
    });
    expect(r.err.join('\n')).toMatch(/validation: 4 held-out examples .* as query → positive/);
    const e = await run(['eval', '--checkpoint', out, '--pairs', evalPairs, '--json']);
    expect(e.code, e.err.join('\n')).toBe(0);
    const {
      selected: _s,
      validationStart: _a,
      validationBest: _b,
      validationFinal: _c,
      validationBestStep: _d,
      ...scores
    } = summary.metrics;
    expect(JSON.parse(e.out[0]!).metrics).toEqual(scores);
    expect(existsSync(path.join(out, 'validation', 'validation.json'))).toBe(true);
  }, 120_000);

  it('refuses BERT flags and a bad tower folder with exit 2', async () => {
    const bert = await run(['train', '--method', 'adapter', '--corpus', corpus, '--pooling', 'mean', '--out', path.join(dir, 'x')]);
    expect(bert.code).toBe(2);
    expect(bert.err.join('\n')).toMatch(/--pooling does not apply to --method adapter/);
    const tower = await run([
      'train',
      '--method',
      'adapter',
      '--corpus',
      corpus,
      '--use-lite',
      path.join(dir, 'nothing'),
      '--out',
      path.join(dir, 'y'),
    ]);
    expect(tower.code).toBe(2);
    expect(tower.err.join('\n')).toMatch(/--use-lite .* has no model\.json/);
    expect(existsSync(path.join(dir, 'y'))).toBe(false); // refused before the run folder is made
  }, 60_000);
});
