/** `train` and `eval` of the graph-level methods (GraphCL, JOAO, JOAOv2, MoCL) on a SMILES table. */
import * as tf from '@tensorflow/tfjs';
import { BACKENDS, createRng, initBackend, linearProbe, rocAuc, type Rng } from '@contrastive/core';
import type { CliIo, CommandContext, RunSummary } from '@contrastive/core/cli';
import {
  assertFiniteState,
  dataParallelFlags,
  describeDataParallel,
  intFlag,
  oneOfFlag,
  readRunConfig,
  requiredFlag,
  runPaths,
  UsageError,
} from '@contrastive/core/cli';
import { fileSystemHandler, loadCheckpoint, train } from '@contrastive/core/node';
import type { RDKit } from '../chem/rdkit.js';
import { loadRDKit } from '../chem/load-rdkit.js';
import { murckoScaffold } from '../chem/scaffold.js';
import { GraphDataError } from '../data/errors.js';
import type { Graph } from '../data/graph.js';
import { loadMolecules } from '../data/molecule-files.js';
import type { MoleculeDataset } from '../data/molecules.js';
import { scaffoldSplit } from '../data/scaffold-split.js';
import type { GraphLevelMethod } from '../methods/graph-method.js';
import { isNodeMethod } from '../methods/registry.js';
import type { Settings } from './flags.js';
import { METHOD_FLAGS, MOLECULE_DATA_FLAGS, resolveFlags } from './flags.js';
import type { ProbeSplit } from './molecule-flags.js';
import { DEFAULT_TEST_FRACTION, PROBE_SPLITS, SCAFFOLD_FRACTIONS } from './molecule-flags.js';
import { buildGraphLevelMethod, graphReplica, moleculeSource } from './replica.js';
import type { TrainRun } from './run-setup.js';
import { finishRun, recordRun, TOOL } from './run-setup.js';

/** The probe's sides: molecule indices (into the loaded table) of the probe's train and test rows. */
interface ProbeSides {
  split: ProbeSplit;
  train: Int32Array;
  test: Int32Array;
  /** Scaffold split only: the validation side, held out (no model selection uses it here). */
  valid?: Int32Array;
  /** Scaffold split only: distinct scaffolds among the probed molecules. */
  scaffolds?: number;
}

/** The molecules and the probe task: value >= threshold, on a scaffold or a seeded random split. */
interface ProbeData {
  dataPath: string;
  molecules: MoleculeDataset;
  valueColumn: string | undefined;
  /** `null` without a value column, or when the probe task has one class only (then there is no probe). */
  probe: ({ labels: Int32Array; threshold: number } & ProbeSides) | null;
  /** Why there is no probe although a value column was given (one class: nothing to classify). */
  probeSkipped?: string;
  /** Why the probe has no ROC-AUC (its test side holds one class). */
  rocAucSkipped?: string;
}

/**
 * The probe split the settings name: `--split`, else what a run.json recorded; a run recorded without one
 * predates the scaffold split and was probed on the random split, so it keeps it.
 */
export function resolveProbeSplit(settings: Settings, recordedBeforeSplit: boolean): ProbeSplit {
  const split = (settings.split as ProbeSplit | undefined) ?? (recordedBeforeSplit ? 'random' : PROBE_SPLITS[0]);
  if (split === 'scaffold' && settings['test-fraction'] !== undefined)
    throw new UsageError(
      `--test-fraction applies to --split random; the scaffold split uses deepchem's fixed ${SCAFFOLD_FRACTIONS.join('/')} ` +
        'train/valid/test fractions (give --split random to hold out a random share)',
    );
  return split;
}

