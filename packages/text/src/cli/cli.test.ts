import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { main } from './main.js';

const corpus = decodeURIComponent(new URL('../__fixtures__/corpus/tiny.txt', import.meta.url).pathname);
const lines = readFileSync(corpus, 'utf8').split('\n').filter(Boolean);

async function run(argv: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await main(argv, (l) => out.push(l));
  return { code, out };
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
  });

  it('reports bad input with the file and line', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    const empty = path.join(dir, 'empty.txt');
    writeFileSync(empty, '\n\n');
    const errors: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (errors.push(String(s)), true)) as typeof process.stderr.write;
    try {
      expect((await run(['train', '--method', 'simcse', '--corpus', empty])).code).toBe(1);
      const bad = path.join(dir, 'pairs.jsonl');
      writeFileSync(bad, '{"query":"a","document":"b"}\n{"query": 3}\n');
      expect((await run(['train', '--method', 'simcse', '--corpus', corpus, '--eval-pairs', bad])).code).toBe(1);
      expect((await run(['train', '--corpus', corpus])).code).toBe(2);
      expect((await run(['train', '--method', 'simclr', '--corpus', corpus])).code).toBe(2);
    } finally {
      process.stderr.write = orig;
    }
    const all = errors.join('');
    expect(all).toMatch(/empty\.txt: corpus is empty/);
    expect(all).toMatch(/pairs\.jsonl:2: field "query" must be a non-empty string/);
    expect(all).toMatch(/--method is required/);
    expect(all).toMatch(/--method must be one of simcse, simcse-sup, consert/);
  });

  it('trains, saves, evaluates and encodes end to end with a --json summary', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    const pairs = path.join(dir, 'pairs.jsonl');
    writeFileSync(pairs, lines.map((l, i) => JSON.stringify({ query: l.split(' ').slice(0, 3).join(' '), document: lines[i]! })).join('\n'));
    const out = path.join(dir, 'model');
    const r = await run(['train', '--method', 'consert', '--corpus', corpus, '--config', 'tiny', '--batch-size', '4', '--max-length', '16',
      '--lr', '1e-3', '--eval-pairs', pairs, '--out', out, '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out.at(-1)!);
    expect(summary.method).toBe('consert');
    expect(summary.steps).toBe(2);
    for (const k of ['trained', 'untrained', 'bm25']) expect(Object.keys(summary[k]).sort()).toEqual(['mrrAt10', 'recallAt1', 'recallAt10']);
    const e = await run(['eval', '--checkpoint', out, '--task', 'retrieval', '--pairs', pairs, '--json']);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.out.at(-1)!).trained).toEqual(summary.trained);
    const enc = await run(['encode', '--checkpoint', out, '--input', corpus]);
    expect(enc.out).toHaveLength(lines.length);
    const v = JSON.parse(enc.out[0]!).embedding as number[];
    expect(v).toHaveLength(128);
    expect(Math.hypot(...v)).toBeCloseTo(1, 4);
  });
});
