/**
 * `train` of the full-graph node methods (CG3, GCN, MLP) on the karate club or an edge list with node
 * features: per seed a Planetoid split, full-batch training with best-of-validation model selection, and
 * (for CG3) the plain GCN on the same split as the baseline.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RunSummary } from '@contrastive/core/cli';
import { assertFiniteState } from '@contrastive/core/cli';
import type { NodeTrainOptions } from '@contrastive/core/node';
import { train, writeFileAtomic } from '@contrastive/core/node';
import type { NodeSplit, PlanetoidSplit } from '../data/node-split.js';
import { planetoidSplit, trainingLabels } from '../data/node-split.js';
import type { SelectionState } from '../eval/best-of-validation.js';
import { accuracyOn, BestOfValidation } from '../eval/best-of-validation.js';
import type { NodeMethod } from '../methods/graph-method.js';
import type { NodeTask } from '../methods/node-task.js';
import type { NodeMethodName } from '../methods/registry.js';
import { createMethod } from '../methods/registry.js';
import type { Settings } from './flags.js';
import { METHOD_FLAGS, methodOptionsOf, NODE_DATA_FLAGS, resolveFlags } from './flags.js';
import { loadNodeGraph } from './node-graph.js';
import type { TrainRun } from './run-setup.js';
import { finishRun, recordRun } from './run-setup.js';

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: readonly number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const fmt = (x: number): string => x.toFixed(4);

/** The run files of a training (the method's own; the baseline writes none). */
type RunFiles = Pick<
  NodeTrainOptions<NodeTask>,
  'checkpointDir' | 'checkpointEvery' | 'resume' | 'lossLogPath' | 'lossCurvePath' | 'lossCurveTitle'
>;

/** What one training of one seed gives. */
interface Trained {
  selection: SelectionState;
  /** graphcl-node: test accuracy of the probe on the untrained encoder (new runs only). */
  initTest?: number;
  /** Test accuracy after the last epoch (no selection). */
  lastTest: number;
  finalLoss: number;
  steps: number;
  seconds: number;
}

/** Where a seed's selection is kept so a resumed run continues it: `selection/seed-<s>.json` in the run folder. */
const selectionFile = (runDir: string, seed: number): string => join(runDir, 'selection', `seed-${seed}.json`);

/** The saved selection, or `undefined` when none was saved yet (a damaged file throws, naming it). */
async function readSelection(file: string): Promise<SelectionState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    // Without validation nodes the validation accuracy is NaN, written as null.
    const s = JSON.parse(text) as { epoch: unknown; validation: unknown; test: unknown };
    if (typeof s.epoch !== 'number' || typeof s.test !== 'number' || !(typeof s.validation === 'number' || s.validation === null))
      throw new Error('missing fields');
    return { epoch: s.epoch, test: s.test, validation: s.validation ?? Number.NaN };
  } catch (err) {
    throw new Error(`${file}: not a selection record (${(err as Error).message}); remove it to restart the selection, or use --overwrite`);
  }
}

/**
 * Trains `name` on `task` (one full-batch step per epoch) with the run's settings, scoring validation and
 * test accuracy after every epoch and keeping the best-of-validation epoch; writes `files` (`null`: none,
 * no progress bar). Checks the final weights are finite; disposes the method.
 */
