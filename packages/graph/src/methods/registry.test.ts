import { stepInfo, stepLoss } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { loadRDKit } from '../chem/load-rdkit.js';
import { karateClub } from '../data/karate-club.js';
import { CHEMBL2321810_PATH, loadMolecules } from '../data/molecule-files.js';
import { defaultRecipe, findGraphRecipe, RECIPES, splitRecipe } from '../recipes.js';
import { CG3 } from './cg3.js';
import { GCNBaseline } from './gcn-baseline.js';
import { GraphCLNode } from './graphcl-node.js';
import { GraphCL } from './graphcl.js';
import { JOAO } from './joao.js';
import { MoCL } from './mocl.js';
import { createMethod, graphLevelMethods, isNodeMethod, METHODS, nodeMethods } from './registry.js';
import type { NodeTask } from './node-task.js';
import { toyGraphs } from './test-utils/toy-graphs.js';

useCpuLeakCheck();

const labels = new Int32Array(34).fill(-1);
labels[0] = 0;
labels[33] = 1;
const task: NodeTask = { graph: karateClub(), labels, numClasses: 2 };

describe('graph method registry', () => {
  it('builds every CLI method by name, with the feature widths taken from the data', async () => {
    const graphs = toyGraphs(4, 1);
    const rdkit = await loadRDKit();
    const molecules = loadMolecules(rdkit, CHEMBL2321810_PATH, { limit: 8 });
    const built = {
      graphcl: createMethod('graphcl', { data: { graphs }, hidden: 8, layers: 1 }),
      joao: createMethod('joao', { data: { graphs }, hidden: 8, layers: 1 }),
      joaov2: createMethod('joaov2', { data: { graphs }, hidden: 8, layers: 1 }),
      mocl: createMethod('mocl', { data: molecules, rdkit, hidden: 8, layers: 1, neighbours: 3 }),
      cg3: createMethod('cg3', { task, hidden: 8 }),
      gcn: createMethod('gcn', { task, hidden: 8 }),
      mlp: createMethod('mlp', { task, hidden: 8 }),
      'graphcl-node': createMethod('graphcl-node', { task, hidden: 8 }),
    };
    try {
      expect(Object.keys(built)).toEqual([...METHODS]);
      expect(built.graphcl).toBeInstanceOf(GraphCL);
      expect(built.joao).toBeInstanceOf(JOAO);
      expect((built.joaov2 as JOAO).v2).toBe(true);
      expect(built.mocl).toBeInstanceOf(MoCL);
      expect(built.cg3).toBeInstanceOf(CG3);
      expect(built.gcn).toBeInstanceOf(GCNBaseline);
      expect(built.mlp).toBeInstanceOf(GCNBaseline);
      expect(built['graphcl-node']).toBeInstanceOf(GraphCLNode);
      for (const [name, m] of Object.entries(built)) expect(m.name).toBe(name);
      expect((built.cg3 as CG3).local.dims).toEqual([34, 8, 2]);
      expect(built.graphcl.encoder.config.inputDim).toBe(3);
      expect(built.mocl.encoder.config.edgeDim).toBe(5);
      stepLoss(built.graphcl.step(graphs, stepInfo(0))).dispose();
      stepLoss(built.cg3.step(task, stepInfo(0))).dispose();
      stepLoss(built.cg3.step({ ...task }, stepInfo(1))).dispose(); // the same graph and labels: fine
      expect(() => built.cg3.step({ ...task, labels: labels.slice() }, stepInfo(1))).toThrow(/the NodeTask the method was built with/);
    } finally {
      for (const m of Object.values(built)) m.dispose();
    }
  });
  it('refuses unknown names and missing inputs with the valid choices', () => {
    expect(() => createMethod('simclr', { data: { graphs: toyGraphs(2, 1) } })).toThrow(
      /unknown graph method 'simclr'; valid: 'graphcl', 'joao', 'joaov2', 'mocl', 'cg3', 'gcn', 'mlp', 'graphcl-node'/,
    );
    expect(() => createMethod('mocl', { data: { graphs: toyGraphs(2, 1) } })).toThrow(/mocl needs options.rdkit/);
    expect(isNodeMethod('cg3')).toBe(true);
    expect(isNodeMethod('graphcl')).toBe(false);
    expect(graphLevelMethods.names()).toEqual(['graphcl', 'joao', 'joaov2', 'mocl']);
    expect(nodeMethods.names()).toEqual(['cg3', 'gcn', 'mlp', 'graphcl-node']);
  });
  it('every method has its small recipe; every recipe names a registered method and builds it', () => {
    for (const name of METHODS) expect(defaultRecipe(name).method).toBe(name);
    for (const r of RECIPES) expect(METHODS as readonly string[]).toContain(r.method);
    expect(new Set(RECIPES.map((r) => r.name)).size).toBe(RECIPES.length);
    expect(() => findGraphRecipe('nope')).toThrow(/unknown graph recipe 'nope'/);
    const { methodOptions, epochs, batchSize } = splitRecipe(findGraphRecipe('graphcl-tu-paper'));
    expect([epochs, batchSize]).toEqual([20, 128]);
    const m = createMethod('graphcl', { ...methodOptions, data: { graphs: toyGraphs(2, 1) } }) as GraphCL;
    expect(m.encoder.outDim).toBe(96); // 3 layers × 32, concatenated
    m.dispose();
  });
});
