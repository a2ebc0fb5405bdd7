import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { run } from './main.js';

const tmp = useTempDir('contrastive-graph-molsplit-');
function capture(): { out: string[]; err: string[]; io: { out: (s: string) => void; err: (s: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s) => out.push(s), err: (s) => err.push(s) } };
}

useCpuLeakCheck();

// 20 molecules, 20 different scaffolds: the scaffold split (groups of one, ties by the larger first index
// first) puts molecules 19..4 in train, 3 and 2 in valid, 1 and 0 in test; the values alternate so the
// median threshold (7.01) makes the odd rows class 1 and the test side holds both classes.
const SMILES = [
  'Cc1ccccc1',
  'Cc1ccncc1',
  'OC1CCCCC1',
  'NC1CCCC1',
  'CCC1CC1',
  'C1CCC1',
  'c1ccc2ccccc2c1',
  'c1ccoc1',
  'c1ccsc1',
  'c1cc[nH]c1',
  'C1CCNCC1',
  'C1CCOCC1',
  'C1COCCN1',
  'c1cnccn1',
  'c1ncncn1',
  'c1ccc(cc1)-c1ccccc1',
  'C1CCCCCC1',
  'c1ccc2[nH]ccc2c1',
  'O=C1CCCCC1',
  'c1cnc2ccccc2c1',
];
function table(): string {
  const f = tmp('mols.csv');
  writeFileSync(f, `smiles,y\n${SMILES.map((s, i) => `${s},${i % 2 ? 7 + i / 100 : 5 + i / 100}`).join('\n')}\n`);
  return f;
}
const small = ['--epochs', '1', '--batch-size', '8', '--hidden', '8', '--layers', '1', '--backend', 'cpu', '--no-progress', '--json'];

