import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { modelState } from '@contrastive/core';
import { expectClose, type Nested, readFixtureCases, toTensor, useCpuLeakCheck } from '@contrastive/test-utils';
import { powerIteration, SNConv2d, SNDense, snConv2d, snDense } from './spectral-norm.js';

useCpuLeakCheck();

interface SnStep {
  u: number[];
  v: number[];
  sigma: number;
  weight: Nested;
}
interface SnCase {
  name: string;
  inputs: { weight: Nested; bias: number[]; u0: number[]; v0: number[]; x: Nested; r: Nested };
  options: { calls: number };
  steps: SnStep[];
  grads: { weight: Nested; bias: number[]; x: Nested };
  yLast: Nested;
  yEval: Nested;
}

const cases = readFixtureCases<SnCase>(new URL('./__fixtures__', import.meta.url), 'spectral-norm.json');

/** tfjs layout ↔ PyTorch layout for kernels and activations. */
function isConv(c: SnCase): boolean {
  return toShape(c.inputs.weight).length === 4;
}
function toShape(x: Nested): number[] {
  const s: number[] = [];
  let y: Nested = x;
  while (Array.isArray(y)) {
    s.push(y.length);
    y = y[0]!;
  }
  return s;
}
/** torch weight → tfjs kernel: Linear [out, in] → [in, out]; Conv2d [out, in, kh, kw] → [kh, kw, in, out]. */
function kernelFromTorch(w: tf.Tensor): tf.Tensor {
  return w.rank === 2 ? tf.transpose(w) : tf.transpose(w, [2, 3, 1, 0]);
}
function kernelToTorch(k: tf.Tensor): tf.Tensor {
  return k.rank === 2 ? tf.transpose(k) : tf.transpose(k, [3, 2, 0, 1]);
}
/** NCHW ↔ NHWC (identity for rank 2). */
function nhwc(x: tf.Tensor): tf.Tensor {
  return x.rank === 4 ? tf.transpose(x, [0, 2, 3, 1]) : x;
}
function nchw(x: tf.Tensor): tf.Tensor {
  return x.rank === 4 ? tf.transpose(x, [0, 3, 1, 2]) : x;
}

function layerFor(c: SnCase): SNDense | SNConv2d {
  const s = toShape(c.inputs.weight);
  if (s.length === 2) return snDense({ units: s[0]! });
  // The fixture's convs are k3 s1 p1 and k4 s2 p1 on even sizes: both are tfjs 'same'.
  return snConv2d({ filters: s[0]!, kernelSize: s[2]!, strides: s[2] === 4 ? 2 : 1, padding: 'same' });
}

describe('powerIteration', () => {
  it('converges to the largest singular value of a known matrix', () => {
    const w = tf.tensor2d([
      [3, 0, 0],
      [0, 2, 0],
    ]);
    const u0 = tf.tensor1d([0.6, 0.8]);
    const r = powerIteration(w, u0, { iterations: 30 });
    expect(r.sigma.dataSync()[0]).toBeCloseTo(3, 5);
    tf.tidy(() => expectClose(tf.abs(r.u).dataSync(), [1, 0], 'u'));
    tf.dispose([w, u0, r.u, r.v, r.sigma]);
  });

  it('rejects a u of the wrong length, naming the argument', () => {
    const w = tf.zeros([2, 3]) as tf.Tensor2D;
    const u = tf.zeros([3]) as tf.Tensor1D;
    expect(() => powerIteration(w, u)).toThrow(/u must have shape \[2\]/);
    tf.dispose([w, u]);
  });
});

describe('spectral-norm layers vs torch.nn.utils.spectral_norm', () => {
  for (const c of cases) {
    it(`${c.name}: u, v, σ and W/σ after every training call, output and gradients of the last, eval output`, () => {
      const layer = layerFor(c);
      const x = tf.tidy(() => nhwc(toTensor(c.inputs.x)));
      const r = tf.tidy(() => nhwc(toTensor(c.inputs.r)));
      tf.dispose(layer.apply(x, { training: false }) as tf.Tensor);
      const init = [
        tf.tidy(() => kernelFromTorch(toTensor(c.inputs.weight))),
        toTensor(c.inputs.bias),
        toTensor(c.inputs.u0),
        toTensor(c.inputs.v0),
      ];
      layer.setWeights(init);
      tf.dispose(init);
      const xVar = tf.variable(x, true);
      const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      try {
        c.steps.forEach((step, k) => {
          const last = k === c.steps.length - 1;
          const f = () => tf.sum(tf.mul(layer.apply(xVar, { training: true }) as tf.Tensor, r)) as tf.Scalar;
          if (!last) {
            tf.dispose(tf.tidy(f));
          } else {
            const { value, grads } = tf.variableGrads(f, [kernel!, bias!, xVar]);
            const yLast = tf.tidy(() => tf.sum(tf.mul(nhwc(toTensor(c.yLast)), r)));
            expectClose(value.dataSync(), yLast.dataSync()[0]!, `${c.name} Σ y⊙r`);
            tf.tidy(() => {
              expectClose(kernelToTorch(grads[kernel!.name]!).dataSync(), c.grads.weight, `${c.name} d/dW`);
              expectClose(grads[bias!.name]!.dataSync(), c.grads.bias, `${c.name} d/db`);
              expectClose(nchw(grads[xVar.name]!).dataSync(), c.grads.x, `${c.name} d/dx`);
            });
            tf.dispose([value, yLast, ...Object.values(grads)]);
          }
          const [, , u, v] = layer.getWeights();
          expectClose(u!.dataSync(), step.u, `${c.name} u after call ${k + 1}`);
          expectClose(v!.dataSync(), step.v, `${c.name} v after call ${k + 1}`);
          const sigma = layer.spectralNorm();
          expectClose(sigma.dataSync(), step.sigma, `${c.name} σ after call ${k + 1}`);
          const wsn = layer.normalizedWeight();
          tf.tidy(() => expectClose(kernelToTorch(wsn).dataSync(), step.weight, `${c.name} W/σ after call ${k + 1}`));
          tf.dispose([sigma, wsn]);
        });
        // Inference mode: the stored u, v; nothing is updated.
        const before = layer.getWeights().map((w) => w.dataSync().slice());
        const yEval = layer.apply(x, { training: false }) as tf.Tensor;
        tf.tidy(() => expectClose(nchw(yEval).dataSync(), c.yEval, `${c.name} eval output`));
        yEval.dispose();
        layer.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(before[i]!)));
        expect(isConv(c)).toBe(layer instanceof SNConv2d);
      } finally {
        tf.dispose([x, r, xVar]);
        layer.dispose();
      }
    });
  }
});

