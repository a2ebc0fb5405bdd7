import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@contrastive/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { colourCaptionFolder } from '../node/test-utils/fixture-trees.js';
import { run } from './main.js';

const tmp = useTempDir('contrastive-multimodal-train-');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
}

const TINY = ['--image-size', '16', '--batch-size', '12', '--embed-dim', '16', '--no-progress', '--json'];

describe('contrastive-multimodal train', () => {
  let data = '';
  beforeAll(async () => {
    data = tmp('colours');
    await colourCaptionFolder(data);
  });

  it('clip: trains BERT-tiny and the small CNN, scores both directions beside random init, saves the towers, reproduces, resumes', async () => {
    const a = capture();
    const out = tmp('clip-a');
    expect(await run(['train', '--method', 'clip', '--data', data, '--epochs', '2', ...TINY, '--out', out], a.io), a.err.join('\n')).toBe(
      0,
    );
    const s = JSON.parse(a.out[0]!);
    // 24 train images, batch 12: 2 steps per epoch.
    expect(s).toMatchObject({
      method: 'clip',
      domain: 'multimodal',
      epochs: 2,
      steps: 4,
      metrics: { trainImages: 24, testImages: 12, testCaptions: 6 },
    });
    for (const k of ['imageToTextR1', 'imageToTextR5', 'imageToTextR10', 'textToImageR1', 'textToImageR5', 'textToImageR10']) {
      expect(s.metrics[k], k).toBeGreaterThanOrEqual(0);
      expect(s.metrics[k], k).toBeLessThanOrEqual(1);
      expect(s.baselines.randomInit[k], k).toBeGreaterThanOrEqual(0);
    }
    // 6 distinct captions: recall@10 is 1 in the image→text direction whatever the model.
    expect(s.metrics.imageToTextR10).toBe(1);
    for (const f of ['model/image-tower/model.json', 'model/text-tower/tokenizer.json', 'model/projections.json', 'summary.json'])
      expect(existsSync(join(out, f)), f).toBe(true);

    // Same seed, same numbers (dropout masks drawn from the step's generator).
    const b = capture();
    expect(await run(['train', '--method', 'clip', '--data', data, '--epochs', '2', ...TINY, '--out', tmp('clip-b')], b.io)).toBe(0);
    const t = JSON.parse(b.out[0]!);
    expect(t.finalLoss).toBe(s.finalLoss);
    expect(t.metrics).toEqual(s.metrics);

    // Resume to 3 epochs equals a 3-epoch run.
    const whole = capture();
    expect(await run(['train', '--method', 'clip', '--data', data, '--epochs', '3', ...TINY, '--out', tmp('clip-3')], whole.io)).toBe(0);
    const resumed = capture();
    expect(
      await run(['train', '--resume', '--out', out, '--epochs', '3', '--json', '--no-progress'], resumed.io),
      resumed.err.join('\n'),
    ).toBe(0);
    const w = JSON.parse(whole.out[0]!);
    const r = JSON.parse(resumed.out[0]!);
    expect(r.finalLoss).toBe(w.finalLoss);
    expect(r.metrics).toEqual(w.metrics);
    expect(r.steps).toBe(6);

    // eval of the finished clip run: BERT-tiny read back from text-tower/ gives the summary's scores.
    const e = capture();
    expect(await run(['eval', '--checkpoint', out, '--json'], e.io), e.err.join('\n')).toBe(0);
    const scored = JSON.parse(e.out[0]!);
    for (const k of ['imageToTextR1', 'imageToTextR5', 'textToImageR1', 'textToImageR10'])
      expect(scored.metrics[k], k).toBeCloseTo(r.metrics[k], 4);
  }, 180_000);

  it('lit: the locked USE-lite side trains only its projection and beats its random initialisation on colour words', async () => {
    const a = capture();
    const out = tmp('lit');
    expect(
      await run(['train', '--method', 'lit', '--data', data, '--epochs', '15', ...TINY, '--lr', '0.01', '--out', out], a.io),
      a.err.join('\n'),
    ).toBe(0);
    const s = JSON.parse(a.out[0]!);
    expect(s).toMatchObject({ method: 'lit', steps: 30 });
    // 12 test images in 6 colours, captions by colour: text→image top-1 has 2 right answers of 12.
    expect(s.metrics.textToImageR1).toBeGreaterThan(s.baselines.randomInit.textToImageR1);
    expect(s.metrics.imageToTextR1).toBeGreaterThan(0.5);
    expect(existsSync(join(out, 'model/text-tower'))).toBe(false);

    // eval reads model/ back: the same test-split scores as the run's summary.
    const e = capture();
    expect(await run(['eval', '--checkpoint', out, '--json'], e.io), e.err.join('\n')).toBe(0);
    const scored = JSON.parse(e.out[0]!);
    for (const k of ['imageToTextR1', 'imageToTextR5', 'textToImageR1', 'textToImageR10'])
      expect(scored.metrics[k], k).toBeCloseTo(s.metrics[k], 4);

    // search: the nearest images of 'a red square' are red ones; the contact sheet is a PNG in the run folder.
    const q = capture();
    expect(
      await run(['search', '--checkpoint', out, '--images', join(data, 'img'), '--query', 'a red square', '--top', '3', '--json'], q.io),
      q.err.join('\n'),
    ).toBe(0);
    const found = JSON.parse(q.out[0]!);
    expect(found.searched).toBe(36);
    expect(found.results[0].hits).toHaveLength(3);
    expect(found.results[0].hits[0].image).toMatch(/^red-/);
    expect(existsSync(join(out, 'search.png'))).toBe(true);
    const refused = capture();
    writeFileSync(join(data, '..', 'mine.png'), 'x');
    expect(
      await run(['search', '--checkpoint', out, '--images', data, '--query', 'x', '--sheet', join(data, '..', 'mine.png')], refused.io),
    ).toBe(2);
    expect(refused.err.join('\n')).toMatch(/mine\.png exists; pass --overwrite/);
  }, 180_000);

  it('cmcl: builds rewrite tables of the train split, trains with multi-positive batches, and eval reads it back', async () => {
    const a = capture();
    const out = tmp('cmcl');
    expect(await run(['train', '--method', 'cmcl', '--data', data, '--epochs', '2', ...TINY, '--out', out], a.io), a.err.join('\n')).toBe(
      0,
    );
    expect(a.err.join('\n')).toMatch(
      /cmcl rewrites: 24 images, \d+ positive rewrites, \d+ weak positives, \d+ sentence-level and \d+ word-level hard negatives/,
    );
    const s = JSON.parse(a.out[0]!);
    expect(s).toMatchObject({ method: 'cmcl', steps: 4 });
    expect(Number.isFinite(s.finalLoss)).toBe(true);
    const e = capture();
    expect(await run(['eval', '--checkpoint', out, '--json'], e.io), e.err.join('\n')).toBe(0);
    expect(JSON.parse(e.out[0]!).metrics.textToImageR1).toBeCloseTo(s.metrics.textToImageR1, 4);
  }, 180_000);

  it('demi: trains on crops and whole images, logs both terms of the bound, and eval reads back the conditional space', async () => {
    const a = capture();
    const out = tmp('demi');
    expect(
      await run(['train', '--method', 'demi', '--data', data, '--epochs', '2', '--crop-scale', '0.3,0.6', ...TINY, '--out', out], a.io),
      a.err.join('\n'),
    ).toBe(0);
    expect(a.err.join('\n')).toMatch(/unconditional [\d.-]+ .*conditional [\d.-]+ .*estimate [\d.-]+/);
    const s = JSON.parse(a.out[0]!);
    expect(s).toMatchObject({ method: 'demi', steps: 4 });
    expect(Number.isFinite(s.finalLoss)).toBe(true);
    const e = capture();
    expect(await run(['eval', '--checkpoint', out, '--json'], e.io), e.err.join('\n')).toBe(0);
    expect(JSON.parse(e.out[0]!).metrics.imageToTextR1).toBeCloseTo(s.metrics.imageToTextR1, 4);
    // Zero-shot on 40 bundled Fashion-MNIST test images: an accuracy, and the three most predicted classes with shares.
    const z = capture();
    expect(
      await run(['eval', '--checkpoint', out, '--zero-shot', 'bundled', '--zero-shot-limit', '40', '--json'], z.io),
      z.err.join('\n'),
    ).toBe(0);
    const zm = JSON.parse(z.out[0]!).metrics;
    expect(zm).toMatchObject({ zeroShotImages: 40, zeroShotChance: 0.1, prompt: 'a photo of a {}' });
    expect(zm.zeroShotAccuracy).toBeGreaterThanOrEqual(0);
    expect(zm.zeroShotAccuracy).toBeLessThanOrEqual(1);
    const shares = [...String(zm.zeroShotTopPredicted).matchAll(/([a-z-]+) (\d\.\d\d)/g)].map((m) => Number(m[2]));
    expect(shares.length).toBeGreaterThanOrEqual(1);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1.01);
    const bad = capture();
    expect(await run(['train', '--method', 'demi', '--data', data, '--crop-scale', '0.5,0.2', '--out', tmp('d2')], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--crop-scale must be LO,HI with 0 < LO <= HI <= 1/);
    const other = capture();
    expect(await run(['train', '--method', 'clip', '--data', data, '--crop-scale', '0.2,0.5', '--out', tmp('d3')], other.io)).toBe(2);
    expect(other.err.join('\n')).toMatch(/--crop-scale/);
  }, 180_000);

  it('refuses flags of the other method, a missing --data and a folder without captions, before training', async () => {
    const a = capture();
    expect(await run(['train', '--method', 'lit', '--data', data, '--vocab-size', '100', '--out', tmp('x1')], a.io)).toBe(2);
    expect(a.err.join('\n')).toMatch(/--vocab-size/);
    const b = capture();
    expect(await run(['train', '--method', 'clip', '--out', tmp('x2')], b.io)).toBe(2);
    expect(b.err.join('\n')).toMatch(/--data DIR is required/);
    const c = capture();
    const empty = tmp('empty');
    mkdirSync(empty);
    expect(await run(['train', '--method', 'clip', '--data', empty, '--out', tmp('x3')], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--data .*captions\.jsonl/);
    // The --out folder the refused command created is removed again (the fault suite has the other refusals).
    expect(existsSync(tmp('x3'))).toBe(false);
  });

  it('--workers 2 trains data-parallel (logged, in the summary) to the one-thread loss; --workers 0 and eval/search --workers are usage errors', async () => {
    const one = capture();
    const args = ['train', '--method', 'clip', '--data', data, '--epochs', '1', ...TINY];
    expect(await run([...args, '--workers', '1', '--out', tmp('w1')], one.io), one.err.join('\n')).toBe(0);
    const two = capture();
    expect(await run([...args, '--workers', '2', '--sync-bn', '--out', tmp('w2')], two.io), two.err.join('\n')).toBe(0);
    expect(two.err.join('\n')).toMatch(
      /data-parallel: 2 workers \(each step's 12 pairs split 6 \+ 6; batch norm synchronised over all workers\)/,
    );
    expect(one.err.join('\n')).not.toMatch(/data-parallel/);
    const [s1, s2] = [JSON.parse(one.out[0]!), JSON.parse(two.out[0]!)];
    expect(s1.workers).toBeUndefined();
    expect(s2.workers).toBe(2);
    expect(s2.steps).toBe(2);
    // Synchronised batch norm and the gathered image features: the loss over the batch is the one thread's.
    // (The summary rounds to 4 decimals.)
    expect(s2.finalLoss).toBeCloseTo(s1.finalLoss, 3);

    const zero = capture();
    expect(await run([...args, '--workers', '0', '--out', tmp('w0')], zero.io)).toBe(2);
    expect(zero.err.join('\n')).toMatch(/--workers must be an integer >= 1 or 'auto', got '0'/);
    // eval and search train nothing: they take no --workers (an unknown flag, not one silently ignored).
    for (const cmd of [
      ['eval', '--checkpoint', tmp('w1')],
      ['search', '--checkpoint', tmp('w1'), '--images', join(data, 'img'), '--query', 'red'],
    ]) {
      const e = capture();
      expect(await run([...cmd, '--workers', '2'], e.io), cmd[0]).toBe(2);
      expect(e.err.join('\n'), cmd[0]).toMatch(/workers/);
    }
  }, 180_000);
});