/** The probe's train/test sides over the `usable` molecules (those with a value). */
function probeSides(
  rdkit: RDKit,
  data: { dataPath: string; molecules: MoleculeDataset },
  usable: number[],
  split: ProbeSplit,
  settings: Settings,
): ProbeSides {
  if (split === 'random') {
    const perm = createRng(Number(settings.seed ?? 0) + 17).shuffle(usable);
    const fraction = Number(settings['test-fraction'] ?? DEFAULT_TEST_FRACTION);
    const testSize = Math.max(1, Math.round(perm.length * fraction));
    return { split, test: Int32Array.from(perm.slice(0, testSize)), train: Int32Array.from(perm.slice(testSize)) };
  }
  const { smiles, lines } = data.molecules;
  const keys = usable.map((i) => murckoScaffold(rdkit, smiles[i]!, `${data.dataPath}:${lines[i] ?? i + 1}`));
  const sides = scaffoldSplit(keys, SCAFFOLD_FRACTIONS);
  const scaffolds = new Set(keys).size;
  const back = (idx: Int32Array): Int32Array => Int32Array.from(idx, (k) => usable[k]!);
  const empty = sides.train.length === 0 ? 'train' : sides.test.length === 0 ? 'test' : null;
  if (empty !== null)
    throw new GraphDataError(
      'ECLASSES',
      `${data.dataPath}: the scaffold split of ${usable.length} probed molecule(s) (${scaffolds} scaffolds) leaves no ${empty} ` +
        'molecule (whole scaffold groups go to one side); use a larger table or --split random',
      { file: data.dataPath },
    );
  return { split, train: back(sides.train), valid: back(sides.valid), test: back(sides.test), scaffolds };
}

/** Loads the table the settings name and derives the probe task from it. */
function loadProbeData(rdkit: RDKit, settings: Settings, split: ProbeSplit, log: (line: string) => void): ProbeData {
  const { dataPath, valueColumn, options } = moleculeSource(settings);
  const molecules = loadMolecules(rdkit, dataPath, options);
  if (molecules.graphs.length < 2)
    throw new Error(`${dataPath}: ${molecules.graphs.length} molecule(s); contrastive training needs at least 2`);
  log(`loaded ${molecules.graphs.length} molecules from ${dataPath}`);
  if (!molecules.values) return { dataPath, molecules, valueColumn, probe: null };
  // Probe labels: value >= threshold (median by default); molecules without a value are not probed.
  const sorted = molecules.values.filter(Number.isFinite).sort((a, b) => a - b);
  const threshold = settings.threshold === undefined ? sorted[Math.floor(sorted.length / 2)]! : Number(settings.threshold);
  const labels = Int32Array.from(molecules.values, (v) => (Number.isFinite(v) ? (v >= threshold ? 1 : 0) : -1));
  const usable = Array.from(labels.keys()).filter((i) => labels[i]! >= 0);
  const sides = probeSides(rdkit, { dataPath, molecules }, usable, split, settings);
  const { train, test } = sides;
  if (split === 'scaffold')
    log(`scaffold split: ${sides.scaffolds} scaffolds; probe train ${train.length}, valid ${sides.valid!.length}, test ${test.length}`);
  // A probe over one class scores 1.0 for any embedding: skip it, and say so (summary note and stderr).
  const classesIn = (idx: Int32Array): number => new Set(Array.from(idx, (i) => labels[i]!)).size;
  if (classesIn(train) < 2) {
    const ones = usable.filter((i) => labels[i] === 1).length;
    const probeSkipped =
      `no linear probe: the probe task (${valueColumn} >= ${threshold}) has ${ones} of ${usable.length} molecule(s) in class 1, ` +
      `so its training split holds ${classesIn(train)} class; a one-class probe scores 1.0 for any embedding. ` +
      'Choose a --threshold between the smallest and the largest value';
    log(`warning: ${probeSkipped}`);
    return { dataPath, molecules, valueColumn, probe: null, probeSkipped };
  }
  const data: ProbeData = { dataPath, molecules, valueColumn, probe: { labels, threshold, ...sides } };
  if (classesIn(test) < 2) {
    data.rocAucSkipped = `no ROC-AUC: the probe's ${test.length} test molecule(s) are all in class ${labels[test[0]!]}; ROC-AUC needs both classes`;
    log(`warning: ${data.rocAucSkipped}`);
  }
  return data;
}

/**
 * Linear-probe scores of the method's frozen embeddings (`null` without a probe task): test accuracy,
 * train accuracy and test ROC-AUC of the class-1 probability (when the test side holds both classes).
 */
function probeScores(method: GraphLevelMethod, data: ProbeData, seed: number): Record<string, number> | null {
  const { probe } = data;
  if (probe === null) return null;
  const embeddings = method.embed(data.molecules.graphs);
  const [trainX, testX] = tf.tidy(() => [tf.gather(embeddings, probe.train), tf.gather(embeddings, probe.test)] as const);
  try {
    const testY = Array.from(probe.test, (i) => probe.labels[i]!);
    const result = linearProbe(
      trainX,
      Array.from(probe.train, (i) => probe.labels[i]!),
      testX,
      testY,
      { seed, epochs: 100, numClasses: 2, returnProbabilities: true },
    );
    const scores: Record<string, number> = { probeAccuracy: result.accuracy, probeTrainAccuracy: result.trainAccuracy };
    if (data.rocAucSkipped === undefined) {
      const p = result.testProbabilities!;
      scores.probeRocAuc = rocAuc(
        Float64Array.from(testY, (_, i) => p[2 * i + 1]!),
        testY,
      );
    }
    return scores;
  } finally {
    tf.dispose([embeddings, trainX, testX]);
  }
}

