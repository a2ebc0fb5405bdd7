import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

// A toy "translation": numbers in words → digits-like tokens; learnable in a few dozen steps.
const WORDS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'];
const GERMAN = ['eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht'];
function pairs(n: number, offset: number): { source: string; target: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const a = (i + offset) % 8;
    const b = (i * 3 + offset) % 8;
    return { source: `${WORDS[a]} and ${WORDS[b]}`, target: `${GERMAN[a]} und ${GERMAN[b]}` };
  });
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
  '8',
  '--no-progress',
];

describe('contrastive-text train --method mle|claps and generate', () => {
  let dir: string;
  let trainFile: string;
  let testFile: string;
  beforeAll(() => {
    process.env.CONTRASTIVE_BACKEND = 'cpu';
    dir = mkdtempSync(path.join(os.tmpdir(), 'seq2seq-cli-'));
    trainFile = path.join(dir, 'train.jsonl');
    testFile = path.join(dir, 'test.jsonl');
    writeFileSync(
      trainFile,
      pairs(64, 0)
        .map((p) => JSON.stringify(p))
        .join('\n'),
    );
    writeFileSync(
      testFile,
      pairs(6, 5)
        .map((p) => JSON.stringify(p))
        .join('\n'),
    );
  });

  it('claps trains, keeps the best model, scores the test set beside copy-the-source, and generate reads model/', async () => {
    const out = path.join(dir, 'claps');
    const r = await run([
      'train',
      '--method',
      'claps',
      '--train',
      trainFile,
      '--test',
      testFile,
      '--epochs',
      '2',
      '--validation',
      '8',
      ...TINY,
      '--out',
      out,
      '--json',
    ]);
    expect(r.code, r.err.join('\n')).toBe(0);
    const s = JSON.parse(r.out.at(-1)!);
    expect(s).toMatchObject({ method: 'claps', domain: 'text', epochs: 2 });
    expect(s.steps).toBeGreaterThan(0);
    for (const k of ['bleu', 'rouge1', 'rouge2', 'rougeL', 'validationNll', 'testNll']) expect(Number.isFinite(s.metrics[k]), k).toBe(true);
    expect(s.metrics.testPairs).toBe(6);
    expect(s.baselines.copySource.bleu).toBeLessThan(5); // English words never match German ones
    const valid = JSON.parse(readFileSync(path.join(out, 'validation', 'validation.json'), 'utf8'));
    expect(valid.history[0].step).toBe(0);
    expect(valid.best.nll).toBeLessThan(valid.history[0].nll); // training lowered the held-out NLL
    expect(readFileSync(path.join(out, 'predictions.txt'), 'utf8').split('\n')).toHaveLength(7); // 6 lines (some may be empty) + final newline
    expect(existsSync(path.join(out, 'model', 'seq2seq.json'))).toBe(true);
    // run.json records the test set, so a resume scores it again without --test.
    const resumed = await run(['train', '--resume', '--out', out, '--json', '--no-progress']);
    expect(resumed.code, resumed.err.join('\n')).toBe(0);
    expect(JSON.parse(resumed.out.at(-1)!).metrics).toMatchObject({ testPairs: 6, bleu: s.metrics.bleu });
    expect(r.err.join('\n')).toMatch(/epoch 2\/2 .*nll .*cont .*impNll .*distNll/); // the terms are logged per epoch

    const input = path.join(dir, 'input.txt');
    writeFileSync(input, 'one and two\nthree and four\n');
    const g = await run(['generate', '--checkpoint', out, '--input', input]);
    expect(g.code, g.err.join('\n')).toBe(0);
    expect(g.out.join('\n').split('\n')).toHaveLength(2);
    const scored = await run(['generate', '--checkpoint', path.join(out, 'model'), '--test', testFile, '--beam', '2', '--json']);
    expect(scored.code, scored.err.join('\n')).toBe(0);
    expect(JSON.parse(scored.out.at(-1)!)).toMatchObject({ pairs: 6, beam: 2 });
  });

  it('mle (and the GRU) resume from run.json without --method, and refuse a changed shaping flag', async () => {
    const out = path.join(dir, 'mle');
    const first = await run([
      'train',
      '--method',
      'mle',
      '--architecture',
      'gru',
      '--train',
      trainFile,
      '--validation',
      '0',
      '--d-model',
      '16',
      '--vocab-size',
      '40',
      '--batch-size',
      '8',
      '--epochs',
      '1',
      '--no-progress',
      '--out',
      out,
      '--json',
    ]);
    expect(first.code, first.err.join('\n')).toBe(0);
    expect(JSON.parse(readFileSync(path.join(out, 'model', 'seq2seq.json'), 'utf8')).architecture).toBe('gru');
    const clash = await run(['train', '--resume', '--out', out, '--lr', '0.1', '--json']);
    expect(clash.code).toBe(2);
    expect(clash.err.join('\n')).toMatch(/--lr/);
    const again = await run(['train', '--resume', '--out', out, '--json', '--no-progress']);
    expect(again.code, again.err.join('\n')).toBe(0);
    expect(JSON.parse(again.out.at(-1)!)).toMatchObject({ method: 'mle', steps: JSON.parse(first.out.at(-1)!).steps });
    // A test set given on resume is scored, and recorded for the next resume.
    const scored = await run(['train', '--resume', '--out', out, '--test', testFile, '--json', '--no-progress']);
    expect(scored.code, scored.err.join('\n')).toBe(0);
    expect(JSON.parse(scored.out.at(-1)!).metrics.testPairs).toBe(6);
    const gruOnly = await run([
      'train',
      '--method',
      'mle',
      '--architecture',
      'gru',
      '--heads',
      '2',
      '--train',
      trainFile,
      '--out',
      path.join(dir, 'bad0'),
    ]);
    expect(gruOnly.code).toBe(2);
    expect(gruOnly.err.join('\n')).toMatch(/--heads applies to --architecture transformer only/);
  });

  it('refuses bad input naming the file and line, and flags of another method', async () => {
    const src = path.join(dir, 'src.txt');
    const tgt = path.join(dir, 'tgt.txt');
    writeFileSync(src, 'a\nb\nc\n');
    writeFileSync(tgt, 'x\ny\n');
    const mismatch = await run(['train', '--method', 'mle', '--train-source', src, '--train-target', tgt, '--out', path.join(dir, 'bad1')]);
    expect(mismatch.code).not.toBe(0);
    expect(mismatch.err.join('\n')).toMatch(/src\.txt/);
    expect(mismatch.err.join('\n')).toMatch(/tgt\.txt/);
    const empty = path.join(dir, 'empty-target.jsonl');
    writeFileSync(empty, `${JSON.stringify({ source: 'a', target: 'b' })}\n${JSON.stringify({ source: 'c', target: '' })}\n`);
    const e = await run(['train', '--method', 'mle', '--train', empty, '--out', path.join(dir, 'bad2')]);
    expect(e.code).not.toBe(0);
    expect(e.err.join('\n')).toMatch(/empty-target\.jsonl.*2|line 2/);
    const wrong = await run(['train', '--method', 'mle', '--train', trainFile, '--ablate', 'imposter', '--out', path.join(dir, 'bad3')]);
    expect(wrong.code).toBe(2);
    expect(wrong.err.join('\n')).toMatch(/--ablate applies to --method claps only/);
    expect(existsSync(path.join(dir, 'bad1'))).toBe(false);
    expect(existsSync(path.join(dir, 'bad3'))).toBe(false);
  });
});