function tinyModel(seed: number): tf.Sequential {
  const m = tf.sequential();
  m.add(snConv2d({ filters: 3, kernelSize: 4, strides: 2, seed, inputShape: [6, 6, 2], name: 'c1' }));
  m.add(tf.layers.leakyReLU({ alpha: 0.1 }));
  m.add(tf.layers.flatten());
  m.add(snDense({ units: 1, seed: seed + 10, name: 'd1' }));
  return m;
}

function snapshot(m: tf.LayersModel): number[][] {
  return m.getWeights().map((w) => Array.from(w.dataSync()));
}

describe('spectral-norm state in a model', () => {
  it('u and v are non-trainable weights in model.weights and modelState; only training-mode calls change them', () => {
    const m = tinyModel(3);
    const x = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 5);
    try {
      expect(m.trainableWeights.map((w) => w.originalName)).toEqual(['c1/kernel', 'c1/bias', 'd1/kernel', 'd1/bias']);
      expect(m.nonTrainableWeights.map((w) => w.originalName)).toEqual(['c1/sn_u', 'c1/sn_v', 'd1/sn_u', 'd1/sn_v']);
      const state = Object.keys(modelState('d', m));
      expect(state.filter((k) => k.endsWith('sn_u') || k.endsWith('sn_v'))).toHaveLength(4);
      // u, v start as unit vectors (torch normalises its random init).
      const w0 = snapshot(m);
      expect(Math.hypot(...w0[4]!)).toBeCloseTo(1, 5);
      tf.dispose(m.predict(x) as tf.Tensor);
      tf.dispose(m.apply(x, { training: false }) as tf.Tensor);
      tf.dispose(m.apply(x) as tf.Tensor);
      expect(snapshot(m)).toEqual(w0);
      tf.dispose(m.apply(x, { training: true }) as tf.Tensor);
      const w1 = snapshot(m);
      expect(w1.slice(0, 4)).toEqual(w0.slice(0, 4));
      // Order: c1/sn_u, c1/sn_v, d1/sn_u, d1/sn_v; d1's u has one entry, a unit vector is ±1 whatever the step.
      for (const i of [4, 5, 7]) expect(w1[i]).not.toEqual(w0[i]);
      expect(Math.abs(w1[6]![0]!)).toBeCloseTo(1, 6);
    } finally {
      x.dispose();
      m.dispose();
    }
  });

  it('a model saves and loads (withSaveHandler → fromMemory) with its u, v, and the loaded copy continues identically', async () => {
    const m = tinyModel(7);
    const x = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 9);
    for (let i = 0; i < 3; i++) tf.dispose(m.apply(x, { training: true }) as tf.Tensor);
    let artifacts: tf.io.ModelArtifacts | null = null;
    await m.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    try {
      expect(loaded.layers[0]).toBeInstanceOf(SNConv2d);
      expect(loaded.layers[3]).toBeInstanceOf(SNDense);
      expect(snapshot(loaded)).toEqual(snapshot(m));
      const a = m.predict(x) as tf.Tensor;
      const b = loaded.predict(x) as tf.Tensor;
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([a, b]);
      // Resume: one more training-mode call on each gives the same u, v and output.
      const ya = m.apply(x, { training: true }) as tf.Tensor;
      const yb = loaded.apply(x, { training: true }) as tf.Tensor;
      expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
      expect(snapshot(loaded)).toEqual(snapshot(m));
      tf.dispose([ya, yb]);
    } finally {
      x.dispose();
      m.dispose();
      loaded.dispose();
    }
  });

  it('getConfig round-trips (fromConfig) and seeded layers initialise identically', () => {
    const a = tinyModel(11);
    const b = tinyModel(11);
    const c = tinyModel(12);
    try {
      expect(snapshot(a)).toEqual(snapshot(b));
      expect(snapshot(a)[0]).not.toEqual(snapshot(c)[0]);
      const cfg = a.layers[0]!.getConfig();
      expect(cfg).toMatchObject({ filters: 3, kernelSize: [4, 4], strides: [2, 2], padding: 'same', iterations: 1, seed: 11 });
      const copy = SNConv2d.fromConfig(SNConv2d, cfg) as SNConv2d;
      expect(copy.getConfig()).toEqual(cfg);
    } finally {
      a.dispose();
      b.dispose();
      c.dispose();
    }
  });

  it('rejects bad arguments naming them', () => {
    expect(() => snDense({ units: 0 })).toThrow(/units/);
    expect(() => snConv2d({ filters: 2, kernelSize: 0 })).toThrow(/kernelSize/);
    expect(() => snDense({ units: 2, iterations: 0 })).toThrow(/iterations/);
  });
});
