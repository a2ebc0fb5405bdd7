import type * as tf from '@tensorflow/tfjs';
import { train } from '@contrastive/core/node';
import { describe, expect, it, vi } from 'vitest';
import type { Settings } from '../cli/flags.js';
import type { GraphReplicaArgs } from '../cli/replica.js';
import { createReplica, graphReplica } from '../cli/replica.js';
import type { Graph } from '../data/graph.js';
import type { GraphLevelMethod } from './graph-method.js';
import type { JOAO } from './joao.js';
import { MoCL } from './mocl.js';
import { toyGraphs } from './test-utils/toy-graphs.js';

// Data-parallel training of the graph-level methods (two threads: this one and a worker that rebuilds the
// method with the CLI's replica factory) against the same run in one thread: same seed, same batches.
const TOY = toyGraphs(24, 5);
const BATCH = 12;

function argsFor(method: string, settings: Settings): GraphReplicaArgs {
  return { method, settings: { seed: 3, lr: 0.01, hidden: 16, layers: 2, ...settings }, inputDim: 3, edgeDim: 0 };
}

/** Trains 2 epochs × 2 steps; returns the losses, every weight, and the graphs this thread encoded. */
async function run(args: GraphReplicaArgs, workers: number, batch = BATCH) {
  const method = await createReplica(args);
  // MoCL's batches are graphs of its own table (it finds their Tanimoto neighbours by identity).
  const graphs = method instanceof MoCL ? method.data.graphs : TOY;
  const batches = (): (readonly Graph[])[] => [graphs.slice(0, batch), graphs.slice(batch, 2 * batch)];
  let encoded = 0;
  const embed = method.encoder.embed.bind(method.encoder);
  const spy = vi.spyOn(method.encoder, 'embed').mockImplementation((t) => {
    encoded += t.numGraphs;
    return embed(t);
  });
  try {
    const result = await train<readonly Graph[]>({
      method,
      batches,
      epochs: 2,
      stepsPerEpoch: 2,
      seed: 11,
      progress: false,
      disposeBatch: false,
      callbacks: method.callbacks?.(graphs, batch) ?? [],
      workers,
      ...(workers > 1 ? { replica: graphReplica(args) } : {}),
    });
    spy.mockRestore();
    return { losses: result.losses, weights: weightsOf(method), encoded, p: (method as Partial<JOAO>).distribution?.() };
  } finally {
    spy.mockRestore();
    method.dispose();
  }
}

function weightsOf(m: GraphLevelMethod): number[] {
  return Object.entries(m.stateTensors())
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([, v]) => Array.from((v as tf.Variable).dataSync()));
}

function expectClose(a: readonly number[], b: readonly number[], tol: number): void {
  expect(a.length).toBe(b.length);
  const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]!) / Math.max(1, Math.abs(b[i]!))));
  expect(worst).toBeLessThan(tol);
}

describe('graph-level methods trained data-parallel (workers: 2)', () => {
  it('GraphCL: two workers give one thread’s losses and weights; this thread encodes half of every batch', async () => {
    const args = argsFor('graphcl', { recipe: 'graphcl-small' });
    const single = await run(args, 1);
    const parallel = await run(args, 2);
    expect(parallel.losses).toHaveLength(4);
    // 4 steps × 2 views × 12 graphs in one thread; here rank 0 encoded its 6 of each view.
    expect(single.encoded).toBe(96);
    expect(parallel.encoded).toBe(48);
    expectClose(parallel.losses, single.losses, 1e-4);
    expectClose(parallel.weights, single.weights, 1e-4);
    // The weights moved (the comparison is not between two untrained encoders).
    const init = await createReplica(args);
    try {
      expect(Math.max(...weightsOf(init).map((v, i) => Math.abs(v - single.weights[i]!)))).toBeGreaterThan(1e-3);
    } finally {
      init.dispose();
    }
  });

  it('JOAO: the workers draw their views from the distribution the main thread updated after epoch 1', async () => {
    // The distribution moves at the end of epoch 1 (main thread only): without sharing it, the worker's
    // second-epoch pairs (hence views, loss and gradients) would differ from one thread's.
    const args = argsFor('joao', { recipe: 'joao-small' });
    const single = await run(args, 1);
    const parallel = await run(args, 2);
    expect(single.p!.some((v) => Math.abs(v - 1 / 25) > 1e-3)).toBe(true);
    // Steps: 4 × 2 views × 12 graphs in one thread, half of them here; the epoch-end updates of p (25 pairs
    // × 2 views × one batch of 12, twice) run on the main thread alone, whole.
    expect(single.encoded).toBe(96 + 1200);
    expect(parallel.encoded).toBe(48 + 1200);
    expectClose(parallel.losses, single.losses, 1e-4);
    expectClose(parallel.weights, single.weights, 1e-4);
    expectClose(parallel.p!, single.p!, 1e-6);
  });

  it('MoCL: a worker, which receives copies of the graphs, takes the main thread’s dataset indices', async () => {
    // The worker reloads the molecule table (as a CLI replica does) and gets the batch's graphs as copies,
    // which its identity lookup cannot place: the global loss needs the main thread's indices.
    const args: GraphReplicaArgs = {
      method: 'mocl',
      // Node dropping instead of the (slower) bioisostere views: the views are not what is tested here.
      settings: { recipe: 'mocl-small', limit: 12, seed: 3, lr: 0.01, hidden: 8, layers: 1, neighbours: 4, 'local-aug': 'nodeDrop' },
      inputDim: 0,
      edgeDim: 0,
    };
    const single = await run(args, 1, 6);
    const parallel = await run(args, 2, 6);
    // 4 steps × 3 passes (two views and the molecules) × 6 in one thread; half of them here.
    expect(single.encoded).toBe(72);
    expect(parallel.encoded).toBe(36);
    expectClose(parallel.losses, single.losses, 1e-4);
    expectClose(parallel.weights, single.weights, 1e-4);
  });
});
