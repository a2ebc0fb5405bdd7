import * as tf from '@tensorflow/tfjs';
import { l2Normalize, type Rng, stepInfo, stepLoss, stopGradient } from '@contrastive/core';
import { train } from '@contrastive/core/node';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { PaCo, type PaCoBatch, type PaCoOptions } from './paco.js';
import { logClassPrior, pacoLoss } from './paco-loss.js';

useCpuLeakCheck();
const tmp = useTempDir('paco-');

const IN = 6;
const F = 4;
const C = 3;

function backbone(seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [IN], units: F, activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed }) }),
    ],
  });
}

function make(opts: Partial<PaCoOptions<tf.Tensor2D>> = {}): PaCo<tf.Tensor2D> {
  return new PaCo<tf.Tensor2D>({
    encoder: backbone(1),
    numClasses: C,
    projectionDim: 3,
    queueSize: 6,
    momentum: 0.9,
    seed: 3,
    ...opts,
    optimizer: opts.optimizer ?? tf.train.sgd(0.5),
  });
}

const read = (t: tf.Tensor) => Array.from(t.dataSync());
const batchOf = (seed: number, labels: number[]): PaCoBatch<tf.Tensor2D> => ({
  x: tf.randomNormal([labels.length, IN], 0, 1, 'float32', seed) as tf.Tensor2D,
  labels,
});

