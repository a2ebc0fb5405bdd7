import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { faultCase, faultTitle, useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { finishRun, type RunSummary } from '../cli/summary.js';
import { TrainingDivergedError } from '../errors.js';
import { loadCheckpoint } from '../io/checkpoint.js';
import { fileCheckpointStore } from '../node/file-checkpoint-store.js';
import { train } from '../node/train.js';
import type { CheckpointStore } from '../train/checkpoint-store.js';
import type { Checkpointable } from '../types.js';
import { FAULT_CASES } from './cases.js';
import { snapshot } from './helpers.js';
import { unexpected } from './helpers.js';

useCpuLeakCheck();
const tmp = useTempDir('core-train-faults-');
const row = (id: string) => faultTitle(faultCase(FAULT_CASES, id));

/** y = x·w with plain SGD: at lr 1e9 every step multiplies the error, so the loss overflows after a few steps. */
class TinyRegression implements Checkpointable {
  readonly w = tf.tidy(() => tf.variable(tf.tensor2d([[0.1], [-0.2], [0.3]])));
  readonly opt: tf.SGDOptimizer;
  constructor(lr: number) {
    this.opt = tf.train.sgd(lr);
  }
  stateTensors(): Record<string, tf.Variable> {
    return { w: this.w };
  }
  optimizers(): Record<string, tf.Optimizer> {
    return { sgd: this.opt };
  }
  step(x: tf.Tensor2D): tf.Scalar {
    const target = tf.tensor2d([[1], [2], [3], [4]]);
    return this.opt.minimize(() => tf.mean(tf.square(tf.sub(tf.matMul(x, this.w), target))) as tf.Scalar, true, [this.w])!;
  }
  dispose(): void {
    this.w.dispose();
    this.opt.dispose();
  }
}

const X = (): tf.Tensor2D =>
  tf.tensor2d([
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
    [1, 0, 1],
  ]);

/** A store that remembers the folder's bytes after every successful save. */
function recordingStore(dir: string): { store: CheckpointStore; saves: Record<string, string>[] } {
  const inner = fileCheckpointStore(dir);
  const saves: Record<string, string>[] = [];
  return {
    saves,
    store: {
      location: inner.location,
      exists: () => inner.exists(),
      load: (s) => inner.load(s),
      save: async (s, meta) => {
        await inner.save(s, meta);
        saves.push(await snapshot(dir));
      },
    },
  };
}

describe('divergence in train() (item 5)', () => {
  it(row('core/train-diverging-lr'), async () => {
    const run = tmp('diverge');
    const dir = path.join(run, 'checkpoint');
    const { store, saves } = recordingStore(dir);
    const model = new TinyRegression(1e9);
    const finite: number[] = [];
    const err = await train({
      state: model,
      epochs: 50,
      seed: 1,
      progress: false,
      checkpoint: store,
      checkpointEverySteps: 1,
      lossLogPath: path.join(run, 'losses.csv'),
      batches: function* () {
        for (let i = 0; i < 4; i++) yield X();
      },
      step: (x) => model.step(x),
      callbacks: { onStepEnd: (_g, logs) => void finite.push(logs.loss) },
    }).then(unexpected, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(TrainingDivergedError);
    const d = err as TrainingDivergedError;
    expect(finite.every(Number.isFinite)).toBe(true);
    expect(saves.length).toBeGreaterThan(0);
    if (d.variables === undefined) {
      // The loss overflowed first: it is the step right after the last finite one.
      expect(Number.isFinite(d.value)).toBe(false);
      expect(d.globalStep).toBe(finite.length);
      expect(d.message).toMatch(
        new RegExp(
          `^training diverged: the loss is (NaN|-?Infinity) at step ${d.step + 1} of epoch ${d.epoch + 1} \\(global step ${d.globalStep + 1}\\)`,
        ),
      );
    } else {
      // The weights overflowed while the loss was still finite: caught at the checkpoint of that step.
      expect(d.globalStep).toBe(finite.length - 1);
      expect(d.variables.map((v) => v.name)).toContain('w');
    }
    expect(d.epoch * 4 + d.step).toBe(d.globalStep);
    expect(d.message).toMatch(/learning rate too high \(try one ten times smaller\).*non-finite values.*temperature too small/);
    expect(d.message).toContain(`still holds the last good state (saved after global step ${saves.length})`);
    // The last good checkpoint is byte-identical and loads.
    expect(await snapshot(dir)).toEqual(saves.at(-1));
    const fresh = new TinyRegression(1);
    const meta = await loadCheckpoint<{ globalStep: number }>(dir, fresh);
    expect(meta.globalStep).toBe(saves.length);
    expect((await fresh.w.data()).every(Number.isFinite)).toBe(true);
    fresh.dispose();
    // losses.csv is written for diagnosis; with a non-finite loss, it is its last row.
    const rows = (await fs.readFile(path.join(run, 'losses.csv'), 'utf8')).trim().split('\n').slice(1);
    if (d.variables === undefined) {
      expect(rows).toHaveLength(d.globalStep + 1);
      expect(rows.at(-1)).toMatch(/,(NaN|-?Infinity)$/);
    }
    model.dispose();
  });

  it(row('core/train-nonfinite-weights'), async () => {
    const dir = tmp('nan-weights');
    const { store, saves } = recordingStore(dir);
    const w = tf.tidy(() => tf.variable(tf.ones([2, 2])));
    const state: Checkpointable = { stateTensors: () => ({ w }), optimizers: () => ({}) };
    const err = await train({
      state,
      epochs: 3,
      progress: false,
      checkpoint: store,
      batches: () => [0, 1],
      step: (_b, info) => {
        // Epoch 2 poisons one weight; relu(NaN) is 0 on wasm, so the loss it reports stays finite.
        if (info.epoch === 1)
          w.assign(
            tf.tensor2d([
              [1, Number.NaN],
              [1, 1],
            ]),
          );
        return tf.scalar(0.5);
      },
    }).then(unexpected, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(TrainingDivergedError);
    const d = err as TrainingDivergedError;
    expect(d).toMatchObject({ epoch: 1, step: 1, globalStep: 3, value: 0.5 });
    expect(d.variables).toEqual([{ name: 'w', owner: 'variable', nan: 1, inf: 0, size: 4 }]);
    expect(d.message).toMatch(
      /the weights are not finite after step 2 of epoch 2 \(global step 4\) although the loss was 0\.5: 'w' \(1 NaN of 4\)/,
    );
    expect(saves).toHaveLength(1);
    expect(await snapshot(dir)).toEqual(saves[0]);
    w.dispose();
  });

  it('reports a non-finite step log once and keeps training (only the loss stops a run)', async () => {
    const lines: string[] = [];
    const result = await train({
      epochs: 2,
      progress: false,
      log: (l) => lines.push(l),
      batches: () => [0, 1],
      step: () => ({ loss: tf.scalar(1), logs: { accuracy: Number.NaN, other: 0.5 } }),
    });
    expect(result.losses).toEqual([1, 1, 1, 1]);
    const warnings = lines.filter((l) => l.startsWith('warning:'));
    expect(warnings).toEqual([
      "warning: step log 'accuracy' is NaN at step 1 of epoch 1 (global step 1); training continues (only a non-finite loss stops it); reported once per log",
    ]);
  });

  it('an Infinity loss stops at the first step too, before any callback or checkpoint sees it', async () => {
    const dir = tmp('inf-first');
    const seen: number[] = [];
    const err = await train({
      epochs: 1,
      progress: false,
      checkpointDir: dir,
      batches: () => [0, 1],
      step: () => tf.scalar(Number.POSITIVE_INFINITY),
      callbacks: { onStepEnd: (g) => void seen.push(g), onEpochEnd: (e) => void seen.push(100 + e) },
    }).then(unexpected, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect(err).toMatchObject({ step: 0, epoch: 0, globalStep: 0, value: Number.POSITIVE_INFINITY });
    expect(err.message).toContain(`Nothing was saved to '${dir}' after it`);
    expect(seen).toEqual([]);
    await expect(fs.readdir(dir)).rejects.toThrow(/ENOENT/); // no checkpoint folder was even created
  });
});

describe('finishRun: no CLI exits 0 on a non-finite result', () => {
  const summary = (finalLoss: number, acc: number): RunSummary => ({
    method: 'simclr',
    domain: 'vision',
    seed: 0,
    epochs: 1,
    steps: 2,
    seconds: 1,
    trainSeconds: 1,
    backend: 'cpu',
    out: 'x',
    finalLoss,
    metrics: { knnAccuracy: acc },
    baselines: {},
  });

  it(row('core/finish-run-nonfinite'), async () => {
    const dir = tmp('finish');
    await fs.mkdir(dir);
    const out: string[] = [];
    const errLines: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => errLines.push(l) };
    expect(await finishRun(summary(Number.NaN, 0.5), io, { json: true, dir, tool: 'contrastive-vision' })).toBe(1);
    expect(errLines).toEqual([
      `contrastive-vision: the run produced non-finite values (finalLoss; written as null in ${path.join(dir, 'summary.json')}); training probably diverged: try a lower --lr (ten times smaller) or check the data for NaN/Inf values`,
    ]);
    expect(JSON.parse(out[0]!)).toMatchObject({ finalLoss: null, metrics: { knnAccuracy: 0.5 } });
    expect(JSON.parse(await fs.readFile(path.join(dir, 'summary.json'), 'utf8'))).toMatchObject({ finalLoss: null });
    // A non-finite score alone, without a folder (an eval that only prints).
    errLines.length = 0;
    expect(await finishRun(summary(1, Number.POSITIVE_INFINITY), io, { json: false })).toBe(1);
    expect(errLines[0]).toMatch(
      /^the run produced non-finite values \(metrics\.knnAccuracy; reported as null\); the scores are not numbers/,
    );
    // All finite: exit 0, nothing on stderr.
    errLines.length = 0;
    expect(await finishRun(summary(1, 0.5), io, { json: true, dir })).toBe(0);
    expect(errLines).toEqual([]);
  });
});
