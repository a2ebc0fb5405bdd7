/** `train` of the full-graph node methods (CG3, the GCN baseline) on the karate club or an edge list. */
import { join } from 'node:path';
import type { RunSummary } from '@contrastive/core/cli';
import { assertFiniteState, UsageError } from '@contrastive/core/cli';
import type { NodeTrainOptions } from '@contrastive/core/node';
import { train } from '@contrastive/core/node';
import { GraphDataError } from '../data/errors.js';
import type { Graph } from '../data/graph.js';
import { karateClub } from '../data/karate-club.js';
import { loadEdgeList } from '../data/edge-list-file.js';
import { sampleLabels } from '../data/sample-labels.js';
import { maskedAccuracy } from '../eval/masked-accuracy.js';
import type { NodeMethod } from '../methods/graph-method.js';
import type { NodeTask } from '../methods/node-task.js';
import type { NodeMethodName } from '../methods/registry.js';
import { createMethod } from '../methods/registry.js';
import type { Settings } from './flags.js';
import { METHOD_FLAGS, methodOptionsOf, NODE_DATA_FLAGS, resolveFlags } from './flags.js';
import type { TrainRun } from './run-setup.js';
import { finishRun, recordRun } from './run-setup.js';

/**
 * The graph the settings name (`--edges FILE --labels FILE`, else `--dataset karate`), its name, where its
 * labels come from, and its number of classes; refuses labels of fewer than two classes.
 */
