import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { main } from './main.js';

const corpus = decodeURIComponent(new URL('../__fixtures__/corpus/tiny.txt', import.meta.url).pathname);
const lines = readFileSync(corpus, 'utf8').split('\n').filter(Boolean);

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('contrastive-text CLI', () => {
  useCpuLeakCheck();
  beforeAll(async () => {
    process.env.CONTRASTIVE_BACKEND = 'cpu';
  });

  it('--help works alone, for the tool and each command', async () => {
    expect((await run(['--help'])).out.join('\n')).toMatch(/contrastive-text train/);
    for (const c of ['train', 'eval', 'encode', 'wordnet-data']) {
      const r = await run([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.out.join('\n')).toMatch(new RegExp(`contrastive-text ${c}`));
    }
    expect((await run(['frobnicate'])).code).toBe(2);
    const version = await run(['--version']);
    expect(version.code).toBe(0);
    expect(version.out[0]).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('reports bad input with the file and line', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    const empty = path.join(dir, 'empty.txt');
    writeFileSync(empty, '\n\n');
    const errors: string[] = [];
    const out = path.join(dir, 'run');
    const expectCode = async (argv: string[], code: number) => {
      const r = await run([...argv, '--out', out]);
      errors.push(...r.err);
      expect(r.code).toBe(code);
    };
    await expectCode(['train', '--method', 'simcse', '--corpus', empty], 1);
    const bad = path.join(dir, 'pairs.jsonl');
    writeFileSync(bad, '{"query":"a","document":"b"}\n{"query": 3}\n');
    await expectCode(['train', '--method', 'simcse', '--corpus', corpus, '--eval-pairs', bad], 1);
    await expectCode(['train', '--corpus', corpus], 2);
    await expectCode(['train', '--method', 'simclr', '--corpus', corpus], 2);
    // Bad input is reported before the run folder is touched.
    expect(existsSync(out)).toBe(false);
    const all = errors.join('\n');
    expect(all).toMatch(/empty\.txt: corpus is empty/);
    expect(all).toMatch(/pairs\.jsonl:2: field "query" must be a non-empty string/);
    expect(all).toMatch(/--method is required/);
    expect(all).toMatch(/--method must be one of simcse, simcse-sup, consert/);
  });

  it('trains, saves, evaluates and encodes end to end with a --json summary', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    const pairs = path.join(dir, 'pairs.jsonl');
    writeFileSync(
      pairs,
      lines.map((l, i) => JSON.stringify({ query: l.split(' ').slice(0, 3).join(' '), document: lines[i]! })).join('\n'),
    );
    const out = path.join(dir, 'run');
    const args = [
      'train',
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
      '--lr',
      '1e-3',
      '--eval-pairs',
      pairs,
      '--out',
      out,
      '--json',
      '--no-progress',
    ];
    const r = await run(args);
    expect(r.code).toBe(0);
    // --json: stdout is the summary line only; the backend line and every log go to stderr.
    expect(r.out).toHaveLength(1);
    expect(r.err.join('\n')).toMatch(/backend: cpu/);
    const summary = JSON.parse(r.out[0]!);
    expect(summary).toMatchObject({ method: 'consert', domain: 'text', seed: 0, epochs: 1, steps: 2, backend: 'cpu', out });
    expect(Object.keys(summary).sort()).toEqual([
      'backend',
      'baselines',
      'domain',
      'epochs',
      'finalLoss',
      'method',
      'metrics',
      'out',
      'seconds',
      'seed',
      'steps',
      'trainSeconds',
    ]);
    expect(Object.keys(summary.metrics).sort()).toEqual(['mrrAt10', 'recallAt1', 'recallAt10', 'selected']);
    for (const k of ['untrained', 'bm25']) expect(Object.keys(summary.baselines[k]).sort()).toEqual(['mrrAt10', 'recallAt1', 'recallAt10']);
    // One run folder layout.
    for (const f of [
      'run.json',
      'checkpoint/checkpoint.json',
      'model/model.safetensors',
      'model/contrastive.json',
      'losses.csv',
      'loss-curve.png',
      'summary.json',
    ]) {
      expect(existsSync(path.join(out, f)), f).toBe(true);
    }
    expect(JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'))).toEqual(summary);
    // A finished run is never silently replaced: refused before training without --resume/--overwrite.
    const again = await run(args);
    expect(again.code).toBe(2);
    expect(again.err.join('\n')).toMatch(/already holds a finished run; pass --resume to continue it or --overwrite to replace it/);
    // eval --checkpoint DIR: the run folder.
    const e = await run(['eval', '--checkpoint', out, '--task', 'retrieval', '--pairs', pairs, '--json']);
    expect(e.code).toBe(0);
    expect(e.out).toHaveLength(1);
    // The saved model scores as the run reported (`selected` says which encoder the run saved; eval has no such choice).
    const { selected: _selected, ...trainedMetrics } = summary.metrics;
    expect(JSON.parse(e.out[0]!).metrics).toEqual(trainedMetrics);
    const enc = await run(['encode', '--checkpoint', out, '--input', corpus]);
    expect(enc.out).toHaveLength(lines.length);
    const v = JSON.parse(enc.out[0]!).embedding as number[];
    expect(v).toHaveLength(128);
    expect(Math.hypot(...v)).toBeCloseTo(1, 4);
  });
});
