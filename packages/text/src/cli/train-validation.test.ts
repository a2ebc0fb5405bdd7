import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import type { CliIo } from '@contrastive/core/cli';
import { TextMethod } from '../methods/text-method.js';
import { methodOptions, trainCommand, type TextTrainConfig } from './train-command.js';
import { readTrainingData } from './train-data.js';

const collect = (out: string[], err: string[] = []): CliIo => ({ out: (l) => void out.push(l), err: (l) => void err.push(l) });
const silent: CliIo = { out: () => {}, err: () => {} };

const SUBJECTS = ['the dog', 'a cat', 'my uncle', 'the river', 'a storm', 'the teacher', 'our neighbour', 'the engine'];
const VERBS = ['crossed', 'watched', 'ignored', 'painted', 'followed'];
const OBJECTS = ['the old bridge', 'a red kite', 'the quiet town', 'every morning train', 'the harbour lights'];
/** 40 distinct passages of 5–7 words. */
function passages(): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < 40; i++)
    out.push(`${SUBJECTS[i % 8]} ${VERBS[(i * 3) % 5]} ${OBJECTS[(i * 7) % 5]} ${i % 2 ? 'today' : ''}`.trim());
  return out;
}

describe('contrastive-text train: validation slice and best checkpoint', () => {
  useCpuLeakCheck();
  beforeAll(() => {
    process.env.CONTRASTIVE_BACKEND = 'cpu';
  });
  afterEach(() => vi.restoreAllMocks());

  it('holds out passages (split in halves) or triplets, seeded, and never trains on them', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'train-data-'));
    const file = path.join(dir, 'c.txt');
    const texts = [...passages(), 'too short', 'three words here'];
    writeFileSync(file, `${texts.join('\n')}\n`);
    const data = readTrainingData({ method: 'simcse', corpus: file, seed: 3, validation: 8 });
    expect(data.items).toBe(34);
    expect(data.validation!.pairs).toHaveLength(8);
    expect(data.validation!.source).toMatch(/8 held-out passages .* first half of the words → second half \(seed 3\)/);
    for (const p of data.validation!.pairs) expect(data.texts).not.toContain(`${p.query} ${p.document}`);
    expect(data.texts).toContain('too short'); // too short to split: never held out
    expect(readTrainingData({ method: 'simcse', corpus: file, seed: 3, validation: 8 })).toEqual(data);
    // The default: 5 % of 42 is under 20 → no slice.
    expect(readTrainingData({ method: 'simcse', corpus: file, seed: 3 }).validation).toBeNull();
    expect(() => readTrainingData({ method: 'simcse', corpus: file, seed: 3, validation: 22 })).toThrow(/would leave fewer training items/);

    const tfile = path.join(dir, 't.jsonl');
    writeFileSync(
      tfile,
      passages()
        .map((t, i) => JSON.stringify({ text: t, positive: `${t} again`, negative: `other ${i}` }))
        .join('\n'),
    );
    const t = readTrainingData({ method: 'simcse-sup', corpus: tfile, seed: 0, validation: 5 });
    expect([t.items, t.triplets!.length, t.texts.length, t.validation!.pairs.length]).toEqual([35, 35, 105, 5]);
    for (const p of t.validation!.pairs) {
      expect(p.document).toBe(`${p.query} again`);
      expect(t.triplets!.some((x) => x.text === p.query)).toBe(false);
    }
  });

  it('scores validation during training, keeps the best encoder in model/, reports start/best/final, and resumes it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'train-val-'));
    const file = path.join(dir, 'corpus.txt');
    writeFileSync(file, `${passages().join('\n')}\n`);
    const out = path.join(dir, 'run');
    // 32 training passages, batch 8 → 4 steps; validation before step 1 and after steps 2 and 4.
    const args = ['--method', 'simcse', '--corpus', file, '--batch-size', '8', '--max-length', '12', '--validation', '8'];
    const more = ['--select', 'best', '--validate-every', '2', '--checkpoint-every', '1', '--lr', '3e-3', '--out', out, '--json'];
    const real = TextMethod.prototype.step;
    let calls = 0;
    vi.spyOn(TextMethod.prototype, 'step').mockImplementation(function (this: TextMethod<unknown>, ...a) {
      calls += 1;
      if (calls === 4) throw new Error('killed');
      return real.apply(this, a as never);
    });
    await expect(trainCommand([...args, ...more], silent)).rejects.toThrow('killed');
    const partial = JSON.parse(readFileSync(path.join(out, 'validation', 'validation.json'), 'utf8'));
    expect(partial.history.map((p: { step: number }) => p.step)).toEqual([0, 2]);
    calls = 100;
    const json: string[] = [];
    const logs: string[] = [];
    await trainCommand([...args, ...more, '--resume'], collect(json, logs));
    const summary = JSON.parse(json.at(-1)!);
    const record = JSON.parse(readFileSync(path.join(out, 'validation', 'validation.json'), 'utf8'));
    expect(record.history.map((p: { step: number }) => p.step)).toEqual([0, 2, 4]);
    expect(record.history[0]).toEqual(partial.history[0]); // the start is not re-scored on resume
    const best = record.history.reduce((a: { mrrAt10: number }, b: { mrrAt10: number }) => (b.mrrAt10 > a.mrrAt10 ? b : a));
    expect(summary.metrics).toMatchObject({
      validationStart: record.history[0].mrrAt10,
      validationBest: best.mrrAt10,
      validationFinal: record.history[2].mrrAt10,
      validationBestStep: record.best.step,
      selected: record.best.step === 4 ? 'final' : 'best',
    });
    expect(logs.join('\n')).toMatch(/validation: 8 held-out passages .*; 8 pairs scored every 2 steps/);
    expect(logs.join('\n')).toMatch(/validation MRR@10: start [\d.]+, best [\d.]+ \(step \d\), final [\d.]+/);
    // model/ is the best encoder, byte for byte.
    const bestWeights = readFileSync(path.join(out, 'validation', record.best.folder, 'model.safetensors'));
    expect(readFileSync(path.join(out, 'model', 'model.safetensors')).equals(bestWeights)).toBe(true);
    expect(existsSync(path.join(out, 'model.tmp'))).toBe(false);
    // The from-scratch recipe pools by mean, and run.json records the recipe's options for --resume.
    expect(JSON.parse(readFileSync(path.join(out, 'model', 'contrastive.json'), 'utf8')).pooling).toBe('mean');
    const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
    expect(run.config).toMatchObject({ recipe: 'simcse-tiny', validation: 8, validateEvery: 2, recipeOptions: { pooling: 'mean' } });
  });

  it('--select final keeps the last encoder, as the label-free proxy does by default; --validation and --validation-pairs are exclusive', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'train-sel-'));
    const file = path.join(dir, 'corpus.txt');
    writeFileSync(file, `${passages().join('\n')}\n`);
    const pairs = path.join(dir, 'pairs.jsonl');
    writeFileSync(
      pairs,
      passages()
        .slice(0, 5)
        .map((p) => JSON.stringify({ query: p.slice(0, 8), document: p }))
        .join('\n'),
    );
    const out = path.join(dir, 'run');
    const json: string[] = [];
    const base = ['--method', 'simcse', '--corpus', file, '--batch-size', '16', '--max-length', '12', '--json'];
    await trainCommand([...base, '--validation-pairs', pairs, '--select', 'final', '--out', out], collect(json));
    const summary = JSON.parse(json.at(-1)!);
    expect(summary.metrics.selected).toBe('final');
    expect(JSON.parse(readFileSync(path.join(out, 'validation', 'validation.json'), 'utf8'))).toMatchObject({
      source: `--validation-pairs ${pairs}`,
      pairs: 5,
    });
    // The label-free half-passage proxy only monitors: without --select the final encoder is kept.
    const json2: string[] = [];
    await trainCommand([...base, '--validation', '6', '--out', `${out}-proxy`], collect(json2));
    expect(JSON.parse(json2.at(-1)!).metrics.selected).toBe('final');
    await expect(trainCommand([...base, '--validation', '4', '--validation-pairs', pairs, '--out', `${out}2`], silent)).rejects.toThrow(
      /--validation and --validation-pairs are exclusive/,
    );
  });

  it('a run.json written before recipe poolings resumes without the pooling the recipe has now', () => {
    const config = { method: 'simcse', recipe: 'simcse-tiny', learningRate: 5e-4 } as TextTrainConfig;
    expect(methodOptions(config).pooling).toBeUndefined();
    expect(methodOptions({ ...config, recipeOptions: { learningRate: 5e-4, pooling: 'mean' } }).pooling).toBe('mean');
    expect(methodOptions({ ...config, recipeOptions: { learningRate: 5e-4, pooling: 'mean' }, pooling: 'cls' }).pooling).toBe('cls');
  });
});
