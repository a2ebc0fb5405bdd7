import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Rng } from '../random/rng.js';
import type { Checkpointable } from '../types.js';
import { formatProgress, ProgressBar } from './progress.js';
import { deriveSeed } from './seed.js';
import { train } from '../node/train.js';
import { disposeTensors } from './train.js';
import type { TrainCallbacks } from './train-types.js';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';

useCpuLeakCheck();
const tmp = useTempDir('train-test-');

/** Linear regression with Adam: enough state (weights, bias, Adam slots) to test checkpoints. */
class Regressor implements Checkpointable {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  readonly opt = tf.train.adam(0.05);
  constructor(initSeed: number) {
    this.w = tf.tidy(() => tf.variable(tf.randomNormal([4, 1], 0, 1, 'float32', initSeed)));
    this.b = tf.tidy(() => tf.variable(tf.zeros([1])));
  }
  stateTensors(): Record<string, tf.Variable> {
    return { w: this.w, b: this.b };
  }
  optimizers(): Record<string, tf.Optimizer> {
    return { adam: this.opt };
  }
  /** A step whose noise comes from the step rng, so reproducibility depends on the loop's seeding. */
  step(batch: { x: tf.Tensor2D; y: tf.Tensor2D }, rng: Rng): tf.Scalar {
    const noise = tf.randomNormal(batch.x.shape, 0, 0.1, 'float32', rng.seed());
    return this.opt.minimize(
      () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(tf.add(batch.x, noise), this.w), this.b), batch.y))) as tf.Scalar,
      true,
      [this.w, this.b],
    )!;
  }
  dispose(): void {
    tf.dispose([this.w, this.b]);
    this.opt.dispose();
  }
}

/** Five batches per epoch, drawn from the epoch rng. */
function* batches(_epoch: number, rng: Rng): Generator<{ x: tf.Tensor2D; y: tf.Tensor2D }> {
  for (let i = 0; i < 5; i++) {
    const x = tf.randomUniform([8, 4], -1, 1, 'float32', rng.seed()) as tf.Tensor2D;
    const y = tf.tidy(() => tf.matMul(x, tf.tensor2d([[1], [-2], [0.5], [3]]))) as tf.Tensor2D;
    yield { x, y };
  }
}

async function run(
  seed: number,
  extra: {
    dir?: string;
    resume?: boolean;
    callbacks?: TrainCallbacks;
    initSeed?: number;
    epochs?: number;
    everySteps?: number;
    log?: (l: string) => void;
    curve?: string;
  } = {},
) {
  const model = new Regressor(extra.initSeed ?? 7);
  try {
    const result = await train({
      epochs: extra.epochs ?? 3,
      seed,
      state: model,
      checkpointDir: extra.dir,
      resume: extra.resume,
      callbacks: extra.callbacks,
      checkpointEverySteps: extra.everySteps,
      lossCurvePath: extra.curve,
      log: extra.log,
      progress: false,
      batches,
      step: (batch, info) => model.step(batch, info.rng),
    });
    return { result, w: (await model.w.array()) as number[][], b: (await model.b.array()) as number[] };
  } finally {
    model.dispose();
  }
}

