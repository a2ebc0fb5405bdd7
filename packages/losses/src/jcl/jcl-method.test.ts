import * as tf from '@tensorflow/tfjs';
import { infoNCE, layersEncoder, type Rng, stepInfo } from '@contrastive/core';
import { train } from '@contrastive/core/node';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { jclLoss } from './jcl-loss.js';
import { JCL, type JCLOptions } from './jcl-method.js';

useCpuLeakCheck();
const tmp = useTempDir('jcl-method-');

const IN = 4;
const N = 6;

/** A tiny dense "vision" encoder [N, 4] → [N, 5]. */
function tinyEncoder(seed = 1): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [IN], units: 5, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
    ],
  });
}

/** A view: the batch plus Gaussian noise, seeded from the step's rng only. */
const jitter = (x: tf.Tensor, rng: Rng): tf.Tensor => tf.tidy(() => tf.add(x, tf.randomNormal(x.shape, 0, 0.3, 'float32', rng.seed())));

function make(opts: Partial<JCLOptions<tf.Tensor>> = {}): JCL<tf.Tensor> {
  return new JCL<tf.Tensor>({ encoder: tinyEncoder(), views: jitter, epochs: 4, projectionDim: 3, queueSize: 16, seed: 3, ...opts });
}

const batch = () => tf.randomNormal([N, IN], 0, 1, 'float32', 11) as tf.Tensor2D;
const values = (t: tf.Tensor) => Array.from(t.dataSync());

/** The step's views and the loss inputs, redrawn from an identical StepInfo (before the step changes any state). */
function expectedInputs(method: JCL<tf.Tensor>, x: tf.Tensor, seed: number, epoch = 0) {
  const info = stepInfo(0, { seed, epoch });
  const view = jitter(x, info.rng);
  const xq = method.embedQuery(view);
  view.dispose();
  const views = Array.from({ length: method.keyViews }, () => jitter(x, info.rng));
  const keys = method.encodeKeys(views);
  const negatives = method.queue.negatives();
  tf.dispose(views);
  return { q: xq, keys, negatives };
}

