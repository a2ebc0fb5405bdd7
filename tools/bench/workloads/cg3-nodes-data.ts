/**
 * The `cg3-nodes` benchmark graph, deterministic from (N, seed), and the folder the PyTorch twin
 * (tools/bench/torch/cg3_nodes.py) reads it from.
 *
 * A planted-partition stochastic block model shaped like a citation graph with bag-of-words features:
 * C = 10 classes (node i has class i mod 10), mean degree ≈ 10 (5·N undirected pairs drawn: a uniform
 * endpoint u, then with probability 0.7 a partner of u's class, else a uniform partner; self-loops and
 * repeats dropped), F = 500 binary word features with ≈ 20 non-zeros per node (20 word draws, each from
 * the node's class block of 50 words with probability 0.5, else uniform over all 500; repeats merge), and
 * 20 training labels per class (fewer on tiny graphs: at most half of each class, so N = 200 keeps 10).
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rng } from '@contrastive/core';
import { createRng } from '@contrastive/core';
import { writeFileAtomic } from '@contrastive/core/node';
import type { CoarseLevel, Graph } from '@contrastive/graph';
import { fromUndirectedEdges, sampleLabels, validateGraph } from '@contrastive/graph';
import type { CsrMatrix } from '../../../packages/graph/src/data/csr.js';
import { csrFromCoo, csrToDense } from '../../../packages/graph/src/data/csr.js';

/** Classes of the block model. */
export const CG3_BENCH_CLASSES = 10;
/** Target mean degree (undirected pairs drawn = N · degree / 2, before removing repeats). */
export const CG3_BENCH_DEGREE = 10;
/** Share of pairs drawn inside a class. */
export const CG3_BENCH_P_IN = 0.7;
/** Vocabulary size F. */
export const CG3_BENCH_WORDS = 500;
/** Word draws per node (≈ non-zeros per row). */
export const CG3_BENCH_DRAWS = 20;
/** Share of word draws from the node's class block. */
export const CG3_BENCH_P_TOPIC = 0.5;
/** Training labels per class (Planetoid's 20). */
export const CG3_BENCH_LABELS_PER_CLASS = 20;

/** The benchmark graph: sparse features, the truth of every node, the training labels (−1 = unlabelled). */
export interface Cg3BenchData {
  graph: Graph & { xSparse: CsrMatrix };
  truth: Int32Array;
  labels: Int32Array;
  numClasses: number;
  seed: number;
}

function wordsOf(c: number, rng: Rng): number[] {
  const block = CG3_BENCH_WORDS / CG3_BENCH_CLASSES;
  const words = new Set<number>();
  for (let k = 0; k < CG3_BENCH_DRAWS; k++)
    words.add(rng.uniform() < CG3_BENCH_P_TOPIC ? c * block + rng.int(block) : rng.int(CG3_BENCH_WORDS));
  return [...words];
}

/** The block-model graph of `numNodes` (≥ 2·C) nodes drawn from `seed` (see the file doc). */
export function cg3BenchGraph(numNodes: number, seed = 0): Cg3BenchData {
  const C = CG3_BENCH_CLASSES;
  if (!Number.isInteger(numNodes) || numNodes < 2 * C)
    throw new RangeError(`cg3-nodes: numNodes must be an integer >= ${2 * C}, got ${numNodes}`);
  const rng = createRng(seed);
  const truth = Int32Array.from({ length: numNodes }, (_, i) => i % C);
  const classSize = (c: number) => Math.ceil((numNodes - c) / C);
  const pairs: [number, number][] = [];
  const draws = Math.round((numNodes * CG3_BENCH_DEGREE) / 2);
  for (let k = 0; k < draws; k++) {
    const u = rng.int(numNodes);
    const c = u % C;
    const v = rng.uniform() < CG3_BENCH_P_IN ? c + C * rng.int(classSize(c)) : rng.int(numNodes);
    pairs.push([u, v]);
  }
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < numNodes; i++) {
    for (const w of wordsOf(truth[i]!, rng)) {
      rows.push(i);
      cols.push(w);
    }
  }
  const xSparse = csrFromCoo(numNodes, CG3_BENCH_WORDS, rows, cols, new Float32Array(rows.length).fill(1));
  // Edges through the package's builder (dedup, both directions); features are attached sparse afterwards.
  const edges = fromUndirectedEdges(numNodes, pairs, { features: new Float32Array(0), numFeatures: 0 });
  const graph = { ...edges, numFeatures: CG3_BENCH_WORDS, x: new Float32Array(0), xSparse };
  validateGraph(graph, 'cg3-nodes graph');
  const perClass = Math.min(CG3_BENCH_LABELS_PER_CLASS, Math.floor(numNodes / C / 2));
  return { graph, truth, labels: sampleLabels(truth, perClass, seed), numClasses: C, seed };
}