/** The summary's data metrics and notes. */
function dataMetrics(data: ProbeData): { metrics: RunSummary['metrics']; notes: string[] } {
  const metrics: RunSummary['metrics'] = { molecules: data.molecules.graphs.length };
  if (data.probe === null)
    return { metrics, notes: [data.probeSkipped ?? 'no --value-column: no linear probe (only the loss is reported)'] };
  const { probe } = data;
  Object.assign(metrics, {
    property: data.valueColumn ?? null,
    threshold: probe.threshold,
    split: probe.split,
    probeTrain: probe.train.length,
    ...(probe.valid === undefined ? {} : { probeValid: probe.valid.length }),
    probeTest: probe.test.length,
    ...(probe.scaffolds === undefined ? {} : { scaffolds: probe.scaffolds }),
  });
  const splitNote =
    probe.split === 'scaffold'
      ? `scaffold split (Bemis-Murcko, deepchem's ScaffoldSplitter ${SCAFFOLD_FRACTIONS.join('/')}): probe trained on train, scored on test; valid held out`
      : 'random split seeded by --seed';
  return {
    metrics,
    notes: [
      `probe: linear classifier on frozen embeddings, class = ${data.valueColumn} >= ${probe.threshold}; ${splitNote}; ` +
        'probeRocAuc = ROC-AUC of the probability of class 1; baseline randomInit = the same encoder before training',
      ...(data.rocAucSkipped === undefined ? [] : [data.rocAucSkipped]),
    ],
  };
}

function buildMethod(name: string, settings: Settings, data: ProbeData, rdkit: RDKit): GraphLevelMethod {
  return buildGraphLevelMethod(name, settings, data.molecules, rdkit);
}

/** `train` of a graph-level method (after {@link openTrainRun}). */
export async function trainMolecules(run: TrainRun): Promise<number> {
  const { ctx, resolver, method: name, seed } = run;
  resolveFlags(MOLECULE_DATA_FLAGS, ctx.values, name, {}, resolver);
  resolveFlags(METHOD_FLAGS, ctx.values, name, run.recipe.options, resolver);
  const split = resolveProbeSplit(resolver.settings, run.record !== undefined && run.record.config.split === undefined);
  resolver.settings.split = split;
  if (split === 'random') resolver.settings['test-fraction'] ??= DEFAULT_TEST_FRACTION;
  const rdkit = await loadRDKit();
  const data = loadProbeData(rdkit, resolver.settings, split, ctx.log);
  await recordRun(run);
  const method = buildMethod(name, resolver.settings, data, rdkit);
  const graphs = data.molecules.graphs;
  const batchSize = run.batchSize!;
  // Data parallelism: every replica encodes its slice of each batch's graphs (projectGraphs); GIN and the
  // heads have no batch norm, so --sync-bn changes nothing here and the loss equals one thread's.
  const g0 = graphs[0]!;
  const parallel = dataParallelFlags(run.dataParallel, {
    batchSize,
    replica: graphReplica({ method: name, settings: resolver.settings, inputDim: g0.numFeatures, edgeDim: g0.numEdgeFeatures ?? 0 }),
    command: `${TOOL} train --method ${name}`,
  });
  const parallelLine = describeDataParallel(parallel, batchSize, { unit: 'graphs', batchNorm: false });
  if (parallelLine) ctx.log(parallelLine);
  try {
    // Baseline: the same encoder at its random initialisation (the exact weights training starts from).
    const baseline = probeScores(method, data, seed);
    // Drop a last batch of one: contrastive losses need >= 2 items.
    const stepsPerEpoch = Math.ceil((graphs.length - 1) / batchSize);
    const batches = function* (_epoch: number, rng: Rng): Generator<Graph[]> {
      const perm = rng.permutation(graphs.length);
      for (let s = 0; s + 1 < graphs.length; s += batchSize)
        yield Array.from(perm.subarray(s, Math.min(s + batchSize, graphs.length)), (i) => graphs[i]!);
    };
    const result = await train<readonly Graph[]>({
      method,
      batches,
      epochs: run.epochs,
      stepsPerEpoch,
      seed,
      callbacks: method.callbacks?.(graphs, batchSize, ctx.log) ?? [],
      checkpointDir: run.paths.checkpoint,
      ...(run.checkpointEvery > 0 ? { checkpointEverySteps: run.checkpointEvery } : {}),
      resume: run.resumed,
      lossLogPath: run.paths.losses,
      lossCurvePath: run.paths.lossCurve,
      lossCurveTitle: `${name} training loss`,
      progress: ctx.progress,
      log: ctx.log,
      disposeBatch: false,
      ...parallel,
    });
    // Never write or score a non-finite model (train() checked the loss and every checkpoint; this is cheap).
    await assertFiniteState(method, 'the trained encoder');
    await method.encoder.save(fileSystemHandler(run.paths.model));
    const trained = probeScores(method, data, seed);
    const { metrics, notes } = dataMetrics(data);
    const summary: RunSummary = {
      method: name,
      domain: 'graph',
      seed,
      epochs: result.epochs,
      steps: result.globalStep,
      seconds: (performance.now() - ctx.started) / 1000,
      trainSeconds: result.seconds,
      backend: run.backend,
      ...(parallel.workers > 1 ? { workers: parallel.workers } : {}),
      out: run.paths.dir,
      finalLoss: result.epochLosses.at(-1) ?? null,
      metrics: { ...(trained ?? {}), ...metrics },
      baselines: baseline === null ? {} : { randomInit: baseline },
      notes,
    };
    return await finishRun(summary, run.io, ctx.json, run.paths.dir);
  } finally {
    method.dispose();
  }
}