describe('train', () => {
  it('runs epochs x steps, records every loss, learns, and frees batches and losses', async () => {
    const { result } = await run(1);
    expect(result.losses).toHaveLength(15);
    expect(result.epochLosses).toHaveLength(3);
    expect(result.globalStep).toBe(15);
    const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(result.epochLosses[0]).toBeCloseTo(mean(result.losses.slice(0, 5)), 10);
    expect(result.epochLosses[2]!).toBeLessThan(result.epochLosses[0]!); // it trains
    expect(result.seconds).toBeGreaterThan(0);
    // The afterEach leak check covers batch tensors, noise, losses and the optimizer.
  });

  it('is reproducible: same seed gives the same loss curve, another seed does not', async () => {
    const a = await run(42);
    const b = await run(42);
    const c = await run(43);
    expect(b.result.losses).toEqual(a.result.losses);
    expect(b.w).toEqual(a.w);
    expect(c.result.losses).not.toEqual(a.result.losses);
  });

  it('resumes an interrupted run to exactly the uninterrupted loss curve and weights', async () => {
    const full = await run(5, { dir: tmp('full') });
    const dir = tmp('interrupted');
    const crash: TrainCallbacks = {
      onStepEnd: (globalStep) => {
        if (globalStep === 7) throw new Error('simulated crash in epoch 2');
      },
    };
    await expect(run(5, { dir, callbacks: crash })).rejects.toThrow('simulated crash');
    const meta = JSON.parse(await fs.readFile(path.join(dir, 'checkpoint.json'), 'utf8')) as { meta: { epoch: number; losses: number[] } };
    expect(meta.meta.epoch).toBe(1); // only epoch 1 was completed and saved
    expect(meta.meta.losses).toHaveLength(5);

    const begins: unknown[] = [];
    const resumed = await run(5, { dir, resume: true, initSeed: 1234, callbacks: { onTrainBegin: (i) => void begins.push(i) } });
    expect(begins).toEqual([{ epochs: 3, startEpoch: 1, startStep: 0, globalStep: 5, resumed: true }]);
    expect(resumed.result.losses).toEqual(full.result.losses);
    expect(resumed.result.epochLosses).toEqual(full.result.epochLosses);
    expect(resumed.w).toEqual(full.w);
    expect(resumed.b).toEqual(full.b);

    // Resuming a finished run does nothing more and returns the saved curve.
    const again = await run(5, { dir, resume: true });
    expect(again.result.losses).toEqual(full.result.losses);
    expect(again.w).toEqual(full.w);
  });

  it('checkpointEverySteps saves inside an epoch; resuming there skips the trained batches and ends like an uninterrupted run', async () => {
    const full = await run(5);
    const dir = tmp('mid-epoch');
    const saves: Array<{ epoch: number; stepInEpoch: number; losses: number }> = [];
    const watch: TrainCallbacks = {
      onStepEnd: async (globalStep) => {
        // The checkpoint on disk when step `globalStep` starts: it was written after the previous step.
        const meta = JSON.parse(await fs.readFile(path.join(dir, 'checkpoint.json'), 'utf8').catch(() => '{"meta":null}')) as {
          meta: { epoch: number; stepInEpoch: number; losses: number[] } | null;
        };
        if (meta.meta) saves.push({ epoch: meta.meta.epoch, stepInEpoch: meta.meta.stepInEpoch, losses: meta.meta.losses.length });
        if (globalStep === 8) throw new Error('simulated crash at step 4 of epoch 2');
      },
    };
    await expect(run(5, { dir, callbacks: watch, everySteps: 2 })).rejects.toThrow('simulated crash');
    // Saved after steps 2 and 4 of epoch 1, at its end (step 5 is not a multiple: the epoch-end save), then after step 2 of epoch 2.
    expect(saves.map((s) => `${s.epoch}:${s.stepInEpoch}:${s.losses}`)).toEqual([
      '0:2:2',
      '0:2:2',
      '0:4:4',
      '1:0:5',
      '1:0:5',
      '1:2:7',
      '1:2:7',
    ]);

    const begins: unknown[] = [];
    const lines: string[] = [];
    const resumed = await run(5, {
      dir,
      resume: true,
      initSeed: 99,
      everySteps: 2,
      log: (l) => lines.push(l),
      callbacks: { onTrainBegin: (i) => void begins.push(i) },
    });
    expect(begins).toEqual([{ epochs: 3, startEpoch: 1, startStep: 2, globalStep: 7, resumed: true }]);
    expect(lines[0]).toMatch(/resumed from .* at step 2 of epoch 2\/3 \(global step 7\)/);
    expect(resumed.result.losses).toEqual(full.result.losses);
    expect(resumed.result.epochLosses).toEqual(full.result.epochLosses); // the resumed epoch's mean covers its restored steps
    expect(resumed.w).toEqual(full.w);
    expect(resumed.b).toEqual(full.b);
    // The leak check (afterEach) covers the two skipped batches, which are drawn and disposed.
  });

  it('refuses a mid-epoch checkpoint whose epoch has fewer batches than it says, and a bad checkpointEverySteps', async () => {
    const dir = tmp('short');
    const curve = path.join(tmp('short-curve'), 'loss.png');
    await run(5, {
      dir,
      epochs: 1,
      everySteps: 4,
      curve,
      callbacks: {
        onStepEnd: (g) => {
          if (g === 4) throw new Error('stop');
        },
      },
    }).catch(() => undefined);
    // The step checkpoint also drew the loss curve so far (no epoch had ended).
    expect((await fs.readFile(curve)).subarray(1, 4).toString()).toBe('PNG');
    const model = new Regressor(7);
    try {
      await expect(
        train({
          epochs: 1,
          seed: 5,
          state: model,
          checkpointDir: dir,
          resume: true,
          progress: false,
          batches: () => [],
          step: () => tf.scalar(0),
        }),
      ).rejects.toThrow(/step 4 of epoch 1, but batches\(0\) yielded only 0 batches/);
      await expect(train({ epochs: 1, checkpointEverySteps: 0, batches: () => [], step: () => tf.scalar(0) })).rejects.toThrow(
        /checkpointEverySteps/,
      );
    } finally {
      model.dispose();
    }
  });

  it('resume: true with an empty directory starts from scratch', async () => {
    const lines: string[] = [];
    const model = new Regressor(7);
    const r = await train({
      epochs: 1,
      state: model,
      checkpointDir: tmp('fresh'),
      resume: true,
      progress: false,
      log: (l) => lines.push(l),
      batches,
      step: (batch, info) => model.step(batch, info.rng),
    });
    model.dispose();
    expect(r.losses).toHaveLength(5);
    expect(lines[0]).toMatch(/no checkpoint .* starting from scratch/);
    expect(lines[1]).toMatch(/^epoch 1\/1 {2}loss \d+\.\d{4} {2}steps 5 {2}\d+\.\ds$/);
  });

  it('awaits async callbacks in order with step and epoch logs', async () => {
    const events: string[] = [];
    const cb: TrainCallbacks = {
      onTrainBegin: async () => {
        await new Promise((r) => setTimeout(r, 1));
        events.push('begin');
      },
      onStepEnd: async (g, logs) => {
        await Promise.resolve();
        expect(Number.isFinite(logs.loss)).toBe(true);
        events.push(`step ${g} (${logs.epoch}:${logs.step})`);
      },
      onEpochEnd: async (e, logs) => {
        await new Promise((r) => setTimeout(r, 1));
        events.push(`epoch ${e} steps=${logs.steps} global=${logs.globalStep}`);
      },
      onTrainEnd: (res) => void events.push(`end ${res.losses.length}`),
    };
    const model = new Regressor(7);
    await train({
      epochs: 2,
      stepsPerEpoch: 2,
      progress: false,
      callbacks: [cb],
      batches,
      step: (batch, info) => model.step(batch, info.rng),
    });
    model.dispose();
    expect(events).toEqual([
      'begin',
      'step 0 (0:0)',
      'step 1 (0:1)',
      'epoch 0 steps=2 global=2',
      'step 2 (1:0)',
      'step 3 (1:1)',
      'epoch 1 steps=2 global=4',
      'end 4',
    ]);
  });

  it('shows metrics added by callbacks in the epoch log line and keeps them in the checkpoint meta', async () => {
    const lines: string[] = [];
    const dir = tmp('metrics');
    const model = new Regressor(7);
    await train({
      epochs: 1,
      stepsPerEpoch: 1,
      progress: false,
      state: model,
      checkpointDir: dir,
      log: (l) => lines.push(l),
      callbacks: {
        onEpochEnd: async (_e, logs) => {
          (logs as Record<string, unknown>).knnAccuracy = 0.625;
        },
      },
      batches,
      step: (batch, info) => model.step(batch, info.rng),
    });
    model.dispose();
    expect(lines[0]).toMatch(/ {2}knnAccuracy 0\.6250$/);
    const saved = JSON.parse(await fs.readFile(path.join(dir, 'checkpoint.json'), 'utf8')) as {
      meta: { epochLogs: Record<string, unknown> };
    };
    expect(saved.meta.epochLogs.knnAccuracy).toBe(0.625);
  });

  it('stepsPerEpoch closes the batch generator early, and unconsumed batches are never created', async () => {
    let closed = 0;
    let made = 0;
    const model = new Regressor(7);
    const r = await train({
      epochs: 2,
      stepsPerEpoch: 3,
      progress: false,
      batches: function* (epoch, rng) {
        try {
          yield* (function* () {
            for (const b of batches(epoch, rng)) {
              made++;
              yield b;
            }
          })();
        } finally {
          closed++;
        }
      },
      step: (batch, info) => model.step(batch, info.rng),
    });
    model.dispose();
    expect(r.losses).toHaveLength(6);
    expect(made).toBe(6);
    expect(closed).toBe(2);
  });

  it('accepts async iterables', async () => {
    const model = new Regressor(7);
    const r = await train({
      epochs: 1,
      progress: false,
      batches: async function* (epoch, rng) {
        for (const b of batches(epoch, rng)) {
          await Promise.resolve();
          yield b;
        }
      },
      step: (batch, info) => model.step(batch, info.rng),
    });
    model.dispose();
    expect(r.losses).toHaveLength(5);
  });

  it('draws a progress bar (steps/s, loss, ETA) on a TTY; a short run off a TTY prints nothing', async () => {
    const model = new Regressor(7);
    const tty: string[] = [];
    const pipe: string[] = [];
    for (const [stream, out] of [
      [{ isTTY: true, columns: 200, write: (s: string) => tty.push(s) }, tty],
      [{ isTTY: false, write: (s: string) => pipe.push(s) }, pipe],
    ] as const) {
      void out;
      await train({
        epochs: 2,
        stepsPerEpoch: 2,
        progressStream: stream,
        batches,
        step: (batch, info) => model.step(batch, info.rng),
      });
    }
    model.dispose();
    expect(pipe).toEqual([]);
    const text = tty.join('');
    expect(text).toMatch(/epoch 1\/2 {2}\[#{10}\.{10}\] 1\/2 {2}[\d.]+ steps\/s {2}loss \d+\.\d{4} {2}ETA \d+:\d\d/);
    expect(text).toContain('\n');
    expect(formatProgress({ epoch: 0, epochs: 3, step: 7, loss: 1.5, stepsPerSecond: 2 })).toBe(
      'epoch 1/3  step 7  2.00 steps/s  loss 1.5000  ETA --:--',
    );
    // Work that is not a training epoch: a label, another unit, no loss.
    expect(
      formatProgress({
        label: 'embedding',
        epoch: 0,
        epochs: 1,
        step: 512,
        stepsPerEpoch: 2048,
        stepsPerSecond: 150.25,
        unit: 'images',
        etaSeconds: 10,
      }),
    ).toBe('embedding  [#####...............] 512/2048  150.3 images/s  ETA 0:10');
  });

  it('off a TTY prints plain progress lines (no carriage returns) at most once per interval', () => {
    const out: string[] = [];
    const write = (s: string) => out.push(s);
    const state = { epoch: 0, epochs: 1, step: 3, stepsPerEpoch: 10, loss: 1, stepsPerSecond: 2, etaSeconds: 3.5 };
    const quiet = new ProgressBar({ isTTY: false, write }); // default: first line after a minute
    quiet.update(state, true);
    quiet.newline();
    expect(out).toEqual([]);
    const every = new ProgressBar({ isTTY: false, write }, 100, 0);
    every.update(state);
    every.update({ ...state, step: 4 });
    every.newline();
    expect(out).toEqual([`${formatProgress(state)}\n`, `${formatProgress({ ...state, step: 4 })}\n`]);
    // No carriage return and no escape character (ANSI redraw codes) in the plain output.
    expect(out.join('')).not.toContain('\r');
    expect(out.join('')).not.toContain(String.fromCharCode(27));
  });

  it('writes the loss curve PNG after each epoch', async () => {
    const file = tmp('curves', 'loss.png');
    const model = new Regressor(7);
    await train({ epochs: 2, progress: false, lossCurvePath: file, batches, step: (b, i) => model.step(b, i.rng) });
    model.dispose();
    const png = await fs.readFile(file);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.byteLength).toBeGreaterThan(500);
  });

  it("writes every step's loss as CSV (lossLogPath), the same numbers train() returns", async () => {
    const file = tmp('logs', 'losses.csv');
    const model = new Regressor(7);
    const r = await train({ epochs: 2, progress: false, lossLogPath: file, batches, step: (b, i) => model.step(b, i.rng) });
    model.dispose();
    const lines = (await fs.readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('step,loss');
    expect(lines.length - 1).toBe(r.losses.length);
    expect(r.losses.length).toBeGreaterThan(2);
    lines.slice(1).forEach((line, i) => {
      const [step, loss] = line.split(',').map(Number);
      expect(step).toBe(i + 1);
      expect(loss).toBe(r.losses[i]);
    });
  });

  it('disposes the batch and rethrows when the step throws, and rejects non-scalar losses', async () => {
    const seen: tf.Tensor[] = [];
    await expect(
      train({
        epochs: 1,
        progress: false,
        batches: function* () {
          const t = tf.ones([2]);
          seen.push(t);
          yield [t, { nested: tf.zeros([1]) }];
        },
        step: () => {
          throw new Error('bad step');
        },
      }),
    ).rejects.toThrow('bad step');
    expect(seen[0]!.isDisposed).toBe(true);
    await expect(
      train({ epochs: 1, progress: false, batches: () => [1], step: () => tf.ones([2]) as unknown as tf.Scalar }),
    ).rejects.toThrow(/step must return a scalar tf.Tensor \(the loss\), got shape \[2\]/);
    await expect(train({ epochs: 0, batches: () => [], step: () => tf.scalar(0) })).rejects.toThrow(/epochs/);
    await expect(train({ epochs: 1, resume: true, batches: () => [], step: () => tf.scalar(0) })).rejects.toThrow(/checkpointDir/);
  });
});

describe('helpers', () => {
  it('disposeTensors walks arrays and plain objects, not typed arrays', () => {
    const a = tf.ones([1]);
    const b = tf.ones([1]);
    const idx = new Int32Array([1, 2]);
    disposeTensors({ views: [a, { b }], idx, n: 3 });
    expect(a.isDisposed && b.isDisposed).toBe(true);
    expect(idx[1]).toBe(2);
  });

  it('deriveSeed is deterministic and separates (seed, epoch, step) tuples', () => {
    expect(deriveSeed(1, 2, 3)).toBe(deriveSeed(1, 2, 3));
    const seeds = new Set<number>();
    for (let s = 0; s < 3; s++) for (let e = 0; e < 5; e++) for (let k = 0; k < 5; k++) seeds.add(deriveSeed(s, e, k));
    expect(seeds.size).toBe(75);
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(0, 1));
  });
});
