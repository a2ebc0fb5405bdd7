import { describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { batchGraphs, unbatch } from './batch.js';
import type { Graph } from './graph.js';
import { fromUndirectedEdges, validateGraph } from './graph.js';
import { karateClub } from './karate-club.js';
import { disposeGraphTensors, toTensors } from './tensors.js';

function triangle(): Graph {
  return {
    numNodes: 3,
    numFeatures: 2,
    x: Float32Array.from([1, 2, 3, 4, 5, 6]),
    edgeIndex: Int32Array.from([0, 1, 2, 1, 2, 0]),
    edgeAttr: Float32Array.from([1, 0, 0, 1, 1, 1]),
    numEdgeFeatures: 2,
    y: 1,
  };
}
function path2(): Graph {
  return {
    numNodes: 2,
    numFeatures: 2,
    x: Float32Array.from([7, 8, 9, 10]),
    edgeIndex: Int32Array.from([0, 1, 1, 0]),
    edgeAttr: Float32Array.from([0, 1, 0, 1]),
    numEdgeFeatures: 2,
    y: 0,
  };
}

useCpuLeakCheck();

describe('Graph validation', () => {
  it('names the out-of-range edge', () => {
    const g = triangle();
    g.edgeIndex = Int32Array.from([0, 1, 2, 1, 5, 0]);
    expect(() => validateGraph(g, 'mol')).toThrow(/mol\.edgeIndex: edge 1 \(1 -> 5\).*\[0, 2\]/);
  });
  it('rejects an empty graph and wrong feature length', () => {
    expect(() => validateGraph({ numNodes: 0, numFeatures: 1, x: new Float32Array(0), edgeIndex: new Int32Array(0) })).toThrow(/empty/);
    const g = triangle();
    g.x = new Float32Array(5);
    expect(() => validateGraph(g)).toThrow(/numNodes\*numFeatures = 3\*2 = 6/);
    const h = triangle();
    h.edgeAttr = new Float32Array(4);
    expect(() => validateGraph(h)).toThrow(/edgeAttr/);
  });
  it('fromUndirectedEdges stores both directions once and rejects bad pairs', () => {
    const g = fromUndirectedEdges(3, [
      [0, 1],
      [1, 0],
      [1, 2],
      [2, 2],
    ]);
    expect(g.edgeIndex.length / 2).toBe(4);
    expect(() => fromUndirectedEdges(3, [[0, 3]])).toThrow(/edge 0 \(0 -> 3\)/);
  });
});

describe('batchGraphs / unbatch', () => {
  it('offsets edges, builds batch and ptr, and round-trips', () => {
    const b = batchGraphs([triangle(), path2(), triangle()]);
    expect(b.numNodes).toBe(8);
    expect(Array.from(b.ptr)).toEqual([0, 3, 5, 8]);
    expect(Array.from(b.batch)).toEqual([0, 0, 0, 1, 1, 2, 2, 2]);
    const e = b.edgeIndex.length / 2;
    expect(e).toBe(8);
    expect(Array.from(b.edgeIndex.subarray(0, e))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(b.edgeIndex.subarray(e))).toEqual([1, 2, 0, 4, 3, 6, 7, 5]);
    expect(Array.from(b.y!)).toEqual([1, 0, 1]);
    const back = unbatch(b);
    expect(back).toEqual([triangle(), path2(), triangle()]);
  });
  it('rejects mismatched feature widths naming the graph', () => {
    const p = path2();
    p.numFeatures = 1;
    p.x = new Float32Array(2);
    expect(() => batchGraphs([triangle(), p])).toThrow(/graphs\[1\]\.numFeatures/);
    expect(() => batchGraphs([])).toThrow(/non-empty/);
  });
  it('toTensors builds GCN weights and padding, and frees them', () => {
    const t = toTensors(batchGraphs([triangle(), path2()]));
    expect(t.x.shape).toEqual([5, 2]);
    expect(t.gcn.weight.shape).toEqual([5 + 5, 1]);
    expect(t.pad.maxNodes).toBe(3);
    expect(Array.from(t.pad.index.dataSync())).toEqual([0, 1, 2, 3, 4, 0]);
    // the triangle is a directed 3-cycle: in-degree 1 + self-loop = 2, so every weight is 1/2.
    expect(t.gcn.weight.dataSync()[0]).toBeCloseTo(1 / 2, 6);
    disposeGraphTensors(t);
  });
});

describe('karateClub', () => {
  it('has 34 nodes, 78 undirected edges and two 17-member factions', () => {
    const g = karateClub();
    expect(g.numNodes).toBe(34);
    expect(g.edgeIndex.length / 2).toBe(156);
    const ones = Array.from(g.nodeLabels!).filter((v) => v === 1).length;
    expect(ones).toBe(17);
    const deg = new Array(34).fill(0);
    for (let k = 0; k < 156; k++) deg[g.edgeIndex[k]!]++;
    expect(deg[0]).toBe(16);
    expect(deg[33]).toBe(17);
    expect(deg[32]).toBe(12);
  });
});
