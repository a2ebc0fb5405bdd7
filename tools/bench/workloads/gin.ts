import * as tf from '@tensorflow/tfjs';
import { createRng, ntXent } from '@contrastive/core';
import { GIN_FEATURES, GIN_GRAPHS, GIN_NODES, ginEdges } from './graph-data.js';
import { CATALOG } from './catalog.js';
import type { Workload } from './types.js';
import { benchWorkers, parallelInstance } from './parallel-step.js';

/**
 * GraphCL-style step: @contrastive/graph's GINEncoder (3 layers, hidden 64, mean readout) on two
 * feature-masked views of 128 small graphs, NT-Xent tau 0.5, Adam 1e-3. Message passing is
 * gather → unsortedSegmentSum, so this exercises our wasm UnsortedSegmentSum kernel.
 */
export const ginGraphs: Workload = {
  ...CATALOG['gin-graphs']!,
  async setup() {
    const workers = benchWorkers();
    if (workers > 1) return parallelInstance({ kind: 'gin' }, workers, { perStep: 2 * GIN_GRAPHS, steps: 9, warmup: 2 });
    let graph: Record<string, unknown>;
    try {
      graph = (await import('@contrastive/graph')) as Record<string, unknown>;
    } catch (e) {
      return `needs @contrastive/graph (GINEncoder): ${(e as Error).message.split('\n')[0]}`;
    }
    const GINEncoder = graph['GINEncoder'] as
      | (new (
          o: { inputDim: number; hidden: number; layers: number; readout: 'mean' },
          rng: ReturnType<typeof createRng>,
        ) => {
          embed(t: unknown): tf.Tensor2D;
          variables(): Record<string, tf.Variable>;
          dispose(): void;
        })
      | undefined;
    if (!GINEncoder) return 'needs @contrastive/graph to export GINEncoder';
    const N = GIN_GRAPHS * GIN_NODES;
    const rng = createRng(0);
    const feats = new Float32Array(N * GIN_FEATURES).map(() => rng.normal());
    const view = () => feats.map((v) => (rng.uniform() < 0.2 ? 0 : v));
    const { src, dst } = ginEdges();
    const batch = new Int32Array(N).map((_, i) => Math.floor(i / GIN_NODES));
    const common = {
      numNodes: N,
      numGraphs: GIN_GRAPHS,
      src: tf.tensor1d(src, 'int32'),
      dst: tf.tensor1d(dst, 'int32'),
      batch: tf.tensor1d(batch, 'int32'),
      counts: tf.fill([GIN_GRAPHS, 1], GIN_NODES),
    };
    const t1 = { ...common, x: tf.tensor2d(view(), [N, GIN_FEATURES]) };
    const t2 = { ...common, x: tf.tensor2d(view(), [N, GIN_FEATURES]) };
    const enc = new GINEncoder({ inputDim: GIN_FEATURES, hidden: 64, layers: 3, readout: 'mean' }, createRng(1));
    const optimizer = tf.train.adam(1e-3);
    const vars = Object.values(enc.variables());
    return {
      perStep: 2 * GIN_GRAPHS,
      steps: 9,
      warmup: 2,
      step() {
        const loss = optimizer.minimize(() => ntXent(enc.embed(t1), enc.embed(t2), { temperature: 0.5 }), true, vars);
        loss!.dataSync();
        loss!.dispose();
      },
      dispose() {
        optimizer.dispose();
        enc.dispose();
        tf.dispose([common.src, common.dst, common.batch, common.counts, t1.x, t2.x]);
      },
    };
  },
};