describe('PaCo method mechanics', () => {
  it('the step loss is pacoLoss on [q; k; queue] with the log prior and α/β/γ/τ; the centres receive its gradient', () => {
    const counts = [50, 10, 2];
    const opts = { alpha: 0.3, beta: 0.7, gamma: 1.5, temperature: 0.5 };
    const m = make({ classCounts: counts, ...opts, initialQueueLabels: 'random' });
    const batch = batchOf(11, [0, 2, 1, 0]);
    try {
      // Key weights start as a copy of the online weights, so after the first momentum update k = g(f(x)) too.
      const { value, grads } = tf.tidy(() => {
        const prior = logClassPrior(counts);
        const queue = m.queue.negatives();
        return tf.variableGrads(() => {
          const h = m.encoder.apply(batch.x, true) as tf.Tensor2D;
          const z = m.projector.apply(h) as tf.Tensor2D;
          const centerLogits = tf.add(tf.matMul(h, m.centres.kernel), m.centres.bias) as tf.Tensor2D;
          return pacoLoss(
            {
              features: z,
              keys: stopGradient(l2Normalize(z)),
              labels: batch.labels,
              queue,
              queueLabels: m.queueLabels,
              centerLogits,
              logPrior: prior,
            },
            opts,
          );
        }, [m.centres.kernel, m.centres.bias]);
      });
      const w0 = read(m.centres.kernel);
      const b0 = read(m.centres.bias);
      const gw = read(grads[m.centres.kernel.name]!);
      const gb = read(grads[m.centres.bias.name]!);
      expect(Math.max(...gw.map(Math.abs))).toBeGreaterThan(1e-4); // the centres receive gradient
      expect(Math.max(...gb.map(Math.abs))).toBeGreaterThan(1e-4);
      const loss = stepLoss(m.step(batch, stepInfo(0)));
      expect(loss.dataSync()[0]!).toBeCloseTo(value.dataSync()[0]!, 5);
      // SGD(0.5): W ← W − 0.5·∂L/∂W, b likewise.
      read(m.centres.kernel).forEach((w, i) => expect(w).toBeCloseTo(w0[i]! - 0.5 * gw[i]!, 5));
      read(m.centres.bias).forEach((b, i) => expect(b).toBeCloseTo(b0[i]! - 0.5 * gb[i]!, 5));
      tf.dispose([loss, value, ...Object.values(grads)]);
    } finally {
      tf.dispose(batch.x);
      m.dispose();
    }
  });

  it('without classCounts no prior is added; with them the loss changes (the logit adjustment is wired)', () => {
    const a = make();
    const b = make({ classCounts: [100, 10, 1] });
    const batch = batchOf(12, [0, 1, 2, 2]);
    try {
      expect(a.logPrior).toBeNull();
      const prior = logClassPrior([100, 10, 1]);
      expect(read(b.logPrior!)).toEqual(read(prior).map((v) => expect.closeTo(v, 6)));
      prior.dispose();
      const la = stepLoss(a.step(batch, stepInfo(0)));
      const lb = stepLoss(b.step(batch, stepInfo(0)));
      expect(Math.abs(la.dataSync()[0]! - lb.dataSync()[0]!)).toBeGreaterThan(1e-3);
      tf.dispose([la, lb]);
    } finally {
      tf.dispose(batch.x);
      a.dispose();
      b.dispose();
    }
  });

  it('stores the labels in the queue, in the slots of their keys (FIFO, wrapping; a batch larger than K keeps its last K)', () => {
    const m = make({ initialQueueLabels: 'empty' });
    const batches = [batchOf(1, [0, 1, 2, 0]), batchOf(2, [2, 2, 1, 1]), batchOf(3, [1, 0, 2, 2, 1, 0, 1, 2])];
    try {
      expect(read(m.queueLabels)).toEqual([-1, -1, -1, -1, -1, -1]);
      const keys0 = read(m.queue.stateTensors('q')['q/keys']!);
      tf.dispose(stepLoss(m.step(batches[0]!, stepInfo(0))));
      expect(read(m.queueLabels)).toEqual([0, 1, 2, 0, -1, -1]);
      expect(m.queue.pointer).toBe(4);
      const keys1 = read(m.queue.stateTensors('q')['q/keys']!);
      expect(keys1.slice(0, 12)).not.toEqual(keys0.slice(0, 12)); // slots 0..3 rewritten
      expect(keys1.slice(12)).toEqual(keys0.slice(12)); // slots 4, 5 untouched
      tf.dispose(stepLoss(m.step(batches[1]!, stepInfo(1))));
      expect(read(m.queueLabels)).toEqual([1, 1, 2, 0, 2, 2]); // slots 4, 5, 0, 1
      expect(m.queue.pointer).toBe(2);
      tf.dispose(stepLoss(m.step(batches[2]!, stepInfo(2))));
      // 8 labels into K = 6 from slot 2: the last 6 (2, 2, 1, 0, 1, 2) land in slots 4, 5, 0, 1, 2, 3.
      expect(read(m.queueLabels)).toEqual([1, 0, 1, 2, 2, 2]);
      expect(m.queue.pointer).toBe(4);
    } finally {
      tf.dispose(batches.map((b) => b.x));
      m.dispose();
    }
  });

  it("initialQueueLabels 'random' draws labels in [0, C) as the code's randint (seeded)", () => {
    const a = make({ queueSize: 50, seed: 9 });
    const b = make({ queueSize: 50, seed: 9 });
    try {
      const la = read(a.queueLabels);
      expect(la).toEqual(read(b.queueLabels));
      expect(la.every((v) => Number.isInteger(v) && v >= 0 && v < C)).toBe(true);
      expect(new Set(la).size).toBe(C);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('momentum update before the keys: θ_k ← m·θ_k + (1−m)·θ_q, the key towers get no gradient', () => {
    const m = make({ momentum: 0.9 });
    const batch = batchOf(5, [0, 1, 2, 1]);
    try {
      tf.dispose(stepLoss(m.step(batch, stepInfo(0))));
      // After step 0: θ_k = θ_q(before step 0) (a copy, m·x + (1−m)·x); θ_q moved.
      const qBefore = m.encoder.trainableWeights.map(read);
      const kBefore = m.keyEncoder.trainableWeights.map(read);
      expect(qBefore[0]).not.toEqual(kBefore[0]);
      tf.dispose(stepLoss(m.step(batch, stepInfo(1))));
      m.keyEncoder.trainableWeights
        .map(read)
        .forEach((k, i) => k.forEach((v, j) => expect(v).toBeCloseTo(0.9 * kBefore[i]![j]! + 0.1 * qBefore[i]![j]!, 5)));
    } finally {
      tf.dispose(batch.x);
      m.dispose();
    }
  });

  it('stateTensors names every piece of state: towers, key towers, centres, queue keys, pointer and labels', () => {
    const m = make();
    try {
      const state = m.stateTensors();
      const names = Object.keys(state);
      for (const n of ['centres/kernel', 'centres/bias', 'queue/keys', 'queue/ptr', 'queue/labels']) expect(names).toContain(n);
      expect(names.filter((n) => n.startsWith('encoder/'))).toHaveLength(2);
      expect(names.filter((n) => n.startsWith('key_encoder/'))).toHaveLength(2);
      expect(names.filter((n) => n.startsWith('projector/'))).toHaveLength(4);
      expect(names.filter((n) => n.startsWith('key_projector/'))).toHaveLength(4);
      const stateVars = new Set(Object.values(state));
      for (const v of m.trainableWeights()) expect(stateVars.has(v)).toBe(true); // every trained variable checkpoints
      expect(state['centres/kernel']!.shape).toEqual([F, C]);
      expect(state['queue/labels']!.dtype).toBe('int32');
      const zeros = tf.zeros([2, IN]) as tf.Tensor2D;
      const logits = m.predict(zeros);
      zeros.dispose();
      expect(logits.shape).toEqual([2, C]);
      expect(read(logits).slice(0, C)).toEqual(read(m.centres.bias).map((v) => expect.closeTo(v, 6))); // f(0) = tanh(0) = 0
      logits.dispose();
    } finally {
      m.dispose();
    }
  });

  it('rejects bad options and batches with errors naming the option', () => {
    const enc = backbone(2);
    expect(() => new PaCo({ encoder: enc, numClasses: 1 })).toThrow(/numClasses/);
    expect(() => new PaCo({ encoder: enc, numClasses: 3, classCounts: [1, 2] })).toThrow(/classCounts must have length 3/);
    expect(() => new PaCo({ encoder: enc, numClasses: 3, alpha: -1 })).toThrow(/alpha must be a finite number >= 0/);
    expect(() => new PaCo({ encoder: enc, numClasses: 3, momentum: 2 })).toThrow(/momentum must be in \[0, 1\]/);
    expect(() => new PaCo({ encoder: enc, numClasses: 3, initialQueueLabels: 'zero' as never })).toThrow(/initialQueueLabels/);
    enc.dispose();
    const m = make();
    const x = tf.zeros([4, IN]) as tf.Tensor2D;
    try {
      expect(() => m.step({ x } as never, stepInfo(0))).toThrow(/batch must be \{ x, labels \}/);
      expect(() => m.step({ x, labels: [0, 1, 5, 0] }, stepInfo(0))).toThrow(/labels\[2\] must be an integer in \[0, 3\)/);
      expect(() => m.step({ x, labels: [0, 1, 2] }, stepInfo(0))).toThrow(/labels must have length 4/);
    } finally {
      x.dispose();
      m.dispose();
    }
    expect(() => m.stateTensors()).toThrow(/disposed/);
  });
});

describe('PaCo through train(): checkpoint and resume', () => {
  function* batches(_epoch: number, rng: Rng): Generator<PaCoBatch<tf.Tensor2D>> {
    for (let i = 0; i < 4; i++) {
      const labels = Array.from({ length: 4 }, () => rng.int(C));
      yield { x: tf.randomNormal([4, IN], 0, 1, 'float32', rng.seed()) as tf.Tensor2D, labels };
    }
  }
  const views = (x: tf.Tensor2D, rng: Rng): [tf.Tensor2D, tf.Tensor2D] => [
    tf.add(x, tf.randomNormal(x.shape, 0, 0.1, 'float32', rng.seed())) as tf.Tensor2D,
    tf.add(x, tf.randomNormal(x.shape, 0, 0.1, 'float32', rng.seed())) as tf.Tensor2D,
  ];

  async function run(dir: string, opts: { resume?: boolean; stopAfter?: number } = {}) {
    const method = make({ views, classCounts: [30, 6, 1], optimizer: tf.train.momentum(0.1, 0.9) });
    let steps = 0;
    try {
      const result = await train({
        method,
        batches,
        epochs: 3,
        seed: 5,
        progress: false,
        checkpointDir: dir,
        checkpointEverySteps: 2,
        resume: opts.resume ?? false,
        callbacks: {
          onStepEnd: () => {
            if (opts.stopAfter !== undefined && ++steps === opts.stopAfter) throw new Error('interrupted');
          },
        },
      }).catch((err: Error) => {
        if (err.message !== 'interrupted') throw err;
        return null;
      });
      const weights = Object.fromEntries(Object.entries(method.stateTensors()).map(([k, v]) => [k, read(v)]));
      return { result, weights };
    } finally {
      method.dispose();
    }
  }

  it('a run interrupted mid-epoch and resumed equals the uninterrupted run (centres, queue keys and labels included)', async () => {
    const full = await run(tmp('full'));
    await run(tmp('cut'), { stopAfter: 7 });
    const resumed = await run(tmp('cut'), { resume: true });
    expect(resumed.result!.losses).toEqual(full.result!.losses);
    expect(resumed.weights).toEqual(full.weights);
    expect(full.weights['queue/labels']!.every((v) => v >= 0 && v < C)).toBe(true);
    const fresh = make();
    try {
      expect(full.weights['centres/kernel']).not.toEqual(read(fresh.centres.kernel)); // the centres trained
    } finally {
      fresh.dispose();
    }
  });
});