async function trainOn(
  name: NodeMethodName,
  task: NodeTask,
  truth: Int32Array,
  split: NodeSplit,
  settings: Settings,
  run: TrainRun,
  files: RunFiles | null,
): Promise<Trained> {
  const method: NodeMethod = createMethod(name, { ...methodOptionsOf(settings, name), task });
  const selection = new BestOfValidation(truth, split);
  const evalEvery = Number(settings['eval-every'] ?? (name === 'graphcl-node' ? 10 : 1));
  let lastTest = Number.NaN;
  let initTest: number | undefined;
  try {
    // The unsupervised method's baseline: the same encoder at its initialisation, probed the same way.
    if (name === 'graphcl-node' && !files?.resume) initTest = accuracyOn(method.predict(), truth, split.test);
    const file = files === null ? undefined : selectionFile(run.paths.dir, Number(settings.seed));
    if (file !== undefined && files?.resume) {
      const saved = await readSelection(file);
      if (saved) selection.restore(saved);
    }
    const result = await train<NodeTask>({
      method,
      batches: () => [task],
      epochs: run.epochs,
      stepsPerEpoch: 1,
      seed: Number(settings.seed),
      progress: files !== null && run.ctx.progress,
      ...(files === null ? {} : { log: run.ctx.log }),
      disposeBatch: false,
      callbacks: {
        onEpochEnd: async (epoch, logs) => {
          if ((epoch + 1) % evalEvery !== 0 && epoch + 1 !== run.epochs) return;
          const scored = selection.observe(epoch + 1, method.predict());
          lastTest = scored.test;
          if (split.validation.length > 0) logs.valAccuracy = scored.validation;
          if (scored.improved && file !== undefined) {
            await mkdir(dirname(file), { recursive: true });
            await writeFileAtomic(file, `${JSON.stringify(selection.best)}\n`);
          }
        },
      },
      ...(files ?? {}),
    });
    await assertFiniteState(method, `${name} (seed ${String(settings.seed)})`);
    if (Number.isNaN(lastTest)) lastTest = accuracyOn(method.predict(), truth, split.test);
    return {
      selection: selection.best,
      ...(initTest === undefined ? {} : { initTest }),
      lastTest,
      finalLoss: result.epochLosses.at(-1) ?? Number.NaN,
      steps: result.globalStep,
      seconds: result.seconds,
    };
  } finally {
    method.dispose();
  }
}

/** Writes a seed's split with the file's node ids (what the PyTorch twin and a user's own code read). */
async function writeSplit(dir: string, seed: number, split: PlanetoidSplit, nodeIds: readonly number[] | undefined): Promise<void> {
  const ids = (idx: Int32Array): number[] => Array.from(idx, (i) => nodeIds?.[i] ?? i);
  await mkdir(join(dir, 'splits'), { recursive: true });
  const body = {
    seed,
    labelsPerClass: split.labelsPerClass,
    train: ids(split.train),
    validation: ids(split.validation),
    test: ids(split.test),
  };
  await writeFileAtomic(join(dir, 'splits', `seed-${seed}.json`), `${JSON.stringify(body)}\n`);
}

/**
 * `train` of a node method (after `openTrainRun`): for each seed of `--repeats`, a Planetoid split drawn by
 * the seed (`--labels-per-class`, `--validation`, `--test`; written to splits/seed-<s>.json), the method
 * trained full-batch and scored at its best-validation epoch; for CG3 also the plain GCN on the same split.
 */
