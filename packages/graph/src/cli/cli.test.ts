import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { sampleLabels } from '../data/sample-labels.js';
import { GraphCL } from '../methods/graphcl.js';
import { run } from './main.js';

const tmp = useTempDir('contrastive-graph-cli-');
function capture(): { out: string[]; err: string[]; io: { out: (s: string) => void; err: (s: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s) => out.push(s), err: (s) => err.push(s) } };
}
const csv = (file: string): number[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Number(l.split(',')[1]));

useCpuLeakCheck();

describe('contrastive-graph CLI', () => {
  it('prints help documenting the input formats, per-command help and the version', async () => {
    const c = capture();
    expect(await run(['--help'], c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/SMILES table/);
    expect(c.out.join('\n')).toMatch(/'u v' pair per line/);
    const t = capture();
    expect(await run(['train', '--help'], t.io)).toBe(0);
    expect(t.out.join('\n')).toMatch(/--labels-per-class K/);
    expect(t.out.join('\n')).toMatch(/graphcl-chem-paper/);
    expect(t.out.join('\n')).toMatch(/--overwrite/);
    const v = capture();
    expect(await run(['--version'], v.io)).toBe(0);
    expect(v.out).toEqual([JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version]);
  });
  it('usage errors exit 2 with a hint', async () => {
    const c = capture();
    expect(await run(['train', '--method', 'simclr'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--method must be one of graphcl, joao, joaov2, mocl, cg3, gcn, mlp, graphcl-node, got 'simclr'/);
    expect(await run(['train'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--method is required/);
    expect(await run(['train', '--method', 'graphcl', '--epochs', 'x'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--epochs must be an integer/);
    expect(await run(['train', '--method', 'graphcl', '--gamma', '0.1'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--gamma does not apply to graphcl/);
    expect(await run(['train', '--method', 'cg3', '--batch-size', '8'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--batch-size does not apply to cg3/);
    expect(await run(['train', '--recipe', 'graphcl-small', '--method', 'mocl'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--recipe graphcl-small is a graphcl recipe/);
    expect(c.err.join('\n')).toMatch(/Run 'contrastive-graph train --help' for usage/);
  });
  it('names the line of an unparsable SMILES', async () => {
    const f = tmp('bad.csv');
    writeFileSync(f, 'smiles,y\nCCO,1\nCC(=O)O,0\nC1CC(,1\n');
    const c = capture();
    const args = [
      'train',
      '--method',
      'graphcl',
      '--data',
      f,
      '--value-column',
      'y',
      '--backend',
      'cpu',
      '--no-progress',
      '--out',
      tmp('bad-run'),
    ];
    expect(await run(args, c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/bad\.csv:4: cannot parse SMILES 'C1CC\('/);
  });
  it('rejects an out-of-range edge index, a malformed edge line and an empty edge list', async () => {
    const edges = tmp('e.txt');
    const labels = tmp('l.txt');
    writeFileSync(edges, '0 1\n1 2\n');
    writeFileSync(labels, '0 0\n1 1\n7 0\n');
    const c = capture();
    const args = ['train', '--method', 'cg3', '--edges', edges, '--labels', labels, '--backend', 'cpu', '--out', tmp('edges-run')];
    expect(await run(args, c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/l\.txt:3: expected 'node label' with node in \[0, 2\]/);
    writeFileSync(edges, '0 1\n1 x\n');
    expect(await run(args, c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/e\.txt:2: expected two non-negative integer node ids/);
    writeFileSync(edges, '# nothing\n');
    expect(await run(args, c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/no edges \(empty graph\)/);
  });
  it('trains GraphCL on a few shipped molecules: the run folder, and on stdout only the JSON summary with the baseline', async () => {
    const c = capture();
    const out = tmp('graphcl-16');
    const args = [
      'train',
      '--method',
      'graphcl',
      '--limit',
      '16',
      '--epochs',
      '1',
      '--batch-size',
      '8',
      '--hidden',
      '8',
      '--layers',
      '1',
      '--backend',
      'wasm',
      '--no-progress',
      '--json',
      '--out',
      out,
    ];
    expect(await run(args, c.io)).toBe(0);
    expect(c.out).toHaveLength(1);
    const s = JSON.parse(c.out[0]!);
    expect(s).toMatchObject({ method: 'graphcl', domain: 'graph', seed: 0, epochs: 1, steps: 2, backend: 'wasm', out });
    expect(s.metrics.molecules).toBe(16);
    expect(typeof s.finalLoss).toBe('number');
    expect(s.metrics.probeAccuracy).toBeGreaterThanOrEqual(0);
    expect(typeof s.baselines.randomInit.probeAccuracy).toBe('number');
    expect(s.notes.join(' ')).toMatch(/baseline randomInit = the same encoder before training/);
    expect(c.err.join('\n')).toMatch(/backend: wasm/);
    for (const f of ['run.json', 'checkpoint/checkpoint.json', 'model/model.json', 'losses.csv', 'loss-curve.png', 'summary.json'])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(s);
    expect(csv(join(out, 'losses.csv'))).toHaveLength(2);
    const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(record).toMatchObject({
      tool: 'contrastive-graph',
      domain: 'graph',
      method: 'graphcl',
      config: { recipe: 'graphcl-small', limit: 16, hidden: 8, layers: 1, 'batch-size': 8 },
    });

    // eval --checkpoint DIR (the run folder) reproduces the trained probe exactly.
    const e = capture();
    expect(await run(['eval', '--checkpoint', out, '--backend', 'wasm', '--json'], e.io)).toBe(0);
    expect(e.out).toHaveLength(1);
    const ev = JSON.parse(e.out[0]!);
    expect(ev.metrics.probeAccuracy).toBe(s.metrics.probeAccuracy);
    expect(ev.baselines).toEqual(s.baselines);
    expect([ev.epochs, ev.steps, ev.finalLoss]).toEqual([1, 2, s.finalLoss]);
    await tf.setBackend('cpu');
  });
  it('refuses a finished run or a foreign folder as --out before training; --overwrite replaces the run', async () => {
    const out = tmp('graphcl-16');
    const spy = vi.spyOn(GraphCL.prototype, 'step');
    const c = capture();
    const args = [
      'train',
      '--method',
      'graphcl',
      '--limit',
      '16',
      '--epochs',
      '1',
      '--batch-size',
      '8',
      '--hidden',
      '8',
      '--layers',
      '1',
      '--backend',
      'cpu',
      '--no-progress',
      '--out',
      out,
    ];
    expect(await run(args, c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/already holds a finished run; pass --resume to continue it or --overwrite to replace it/);
    const foreign = tmp('my-notes');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    expect(await run([...args.slice(0, -1), foreign], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/is a non-empty folder that is not a contrastive-graph run/);
    expect(spy).not.toHaveBeenCalled();
    expect(await run([...args, '--overwrite', '--epochs', '2', '--json'], c.io)).toBe(0);
    expect(spy).toHaveBeenCalledTimes(4);
    expect(JSON.parse(c.out.at(-1)!).epochs).toBe(2);
    expect(csv(join(out, 'losses.csv'))).toHaveLength(4);
    spy.mockRestore();
    const r = capture();
    expect(await run(['train', '--method', 'graphcl', '--resume', '--out', tmp('nothing-here'), '--backend', 'cpu'], r.io)).toBe(2);
    expect(r.err.join('\n')).toMatch(/holds no run to resume/);
    await tf.setBackend('cpu');
  });
  it('a GraphCL run killed mid-epoch resumes at its last step checkpoint and ends like an uninterrupted run', async () => {
    // 24 molecules, batch 8 → 3 steps per epoch; 2 epochs. The 5th step (step 2 of epoch 2) dies.
    const base = [
      'train',
      '--method',
      'graphcl',
      '--limit',
      '24',
      '--epochs',
      '2',
      '--batch-size',
      '8',
      '--hidden',
      '8',
      '--layers',
      '1',
      '--backend',
      'wasm',
      '--no-progress',
      '--json',
      '--checkpoint-every',
      '1',
    ];
    const fullOut = tmp('graphcl-full');
    const full = capture();
    expect(await run([...base, '--out', fullOut], full.io)).toBe(0);
    const want = JSON.parse(full.out.at(-1)!);

    const out = tmp('graphcl-killed');
    const real = GraphCL.prototype.step;
    let calls = 0;
    const spy = vi.spyOn(GraphCL.prototype, 'step').mockImplementation(function (this: GraphCL, ...a) {
      calls += 1;
      if (calls === 5) throw new Error('killed');
      return real.apply(this, a as never);
    });
    const killed = capture();
    expect(await run([...base, '--out', out], killed.io)).toBe(1);
    expect(killed.err.join('\n')).toMatch(/killed/);
    const { meta } = JSON.parse(readFileSync(join(out, 'checkpoint', 'checkpoint.json'), 'utf8')) as {
      meta: { epoch: number; stepInEpoch: number };
    };
    expect({ epoch: meta.epoch, stepInEpoch: meta.stepInEpoch }).toEqual({ epoch: 1, stepInEpoch: 1 });

    calls = 100;
    const resumed = capture();
    // Only --resume and --out: the rest comes from run.json.
    expect(await run(['train', '--resume', '--out', out, '--backend', 'wasm', '--no-progress', '--json'], resumed.io)).toBe(0);
    expect(calls - 100).toBe(2); // steps 2 and 3 of epoch 2 only
    expect(resumed.err.join('\n')).toContain(`resumed from '${join(out, 'checkpoint')}' at step 1 of epoch 2/2 (global step 4)`);
    const got = JSON.parse(resumed.out.at(-1)!);
    expect([got.epochs, got.steps]).toEqual([2, 6]);
    expect(got.finalLoss).toBeCloseTo(want.finalLoss, 5);
    const gotLosses = csv(join(out, 'losses.csv'));
    const wantLosses = csv(join(fullOut, 'losses.csv'));
    expect(gotLosses).toHaveLength(6);
    for (let i = 0; i < 6; i++) expect(gotLosses[i]).toBeCloseTo(wantLosses[i]!, 5);
    expect(got.metrics.probeAccuracy).toBe(want.metrics.probeAccuracy);
    spy.mockRestore();

    // A finished run continues for more epochs; run.json records the new total.
    const more = capture();
    expect(await run(['train', '--resume', '--out', out, '--epochs', '3', '--backend', 'wasm', '--no-progress', '--json'], more.io)).toBe(
      0,
    );
    expect(JSON.parse(more.out.at(-1)!)).toMatchObject({ epochs: 3, steps: 9 });
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).config.epochs).toBe(3);

    // A flag that shaped the run must match run.json on --resume.
    const c = capture();
    expect(await run(['train', '--resume', '--out', out, '--hidden', '16', '--backend', 'cpu'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--resume: .* was trained with --hidden 8, not --hidden 16/);
    await tf.setBackend('cpu');
  });
  it('trains CG3 on the karate club and reports it beside the plain GCN baseline', async () => {
    const c = capture();
    const out = tmp('cg3');
    const args = [
      'train',
      '--method',
      'cg3',
      '--epochs',
      '3',
      '--hidden',
      '8',
      '--repeats',
      '2',
      '--backend',
      'cpu',
      '--no-progress',
      '--json',
      '--out',
      out,
    ];
    expect(await run(args, c.io)).toBe(0);
    expect(c.out).toHaveLength(1);
    const s = JSON.parse(c.out[0]!);
    expect(s).toMatchObject({
      method: 'cg3',
      domain: 'graph',
      epochs: 3,
      steps: 6,
      metrics: { nodes: 34, labelsPerClass: 20, trainNodes: 16, validationNodes: 6, testNodes: 12, repeats: 2, data: 'karate' },
    });
    expect(s.metrics.accuracy).toBeGreaterThanOrEqual(0);
    expect(typeof s.baselines.gcn.accuracy).toBe('number');
    for (const f of ['run.json', 'checkpoint/seed-0/checkpoint.json', 'checkpoint/seed-1/checkpoint.json', 'losses.csv', 'summary.json'])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(csv(join(out, 'losses.csv'))).toHaveLength(3);
    const e = capture();
    expect(await run(['eval', '--checkpoint', out], e.io)).toBe(2);
    expect(e.err.join('\n')).toMatch(/cg3 is evaluated at the end of 'train'/);
  });
  it('sampleLabels keeps k nodes per class', () => {
    const truth = Int32Array.from([0, 0, 0, 1, 1, 1, 1]);
    const l = sampleLabels(truth, 2, 3);
    expect(Array.from(l).filter((y) => y === 0).length).toBe(2);
    expect(Array.from(l).filter((y) => y === 1).length).toBe(2);
    l.forEach((y, i) => y >= 0 && expect(y).toBe(truth[i]));
  });
});
