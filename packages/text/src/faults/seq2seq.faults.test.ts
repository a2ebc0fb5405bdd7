import { existsSync, mkdirSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { faultCase, faultTitle, useTempDir } from '@contrastive/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { FAULT_CASES } from './cases.js';

const title = (id: string): string => faultTitle(faultCase(FAULT_CASES, id));
const tmp = useTempDir('text-seq2seq-faults-');

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err: err.join('\n') };
}

const TINY = [
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
  '4',
  '--no-progress',
];

describe('seq2seq faults', () => {
  let dir: string;
  let pairs: string;
  beforeAll(() => {
    process.env.CONTRASTIVE_BACKEND = 'cpu';
    dir = tmp('work');
    mkdirSync(dir);
    pairs = path.join(dir, 'pairs.jsonl');
    writeFileSync(
      pairs,
      Array.from({ length: 16 }, (_, i) => JSON.stringify({ source: `item ${i} here`, target: `Ding ${i} hier` })).join('\n'),
    );
  });

  it(title('text/seq2seq-mismatched-lines'), async () => {
    const src = path.join(dir, 'src.txt');
    const tgt = path.join(dir, 'tgt.txt');
    writeFileSync(src, 'a\nb\nc\n');
    writeFileSync(tgt, 'x\ny\n');
    const out = path.join(dir, 'mismatch');
    const r = await run(['train', '--method', 'mle', '--train-source', src, '--train-target', tgt, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${src}: has 3 line(s) but the target file ${tgt} has 2`);
    expect(existsSync(out)).toBe(false);
  });

  it(title('text/seq2seq-empty-target'), async () => {
    const file = path.join(dir, 'empty.jsonl');
    writeFileSync(file, `${JSON.stringify({ source: 'a', target: 'b' })}\n${JSON.stringify({ source: 'c', target: '' })}\n`);
    const out = path.join(dir, 'empty-run');
    const r = await run(['train', '--method', 'claps', '--train', file, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}:2`);
    expect(r.err).toMatch(/target/);
    expect(existsSync(out)).toBe(false);
  });

  it(title('text/seq2seq-diverging-lr'), async () => {
    const out = path.join(dir, 'diverged');
    const r = await run([
      'train',
      '--method',
      'claps',
      '--train',
      pairs,
      '--validation',
      '0',
      '--lr',
      '1e9',
      '--epochs',
      '3',
      ...TINY,
      '--out',
      out,
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/training diverged/);
    expect(existsSync(path.join(out, 'model'))).toBe(false);
    expect(existsSync(path.join(out, 'summary.json'))).toBe(false);
  });

  it(title('text/generate-not-a-model'), async () => {
    const input = path.join(dir, 'input.txt');
    writeFileSync(input, 'item 1 here\n');
    const r = await run(['generate', '--checkpoint', dir, '--input', input]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${path.join(dir, 'seq2seq.json')}: not found: not a seq2seq model folder`);
    expect(r.out).toEqual([]);
    // A complete model whose weights file was cut short.
    const out = path.join(dir, 'trained');
    const t = await run(['train', '--method', 'mle', '--train', pairs, '--validation', '0', '--epochs', '1', ...TINY, '--out', out]);
    expect(t.code, t.err).toBe(0);
    const weightsDir = path.join(out, 'model', 'weights');
    const bin = readdirSync(weightsDir).find((f) => f.endsWith('.bin'))!;
    truncateSync(path.join(weightsDir, bin), 10);
    const broken = await run(['generate', '--checkpoint', out, '--input', input]);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain(weightsDir);
    expect(broken.out).toEqual([]);
  });

  it(title('text/catalogs-unknown-lang'), async () => {
    const out = path.join(dir, 'catalogs');
    const unknown = await run(['catalogs-data', '--lang', 'xx', '--out', out]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/--lang xx: .*xx\/LC_MESSAGES holds no \.mo catalog/);
    const bad = await run(['catalogs-data', '--lang', 'd e', '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--lang must be a locale folder name/);
    expect(existsSync(out)).toBe(false);
  });
});