export async function trainNodes(run: TrainRun): Promise<number> {
  const { ctx, resolver, method: name } = run;
  resolveFlags(NODE_DATA_FLAGS, ctx.values, name, {}, resolver);
  resolveFlags(METHOD_FLAGS, ctx.values, name, run.recipe.options, resolver);
  const { settings } = resolver;
  const loaded = await loadNodeGraph(settings, ctx.log);
  const { graph, numClasses } = loaded;
  const truth = graph.nodeLabels!;
  const repeats = Number(settings.repeats);
  await recordRun(run);

  interface SeedResult {
    seed: number;
    trained: Trained;
    baseline: Trained | null;
    split: PlanetoidSplit;
  }
  const runs: SeedResult[] = [];
  for (let r = 0; r < repeats; r++) {
    const seed = run.seed + r;
    const seedSettings = { ...settings, seed };
    const split = planetoidSplit(truth, seed, {
      labelsPerClass: Number(settings['labels-per-class']),
      validation: Number(settings.validation),
      test: settings.test === 'all' ? 'all' : Number(settings.test),
    });
    await writeSplit(run.paths.dir, seed, split, loaded.nodeIds);
    const task: NodeTask = { graph, labels: trainingLabels(truth, split), numClasses };
    const trained = await trainOn(name as NodeMethodName, task, truth, split, seedSettings, run, {
      // One checkpoint folder per seed when repeating; the losses and curve are the first seed's.
      checkpointDir: repeats === 1 ? run.paths.checkpoint : join(run.paths.checkpoint, `seed-${seed}`),
      checkpointEvery: Math.max(1, run.checkpointEvery),
      resume: run.resumed,
      ...(r === 0
        ? { lossLogPath: run.paths.losses, lossCurvePath: run.paths.lossCurve, lossCurveTitle: `${name} training loss (seed ${seed})` }
        : {}),
    });
    const baseline = name === 'cg3' ? await trainOn('gcn', task, truth, split, seedSettings, run, null) : null;
    runs.push({ seed, trained, baseline, split });
    const b = baseline ? `  gcn ${fmt(baseline.selection.test)} (epoch ${baseline.selection.epoch})` : '';
    ctx.log(
      `seed ${seed}: ${name} test ${fmt(trained.selection.test)} at the best validation epoch ${trained.selection.epoch} ` +
        `(validation ${fmt(trained.selection.validation)}; last epoch ${fmt(trained.lastTest)})${b}`,
    );
  }

  const tests = runs.map((x) => x.trained.selection.test);
  const baselines = runs.flatMap((x) => (x.baseline ? [x.baseline.selection.test] : []));
  const inits = runs.flatMap((x) => (x.trained.initTest === undefined ? [] : [x.trained.initTest]));
  const s0 = runs[0]!.split;
  const capped = s0.capped.map(([c, k]) => `class ${loaded.classNames?.[c] ?? c}: ${k}`).join(', ');
  const notes = [
    `Planetoid-style split per seed: ${s0.labelsPerClass} training label(s) per class${capped ? ` (capped at half the class: ${capped})` : ''} (${s0.train.length} nodes), ` +
      `${s0.validation.length} validation, ${s0.test.length} test nodes (splits/seed-<s>.json, file node ids)`,
    `test accuracy at the best-validation epoch, per seed: ${tests.map(fmt).join(' ')} (epochs ${runs.map((x) => x.trained.selection.epoch).join(' ')})`,
    `test accuracy after the last epoch, per seed: ${runs.map((x) => fmt(x.trained.lastTest)).join(' ')}`,
    ...(baselines.length > 0
      ? [
          `baseline gcn (plain 2-layer GCN, same split, width, dropout, weight decay, optimiser, epochs and selection), per seed: ${baselines.map(fmt).join(' ')}`,
        ]
      : []),
    ...(inits.length > 0
      ? [`baseline randomInit (the untrained encoder, same probe and split), per seed: ${inits.map(fmt).join(' ')}`]
      : []),
    ...(repeats > 1 ? [`losses.csv and loss-curve.png are of seed ${run.seed}; checkpoints are in checkpoint/seed-<seed>/`] : []),
    'no model/: the method is transductive (its views are built on this graph); checkpoint/ holds its weights',
  ];
  if (s0.validation.length === 0)
    notes.unshift('no validation nodes (the graph is too small, or --validation 0): the last epoch is reported');
  const summary: RunSummary = {
    method: name,
    domain: 'graph',
    seed: run.seed,
    epochs: run.epochs,
    steps: runs.reduce((s, x) => s + x.trained.steps, 0),
    seconds: (performance.now() - ctx.started) / 1000,
    trainSeconds: runs.reduce((s, x) => s + x.trained.seconds + (x.baseline?.seconds ?? 0), 0),
    backend: run.backend,
    out: run.paths.dir,
    finalLoss: mean(runs.map((x) => x.trained.finalLoss)),
    metrics: {
      accuracy: mean(tests),
      accuracyStd: std(tests),
      ...(s0.validation.length > 0 ? { validationAccuracy: mean(runs.map((x) => x.trained.selection.validation)) } : {}),
      lastEpochAccuracy: mean(runs.map((x) => x.trained.lastTest)),
      nodes: graph.numNodes,
      features: graph.numFeatures,
      labelsPerClass: s0.labelsPerClass,
      trainNodes: s0.train.length,
      validationNodes: s0.validation.length,
      testNodes: s0.test.length,
      repeats,
      data: loaded.name,
    },
    baselines: {
      ...(baselines.length > 0 ? { gcn: { accuracy: mean(baselines), accuracyStd: std(baselines) } } : {}),
      ...(inits.length > 0 ? { randomInit: { accuracy: mean(inits), accuracyStd: std(inits) } } : {}),
    },
    notes,
  };
  return finishRun(summary, run.io, ctx.json, run.paths.dir);
}