/** `eval --checkpoint DIR`: the trained run in DIR, probed again (on its data, or on `--data …` instead). */
export async function evalMolecules(ctx: CommandContext, io: CliIo): Promise<number> {
  const dir = requiredFlag(ctx.values, 'checkpoint', `a run folder written by '${TOOL} train --out'`);
  const record = await readRunConfig<Settings>(dir, 'checkpoint', { tool: TOOL });
  if (isNodeMethod(record.method)) {
    throw new UsageError(
      `${record.method} is evaluated at the end of 'train' (accuracy on the unlabelled nodes, in ${runPaths(dir).summary})`,
    );
  }
  const settings: Settings = { ...record.config };
  for (const f of MOLECULE_DATA_FLAGS) {
    const value = f.read(ctx.values);
    if (value !== undefined) settings[f.name] = value;
  }
  const limit = intFlag(ctx.values, 'limit', 1);
  if (limit !== undefined) settings.limit = limit;
  const requested = oneOfFlag(ctx.values, 'backend', BACKENDS);
  const backend = await initBackend({ ...(requested ? { backend: requested } : {}), log: ctx.log });
  // The recorded split unless --split is given (a run recorded before the scaffold split: random). A
  // recorded --test-fraction belongs to a random split: drop it when --split scaffold is asked for.
  if (settings.split === 'scaffold' && record.config.split !== 'scaffold' && ctx.values['test-fraction'] === undefined)
    delete settings['test-fraction'];
  const split = resolveProbeSplit(settings, record.config.split === undefined);
  const rdkit = await loadRDKit();
  const data = loadProbeData(rdkit, settings, split, ctx.log);
  const seed = Number(settings.seed ?? 0);
  const method = buildMethod(record.method, settings, data, rdkit);
  try {
    const baseline = probeScores(method, data, seed);
    const meta = await loadCheckpoint<{ epoch?: number; globalStep?: number; epochLosses?: number[] }>(runPaths(dir).checkpoint, method);
    await assertFiniteState(method, `the checkpoint in ${runPaths(dir).checkpoint}`);
    const trained = probeScores(method, data, seed);
    const { metrics, notes } = dataMetrics(data);
    const summary: RunSummary = {
      method: record.method,
      domain: 'graph',
      seed,
      epochs: meta.epoch ?? 0,
      steps: meta.globalStep ?? 0,
      seconds: (performance.now() - ctx.started) / 1000,
      trainSeconds: 0,
      backend,
      out: runPaths(dir).dir,
      finalLoss: meta.epochLosses?.at(-1) ?? null,
      metrics: { ...(trained ?? {}), ...metrics },
      baselines: baseline === null ? {} : { randomInit: baseline },
      notes,
    };
    return await finishRun(summary, io, ctx.json);
  } finally {
    method.dispose();
  }
}
