/**
 * The benchmark workloads as core `Method`s, for data-parallel runs (`--workers N`): each replica builds the
 * same model and the same fixed inputs from `args` (seeded), and a step splits its rows across the workers
 * with core's `parallelRows` (the encoder forward; `ntXent` splits its anchors itself). This module is
 * what a worker thread imports (`replica.module`), so it must stay importable on its own.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, type Method, ntXent, parallelRows, type StepInfo } from '@contrastive/core';
import { GIN_FEATURES, GIN_GRAPHS, GIN_NODES, ginEdges } from './graph-data.js';
import { smallCnn } from './simclr-small-cnn.js';

export type BenchMethodArgs =
  | {
      kind: 'simclr';
      encoder: 'issue3-cnn' | 'smallCnnEncoder' | 'resnet18Encoder';
      inputShape: [number, number, number];
      widthMultiplier?: number;
      batch: number;
    }
  | { kind: 'ntxent'; rows: number; dim: number }
  | { kind: 'gin' }
  | { kind: 'soak' };

type StepFn = (info: StepInfo, batch: tf.Tensor4D) => tf.Scalar;

class BenchMethod implements Method<unknown> {
  readonly name: string;
  constructor(
    name: string,
    private readonly run: StepFn,
    private readonly vars: Record<string, tf.Variable>,
    private readonly opt: tf.Optimizer,
    private readonly free: () => void,
  ) {
    this.name = name;
  }
  step(batch: unknown, info: StepInfo): tf.Scalar {
    return this.run(info, batch as tf.Tensor4D);
  }
  stateTensors(): Record<string, tf.Variable> {
    return this.vars;
  }
  optimizers(): Record<string, tf.Optimizer> {
    return { opt: this.opt };
  }
  dispose(): void {
    this.opt.dispose();
    this.free();
  }
}

/** Applies `model` to rows of `x`, split across the workers of a data-parallel step. */
function rowsOf(model: tf.LayersModel, x: tf.Tensor): tf.Tensor2D {
  return parallelRows(x.shape[0]!, (s, n) => model.apply(tf.slice(x, s, n), { training: true }) as tf.Tensor2D);
}

export async function createBenchMethod(args: BenchMethodArgs): Promise<Method<unknown>> {
  if (args.kind === 'simclr') {
    let model: tf.LayersModel;
    if (args.encoder === 'issue3-cnn') model = smallCnn();
    else {
      const vision = (await import('@contrastive/vision')) as unknown as Record<string, (o: unknown) => tf.LayersModel>;
      model = vision[args.encoder]!({
        inputShape: args.inputShape,
        ...(args.widthMultiplier ? { widthMultiplier: args.widthMultiplier } : {}),
      });
    }
    const views = [1, 2].map((seed) => tf.randomUniform([args.batch, ...args.inputShape], 0, 1, 'float32', seed));
    const opt = tf.train.adam(1e-3);
    const vars = Object.fromEntries(model.weights.map((w, i) => [`m/${i}`, w.read() as tf.Variable]));
    const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const step: StepFn = () =>
      opt.minimize(() => ntXent(rowsOf(model, views[0]!), rowsOf(model, views[1]!), { temperature: 0.5 }), true, trainable)!;
    return new BenchMethod('bench-simclr', step, vars, opt, () => {
      model.dispose();
      tf.dispose(views);
    });
  }
  if (args.kind === 'soak') {
    // The memory soak's step (tools/bench/soak.ts): a fresh batch every step, two noisy views drawn from the step's rng.
    const model = smallCnn();
    const opt = tf.train.adam(1e-3);
    const vars = Object.fromEntries(model.weights.map((w, i) => [`m/${i}`, w.read() as tf.Variable]));
    const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const step: StepFn = (info, x) => {
      const v1 = tf.add(x, tf.randomNormal(x.shape, 0, 0.1, 'float32', info.rng.seed()));
      const v2 = tf.add(x, tf.randomNormal(x.shape, 0, 0.1, 'float32', info.rng.seed()));
      return opt.minimize(() => ntXent(rowsOf(model, v1), rowsOf(model, v2), { temperature: 0.5 }), true, trainable)!;
    };
    return new BenchMethod('bench-soak', step, vars, opt, () => model.dispose());
  }
  if (args.kind === 'ntxent') {
    const z1 = tf.variable(tf.randomNormal([args.rows, args.dim], 0, 1, 'float32', 1));
    const z2 = tf.variable(tf.randomNormal([args.rows, args.dim], 0, 1, 'float32', 2));
    // Learning rate 0: the step is ntXent forward + backward (+ the gradients' all-reduce), as the one-thread workload.
    const opt = tf.train.sgd(0);
    const step: StepFn = () => opt.minimize(() => ntXent(z1 as tf.Tensor2D, z2 as tf.Tensor2D, { temperature: 0.5 }), true, [z1, z2])!;
    return new BenchMethod('bench-ntxent', step, { z1, z2 }, opt, () => tf.dispose([z1, z2]));
  }
  const graph = (await import('@contrastive/graph')) as unknown as {
    GINEncoder: new (
      o: { inputDim: number; hidden: number; layers: number; readout: 'mean' },
      rng: ReturnType<typeof createRng>,
    ) => { embed(t: unknown): tf.Tensor2D; variables(prefix?: string): Record<string, tf.Variable>; dispose(): void };
  };
  // The inputs of tools/bench/workloads/gin.ts (same seeds), as node features of all graphs per view.
  const N = GIN_GRAPHS * GIN_NODES;
  const rng = createRng(0);
  const feats = new Float32Array(N * GIN_FEATURES).map(() => rng.normal());
  const view = () => feats.map((v) => (rng.uniform() < 0.2 ? 0 : v));
  const xs = [view(), view()];
  const shards = new Map<string, { tensors: tf.Tensor[]; batch: Record<string, unknown> }>();
  /** The batch of graphs [start, start + count) of view v (all graphs have the same shape), built once. */
  const batchOf = (v: number, start: number, count: number) => {
    const key = `${v}:${start}:${count}`;
    let b = shards.get(key);
    if (!b) {
      const n = count * GIN_NODES;
      const { src, dst } = ginEdges(count);
      const t = {
        src: tf.tensor1d(src, 'int32'),
        dst: tf.tensor1d(dst, 'int32'),
        batch: tf.tensor1d(
          new Int32Array(n).map((_, i) => Math.floor(i / GIN_NODES)),
          'int32',
        ),
        counts: tf.fill([count, 1], GIN_NODES),
        x: tf.tensor2d(xs[v]!.subarray(start * GIN_NODES * GIN_FEATURES, (start + count) * GIN_NODES * GIN_FEATURES), [n, GIN_FEATURES]),
      };
      b = { tensors: Object.values(t), batch: { numNodes: n, numGraphs: count, ...t } };
      for (const t of b.tensors) tf.keep(t);
      shards.set(key, b);
    }
    return b.batch;
  };
  const enc = new graph.GINEncoder({ inputDim: GIN_FEATURES, hidden: 64, layers: 3, readout: 'mean' }, createRng(1));
  const vars = enc.variables('gin');
  const opt = tf.train.adam(1e-3);
  const embed = (v: number) => parallelRows(GIN_GRAPHS, (s, n) => enc.embed(batchOf(v, s, n)));
  const step: StepFn = () => opt.minimize(() => ntXent(embed(0), embed(1), { temperature: 0.5 }), true, Object.values(vars))!;
  return new BenchMethod('bench-gin', step, vars, opt, () => {
    enc.dispose();
    for (const b of shards.values()) tf.dispose(b.tensors);
  });
}
