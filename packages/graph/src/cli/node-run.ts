import type { Graph } from '../data/graph.js';
import { createRng, train } from '@contrastive/core';
import { loadEdgeList } from '../data/edge-list.js';
import { karateClub } from '../data/karate-club.js';
import { CG3, GCNBaseline, maskedAccuracy } from '../methods/cg3.js';
import type { Flags } from './args.js';
import { UsageError, num, str } from './args.js';

/** Picks `k` labelled nodes per class with `seed`; the rest are unlabelled (−1). */
export function sampleLabels(truth: Int32Array, k: number, seed: number): Int32Array {
  const rng = createRng(seed);
  const labels = new Int32Array(truth.length).fill(-1);
  const classes = [...new Set(Array.from(truth).filter((y) => y >= 0))].sort((a, b) => a - b);
  for (const c of classes) {
    const members = rng.shuffle(Array.from(truth.keys()).filter((i) => truth[i] === c));
    for (const i of members.slice(0, k)) labels[i] = c;
  }
  return labels;
}

/** CG3 semi-supervised node classification vs a plain GCN on the same labels (see `--help`). */
export async function nodeCommand(flags: Flags, backend: string, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const t0 = Date.now();
  let graph: Graph;
  let name: string;
  const edges = str(flags, 'edges');
  if (edges) {
    const labelsPath = str(flags, 'labels');
    if (!labelsPath) throw new UsageError('--edges needs --labels FILE (node label lines) for cg3');
    graph = loadEdgeList(edges, { labelsPath });
    name = edges;
  } else {
    const ds = str(flags, 'dataset') ?? 'karate';
    if (ds !== 'karate') throw new UsageError(`--dataset must be 'karate' (or give --edges/--labels), got '${ds}'`);
    graph = karateClub();
    name = 'karate';
  }
  const truth = graph.nodeLabels!;
  const numClasses = Math.max(...truth) + 1;
  const k = num(flags, 'labels-per-class', { int: true, min: 1 }) ?? 1;
  const epochs = num(flags, 'epochs', { int: true, min: 1 }) ?? 200;
  const seed0 = num(flags, 'seed', { int: true }) ?? 0;
  const repeats = num(flags, 'repeats', { int: true, min: 1 }) ?? 1;
  const hidden = num(flags, 'hidden', { int: true, min: 1 }) ?? 64;
  const dropout = num(flags, 'dropout', { min: 0 }) ?? 0.6;
  const lr = num(flags, 'lr', { min: 0 }) ?? 0.01;
  const weightDecay = num(flags, 'weight-decay', { min: 0 }) ?? 5e-4;
  const runs: { seed: number; cg3: number; gcn: number; finalLoss: number }[] = [];
  for (let r = 0; r < repeats; r++) {
    const seed = seed0 + r;
    const labels = sampleLabels(truth, k, seed);
    const evalMask = Array.from(labels, (y, i) => y < 0 && truth[i]! >= 0);
    const cgOpts: ConstructorParameters<typeof CG3>[3] = { seed, hiddenLocal: hidden, dropout, lr, weightDecay };
    const t = num(flags, 'temperature', { min: 0 });
    if (t !== undefined) cgOpts.temperature = t;
    const lv = num(flags, 'levels', { int: true, min: 0 });
    if (lv !== undefined) cgOpts.levels = lv;
    const cg3 = new CG3(graph, labels, numClasses, cgOpts);
    const res = await train({
      epochs,
      seed,
      batches: () => [null],
      step: () => cg3.step(),
      state: cg3,
      progress: !flags['no-progress'],
      ...(str(flags, 'checkpoint') ? { checkpointDir: `${str(flags, 'checkpoint')}/seed-${seed}`, resume: Boolean(flags.resume) } : {}),
    });
    const accCg3 = maskedAccuracy(cg3.predict(), truth, evalMask);
    cg3.dispose();
    const base = new GCNBaseline(graph, labels, numClasses, { seed, hidden, dropout, lr, weightDecay });
    for (let e = 0; e < epochs; e++) base.step().dispose();
    const accGcn = maskedAccuracy(base.predict(), truth, evalMask);
    base.dispose();
    runs.push({ seed, cg3: accCg3, gcn: accGcn, finalLoss: res.epochLosses.at(-1)! });
    err(`seed ${seed}: cg3 ${accCg3.toFixed(4)}  gcn ${accGcn.toFixed(4)}`);
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = (xs: number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
  const summary = {
    command: 'train',
    method: 'cg3',
    data: name,
    nodes: graph.numNodes,
    labelsPerClass: k,
    epochs,
    seeds: runs.map((r) => r.seed),
    backend,
    accuracy: { mean: mean(runs.map((r) => r.cg3)), std: std(runs.map((r) => r.cg3)), runs: runs.map((r) => r.cg3) },
    baseline: { name: 'plain GCN, same labels', accuracy: { mean: mean(runs.map((r) => r.gcn)), std: std(runs.map((r) => r.gcn)), runs: runs.map((r) => r.gcn) } },
    finalLoss: runs.map((r) => r.finalLoss),
    seconds: (Date.now() - t0) / 1000,
  };
  if (flags.json) out(JSON.stringify(summary));
  else out(`cg3 on ${name} (${k} label(s)/class, ${repeats} seed(s)): accuracy ${summary.accuracy.mean.toFixed(4)} ± ${summary.accuracy.std.toFixed(4)} vs GCN ${summary.baseline.accuracy.mean.toFixed(4)} ± ${summary.baseline.accuracy.std.toFixed(4)}`);
  return 0;
}