function loadGraph(settings: Settings): { graph: Graph; name: string; numClasses: number } {
  const edges = settings.edges === undefined ? undefined : String(settings.edges);
  let graph: Graph;
  let name: string;
  let labelsFrom: string;
  if (edges === undefined) {
    graph = karateClub();
    name = String(settings.dataset ?? 'karate');
    labelsFrom = name;
  } else {
    if (settings.labels === undefined) throw new UsageError('--edges needs --labels FILE (node label lines, the evaluation truth)');
    labelsFrom = String(settings.labels);
    graph = loadEdgeList(edges, { labelsPath: labelsFrom });
    name = edges;
  }
  const truth = graph.nodeLabels;
  if (!truth) throw new Error(`${name}: the graph has no node labels to evaluate against`);
  // Labels are numbered 0..C-1 by the reader (a label value of 1e6 is one class, not a million).
  const classes = new Map<number, number>();
  for (const y of truth) if (y >= 0) classes.set(y, (classes.get(y) ?? 0) + 1);
  if (classes.size < 2) {
    const values = (graph as { classValues?: number[] }).classValues;
    const only =
      classes.size === 0
        ? 'no labelled node'
        : `one class (label ${values?.[0] ?? [...classes.keys()][0]}, ${[...classes.values()][0]} node(s))`;
    throw new GraphDataError('ECLASSES', `${labelsFrom}: ${only}; node classification needs labelled nodes of at least two classes`, {
      file: labelsFrom,
    });
  }
  let numClasses = 0;
  for (const c of classes.keys()) numClasses = Math.max(numClasses, c + 1);
  return { graph, name, numClasses };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: readonly number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

/** The run files of a training (the method's own; the baseline writes none). */
type RunFiles = Pick<
  NodeTrainOptions<NodeTask>,
  'checkpointDir' | 'checkpointEvery' | 'resume' | 'lossLogPath' | 'lossCurvePath' | 'lossCurveTitle'
>;

/**
 * Trains `name` on `task` (one full-batch step per epoch) with the run's settings, writing `files`
 * (`null`: none, and no progress bar); returns it trained (the caller disposes it).
 */
async function trainOn(
  name: NodeMethodName,
  task: NodeTask,
  settings: Settings,
  run: TrainRun,
  files: RunFiles | null,
): Promise<{ method: NodeMethod; finalLoss: number; steps: number; seconds: number }> {
  const method = createMethod(name, { ...methodOptionsOf(settings, name), task });
  try {
    const result = await train<NodeTask>({
      method,
      batches: () => [task],
      epochs: run.epochs,
      stepsPerEpoch: 1,
      seed: Number(settings.seed),
      progress: files !== null && run.ctx.progress,
      log: run.ctx.log,
      disposeBatch: false,
      ...(files ?? {}),
    });
    return { method, finalLoss: result.epochLosses.at(-1) ?? Number.NaN, steps: result.globalStep, seconds: result.seconds };
  } catch (err) {
    method.dispose();
    throw err;
  }
}

/**
 * `train` of a node method (after `openTrainRun`): for each seed of `--repeats`, `--labels-per-class`
 * labels drawn by the seed, the method trained full-batch and scored on the unlabelled nodes; for CG3
 * also the plain GCN on the same labels (the baseline).
 */
export async function trainNodes(run: TrainRun): Promise<number> {
  const { ctx, resolver, method: name } = run;
  resolveFlags(NODE_DATA_FLAGS, ctx.values, name, {}, resolver);
  resolveFlags(METHOD_FLAGS, ctx.values, name, run.recipe.options, resolver);
  const { settings } = resolver;
  const { graph, name: dataName, numClasses } = loadGraph(settings);
  const truth = graph.nodeLabels!;
  const repeats = Number(settings.repeats);
  await recordRun(run);

  const runs: { seed: number; accuracy: number; baseline: number | null; finalLoss: number }[] = [];
  let steps = 0;
  let trainSeconds = 0;
  for (let r = 0; r < repeats; r++) {
    const seed = run.seed + r;
    const seedSettings = { ...settings, seed };
    const labels = sampleLabels(truth, Number(settings['labels-per-class']), seed);
    const evalMask = Array.from(labels, (y, i) => y < 0 && truth[i]! >= 0);
    const task: NodeTask = { graph, labels, numClasses };
    const trained = await trainOn(name as NodeMethodName, task, seedSettings, run, {
      // One checkpoint folder per seed when repeating; the losses and curve are the first seed's.
      checkpointDir: repeats === 1 ? run.paths.checkpoint : join(run.paths.checkpoint, `seed-${seed}`),
      checkpointEvery: Math.max(1, run.checkpointEvery),
      resume: run.resumed,
      ...(r === 0
        ? { lossLogPath: run.paths.losses, lossCurvePath: run.paths.lossCurve, lossCurveTitle: `${name} training loss (seed ${seed})` }
        : {}),
    });
    const accuracy = maskedAccuracy(trained.method.predict(), truth, evalMask);
    trained.method.dispose();
    steps += trained.steps;
    trainSeconds += trained.seconds;
    let baseline: number | null = null;
    if (name !== 'gcn') {
      const gcn = await trainOn('gcn', task, seedSettings, run, null);
      try {
        // The baseline writes no checkpoint (where core checks the weights): check them before scoring.
        await assertFiniteState(gcn.method, `the gcn baseline (seed ${seed})`);
        baseline = maskedAccuracy(gcn.method.predict(), truth, evalMask);
      } finally {
        gcn.method.dispose();
      }
      trainSeconds += gcn.seconds;
    }
    runs.push({ seed, accuracy, baseline, finalLoss: trained.finalLoss });
    ctx.log(`seed ${seed}: ${name} ${accuracy.toFixed(4)}${baseline === null ? '' : `  gcn ${baseline.toFixed(4)}`}`);
  }

  const accuracies = runs.map((x) => x.accuracy);
  const baselines = runs.map((x) => x.baseline).filter((x): x is number => x !== null);
  const notes = [
    `accuracy on the ${runs.length === 1 ? '' : "seeds' "}unlabelled nodes with ${String(settings['labels-per-class'])} label(s) per class, per seed: ${accuracies.map((a) => a.toFixed(4)).join(' ')}`,
    ...(baselines.length > 0
      ? [
          `baseline gcn (plain 2-layer GCN, same labels, width, dropout, weight decay, optimiser and epochs), per seed: ${baselines.map((a) => a.toFixed(4)).join(' ')}`,
        ]
      : []),
    ...(repeats > 1 ? [`losses.csv and loss-curve.png are of seed ${run.seed}; checkpoints are in checkpoint/seed-<seed>/`] : []),
    'no model/: the method is transductive (its views are built on this graph); checkpoint/ holds its weights',
  ];
  const summary: RunSummary = {
    method: name,
    domain: 'graph',
    seed: run.seed,
    epochs: run.epochs,
    steps,
    seconds: (performance.now() - ctx.started) / 1000,
    trainSeconds,
    backend: run.backend,
    out: run.paths.dir,
    finalLoss: mean(runs.map((x) => x.finalLoss)),
    metrics: {
      accuracy: mean(accuracies),
      accuracyStd: std(accuracies),
      nodes: graph.numNodes,
      labelsPerClass: Number(settings['labels-per-class']),
      repeats,
      data: dataName,
    },
    baselines: baselines.length > 0 ? { gcn: { accuracy: mean(baselines), accuracyStd: std(baselines) } } : {},
    notes,
  };
  return finishRun(summary, run.io, ctx.json, run.paths.dir);
}
