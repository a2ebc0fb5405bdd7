import * as tf from '@tensorflow/tfjs';
import { assertInt } from '../validate.js';
import { addToLogs, isDue, type EpochEndCallback } from './callback.js';
import type { EmbeddingInput, LabelInput } from './inputs.js';
import { knnAccuracy, type KnnOptions } from './knn.js';

/** What a kNN monitor evaluates: embeddings of a labelled bank (train) and of a held-out split (test). */
export interface KnnEmbeddings {
  train: EmbeddingInput;
  trainLabels: LabelInput;
  test: EmbeddingInput;
  testLabels: LabelInput;
}

export interface KnnMonitorOptions extends KnnOptions {
  /** Evaluate after every `every`-th epoch (epochs every−1, 2·every−1, … counted from 0). Default 1. */
  every?: number;
  /**
   * Embeds the labelled splits with the current encoder. Tensors it returns are disposed by the
   * monitor after use (so `embed` can simply return `encoder.predict(x)`).
   */
  embed: () => KnnEmbeddings | Promise<KnnEmbeddings>;
  /** Where to report `epoch N: kNN accuracy …`; `false` for silence. Default `console.log`. */
  log?: ((message: string) => void) | false;
}

export interface KnnMonitor extends EpochEndCallback {
  /** One entry per evaluation, in order. */
  readonly history: { epoch: number; accuracy: number }[];
  /** Runs an evaluation now (also what `onEpochEnd` does when due) and returns the accuracy. */
  evaluate(epoch: number): Promise<number>;
}

/**
 * Online kNN monitor: every `every` epochs, embeds a labelled train split and a held-out split and
 * records weighted-kNN accuracy ({@link knnAccuracy}, k = 200, τ = 0.1 by default) — the training-time
 * probe of lightly's `KNNBenchmarkModule` and solo-learn. The accuracy is also put into the epoch's
 * logs as `knnAccuracy`.
 */
export function knnMonitor(opts: KnnMonitorOptions): KnnMonitor {
  const every = opts.every ?? 1;
  assertInt(every, 'every', 1);
  if (typeof opts.embed !== 'function')
    throw new TypeError('knnMonitor: embed must be a function returning {train, trainLabels, test, testLabels}');
  const log = opts.log === undefined ? console.log : opts.log;
  const history: { epoch: number; accuracy: number }[] = [];
  const knnOpts: KnnOptions = {
    ...(opts.k !== undefined ? { k: opts.k } : {}),
    ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
    ...(opts.numClasses !== undefined ? { numClasses: opts.numClasses } : {}),
    ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
  };
  const evaluate = async (epoch: number): Promise<number> => {
    const e = await opts.embed();
    try {
      const accuracy = knnAccuracy(e.train, e.trainLabels, e.test, e.testLabels, knnOpts);
      history.push({ epoch, accuracy });
      if (log) log(`epoch ${epoch}: kNN accuracy ${(accuracy * 100).toFixed(2)}%`);
      return accuracy;
    } finally {
      for (const v of [e.train, e.trainLabels, e.test, e.testLabels]) if (v instanceof tf.Tensor) v.dispose();
    }
  };
  return {
    history,
    evaluate,
    async onEpochEnd(epoch: number, logs?: object): Promise<void> {
      if (!isDue(epoch, every)) return;
      addToLogs(logs, 'knnAccuracy', await evaluate(epoch));
    },
  };
}