describe('JCL method mechanics', () => {
  it("with M = 1 its step loss is core's infoNCE against the queue (Σ = 0), whatever λ", () => {
    const method = make({ keyViews: 1, lambda: 50, momentum: 0.5 });
    const x = batch();
    // θ_k = θ_q at construction, so the momentum update at the start of the step leaves θ_k unchanged.
    const { q, keys, negatives } = expectedInputs(method, x, 5);
    const k = tf.reshape(keys, [N, 3]) as tf.Tensor2D;
    const expected = infoNCE(q, k, { negatives, temperature: 0.2 });
    const out = method.step(x, stepInfo(0, { seed: 5 })) as { loss: tf.Scalar; logs: Record<string, tf.Scalar | number> };
    expect(out.loss.dataSync()[0]).toBeCloseTo(expected.dataSync()[0]!, 5);
    expect((out.logs.covariance as tf.Scalar).dataSync()[0]).toBe(0);
    tf.dispose([q, keys, k, negatives, expected, out.loss, out.logs.crossEntropy as tf.Scalar, out.logs.covariance as tf.Scalar, x]);
    method.dispose();
  });

  it('enqueues μ, the mean of the M normalised keys (not re-normalised), not the keys', () => {
    const method = make({ keyViews: 3 });
    const x = batch();
    const { q, keys, negatives } = expectedInputs(method, x, 7);
    const mu = tf.mean(keys, 1);
    const out = method.step(x, stepInfo(0, { seed: 7 })) as { loss: tf.Scalar; logs: Record<string, tf.Scalar | number> };
    const queue = method.queue.negatives();
    const head = tf.slice(queue, [0, 0], [N, 3]);
    const got = values(head);
    values(mu).forEach((v, i) => expect(got[i]!).toBeCloseTo(v, 5));
    const normT = tf.norm(mu, 'euclidean', 1);
    const norms = values(normT);
    normT.dispose();
    expect(Math.max(...norms)).toBeLessThan(1 - 1e-5); // three distinct unit keys average to a shorter vector
    expect(method.queue.pointer).toBe(N); // N entries (one μ per image), not M·N keys
    tf.dispose([q, keys, negatives, mu, queue, head, out.loss, out.logs.crossEntropy as tf.Scalar, out.logs.covariance as tf.Scalar, x]);
    method.dispose();
  });

  it('warms λ up as λ·(epoch+1)/E and the step uses λ_t', () => {
    const method = make({ keyViews: 3, lambda: 2, epochs: 4 });
    expect([0, 1, 2, 3, 9].map((e) => method.lambdaAt(e))).toEqual([0.5, 1, 1.5, 2, 2]);
    const x = batch();
    const { q, keys, negatives } = expectedInputs(method, x, 9, 2);
    const expected = jclLoss(q, keys, negatives, { temperature: 0.2, lambda: 1.5 });
    const other = jclLoss(q, keys, negatives, { temperature: 0.2, lambda: 2 });
    const out = method.step(x, stepInfo(0, { seed: 9, epoch: 2 })) as { loss: tf.Scalar; logs: Record<string, tf.Scalar | number> };
    expect(out.logs.lambda).toBe(1.5);
    expect(out.loss.dataSync()[0]).toBeCloseTo(expected.dataSync()[0]!, 5);
    expect(Math.abs(other.dataSync()[0]! - expected.dataSync()[0]!)).toBeGreaterThan(1e-4);
    const ce = (out.logs.crossEntropy as tf.Scalar).dataSync()[0]!;
    const cov = (out.logs.covariance as tf.Scalar).dataSync()[0]!;
    expect(cov).toBeGreaterThan(0);
    expect(ce + cov).toBeCloseTo(out.loss.dataSync()[0]!, 5);
    tf.dispose([q, keys, negatives, expected, other, out.loss, out.logs.crossEntropy as tf.Scalar, out.logs.covariance as tf.Scalar, x]);
    method.dispose();
  });

  it('trains θ_q by gradient; θ_k moves only by momentum (m·θ_k + (1−m)·θ_q before the step)', () => {
    const method = make({ momentum: 0.9 });
    const x = batch();
    const before = Object.fromEntries(Object.entries(method.stateTensors()).map(([k, v]) => [k, values(v)]));
    // Start θ_k ≠ θ_q to see the EMA: perturb the key encoder.
    const kName = Object.keys(before).find((k) => k.startsWith('key/encoder/') && k.endsWith('kernel'))!;
    const qName = kName.replace('key/', 'query/');
    const shifted = tf.add(method.stateTensors()[kName]!, 1);
    method.stateTensors()[kName]!.assign(shifted);
    shifted.dispose();
    const kBefore = values(method.stateTensors()[kName]!);
    const out = method.step(x, stepInfo(0, { seed: 1 })) as { loss: tf.Scalar; logs: Record<string, tf.Scalar | number> };
    const after = method.stateTensors();
    const ema = kBefore.map((v, i) => 0.9 * v + 0.1 * before[qName]![i]!);
    values(after[kName]!).forEach((v, i) => expect(v).toBeCloseTo(ema[i]!, 5));
    expect(values(after[qName]!)).not.toEqual(before[qName]);
    expect(values(after['query/projector/000_kernel']!)).not.toEqual(before['query/projector/000_kernel']);
    tf.dispose([out.loss, out.logs.crossEntropy as tf.Scalar, out.logs.covariance as tf.Scalar, x]);
    method.dispose();
  });

  it('takes core Encoders (with a key encoder) and names bad options', () => {
    const enc = layersEncoder(tinyEncoder(1));
    const key = layersEncoder(tinyEncoder(2));
    const method = new JCL<tf.Tensor>({ encoder: enc, keyEncoder: key, featureDim: 5, views: jitter, epochs: 2, queueSize: 8 });
    // θ_k ← θ_q at construction.
    expect(values(key.trainableWeights[0]!)).toEqual(values(enc.trainableWeights[0]!));
    const x = batch();
    const out = method.step(x, stepInfo(0)) as { loss: tf.Scalar; logs: Record<string, tf.Scalar | number> };
    expect(Number.isFinite(out.loss.dataSync()[0]!)).toBe(true);
    tf.dispose([out.loss, out.logs.crossEntropy as tf.Scalar, out.logs.covariance as tf.Scalar, x]);
    expect(() => method.step(x, {} as never)).toThrow(/StepInfo/);
    method.dispose();
    method.dispose();
    const enc2 = layersEncoder(tinyEncoder(1));
    expect(() => new JCL({ encoder: enc2, featureDim: 5, views: jitter, epochs: 2 })).toThrow(/keyEncoder is required/);
    expect(() => new JCL({ encoder: enc2, keyEncoder: enc2, views: jitter, epochs: 2 })).toThrow(/featureDim is required/);
    expect(() => new JCL({ encoder: enc2, views: jitter } as never)).toThrow(/epochs.*must be an integer >= 1, got undefined/);
    expect(() => new JCL({ encoder: enc2, views: jitter, epochs: 2, keyViews: 0 } as never)).toThrow(
      /keyViews must be an integer >= 1, got 0/,
    );
    expect(() => new JCL({ encoder: enc2, views: jitter, epochs: 2, lambda: -1 } as never)).toThrow(/lambda must be a finite number >= 0/);
    enc2.dispose();
  });
});

describe('JCL through train()', () => {
  function* batches(_epoch: number, rng: Rng): Generator<tf.Tensor> {
    for (let i = 0; i < 3; i++) yield tf.randomNormal([N, IN], 0, 1, 'float32', rng.seed());
  }

  async function run(dir: string, opts: { resume?: boolean; stopAfter?: number } = {}) {
    const method = make({ keyViews: 2 });
    let steps = 0;
    const lambdas: number[] = [];
    try {
      const result = await train({
        method,
        batches,
        epochs: 3,
        seed: 4,
        progress: false,
        checkpointDir: dir,
        checkpointEverySteps: 2,
        resume: opts.resume ?? false,
        callbacks: {
          onStepEnd: (_g, logs) => {
            lambdas.push(logs.logs?.lambda as number);
            if (opts.stopAfter !== undefined && ++steps === opts.stopAfter) throw new Error('interrupted');
          },
        },
      }).catch((err: Error) => {
        if (err.message !== 'interrupted') throw err;
        return null;
      });
      const state = Object.fromEntries(Object.entries(method.stateTensors()).map(([k, v]) => [k, values(v)]));
      return { result, state, lambdas };
    } finally {
      method.dispose();
    }
  }

  it('a run interrupted mid-epoch and resumed equals the uninterrupted run (encoders, heads, queue, optimizer)', async () => {
    const full = await run(tmp('full'));
    expect(full.lambdas).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3].map((e) => (2 * e) / 4));
    await run(tmp('cut'), { stopAfter: 5 });
    const resumed = await run(tmp('cut'), { resume: true });
    expect(resumed.result!.losses).toEqual(full.result!.losses);
    expect(resumed.state).toEqual(full.state);
  });
});
