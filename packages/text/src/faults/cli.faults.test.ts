import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { faultCase, faultTitle, useCpuLeakCheck } from '@contrastive/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { loadSentenceEncoder } from '../encoders/sentence-encoder-files.js';
import { SafetensorsError } from '../errors.js';
import { FAULT_CASES } from './cases.js';
import { CORPUS, hashTree, modelFolder, safetensorsBytes } from './fixtures.js';

const title = (id: string): string => faultTitle(faultCase(FAULT_CASES, id));

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => void out.push(l), err: (l) => void err.push(l) });
  return { code, out, err: err.join('\n') };
}

/** A from-scratch run on the fixture corpus: tiny BERT, 2 steps per epoch. */
const TRAIN = ['--corpus', CORPUS, '--config', 'tiny', '--batch-size', '4', '--max-length', '16', '--no-progress'];

let root = '';
const tmp = (...parts: string[]): string => path.join(root, ...parts);
const lines = readFileSync(CORPUS, 'utf8').split('\n').filter(Boolean);

describe('contrastive-text CLI faults', () => {
  useCpuLeakCheck();
  beforeAll(() => {
    process.env.CONTRASTIVE_BACKEND = 'cpu';
    root = mkdtempSync(path.join(os.tmpdir(), 'text-faults-'));
    writeFileSync(
      tmp('pairs.jsonl'),
      `${lines
        .slice(1)
        .map((l, i) => JSON.stringify({ query: lines[i], document: l }))
        .join('\n')}\n`,
    );
    writeFileSync(
      tmp('sts.tsv'),
      `${lines
        .slice(1)
        .map((l, i) => `${lines[i]}\t${l}\t${i % 5}`)
        .join('\n')}\n`,
    );
    writeFileSync(
      tmp('sts-constant.tsv'),
      `${lines
        .slice(1)
        .map((l, i) => `${lines[i]}\t${l}\t3`)
        .join('\n')}\n`,
    );
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it(title('text/diverging-lr'), async () => {
    const out = tmp('diverged');
    const r = await run([
      'train',
      '--method',
      'simcse',
      ...TRAIN,
      '--lr',
      '1e9',
      '--eval-pairs',
      tmp('pairs.jsonl'),
      '--out',
      out,
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/contrastive-text: training diverged: the loss is NaN at step \d+ of epoch 1/);
    expect(r.err).toMatch(/learning rate too high/);
    expect(r.err).toContain(`no model was written to ${path.join(out, 'model')}`);
    // No score and no model: only what the run had before diverging, and the loss history for diagnosis.
    expect(r.out).toEqual([]);
    expect(existsSync(path.join(out, 'model'))).toBe(false);
    expect(existsSync(path.join(out, 'summary.json'))).toBe(false);
    expect(readFileSync(path.join(out, 'losses.csv'), 'utf8')).toMatch(/NaN/);
  });

  it(title('text/diverging-lr-resume'), async () => {
    const out = tmp('diverged-resume');
    // ConSERT at lr 1e9 survives epoch 1 (a good checkpoint is saved), then diverges in epoch 2.
    const first = await run(['train', '--method', 'consert', ...TRAIN, '--lr', '1e9', '--epochs', '3', '--out', out]);
    expect(first.code).toBe(1);
    expect(first.err).toMatch(/training diverged: the loss is NaN at step \d+ of epoch 2/);
    expect(first.err).toMatch(/still holds the last good state/);
    const before = hashTree(path.join(out, 'checkpoint'));
    expect(Object.keys(before)).toContain('checkpoint.json');
    const again = await run(['train', '--method', 'consert', '--corpus', CORPUS, '--out', out, '--resume', '--no-progress']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/training diverged/);
    expect(hashTree(path.join(out, 'checkpoint'))).toEqual(before);
    expect(existsSync(path.join(out, 'model'))).toBe(false);
  });

  describe('on a finished run', () => {
    const good = (): string => tmp('good');
    let finished: Record<string, string> = {};

    it(title('text/no-temp-folder'), async () => {
      const tempDir = tmp('os-temp');
      mkdirSync(tempDir);
      const saved = process.env.TMPDIR;
      process.env.TMPDIR = tempDir;
      let r: Awaited<ReturnType<typeof run>>;
      try {
        expect(os.tmpdir()).toBe(tempDir);
        r = await run(['train', '--method', 'consert', ...TRAIN, '--out', good(), '--json']);
      } finally {
        if (saved === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = saved;
      }
      expect(r.code, r.err).toBe(0);
      expect(readdirSync(tempDir)).toEqual([]);
      expect(readdirSync(path.join(good(), 'tokenizer'))).toContain('tokenizer.json');
      finished = hashTree(good());
      expect(Object.keys(finished)).toEqual(
        expect.arrayContaining(['summary.json', 'checkpoint/checkpoint.json', 'model/model.safetensors']),
      );
    });

    it(title('text/finished-run-no-resume'), async () => {
      const r = await run(['train', '--method', 'consert', ...TRAIN, '--out', good()]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/already holds a finished run; pass --resume to continue it or --overwrite to replace it/);
      expect(hashTree(good())).toEqual(finished);
    });

    it(title('text/resume-mismatch'), async () => {
      const cases: [string[], RegExp][] = [
        [['--method', 'simcse'], /was trained with --method consert, not --method simcse/],
        [['--method', 'consert', '--lr', '1e-3'], /was trained with --lr 0\.0005, not --lr 0\.001/],
        [['--method', 'consert', '--batch-size', '8'], /was trained with --batch-size 4, not --batch-size 8/],
      ];
      for (const [flags, message] of cases) {
        const r = await run(['train', ...flags, '--corpus', CORPUS, '--out', good(), '--resume', '--no-progress']);
        expect(r.code).toBe(2);
        expect(r.err).toMatch(message);
      }
      expect(hashTree(good())).toEqual(finished);
    });

    it(title('text/resume-corrupt-checkpoint'), async () => {
      const corrupt = tmp('corrupt');
      cpSync(good(), corrupt, { recursive: true });
      rmSync(path.join(corrupt, 'summary.json'));
      writeFileSync(path.join(corrupt, 'checkpoint', 'checkpoint.json'), '{"format": "contrastive-checkpoint", "vers');
      const before = hashTree(corrupt);
      const r = await run(['train', '--method', 'consert', '--corpus', CORPUS, '--out', corrupt, '--resume', '--no-progress']);
      expect(r.code).not.toBe(0);
      expect(r.err).toContain(path.join(corrupt, 'checkpoint', 'checkpoint.json'));
      expect(r.err).toMatch(/corrupt/i);
      expect(r.err).not.toMatch(/starting from scratch/);
      expect(hashTree(corrupt)).toEqual(before);
    });
  });

  it(title('text/out-user-folder'), async () => {
    const user = tmp('user-folder');
    mkdirSync(user);
    writeFileSync(path.join(user, 'config.json'), '{"mine": true}\n');
    const r = await run(['train', '--method', 'simcse', ...TRAIN, '--out', user]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is a non-empty folder that is not a contrastive-text run/);
    expect(hashTree(user)).toEqual({ 'config.json': expect.any(String) });
    expect(readFileSync(path.join(user, 'config.json'), 'utf8')).toBe('{"mine": true}\n');
    const file = tmp('a-file');
    writeFileSync(file, 'notes\n');
    const f = await run(['train', '--method', 'simcse', ...TRAIN, '--out', file]);
    expect(f.code).toBe(2);
    expect(f.err).toMatch(/is a file, not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('notes\n');
  });

  it(title('text/nan-weights-model'), async () => {
    const dir = modelFolder(tmp('nan-model'), {
      mutate: (t) => t.get('encoder.layer.0.attention.self.query.weight')!.data.fill(Number.NaN, 0, 5),
    });
    const named = new RegExp(
      `${path.join(dir, 'model.safetensors')}: tensor 'encoder\\.layer\\.0\\.attention\\.self\\.query\\.weight': holds 5 NaN and 0 Infinity values`,
    );
    await expect(loadSentenceEncoder(dir)).rejects.toThrow(SafetensorsError);
    await expect(loadSentenceEncoder(dir)).rejects.toThrow(named);
    for (const argv of [
      ['eval', '--checkpoint', dir, '--pairs', tmp('pairs.jsonl')],
      ['eval', '--checkpoint', dir, '--pairs', tmp('sts.tsv')],
      ['encode', '--checkpoint', dir, '--input', CORPUS],
    ]) {
      const r = await run([...argv, '--no-progress']);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(named);
      expect(r.out).toEqual([]);
    }
  });

  /** A model whose weights are finite but overflow: every embedding comes out NaN. */
  const overflowModel = (): string =>
    existsSync(tmp('overflow', 'config.json'))
      ? tmp('overflow')
      : modelFolder(tmp('overflow'), {
          mutate: (t) =>
            t.get('encoder.layer.0.intermediate.dense.weight')!.data.forEach((_x, i, a) => {
              a[i] = i % 2 ? 3e38 : -3e38;
            }),
        });

  it(title('text/overflow-model-encode'), async () => {
    const input = tmp('texts.txt');
    writeFileSync(input, `\n${lines[0]}\n${lines[1]}\n`);
    const output = tmp('vectors.jsonl');
    const r = await run(['encode', '--checkpoint', overflowModel(), '--input', input, '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`the embedding of ${input}:2 ${JSON.stringify(lines[0]!.slice(0, 57))}`);
    expect(r.err).toMatch(/is not finite \(NaN or Infinity\)/);
    expect(r.out).toEqual([]);
    const toFile = await run(['encode', '--checkpoint', overflowModel(), '--input', input, '--output', output, '--no-progress']);
    expect(toFile.code).toBe(1);
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(root).filter((f) => f.includes('vectors'))).toEqual([]);
  });

  it(title('text/overflow-model-eval'), async () => {
    const retrieval = await run(['eval', '--checkpoint', overflowModel(), '--pairs', tmp('pairs.jsonl'), '--no-progress', '--json']);
    expect(retrieval.code).toBe(1);
    expect(retrieval.err).toMatch(/the embedding of document 0 is not finite/);
    expect(retrieval.out).toEqual([]);
    const sts = await run(['eval', '--checkpoint', overflowModel(), '--pairs', tmp('sts.tsv'), '--no-progress', '--json']);
    expect(sts.code).toBe(1);
    expect(sts.err).toMatch(/the embedding of sentence1 of pair 0 is not finite/);
    expect(sts.out).toEqual([]);
  });

  it(`${title('text/sts-constant-gold')} (CLI)`, async () => {
    const constant = tmp('sts-constant.tsv');
    const r = await run(['eval', '--checkpoint', overflowModel(), '--pairs', constant, '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${constant}: every gold score is 3: Spearman's correlation is undefined`);
    const out = tmp('never-created');
    const t = await run(['train', '--method', 'simcse', ...TRAIN, '--eval-pairs', constant, '--out', out]);
    expect(t.code).toBe(1);
    expect(t.err).toContain(`${constant}: every gold score is 3`);
    expect(existsSync(out)).toBe(false);
  });

  it(`${title('text/safetensors-negative-offsets')} (CLI)`, async () => {
    const header = { 'embeddings.word_embeddings.weight': { dtype: 'F32', shape: [40, 16], data_offsets: [-2560, 0] } };
    const dir = modelFolder(tmp('negative'), { safetensors: safetensorsBytes(header, 2560) });
    const r = await run(['eval', '--checkpoint', dir, '--pairs', tmp('pairs.jsonl'), '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${path.join(dir, 'model.safetensors')}: tensor 'embeddings.word_embeddings.weight': data_offsets must be`);
    expect(r.out).toEqual([]);
  });
});
