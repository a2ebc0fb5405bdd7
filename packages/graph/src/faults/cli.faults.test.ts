/**
 * CLI fault cases of contrastive-graph: refusals before training (items 2, 9), divergence (item 5), a
 * 1,000-atom SMILES (item 9) and a one-class probe (item 10). Earlier run files are compared byte for byte.
 */
import '@tensorflow/tfjs-backend-wasm';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { faultCase, faultTitle, useLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { loadRDKit } from '../chem/load-rdkit.js';
import { moleculeGraph } from '../chem/featurize.js';
import { run } from '../cli/main.js';
import { parseMolecules } from '../data/molecules.js';
import { FAULT_CASES } from './cases.js';

const tmp = useTempDir('graph-faults-cli-');
const row = (id: string) => faultTitle(faultCase(FAULT_CASES, id));
function capture(): { out: string[]; err: string[]; io: { out: (s: string) => void; err: (s: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s) => out.push(s), err: (s) => err.push(s) } };
}

/** SHA-256 of every file under `dir` (relative path → hash). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, `${rel}${name}/`);
      else out[`${rel}${name}`] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

useLeakCheck({ backend: 'wasm' });

const SMALL_GRAPHCL = ['--method', 'graphcl', '--limit', '9', '--batch-size', '8', '--hidden', '8', '--layers', '1', '--backend', 'wasm'];

describe('contrastive-graph: nothing lost, nothing silent', () => {
  it(row('graph/train-existing-run'), async () => {
    const out = tmp('finished');
    const c = capture();
    expect(await run(['train', ...SMALL_GRAPHCL, '--epochs', '1', '--no-progress', '--out', out], c.io), c.err.join('\n')).toBe(0);
    const before = snapshot(out);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['checkpoint/checkpoint.json', 'run.json', 'summary.json']));
    for (const extra of [[], ['--epochs', '2'], ['--lr', '0.5']]) {
      const again = capture();
      expect(await run(['train', ...SMALL_GRAPHCL, '--no-progress', ...extra, '--out', out], again.io)).toBe(2);
      expect(again.err.join('\n')).toMatch(/already holds a finished run; pass --resume to continue it or --overwrite to replace it/);
    }
    expect(snapshot(out)).toEqual(before);
  });

  for (const [id, method] of [
    ['graph/diverging-lr-graphcl', SMALL_GRAPHCL],
    ['graph/diverging-lr-cg3', ['--method', 'cg3', '--hidden', '8', '--backend', 'wasm']],
  ] as const) {
    it(row(id), async () => {
      const out = tmp(id.replace('graph/', ''));
      const first = capture();
      // One step at lr 1e9: its loss is finite (computed before the update), its checkpoint too (huge weights).
      const args = ['train', ...method, '--lr', '1e9', '--epochs', '1', '--checkpoint-every', '1', '--no-progress', '--out', out];
      expect(await run(args, first.io), first.err.join('\n')).toBe(0);
      const before = snapshot(out);
      const c = capture();
      expect(await run(['train', '--resume', '--out', out, '--epochs', '5', '--no-progress', '--json'], c.io)).toBe(1);
      const err = c.err.join('\n');
      expect(err).toMatch(/training diverged: the loss is (NaN|-?Infinity) at step 1 of epoch 2 \(global step 2\)/);
      expect(err).toMatch(/learning rate too high/);
      expect(c.out).toEqual([]);
      // The run's files as they were: no NaN checkpoint, model or summary written over them. (run.json records
      // the new --epochs total before training, and losses.csv / the curve keep the NaN step for diagnosis.)
      const after = snapshot(out);
      const kept = Object.keys(before).filter((f) => !['run.json', 'losses.csv', 'loss-curve.png'].includes(f));
      expect(kept).toEqual(expect.arrayContaining(['checkpoint/checkpoint.json', 'summary.json']));
      for (const file of kept) expect(after[file], file).toBe(before[file]);
      expect(readFileSync(join(out, 'losses.csv'), 'utf8')).toMatch(/\n2,NaN\n?$/);
      expect(Object.keys(after).filter((f) => f.startsWith('checkpoint/'))).toEqual(
        Object.keys(before).filter((f) => f.startsWith('checkpoint/')),
      );
    });
  }

  it(row('graph/flag-ranges'), async () => {
    for (const [flag, value, method, expected] of [
      ['temperature', '0', 'graphcl', 'a number > 0'],
      ['temperature', '0', 'cg3', 'a number > 0'],
      ['aug-ratio', '2', 'graphcl', 'a number in [0, 1)'],
      ['dropout', '1.5', 'cg3', 'a number in [0, 1)'],
    ] as const) {
      const c = capture();
      const out = tmp(`flags-${flag}-${method}`);
      expect(await run(['train', '--method', method, `--${flag}`, value, '--out', out], c.io)).toBe(2);
      expect(c.err.join('\n')).toContain(`--${flag} must be ${expected}, got '${value}'`);
      expect(existsSync(out), 'nothing written').toBe(false);
    }
  });

  it(row('graph/smiles-1000-atom-chain'), async () => {
    const file = tmp('long-chain.csv');
    writeFileSync(file, `smiles,y\nCCO,1\n${'C'.repeat(1000)},0\nc1ccccc1,1\n`);
    const c = capture();
    const out = tmp('long-chain-run');
    expect(await run(['train', ...SMALL_GRAPHCL.slice(0, 2), '--data', file, '--no-progress', '--out', out], c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(
      /long-chain\.csv:3: SMILES 'C{57}\.\.\.' \(1000 characters\) writes 1000 atoms, over the 500 this package hands to RDKit/,
    );
    // RDKit was never handed the chain: it still works in this process.
    const rdkit = await loadRDKit();
    expect(moleculeGraph(rdkit, 'CCO').numNodes).toBe(3);
    expect(() => parseMolecules(rdkit, `smiles\n${'C'.repeat(501)}\n`, 'm.csv')).toThrow(
      expect.objectContaining({ code: 'ETOOLARGE', file: 'm.csv:2' }),
    );
    expect(parseMolecules(rdkit, `smiles\n${'C'.repeat(500)}\n`, 'm.csv').graphs[0]!.numNodes).toBe(500);
  });

  it(row('graph/one-class-probe'), async () => {
    const c = capture();
    const args = [
      'train',
      ...SMALL_GRAPHCL,
      '--threshold',
      '100',
      '--epochs',
      '1',
      '--no-progress',
      '--json',
      '--out',
      tmp('one-class-probe'),
    ];
    expect(await run(args, c.io), c.err.join('\n')).toBe(0);
    const s = JSON.parse(c.out.at(-1)!);
    expect(s.metrics.probeAccuracy).toBeUndefined();
    expect(s.baselines).toEqual({});
    expect(s.notes.join('\n')).toMatch(/no linear probe: the probe task \(pIC50 >= 100\) has 0 of 9 molecule\(s\) in class 1/);
    expect(c.err.join('\n')).toMatch(/warning: no linear probe/);
  });
});
