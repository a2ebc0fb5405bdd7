import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateGraph } from '../data/graph.js';
import { BIOISOSTERE_RULES } from './bioisosteres.js';
import { DomainAugmenter, applyRule } from './domain-augment.js';
import { ATOM_FEATURES, BOND_FEATURES, canonicalSmiles, moleculeGraph } from './featurize.js';
import { morganFingerprint, tanimoto, tanimotoMatrix, topNeighbours } from './fingerprints.js';
import type { RDKit } from './rdkit.js';
import { loadRDKit } from './load-rdkit.js';

let R: RDKit;
let before = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
  before = tf.memory().numTensors;
  R = await loadRDKit();
});
afterAll(() => {
  expect(tf.memory().numTensors).toBe(before);
});

function hasSub(smiles: string, sub: string): boolean {
  const m = R.get_mol(smiles)!;
  const q = R.get_qmol(sub)!;
  const hit = m.get_substruct_match(q) !== '{}';
  m.delete();
  q.delete();
  return hit;
}

describe('moleculeGraph', () => {
  it('featurises acetic acid: 4 atoms, 3 bonds as 6 directed edges, one-hot blocks', () => {
    const g = moleculeGraph(R, 'CC(=O)O');
    validateGraph(g);
    expect(g.numNodes).toBe(4);
    expect(g.edgeIndex.length / 2).toBe(6);
    expect(g.numFeatures).toBe(ATOM_FEATURES);
    expect(g.numEdgeFeatures).toBe(BOND_FEATURES);
    // atom 0 is a carbon with 3 H, degree 1
    expect(g.x[0]).toBe(1);
    expect(g.x[12 + 1]).toBe(1);
    expect(g.x[21 + 3]).toBe(1);
    // the C=O bond is a double bond
    const doubles = Array.from({ length: 6 }, (_, k) => g.edgeAttr![k * 5 + 1]).filter((v) => v === 1).length;
    expect(doubles).toBe(2);
    // every atom has exactly one element, degree, charge and H slot set
    for (let i = 0; i < 4; i++) expect(g.x.slice(i * 27, i * 27 + 25).reduce((s, v) => s + v, 0)).toBe(4);
  });
  it('marks aromatic ring bonds in benzene', () => {
    const g = moleculeGraph(R, 'c1ccccc1');
    for (let k = 0; k < 12; k++) {
      expect(g.edgeAttr![k * 5 + 3]).toBe(1);
      expect(g.edgeAttr![k * 5 + 4]).toBe(1);
    }
  });
  it('names the line of an unparsable SMILES and rejects empty input', () => {
    expect(() => moleculeGraph(R, 'C1CC(', 'mols.csv:7')).toThrow(/mols\.csv:7: cannot parse SMILES 'C1CC\('/);
    expect(() => moleculeGraph(R, '', 'x.csv:2')).toThrow(/x\.csv:2/);
  });
});

describe('fingerprints', () => {
  it('Tanimoto is 1 on itself, symmetric and lower for unrelated molecules', () => {
    const smi = ['c1ccccc1O', 'c1ccccc1N', 'CCCCCCCC'];
    const fps = smi.map((s) => morganFingerprint(R, s));
    expect(fps[0]!.length).toBe(2048);
    expect(tanimoto(fps[0]!, fps[0]!)).toBe(1);
    const m = tanimotoMatrix(fps);
    expect(m[1]).toBeCloseTo(tanimoto(fps[0]!, fps[1]!), 6);
    expect(m[3]).toBe(m[1]);
    expect(m[1]!).toBeGreaterThan(m[2]!);
    const nb = topNeighbours(m, 3, 2);
    expect(Array.from(nb[0]!)).toEqual([0, 1]);
  });
});

describe('bioisosteric substitution rules', () => {
  for (const rule of BIOISOSTERE_RULES) {
    it(`${rule.name}: valid product that keeps '${rule.example.keeps}' and gains '${rule.example.gains}'`, () => {
      const products = applyRule(R, rule, rule.example.input);
      expect(products.length).toBeGreaterThan(0);
      for (const p of products) {
        expect(canonicalSmiles(R, p)).toBe(p);
        expect(p).not.toBe(canonicalSmiles(R, rule.example.input));
      }
      expect(products.some((p) => hasSub(p, rule.example.keeps) && hasSub(p, rule.example.gains))).toBe(true);
      expect(hasSub(rule.example.input, rule.example.keeps)).toBe(true);
    });
  }
  it('DomainAugmenter: DK1 changes a molecule some rule fires on, leaves others unchanged, is seeded', () => {
    const aug = new DomainAugmenter(R);
    const acid = 'OC(=O)c1ccc(Cl)cc1';
    const ind = aug.ruleIndicator(acid);
    expect(ind[0]).toBeGreaterThan(0);
    const a = aug.augment(acid, createRng(1));
    expect(a).not.toBe(acid);
    expect(canonicalSmiles(R, a)).toBe(a);
    expect(aug.augment(acid, createRng(1))).toBe(a);
    expect(aug.augment('C', createRng(1))).toBe('C');
    const dk3 = aug.augment(acid, createRng(2), 3);
    expect(canonicalSmiles(R, dk3)).toBe(dk3);
  });
});
