import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@contrastive/core';
import type { Graph } from '../data/graph.js';
import { GCNConv } from '../layers/gcn.js';
import { dropoutInput, gcnMatrix } from '../layers/node-inputs.js';
import { SparseOperand } from '../layers/sparse-operand.js';
import type { CoarseLevel } from './coarsen.js';
import { coarsenHierarchy } from './coarsen.js';

interface LevelAdjacency {
  gcn: SparseOperand;
  numNodes: number;
}

function levelAdjacency(edgeIndex: Int32Array, n: number, weight?: Float32Array): LevelAdjacency {
  return { numNodes: n, gcn: new SparseOperand(gcnMatrix(edgeIndex, n, weight)) };
}

/**
 * CG3's global view: a hierarchical GCN in the spirit of H-GCN (Hu et al., IJCAI 2019). Coarsening
 * layers apply a GCN on level l and mean-pool each matched group into level l+1 (hybrid matching, see
 * `coarsen.ts`); symmetric refining layers copy group states back to their members, add the skip
 * connection from the same level on the way down, and apply a GCN; a final GCN maps to `outDim`.
 *
 * Simplifications, so it is named "H-GCN-style" and not H-GCN: one channel (H-GCN uses 4 channels and
 * multi-channel attention), unweighted mean pooling, and `levels` defaults to 2 (H-GCN uses 4 on graphs of
 * thousands of nodes; the karate club has 34). Receptive field grows with every level, which is what CG3
 * needs from this view: a global, long-range encoding to contrast with the local 2-hop GCN.
 */
export class HierarchicalGCNView {
  readonly levels: CoarseLevel[];
  private readonly adj: LevelAdjacency[] = [];
  private readonly clusters: tf.Tensor1D[] = [];
  private readonly sizes: tf.Tensor2D[] = [];
  readonly down: GCNConv[] = [];
  readonly up: GCNConv[] = [];
  readonly first: GCNConv;
  readonly out: GCNConv;
  constructor(
    graph: Graph,
    inDim: number,
    hidden: number,
    outDim: number,
    rng: Rng,
    opts: { levels?: number; maxNodeWeight?: number } = {},
  ) {
    this.levels = coarsenHierarchy(graph.edgeIndex, graph.numNodes, opts.levels ?? 2, opts.maxNodeWeight ?? 50);
    this.adj.push(levelAdjacency(graph.edgeIndex, graph.numNodes));
    for (const lv of this.levels) {
      this.adj.push(levelAdjacency(lv.edgeIndex, lv.numClusters, lv.edgeWeight));
      this.clusters.push(tf.tensor1d(lv.cluster, 'int32'));
      const counts = new Float32Array(lv.numClusters);
      for (const c of lv.cluster) counts[c]! += 1;
      this.sizes.push(tf.tensor2d(counts, [lv.numClusters, 1]));
    }
    this.first = new GCNConv(inDim, hidden, rng, 'hgcn/first');
    this.levels.forEach((_, l) => {
      this.down.push(new GCNConv(hidden, hidden, rng, `hgcn/down${l}`));
      this.up.push(new GCNConv(hidden, hidden, rng, `hgcn/up${l}`));
    });
    this.out = new GCNConv(hidden, outDim, rng, 'hgcn/out');
  }

  /** `[N, outDim]` (no activation); `x` dense `[N, inDim]` or sparse features. */
  apply(x: tf.Tensor2D | SparseOperand, opts: { training?: boolean; dropout?: number; seed?: number } = {}): tf.Tensor2D {
    return tf.tidy(() => {
      const drop = <T extends tf.Tensor2D | SparseOperand>(h: T, k: number): T =>
        opts.training && opts.dropout ? dropoutInput(h, opts.dropout, (opts.seed ?? 0) + k) : h;
      let h = tf.relu(this.first.apply(drop(x, 0), this.adj[0]!));
      const skips: tf.Tensor2D[] = [h];
      this.levels.forEach((lv, l) => {
        const pooled = tf.div(tf.unsortedSegmentSum(h, this.clusters[l]!, lv.numClusters), this.sizes[l]!) as tf.Tensor2D;
        h = tf.relu(this.down[l]!.apply(pooled, this.adj[l + 1]!));
        skips.push(h);
      });
      for (let l = this.levels.length - 1; l >= 0; l--) {
        const unpooled = tf.gather(h, this.clusters[l]!);
        h = tf.relu(this.up[l]!.apply(tf.add(unpooled, skips[l]!) as tf.Tensor2D, this.adj[l]!));
      }
      return this.out.apply(drop(h, 1), this.adj[0]!);
    });
  }
  variables(prefix = 'global'): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = { ...this.first.variables(`${prefix}/first`), ...this.out.variables(`${prefix}/out`) };
    this.down.forEach((c, l) => Object.assign(out, c.variables(`${prefix}/down${l}`)));
    this.up.forEach((c, l) => Object.assign(out, c.variables(`${prefix}/up${l}`)));
    return out;
  }
  dispose(): void {
    tf.dispose([...this.clusters, ...this.sizes]);
    [this.first, this.out, ...this.down, ...this.up].forEach((c) => c.dispose());
  }
}
