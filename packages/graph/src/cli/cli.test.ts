import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GraphCL } from '../methods/graphcl.js';
import { run } from './main.js';
import { sampleLabels } from './node-run.js';

const dir = mkdtempSync(join(tmpdir(), 'contrastive-graph-cli-'));
function capture(): { out: string[]; err: string[]; o: (s: string) => void; e: (s: string) => void } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, o: (s) => out.push(s), e: (s) => err.push(s) };
}

let before = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
  before = tf.memory().numTensors;
});
afterAll(() => {
  expect(tf.memory().numTensors).toBe(before);
});

describe('contrastive-graph CLI', () => {
  it('prints help documenting the input formats', async () => {
    const c = capture();
    expect(await run(['--help'], c.o, c.e)).toBe(0);
    expect(c.out.join('\n')).toMatch(/SMILES table/);
    expect(c.out.join('\n')).toMatch(/'u v' pair per line/);
  });
  it('usage errors exit 2 with a hint', async () => {
    const c = capture();
    expect(await run(['train', '--method', 'simclr'], c.o, c.e)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--method must be one of graphcl, joao, joaov2, mocl, cg3, got 'simclr'/);
    expect(await run(['train'], c.o, c.e)).toBe(2);
    expect(await run(['train', '--method', 'graphcl', '--epochs', 'x'], c.o, c.e)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--epochs must be an integer/);
  });
  it('names the line of an unparsable SMILES', async () => {
    const f = join(dir, 'bad.csv');
    writeFileSync(f, 'smiles,y\nCCO,1\nCC(=O)O,0\nC1CC(,1\n');
    const c = capture();
    expect(await run(['train', '--method', 'graphcl', '--data', f, '--value-column', 'y', '--backend', 'cpu', '--no-progress'], c.o, c.e)).toBe(1);
    expect(c.err.join('\n')).toMatch(/bad\.csv:4: cannot parse SMILES 'C1CC\('/);
  });
  it('rejects an out-of-range edge index, a malformed edge line and an empty edge list', async () => {
    const edges = join(dir, 'e.txt');
    const labels = join(dir, 'l.txt');
    writeFileSync(edges, '0 1\n1 2\n');
    writeFileSync(labels, '0 0\n1 1\n7 0\n');
    const c = capture();
    expect(await run(['train', '--method', 'cg3', '--edges', edges, '--labels', labels, '--backend', 'cpu'], c.o, c.e)).toBe(1);
    expect(c.err.join('\n')).toMatch(/l\.txt:3: expected 'node label' with node in \[0, 2\]/);
    writeFileSync(edges, '0 1\n1 x\n');
    expect(await run(['train', '--method', 'cg3', '--edges', edges, '--labels', labels, '--backend', 'cpu'], c.o, c.e)).toBe(1);
    expect(c.err.join('\n')).toMatch(/e\.txt:2: expected two non-negative integer node ids/);
    writeFileSync(edges, '# nothing\n');
    expect(await run(['train', '--method', 'cg3', '--edges', edges, '--labels', labels, '--backend', 'cpu'], c.o, c.e)).toBe(1);
    expect(c.err.join('\n')).toMatch(/no edges \(empty graph\)/);
  });
  it('trains GraphCL on a few shipped molecules and prints a JSON summary with the baseline', async () => {
    const c = capture();
    const args = ['train', '--method', 'graphcl', '--limit', '16', '--epochs', '1', '--batch-size', '8', '--hidden', '8', '--layers', '1', '--backend', 'wasm', '--no-progress', '--json'];
    expect(await run(args, c.o, c.e)).toBe(0);
    const s = JSON.parse(c.out.at(-1)!);
    expect(s.method).toBe('graphcl');
    expect(s.molecules).toBe(16);
    expect(s.epochLosses.length).toBe(1);
    expect(s.probe.accuracy).toBeGreaterThanOrEqual(0);
    expect(s.baseline.name).toBe('random-init encoder');
    expect(typeof s.baseline.probe.accuracy).toBe('number');
    await tf.setBackend('cpu');
  });
  it('a GraphCL run killed mid-epoch resumes at its last step checkpoint and ends like an uninterrupted run', async () => {
    // 24 molecules, batch 8 → 3 steps per epoch; 2 epochs. The 5th step (step 2 of epoch 2) dies.
    const base = ['train', '--method', 'graphcl', '--limit', '24', '--epochs', '2', '--batch-size', '8', '--hidden', '8', '--layers', '1', '--backend', 'wasm', '--no-progress', '--json'];
    const full = capture();
    expect(await run(base, full.o, full.e)).toBe(0);
    const want = JSON.parse(full.out.at(-1)!).epochLosses as number[];

    const ckpt = join(dir, 'graphcl-ckpt');
    const args = [...base, '--checkpoint', ckpt, '--checkpoint-every', '1'];
    const real = GraphCL.prototype.step;
    let calls = 0;
    const spy = vi.spyOn(GraphCL.prototype, 'step').mockImplementation(function (this: GraphCL, ...a) {
      calls += 1;
      if (calls === 5) throw new Error('killed');
      return real.apply(this, a as never);
    });
    const killed = capture();
    expect(await run(args, killed.o, killed.e)).toBe(1);
    expect(killed.err.join('\n')).toMatch(/killed/);
    const { meta } = JSON.parse(readFileSync(join(ckpt, 'checkpoint.json'), 'utf8')) as { meta: { epoch: number; stepInEpoch: number } };
    expect({ epoch: meta.epoch, stepInEpoch: meta.stepInEpoch }).toEqual({ epoch: 1, stepInEpoch: 1 });

    calls = 100;
    const resumed = capture();
    expect(await run([...args, '--resume'], resumed.o, resumed.e)).toBe(0);
    expect(calls - 100).toBe(2); // steps 2 and 3 of epoch 2 only
    expect(resumed.err.join('\n')).toContain(`resumed from '${ckpt}' at step 1 of epoch 2/2 (global step 4)`);
    const got = JSON.parse(resumed.out.at(-1)!).epochLosses as number[];
    expect(got).toHaveLength(2);
    for (let i = 0; i < 2; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
    spy.mockRestore();

    const c = capture();
    expect(await run(['train', '--method', 'graphcl', '--limit', '16', '--checkpoint-every', '2', '--backend', 'cpu'], c.o, c.e)).toBe(2);
    expect(await run(['train', '--method', 'graphcl', '--limit', '16', '--resume', '--backend', 'cpu'], c.o, c.e)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--checkpoint-every needs --checkpoint DIR[\s\S]*--resume needs --checkpoint DIR/);
    await tf.setBackend('cpu');
  });
  it('sampleLabels keeps k nodes per class', () => {
    const truth = Int32Array.from([0, 0, 0, 1, 1, 1, 1]);
    const l = sampleLabels(truth, 2, 3);
    expect(Array.from(l).filter((y) => y === 0).length).toBe(2);
    expect(Array.from(l).filter((y) => y === 1).length).toBe(2);
    l.forEach((y, i) => y >= 0 && expect(y).toBe(truth[i]));
  });
});
