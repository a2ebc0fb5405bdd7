import * as tf from '@tensorflow/tfjs';
import { createRng, initBackend, stepInfo } from '@contrastive/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit } from '../chem/load-rdkit.js';
import type { RDKit } from '../chem/rdkit.js';
import { CHEMBL2321810_PATH, loadMolecules } from '../data/molecule-files.js';
import { parseMolecules } from '../data/molecules.js';
import { MoCL } from './mocl.js';

let R: RDKit;
let before = 0;
beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false });
  before = tf.memory().numTensors;
  R = await loadRDKit();
});
afterAll(() => {
  expect(tf.memory().numTensors).toBe(before);
});

describe('molecule tables', () => {
  it('loads the shipped ChEMBL subset with pIC50 values', () => {
    const d = loadMolecules(R, CHEMBL2321810_PATH, { valueColumn: 'pIC50', limit: 20 });
    expect(d.graphs.length).toBe(20);
    expect(d.values![0]).toBe(5.48);
    expect(d.lines[0]).toBe(2);
  });
  it('names file and line of a bad SMILES, a bad value and a missing column', () => {
    expect(() => parseMolecules(R, 'smiles,y\nCCO,1\nC1CC(,2\n', 'm.csv', { valueColumn: 'y' })).toThrow(
      /m\.csv:3: cannot parse SMILES 'C1CC\('/,
    );
    expect(() => parseMolecules(R, 'smiles,y\nCCO,abc\n', 'm.csv', { valueColumn: 'y' })).toThrow(/m\.csv:2: value 'abc'/);
    expect(() => parseMolecules(R, 'smiles,y\nCCO,1\n', 'm.csv', { valueColumn: 'pIC50' })).toThrow(/value column 'pIC50' not found/);
    expect(() => parseMolecules(R, '\n# nothing\n', 'm.csv')).toThrow(/m\.csv: no molecules/);
  });
});

describe('MoCL', () => {
  it('computes dataset Tanimoto neighbours and trains with both global forms', () => {
    const d = loadMolecules(R, CHEMBL2321810_PATH, { limit: 24 });
    for (const globalLoss of ['cl', 'ls'] as const) {
      const m = new MoCL(R, d, { hidden: 16, layers: 2, projDim: 8, neighbours: 5, globalLoss, seed: 1 });
      expect(m.neighbourSets[3]!.length).toBe(5);
      expect(Array.from(m.neighbourSets[3]!)).toContain(3);
      expect(m.tanimoto[3 * 24 + 3]).toBe(1);
      const idx = Array.from({ length: 12 }, (_, i) => i);
      const w0 = m.encoder.convs[0]!.mlp1.weight.dataSync().slice();
      const l = m.step(
        idx.map((i) => d.graphs[i]!),
        stepInfo(0, { seed: 1 }),
      );
      expect(Number.isFinite(l.dataSync()[0]!)).toBe(true);
      l.dispose();
      expect(m.encoder.convs[0]!.mlp1.weight.dataSync()).not.toEqual(w0);
      const e = m.embed();
      expect(e.shape).toEqual([24, 16]);
      e.dispose();
      m.dispose();
    }
  });
  it('λ = 0 drops the global term (same seed, same views: the loss changes with λ)', () => {
    const d = loadMolecules(R, CHEMBL2321810_PATH, { limit: 16 });
    const idx = Array.from({ length: 16 }, (_, i) => i);
    const at = (lambda: number): number => {
      const m = new MoCL(R, d, { hidden: 8, layers: 2, projDim: 8, neighbours: 4, lambda, seed: 2 });
      const l = m.loss(idx, createRng(3));
      const v = l.dataSync()[0]!;
      l.dispose();
      m.dispose();
      return v;
    };
    const local = at(0);
    const both = at(5);
    expect(both).not.toBeCloseTo(local, 3);
    expect(() => new MoCL(R, { smiles: ['C'], graphs: [] })).toThrow(/>= 2 molecules/);
  });
});
