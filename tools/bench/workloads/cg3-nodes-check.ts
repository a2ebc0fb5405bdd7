/**
 * Step-0 check of the `cg3-nodes` twin: our CG3 and tools/bench/torch/cg3_nodes.py on the same small
 * block-model graph (default 200 nodes, 10 labels per class) give losses of the same magnitude at step 0.
 * Not bit-equal: the initial weights differ (tfjs and torch draw them differently).
 *
 *   TSX_TSCONFIG_PATH=tools/bench/tsconfig.json node --import tsx tools/bench/workloads/cg3-nodes-check.ts [N]
 *
 * First checks the generator (deterministic, mean degree in [8, 10], 15–20 words per node, C·min(20, ⌊N/2C⌋)
 * labels; throws otherwise). Prints one JSON line: {generator, ours, pytorch} with the training-mode loss of step 0 (dropout on), the eval-mode
 * loss (no dropout) and its terms (CE, CE(z^G), L_uc, L_sc, L_g, weight decay; ours derives L_g from the
 * total, as CG3 does not expose it).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend, l2Normalize, stepInfo } from '@contrastive/core';
import { CG3, cg3CrossViewLoss, cg3SemiSupervisedLoss } from '@contrastive/graph';
import { cg3BenchDir, cg3BenchGraph, featureMode, withFeatures, writeCg3Bench } from './cg3-nodes-data.js';

const n = Number(process.argv[2] ?? 200);
await initBackend({ log: () => undefined });
const data = cg3BenchGraph(n, 0);

// The generator is what the file doc says: deterministic, mean degree ≈ 10, ≈ 20 words per node, the labels.
const again = cg3BenchGraph(n, 0);
const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => v === b[i]);
const stats = {
  deterministic:
    same(again.graph.edgeIndex, data.graph.edgeIndex) &&
    same(again.graph.xSparse.colIdx, data.graph.xSparse.colIdx) &&
    same(again.labels, data.labels),
  meanDegree: data.graph.edgeIndex.length / 2 / n,
  wordsPerNode: data.graph.xSparse.colIdx.length / n,
  labelled: data.labels.filter((y) => y >= 0).length,
};
const expectedLabelled = data.numClasses * Math.min(20, Math.floor(n / data.numClasses / 2));
if (
  !stats.deterministic ||
  stats.meanDegree < 8 ||
  stats.meanDegree > 10 ||
  stats.wordsPerNode < 15 ||
  stats.wordsPerNode > 20 ||
  stats.labelled !== expectedLabelled
) {
  throw new Error(`cg3-nodes generator off spec: ${JSON.stringify(stats)} (labelled should be ${expectedLabelled})`);
}
const task = { graph: withFeatures(data, featureMode()), labels: data.labels, numClasses: data.numClasses };
const cg3 = new CG3(task, { seed: 0 });
await writeCg3Bench(cg3BenchDir(n), data, cg3.global.levels, 2048);

const read = (t: tf.Tensor) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};
const trainLoss = read(cg3.loss(stepInfo(0, { seed: 0 }).rng));
const evalLoss = read(cg3.loss());
const idx = Int32Array.from(Array.from(data.labels).flatMap((y, i) => (y >= 0 ? [i] : [])));
const terms = tf.tidy(() => {
  const { zL, zG } = cg3.views();
  const li = tf.tensor1d(idx, 'int32');
  const y = tf.tensor1d(
    Array.from(idx, (i) => data.labels[i]!),
    'int32',
  );
  const oneHot = tf.oneHot(y, data.numClasses).toFloat();
  const pred = l2Normalize(tf.add(tf.mul(zL, 0.6), tf.mul(zG, 0.4)) as tf.Tensor2D);
  const w1 = cg3.local.convs[0]!.lin.weight;
  return {
    ce: tf.losses.softmaxCrossEntropy(oneHot, tf.gather(pred, li)).dataSync()[0]!,
    ceGlobal: tf.losses.softmaxCrossEntropy(oneHot, tf.gather(zG, li)).dataSync()[0]!,
    crossView: cg3CrossViewLoss(zL, zG, 0.5).dataSync()[0]!,
    supervised: cg3SemiSupervisedLoss(tf.gather(zL, li), tf.gather(zG, li), y, 0.5).dataSync()[0]!,
    decay: tf.mul(tf.sum(tf.square(w1)), 5e-4 / 2).dataSync()[0]!,
  };
});
const generative = (evalLoss - terms.ce - terms.ceGlobal - 0.9 * terms.crossView - 0.9 * terms.supervised - terms.decay) / 0.4;
cg3.dispose();
const ours = { nodes: n, trainLoss, evalLoss, ...terms, generative };

const here = dirname(fileURLToPath(import.meta.url));
const python = process.env['BENCH_PYTHON'] ?? '/usr/bin/python3';
const r = spawnSync(python, [join(here, '..', 'torch', 'cg3_nodes.py'), '--nodes', String(n), '--check'], {
  cwd: join(here, '..', 'torch'),
  encoding: 'utf8',
});
const last = r.stdout.trim().split('\n').pop() ?? '';
let pytorch: unknown;
try {
  pytorch = JSON.parse(last);
} catch {
  pytorch = { error: `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}` };
}
console.log(JSON.stringify({ generator: stats, ours, pytorch }));