describe('molecule probe split (--split scaffold|random) and ROC-AUC', () => {
  it('defaults to the scaffold split, reports ROC-AUC beside accuracy and records the split; eval reuses it', async () => {
    const data = table();
    const out = tmp('scaffold');
    const c = capture();
    expect(await run(['train', '--method', 'graphcl', '--data', data, '--value-column', 'y', ...small, '--out', out], c.io)).toBe(0);
    const s = JSON.parse(c.out[0]!);
    expect(s.metrics).toMatchObject({ split: 'scaffold', probeTrain: 16, probeValid: 2, probeTest: 2, scaffolds: 20, threshold: 7.01 });
    for (const scores of [s.metrics, s.baselines.randomInit]) {
      expect(scores.probeRocAuc).toBeGreaterThanOrEqual(0);
      expect(scores.probeRocAuc).toBeLessThanOrEqual(1);
      // Two test molecules, one per class: accuracy is 0, ½ or 1 and the AUC is 0, ½ or 1.
      expect([0, 0.5, 1]).toContain(scores.probeAccuracy);
      expect([0, 0.5, 1]).toContain(scores.probeRocAuc);
    }
    expect(s.notes.join(' ')).toMatch(/scaffold split \(Bemis-Murcko, deepchem's ScaffoldSplitter 0\.8\/0\.1\/0\.1\)/);
    expect(c.err.join('\n')).toMatch(/scaffold split: 20 scaffolds; probe train 16, valid 2, test 2/);
    const config = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).config;
    expect(config.split).toBe('scaffold');
    expect(config['test-fraction']).toBeUndefined();

    const e = capture();
    expect(await run(['eval', '--checkpoint', out, '--backend', 'cpu', '--json'], e.io)).toBe(0);
    const ev = JSON.parse(e.out[0]!);
    expect(ev.metrics.split).toBe('scaffold');
    expect(ev.metrics.probeRocAuc).toBe(s.metrics.probeRocAuc);
    expect(ev.baselines).toEqual(s.baselines);

    // eval --split random probes the same checkpoint on the seeded random split (20 · 0.2 = 4 test molecules).
    const r = capture();
    expect(await run(['eval', '--checkpoint', out, '--split', 'random', '--backend', 'cpu', '--json'], r.io)).toBe(0);
    expect(JSON.parse(r.out[0]!).metrics).toMatchObject({ split: 'random', probeTrain: 16, probeTest: 4 });

    // A run recorded before the scaffold split (no `split`, test-fraction 0.2) is evaluated on its random split.
    const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    delete record.config.split;
    record.config['test-fraction'] = 0.25;
    writeFileSync(join(out, 'run.json'), JSON.stringify(record));
    const legacy = capture();
    expect(await run(['eval', '--checkpoint', out, '--backend', 'cpu', '--json'], legacy.io)).toBe(0);
    const lv = JSON.parse(legacy.out[0]!).metrics;
    expect(lv).toMatchObject({ split: 'random', probeTrain: 15, probeTest: 5 });
    expect(lv.probeValid).toBeUndefined();
    await tf.setBackend('cpu');
  });

  it('--split random holds out --test-fraction (seeded) and records both', async () => {
    const data = table();
    const out = tmp('random');
    const c = capture();
    const args = ['train', '--method', 'graphcl', '--data', data, '--value-column', 'y', '--split', 'random', '--test-fraction', '0.3'];
    expect(await run([...args, ...small, '--out', out], c.io)).toBe(0);
    const s = JSON.parse(c.out[0]!);
    expect(s.metrics).toMatchObject({ split: 'random', probeTrain: 14, probeTest: 6 });
    expect(s.metrics.probeValid).toBeUndefined();
    expect(typeof s.metrics.probeRocAuc).toBe('number');
    expect(typeof s.baselines.randomInit.probeRocAuc).toBe('number');
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).config).toMatchObject({ split: 'random', 'test-fraction': 0.3 });
    await tf.setBackend('cpu');
  });

  it('reports no ROC-AUC, with a note, when the test side holds one class', async () => {
    const f = tmp('one-class-test.csv');
    // Molecules 0 and 1 (the test side) are both class 0.
    writeFileSync(f, `smiles,y\n${SMILES.map((s, i) => `${s},${i < 2 ? 1 : i}`).join('\n')}\n`);
    const c = capture();
    expect(await run(['train', '--method', 'graphcl', '--data', f, '--value-column', 'y', ...small, '--out', tmp('one')], c.io)).toBe(0);
    const s = JSON.parse(c.out[0]!);
    expect(s.metrics.probeRocAuc).toBeUndefined();
    expect(typeof s.metrics.probeAccuracy).toBe('number');
    expect(s.notes.join(' ')).toMatch(/no ROC-AUC: the probe's 2 test molecule\(s\) are all in class 0/);
    await tf.setBackend('cpu');
  });

  it('refuses a bad --split, --test-fraction without --split random, and a scaffold split with an empty side', async () => {
    const data = table();
    const c = capture();
    expect(await run(['train', '--method', 'graphcl', '--data', data, '--value-column', 'y', '--split', 'cluster', ...small], c.io)).toBe(
      2,
    );
    expect(c.err.join('\n')).toMatch(/--split must be one of scaffold, random, got 'cluster'/);
    const out = tmp('tf');
    const t = capture();
    expect(
      await run(
        ['train', '--method', 'graphcl', '--data', data, '--value-column', 'y', '--test-fraction', '0.3', ...small, '--out', out],
        t.io,
      ),
    ).toBe(2);
    expect(t.err.join('\n')).toMatch(
      /--test-fraction applies to --split random; the scaffold split uses deepchem's fixed 0\.8\/0\.1\/0\.1/,
    );
    expect(existsSync(join(out, 'run.json'))).toBe(false);
    expect(await run(['train', '--method', 'cg3', '--split', 'random'], t.io)).toBe(2);
    expect(t.err.join('\n')).toMatch(/--split does not apply to cg3/);
    // Four molecules with one scaffold: one group, larger than the train cut (3.2) and the valid cut (3.6): all test.
    const f = tmp('one-scaffold.csv');
    writeFileSync(f, 'smiles,y\nCc1ccccc1,1\nCCc1ccccc1,2\nOc1ccccc1,3\nNc1ccccc1,4\n');
    const g = capture();
    expect(await run(['train', '--method', 'graphcl', '--data', f, '--value-column', 'y', ...small, '--out', tmp('g')], g.io)).toBe(1);
    expect(g.err.join('\n')).toMatch(
      /one-scaffold\.csv: the scaffold split of 4 probed molecule\(s\) \(1 scaffolds\) leaves no train molecule \(whole scaffold groups go to one side\); use a larger table or --split random/,
    );
  });
});