/** How the features are fed: `BENCH_CG3_FEATURES` = `sparse` (default, `Graph.xSparse`) or `dense`. */
export function featureMode(): 'sparse' | 'dense' {
  const mode = process.env['BENCH_CG3_FEATURES'] ?? 'sparse';
  if (mode !== 'sparse' && mode !== 'dense') throw new RangeError(`BENCH_CG3_FEATURES must be sparse or dense, got '${mode}'`);
  return mode;
}

/** The graph with sparse features as generated, or with dense `x` `[N, F]` (200 MB at 10^5 nodes). */
export function withFeatures(data: Cg3BenchData, mode: 'sparse' | 'dense'): Graph {
  if (mode === 'sparse') return data.graph;
  const { xSparse: _sparse, ...rest } = data.graph;
  return { ...rest, x: csrToDense(data.graph.xSparse) };
}

/**
 * Folder of the graph of `numNodes` nodes shared with the PyTorch twin: `$BENCH_CG3_DIR/n<N>`, default
 * `<os tmpdir>/contrastive-bench/cg3-nodes/n<N>` (Python's `tempfile.gettempdir()` resolves the same root).
 */
export function cg3BenchDir(numNodes: number): string {
  return join(process.env['BENCH_CG3_DIR'] ?? join(tmpdir(), 'contrastive-bench', 'cg3-nodes'), `n${numNodes}`);
}

const bytes = (a: Int32Array | Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Writes `data` and the coarsening hierarchy our CG3 built on it (`levels`, its global view's) to `dir` as
 * little-endian binaries plus `meta.json` (written last, so a folder with `meta.json` is complete):
 * `edge_index.i32` `[2, E]`, `x_rowptr.i32` `[N+1]`, `x_col.i32` / `x_val.f32` `[nnz]`, `labels.i32` `[N]`
 * (training labels, −1 = unlabelled), `truth.i32` `[N]`, and per level l `level<l>_cluster.i32` `[n_l]`,
 * `level<l>_edge_index.i32` `[2, E_l]`, `level<l>_edge_weight.f32` `[E_l]`. Every file is written
 * atomically; the folder is the benchmark's own scratch space (regenerated deterministically each run).
 */
export async function writeCg3Bench(dir: string, data: Cg3BenchData, levels: readonly CoarseLevel[], contrastNodes: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { graph } = data;
  const files: [string, Int32Array | Float32Array][] = [
    ['edge_index.i32', graph.edgeIndex],
    ['x_rowptr.i32', graph.xSparse.rowPtr],
    ['x_col.i32', graph.xSparse.colIdx],
    ['x_val.f32', graph.xSparse.values],
    ['labels.i32', data.labels],
    ['truth.i32', data.truth],
  ];
  levels.forEach((lv, l) => {
    files.push(
      [`level${l}_cluster.i32`, lv.cluster],
      [`level${l}_edge_index.i32`, lv.edgeIndex],
      [`level${l}_edge_weight.f32`, lv.edgeWeight],
    );
  });
  for (const [name, arr] of files) await writeFileAtomic(join(dir, name), bytes(arr));
  const meta = {
    generator: 'tools/bench/workloads/cg3-nodes-data.ts',
    seed: data.seed,
    numNodes: graph.numNodes,
    numFeatures: graph.numFeatures,
    numClasses: data.numClasses,
    numEdges: graph.edgeIndex.length / 2,
    nnz: graph.xSparse.colIdx.length,
    labelled: data.labels.filter((y) => y >= 0).length,
    contrastNodes,
    levels: levels.map((lv) => ({ numClusters: lv.numClusters, numEdges: lv.edgeWeight.length })),
  };
  await writeFileAtomic(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
}
