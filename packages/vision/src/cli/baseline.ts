import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { collapseStd } from '@contrastive/core';
import { writeFileAtomic } from '@contrastive/core/node';
import type { ViewPair } from '../augment/presets.js';
import type { ImageDataset } from '../io/dataset.js';
import { scoreEncoder, scoreRawPixels, viewAlignmentUniformity, type ScoreOptions } from './evaluate.js';
import { pct } from './train-report.js';

/**
 * What a trained encoder must beat, as kept in a run's `baseline.json`: the untrained encoder's scores
 * (absent with `--no-baseline`) and, with `--raw-baseline`, the same kNN / probe on the raw pixels.
 */
export interface Baseline {
  knnAccuracy?: number;
  /** The k of `knnAccuracy`; absent in runs scored before `--knn-k`, which used 200 (so does `rawPixels.knnK`). */
  knnK?: number;
  linearProbeAccuracy?: number;
  collapseStd?: number;
  alignment?: number;
  uniformity?: number;
  rawPixels?: { knnAccuracy: number; linearProbeAccuracy: number; knnK?: number };
}

const FILE = 'baseline.json';

/** The run's `baseline.json`, or `null` when it has none. */
export async function readBaseline(dir: string): Promise<Baseline | null> {
  try {
    return JSON.parse(await readFile(join(dir, FILE), 'utf8')) as Baseline;
  } catch {
    return null;
  }
}

export async function writeBaseline(dir: string, baseline: Baseline): Promise<void> {
  await writeFileAtomic(join(dir, FILE), `${JSON.stringify(baseline)}\n`);
}

/** Options of {@link scoreBaselines}. */
export interface ScoreBaselinesOptions extends ScoreOptions {
  /** The untrained encoder to score, or `null` to skip it (`--no-baseline`, or a resumed run). */
  untrained: { encoder: tf.LayersModel; name: string; views: ViewPair } | null;
  /** Also score the raw pixels (`--raw-baseline`), unless `known` already has them. */
  rawPixels: boolean;
  log: (s: string) => void;
}

/** `known` completed with what is asked for and missing; `null` when there is nothing at all. */
export async function scoreBaselines(
  known: Baseline | null,
  train: ImageDataset,
  test: ImageDataset,
  o: ScoreBaselinesOptions,
): Promise<Baseline | null> {
  let baseline = known;
  const sizes = `${train.size} + ${test.size} images`;
  if (o.untrained) {
    const { encoder, name, views } = o.untrained;
    o.log(`[contrastive-vision] scoring the untrained ${name} (the baseline): kNN and linear probe on ${sizes}`);
    const scored = await scoreEncoder(encoder, train, test, o);
    const alignUniform = await viewAlignmentUniformity(encoder, test, views, { seed: o.seed });
    baseline = {
      ...baseline,
      knnAccuracy: scored.knnAccuracy,
      knnK: o.knnK ?? 200,
      linearProbeAccuracy: scored.linearProbeAccuracy,
      collapseStd: collapseStd(scored.testEmbeddings),
      ...alignUniform,
    };
    scored.testEmbeddings.dispose();
    o.log(`[contrastive-vision] random-init ${name}: kNN ${pct(scored.knnAccuracy)}  linear probe ${pct(scored.linearProbeAccuracy)}`);
  }
  if (o.rawPixels && baseline?.rawPixels === undefined) {
    o.log(`[contrastive-vision] scoring the raw pixels (the other baseline): kNN and linear probe on ${sizes}`);
    const raw = await scoreRawPixels(train, test, o);
    baseline = { ...baseline, rawPixels: { ...raw, knnK: o.knnK ?? 200 } };
    o.log(`[contrastive-vision] raw pixels: kNN ${pct(raw.knnAccuracy)}  linear probe ${pct(raw.linearProbeAccuracy)}`);
  }
  return baseline;
}
