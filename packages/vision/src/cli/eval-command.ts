import { join, resolve } from 'node:path';
import { embeddingMapPng, initBackend } from '@contrastive/core';
import { intFlag, numFlag, oneOf, required, startCommand, UsageError } from './args.js';
import { cliViews } from './build.js';
import { limitDataset, openData, resolveDataPath, scoringSets } from './data.js';
import { scoreEncoder, viewAlignmentUniformity } from './evaluate.js';
import { EVAL_HELP } from './help.js';
import { readRunConfig } from './run-dir.js';
import { loadTrainedRun } from './trained-run.js';
import { round } from './train-report.js';

const SPEC = {
  checkpoint: { type: 'string' },
  data: { type: 'string' },
  'eval-data': { type: 'string' },
  'eval-split': { type: 'string' },
  map: { type: 'string' },
  'map-method': { type: 'string' },
  limit: { type: 'string' },
  'eval-limit': { type: 'string' },
  backend: { type: 'string' },
  'probe-epochs': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `contrastive-vision eval`. Returns the process exit code. */
export async function evalCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const start = startCommand(argv, SPEC as never, EVAL_HELP, out, err);
  if (!start) return 0;
  const { v, json, log, started } = start;
  const dir = required(v, 'checkpoint');
  const cfg = await readRunConfig(dir);
  const dataPath = required(v, 'data');
  // The held-out share of --data: --eval-split, else the run's own (run.json) unless --eval-data is given.
  const evalData = v['eval-data'] as string | undefined;
  const evalSplit = numFlag(v, 'eval-split') ?? (evalData === undefined ? cfg.evalSplit : undefined);
  const mapMethod = oneOf(v, 'map-method', ['umap', 'pca'] as const, 'umap')!;
  const backend = await initBackend({ backend: oneOf(v, 'backend', ['wasm', 'cpu', 'tensorflow'] as const), log });
  // On the run's own --data, a held-out share must be the very one training never saw.
  const ownData = evalSplit !== undefined && resolveDataPath(dataPath) === resolve(cfg.data);
  if (ownData && evalSplit !== cfg.evalSplit) {
    throw new UsageError(
      `--eval-split ${evalSplit}: ${dir} was trained on ${cfg.evalSplit === undefined ? 'all of' : `all but a held-out ${cfg.evalSplit} of`} --data ${dataPath}, so this share holds images it trained on; ` +
        (cfg.evalSplit === undefined ? 'score on --eval-data instead' : `leave --eval-split out (the run's ${cfg.evalSplit} is the default)`),
    );
  }
  const limit = intFlag(v, 'limit', 2) ?? (ownData ? cfg.limit : undefined);
  const data = limitDataset(await openData('data', dataPath, 'train', { imageSize: cfg.imageSize, channels: cfg.channels }), limit);
  const { train, test } = await scoringSets(data, { dataPath, evalData, evalSplit, seed: cfg.seed, imageSize: cfg.imageSize, channels: cfg.channels, evalLimit: intFlag(v, 'eval-limit', 2) });
  if (ownData && train.size !== cfg.datasetSize) {
    throw new UsageError(`--eval-split ${evalSplit}: ${dir} trained on ${cfg.datasetSize} images of --data ${dataPath}, this split keeps ${train.size}, so its held-out share is not the one training never saw (a different --limit, or the folder changed)`);
  }
  if (!test) throw new UsageError(`eval needs a labeled test set: pass --eval-data PATH (or --eval-split F to hold out a share of --data ${dataPath})`);
  if (!train.labels || !test.labels) throw new UsageError('eval needs labels in both --data and --eval-data (class sub-folders or IDX label files)');
  if (train.channels !== cfg.channels) throw new UsageError(`--data has ${train.channels} channel(s); the checkpoint's encoder expects ${cfg.channels}`);
  const m = await loadTrainedRun(dir, cfg);
  try {
    const s = await scoreEncoder(m.encoder, train, test, { seed: cfg.seed, probeEpochs: intFlag(v, 'probe-epochs', 1), progress: process.stderr });
    const mapPath = (v.map as string | undefined) ?? join(dir, 'embedding-map.png');
    embeddingMapPng(s.testEmbeddings, test.labels, {
      path: mapPath,
      method: mapMethod,
      seed: cfg.seed,
      classNames: test.classNames ?? undefined,
      title: `${cfg.method} / ${cfg.encoder}: ${mapMethod.toUpperCase()} of ${test.size} test embeddings`,
    });
    s.testEmbeddings.dispose();
    const au = await viewAlignmentUniformity(m.encoder, test, cliViews(cfg.method, cfg.imageSize), { seed: cfg.seed });
    const summary = {
      method: cfg.method,
      encoder: cfg.encoder,
      knnAccuracy: s.knnAccuracy,
      linearProbeAccuracy: s.linearProbeAccuracy,
      alignment: round(au.alignment, 4),
      uniformity: round(au.uniformity, 4),
      embeddingMap: mapPath,
      backend,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
    log(`[contrastive-vision] ${cfg.method}: kNN ${(100 * s.knnAccuracy).toFixed(1)}%, linear probe ${(100 * s.linearProbeAccuracy).toFixed(1)}%, alignment ${au.alignment.toFixed(3)}, uniformity ${au.uniformity.toFixed(3)}, map ${mapPath}`);
    if (json) out(JSON.stringify(summary));
    return 0;
  } finally {
    m.dispose();
  }
}
