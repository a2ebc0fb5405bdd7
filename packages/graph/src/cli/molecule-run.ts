import * as tf from '@tensorflow/tfjs';
import type { Rng, TrainCallbacks } from '@contrastive/core';
import { createRng, linearProbe, loadCheckpoint, train } from '@contrastive/core';
import type { AugmentationName } from '../augment/registry.js';
import { AUGMENTATION_NAMES } from '../augment/registry.js';
import { loadRDKit } from '../chem/rdkit.js';
import type { Graph } from '../data/graph.js';
import { CHEMBL2321810_PATH, loadMolecules } from '../data/molecules.js';
import { GraphCL } from '../methods/graphcl.js';
import { JOAO } from '../methods/joao.js';
import { MoCL } from '../methods/mocl.js';
import type { Flags } from './args.js';
import { UsageError, num, oneOf, str } from './args.js';

export type GraphMethod = 'graphcl' | 'joao' | 'joaov2' | 'mocl';
type Model = GraphCL | JOAO | MoCL;

/** Linear-probe accuracy of frozen embeddings on a seeded train/test split. */
function probe(emb: tf.Tensor2D, labels: Int32Array, split: { train: Int32Array; test: Int32Array }, seed: number): { accuracy: number; trainAccuracy: number } {
  const parts = tf.tidy(() => [tf.gather(emb, split.train), tf.gather(emb, split.test)] as const);
  const r = linearProbe(parts[0], Array.from(split.train, (i) => labels[i]!), parts[1], Array.from(split.test, (i) => labels[i]!), { seed, epochs: 100 });
  tf.dispose([...parts]);
  return { accuracy: r.accuracy, trainAccuracy: r.trainAccuracy };
}

