import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitSummary, isNonFinite, replaceNonFinite, roundSummaryNumbers, writeSummary, type RunSummary } from './summary.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'core-cli-summary-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const base = (over: Partial<RunSummary> = {}): RunSummary => ({
  method: 'simclr',
  domain: 'vision',
  seed: 0,
  epochs: 3,
  steps: 138,
  seconds: 61.26,
  trainSeconds: 48.04,
  backend: 'wasm',
  out: 'runs/x',
  finalLoss: 4.123456,
  metrics: { knnAccuracy: 0.812345, linearProbeAccuracy: 0.80004, knnK: 130, knnKSource: 'default' },
  baselines: { randomInit: { knnAccuracy: 0.700049, linearProbeAccuracy: null }, rawPixels: { knnAccuracy: 0.75 } },
  ...over,
});
function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) } };
}

describe('roundSummaryNumbers', () => {
  it('rounds scores to 4 decimals and seconds to 1, leaving labels and nulls', () => {
    const r = roundSummaryNumbers(base());
    expect(r.seconds).toBe(61.3);
    expect(r.trainSeconds).toBe(48);
    expect(r.finalLoss).toBe(4.1235);
    expect(r.metrics).toEqual({ knnAccuracy: 0.8123, linearProbeAccuracy: 0.8, knnK: 130, knnKSource: 'default' });
    expect(r.baselines).toEqual({ randomInit: { knnAccuracy: 0.7, linearProbeAccuracy: null }, rawPixels: { knnAccuracy: 0.75 } });
    expect(r.steps).toBe(138);
  });
});

describe('non-finite values', () => {
  it('isNonFinite is true for NaN and ±Infinity only', () => {
    expect([Number.NaN, Infinity, -Infinity].every(isNonFinite)).toBe(true);
    expect([0, 1.5, null, undefined, 'NaN'].some(isNonFinite)).toBe(false);
  });

  it('replaceNonFinite writes null with a note per value and reports the fields', () => {
    const { summary, nonFinite } = replaceNonFinite(
      base({
        finalLoss: Number.NaN,
        metrics: { knnAccuracy: Infinity },
        baselines: { randomInit: { knnAccuracy: -Infinity } },
        notes: ['short run'],
      }),
    );
    expect(nonFinite).toEqual(['finalLoss', 'metrics.knnAccuracy', 'baselines.randomInit.knnAccuracy']);
    expect(summary.finalLoss).toBeNull();
    expect(summary.metrics.knnAccuracy).toBeNull();
    expect(summary.baselines.randomInit!.knnAccuracy).toBeNull();
    expect(summary.notes).toEqual([
      'short run',
      'finalLoss was NaN (written as null): training diverged; try a lower --lr or check the data for NaN/Inf values',
      'metrics.knnAccuracy was Infinity (written as null)',
      'baselines.randomInit.knnAccuracy was -Infinity (written as null)',
    ]);
    expect(replaceNonFinite(base()).nonFinite).toEqual([]);
    expect(replaceNonFinite(base()).summary.notes).toBeUndefined();
  });

  it('writeSummary still writes a NaN run, and tells the caller', async () => {
    const dir = join(root, 'nan');
    await mkdir(dir);
    const w = await writeSummary(dir, base({ finalLoss: Number.NaN }));
    expect(w.nonFinite).toEqual(['finalLoss']);
    const onDisk = JSON.parse(await readFile(w.path, 'utf8')) as RunSummary;
    expect(onDisk).toEqual(w.summary);
    expect(onDisk.finalLoss).toBeNull();
    expect(onDisk.notes![0]).toMatch(/^finalLoss was NaN/);
  });
});

describe('writeSummary', () => {
  it('writes the rounded summary atomically to summary.json', async () => {
    const dir = join(root, 'ok');
    await mkdir(dir);
    const w = await writeSummary(dir, base());
    expect(w.path).toBe(join(dir, 'summary.json'));
    expect(w.nonFinite).toEqual([]);
    expect(await readdir(dir)).toEqual(['summary.json']);
    expect(JSON.parse(await readFile(w.path, 'utf8'))).toEqual(roundSummaryNumbers(base()));
  });
});

describe('emitSummary', () => {
  it('with --json prints exactly one JSON line on stdout and nothing on stderr', () => {
    const c = capture();
    const s = roundSummaryNumbers(base());
    emitSummary(s, c.io, { json: true });
    expect(c.out).toHaveLength(1);
    expect(JSON.parse(c.out[0]!)).toEqual(s);
    expect(c.err).toEqual([]);
  });

  it('without --json prints a readable report with each metric beside its baselines', () => {
    const c = capture();
    emitSummary(roundSummaryNumbers(base({ notes: ['few steps'] })), c.io, { json: false });
    const text = c.out.join('\n');
    expect(c.out[0]).toBe('simclr (vision): 3 epochs, 138 steps, seed 0, backend wasm');
    expect(text).toMatch(/knnAccuracy\s+0\.8123 {2}\(randomInit 0\.7, rawPixels 0\.75\)/);
    expect(text).toMatch(/linearProbeAccuracy\s+0\.8 {2}\(randomInit –\)/);
    expect(text).toMatch(/final loss\s+4\.1235/);
    expect(text).toMatch(/time\s+61\.3 s \(training 48 s\)/);
    expect(text).toContain('note: few steps');
    expect(() => JSON.parse(c.out[0]!)).toThrow();
  });
});
