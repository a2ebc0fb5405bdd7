import * as tf from '@tensorflow/tfjs';
import { train } from '@contrastive/core';
import { TowerCache } from '../pretrained/tower-cache.js';
import type { TowerEmbedder } from '../pretrained/use-lite-encoder.js';
import { DistillStudent, type DistillStudentOptions, type TeacherLabels } from './distill.js';

/** What {@link runDistillation} needs. */
export interface DistillationRun {
  /** The frozen tower (USE-lite); not owned. */
  tower: TowerEmbedder;
  /** Training texts (one per teacher row). */
  trainTexts: readonly string[];
  teacher: TeacherLabels;
  /** Which training rows teach (from `distillationKeep`). */
  keep: readonly boolean[];
  /** Texts to label after training. */
  testTexts: readonly string[];
  epochs: number;
  batchSize: number;
  seed: number;
  /** Student options beyond dim and classes (schedule, warm-up, clip). */
  student?: Omit<DistillStudentOptions, 'dim' | 'classes'>;
  log?: (line: string) => void;
}

/** Result of {@link runDistillation}. */
export interface DistillationResult {
  /** Predicted label of each test text. */
  predictions: string[];
  /** Training rows kept by the entropy filter. */
  kept: number;
  steps: number;
  finalLoss: number | null;
  seconds: number;
  /** The trained student (the caller saves and disposes it). */
  student: DistillStudent;
}

/**
 * Trains the SSCLS student on the frozen tower's vectors of the kept training texts (each embedded once into a
 * {@link TowerCache}) with the teacher's hard labels, through core's `train()` (shuffled per epoch by the seeded
 * rng, no checkpoints: the student is seconds of work), then labels the test texts with its argmax class.
 */
export async function runDistillation(run: DistillationRun): Promise<DistillationResult> {
  const { tower, trainTexts, teacher, keep, testTexts, epochs, batchSize, seed, log } = run;
  const rows = keep.flatMap((k, i) => (k ? [i] : []));
  if (rows.length < 2) throw new RangeError(`only ${rows.length} training sentences pass the entropy filter: nothing to distil`);
  const cache = new TowerCache(tower);
  const t0 = performance.now();
  await cache.add([...rows.map((i) => trainTexts[i]!), ...testTexts], (done, total) => {
    if (done === total) log?.(`${tower.name}: ${total} texts embedded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  });
  const student = new DistillStudent({ dim: tower.dim, classes: teacher.labels.length, seed, ...run.student });
  try {
    const perEpoch = Math.ceil(rows.length / batchSize);
    const result = await train({
      method: student,
      batches: function* (_epoch, rng) {
        const order = rng.permutation(rows.length);
        for (let s = 0; s < rows.length; s += batchSize) {
          const idx = Array.from(order.subarray(s, s + batchSize), (j) => rows[j]!);
          yield {
            x: cache.gather(idx.map((i) => trainTexts[i]!)),
            y: tf.tensor1d(
              idx.map((i) => teacher.hard[i]!),
              'int32',
            ),
          };
        }
      },
      epochs,
      stepsPerEpoch: perEpoch,
      seed,
      progress: false,
    });
    const predictions: string[] = [];
    for (let s = 0; s < testTexts.length; s += 256) {
      const cls = tf.tidy(() => {
        const x = cache.gather(testTexts.slice(s, s + 256));
        return student.probabilities(x).argMax(1);
      });
      for (const c of await cls.data()) predictions.push(teacher.labels[c]!);
      cls.dispose();
    }
    return {
      predictions,
      kept: rows.length,
      steps: result.globalStep,
      finalLoss: result.epochLosses.at(-1) ?? null,
      seconds: result.seconds,
      student,
    };
  } catch (e) {
    student.dispose();
    throw e;
  }
}