/** train / eval of a graph-level method on a SMILES table (see `--help`). */
export async function moleculeCommand(
  mode: 'train' | 'eval',
  method: GraphMethod,
  flags: Flags,
  backend: string,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const t0 = Date.now();
  const seed = num(flags, 'seed', { int: true }) ?? 0;
  const dataPath = str(flags, 'data') ?? CHEMBL2321810_PATH;
  const shipped = str(flags, 'data') === undefined;
  const valueColumn = str(flags, 'value-column') ?? (shipped ? 'pIC50' : undefined);
  const limit = num(flags, 'limit', { int: true, min: 2 });
  const epochs = num(flags, 'epochs', { int: true, min: 1 }) ?? 20;
  const batchSize = num(flags, 'batch-size', { int: true, min: 2 }) ?? 32;
  const checkpointDir = str(flags, 'checkpoint');
  if (mode === 'eval' && !checkpointDir) throw new UsageError('eval needs --checkpoint DIR (a directory written by train --checkpoint)');
  const checkpointEvery = num(flags, 'checkpoint-every', { int: true, min: 0 });
  if (checkpointEvery !== undefined && !checkpointDir) throw new UsageError('--checkpoint-every needs --checkpoint DIR');
  if (flags.resume && !checkpointDir) throw new UsageError('--resume needs --checkpoint DIR (the run to continue)');
  const rdkit = await loadRDKit();
  const loadOpts: Parameters<typeof loadMolecules>[2] = {};
  const sc = str(flags, 'smiles-column');
  if (sc !== undefined) loadOpts.smilesColumn = sc;
  if (valueColumn !== undefined) loadOpts.valueColumn = valueColumn;
  if (limit !== undefined) loadOpts.limit = limit;
  const ds = loadMolecules(rdkit, dataPath, loadOpts);
  err(`loaded ${ds.graphs.length} molecules from ${dataPath}`);

  // Probe labels: value >= threshold (median by default); molecules without a value are not probed.
  let labels: Int32Array | null = null;
  let threshold: number | null = null;
  let split: { train: Int32Array; test: Int32Array } | null = null;
  if (ds.values) {
    const vals = ds.values.filter(Number.isFinite).sort((a, b) => a - b);
    threshold = num(flags, 'threshold') ?? vals[Math.floor(vals.length / 2)]!;
    labels = Int32Array.from(ds.values, (v) => (Number.isFinite(v) ? (v >= threshold! ? 1 : 0) : -1));
    const usable = Array.from(labels.keys()).filter((i) => labels![i]! >= 0);
    const perm = createRng(seed + 17).shuffle(usable);
    const nTest = Math.max(1, Math.round(perm.length * (num(flags, 'test-fraction', { min: 0 }) ?? 0.2)));
    split = { test: Int32Array.from(perm.slice(0, nTest)), train: Int32Array.from(perm.slice(nTest)) };
  }

  const common = {
    hidden: num(flags, 'hidden', { int: true, min: 1 }) ?? 64,
    layers: num(flags, 'layers', { int: true, min: 1 }) ?? 3,
    seed,
  };
  const g0 = ds.graphs[0]!;
  const make = (): Model => {
    if (method === 'mocl') {
      const o: ConstructorParameters<typeof MoCL>[2] = { ...common };
      const setIf = <K extends keyof typeof o>(k: K, v: (typeof o)[K] | undefined): void => {
        if (v !== undefined) o[k] = v;
      };
      setIf('lr', num(flags, 'lr', { min: 0 }));
      setIf('temperature', num(flags, 'temperature', { min: 0 }));
      setIf('lambda', num(flags, 'lambda', { min: 0 }));
      setIf('neighbours', num(flags, 'neighbours', { int: true, min: 1 }));
      setIf('dk', num(flags, 'dk', { int: true, min: 1 }));
      setIf('augRatio', num(flags, 'aug-ratio', { min: 0 }));
      o.globalLoss = oneOf(str(flags, 'global'), ['cl', 'ls'] as const, 'global', 'cl');
      o.localAug = oneOf(str(flags, 'local-aug'), ['domain', ...AUGMENTATION_NAMES] as const, 'local-aug', 'domain');
      return new MoCL(rdkit, ds, o);
    }
    const o = {
      ...common,
      inputDim: g0.numFeatures,
      edgeDim: g0.numEdgeFeatures ?? 0,
      readout: 'mean' as const,
      lr: num(flags, 'lr', { min: 0 }) ?? 1e-3,
      temperature: num(flags, 'temperature', { min: 0 }) ?? 0.2,
      augRatio: num(flags, 'aug-ratio', { min: 0 }) ?? 0.2,
      lossVariant: oneOf(str(flags, 'loss-variant'), ['exclude-positive', 'nt-xent'] as const, 'loss-variant', 'exclude-positive'),
    };
    if (method === 'graphcl') {
      const a1 = oneOf(str(flags, 'aug1'), AUGMENTATION_NAMES, 'aug1', 'nodeDrop' as AugmentationName);
      const a2 = oneOf(str(flags, 'aug2'), AUGMENTATION_NAMES, 'aug2', 'subgraph' as AugmentationName);
      return new GraphCL({ ...o, augmentations: [a1, a2] });
    }
    return new JOAO({ ...o, gamma: num(flags, 'gamma', { min: 0 }) ?? 0.1, v2: method === 'joaov2' });
  };

  const model = make();
  try {
    return await runModel(model);
  } finally {
    model.dispose();
  }

  async function runModel(model: Model): Promise<number> {
    const embedAll = (): tf.Tensor2D => (model instanceof MoCL ? model.embed() : model.embed(ds.graphs));
    // Baseline: the same encoder at its random initialisation (identical to the weights training starts from).
    let baseline: { accuracy: number; trainAccuracy: number } | null = null;
    if (labels && split) {
      const e = embedAll();
      baseline = probe(e, labels, split, seed);
      e.dispose();
    }

    let losses: number[] = [];
    let trainSeconds = 0;
    if (mode === 'eval') {
      await loadCheckpoint(checkpointDir!, model);
    } else {
      const n = ds.graphs.length;
      const batches = function* (_epoch: number, rng: Rng): Generator<number[]> {
        const perm = rng.permutation(n);
        // Drop a last batch of one: contrastive losses need >= 2 items.
        for (let s = 0; s + 1 < n; s += batchSize) yield Array.from(perm.subarray(s, Math.min(s + batchSize, n)));
      };
      const callbacks: TrainCallbacks[] = [];
      if (model instanceof JOAO) callbacks.push(model.callbacks(ds.graphs, batchSize, (l) => err(l)));
      const opts: Parameters<typeof train<number[]>>[0] = {
        epochs,
        seed,
        batches,
        state: model,
        callbacks,
        progress: !flags['no-progress'],
        log: (l: string) => err(l),
        step: (idx, info) => (model instanceof MoCL ? model.step(idx, info) : model.step(idx.map((i) => ds.graphs[i]!) as Graph[], info)),
      };
      if (checkpointDir) opts.checkpointDir = checkpointDir;
      // A lost step costs little here; 100 steps bound what a kill loses on large tables.
      if (checkpointDir && (checkpointEvery ?? 100) > 0) opts.checkpointEverySteps = checkpointEvery ?? 100;
      if (flags.resume) opts.resume = true;
      const curve = str(flags, 'loss-curve');
      if (curve) opts.lossCurvePath = curve;
      const r = await train(opts);
      losses = r.epochLosses;
      trainSeconds = r.seconds;
    }

    let result: { accuracy: number; trainAccuracy: number } | null = null;
    if (labels && split) {
      const e = embedAll();
      result = probe(e, labels, split, seed);
      e.dispose();
    }
    const summary = {
      command: mode,
      method,
      data: dataPath,
      molecules: ds.graphs.length,
      property: valueColumn ?? null,
      threshold,
      split: split ? { train: split.train.length, test: split.test.length } : null,
      epochs: mode === 'train' ? epochs : null,
      batchSize,
      seed,
      backend,
      finalLoss: losses.at(-1) ?? null,
      epochLosses: losses,
      probe: result,
      baseline: baseline ? { name: 'random-init encoder', probe: baseline } : null,
      trainSeconds,
      seconds: (Date.now() - t0) / 1000,
    };
    if (flags.json) out(JSON.stringify(summary));
    else {
      out(`${method} ${mode}: ${ds.graphs.length} molecules, ${epochs} epochs, final loss ${summary.finalLoss?.toFixed(4) ?? '-'}`);
      if (result && baseline) {
        out(`linear probe accuracy (${valueColumn} >= ${threshold}): ${method} ${result.accuracy.toFixed(4)} vs random-init encoder ${baseline.accuracy.toFixed(4)}`);
      }
    }
    return 0;
  }
}
