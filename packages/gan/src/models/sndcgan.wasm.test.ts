import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
// Importing core registers its wasm training kernels (Conv2DBackpropInput/Filter, …) as a side effect.
import { BACKENDS } from '@contrastive/core';
import { expectClose, useLeakCheck } from '@contrastive/test-utils';
import { expect, it } from 'vitest';
import { r1Penalty } from '../losses/gan-losses.js';
import { sampleLatent } from './options.js';
import { sndcganDiscriminator, sndcganGenerator } from './sndcgan.js';

// The SNDCGAN pair on wasm: R1 through the whole SN discriminator (k3/k4 SN convs, GanLeakyReLU, flatten, SN
// head; a gradient of a gradient) gives the same value and weight gradients as on cpu, and G runs.

useLeakCheck({ backend: 'wasm' });

function r1Grads(seed: number): { value: number; grads: Float32Array[]; u: Float32Array } {
  const d = sndcganDiscriminator({ width: 0.0625, seed });
  const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', seed + 1);
  const vars = [...d.encoder.trainableWeights, ...d.head.trainableWeights].map((w) => w.read() as tf.Variable);
  try {
    const { value, grads } = tf.variableGrads(
      () => r1Penalty((z) => d.head.apply(d.encoder.apply(z, { training: true }), { training: true }) as tf.Tensor, x, { gamma: 10 }),
      vars,
    );
    const out = {
      value: value.dataSync()[0]!,
      grads: vars.filter((v) => grads[v.name]).map((v) => grads[v.name]!.dataSync() as Float32Array),
      u: d.encoder.nonTrainableWeights[0]!.read().dataSync() as Float32Array,
    };
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  } finally {
    x.dispose();
    d.encoder.dispose();
    d.head.dispose();
  }
}

it('R1 through the SN discriminator: wasm equals cpu (value, every weight gradient, the updated u)', async () => {
  expect(BACKENDS).toContain('wasm');
  const onWasm = r1Grads(7);
  await tf.setBackend('cpu');
  let onCpu: ReturnType<typeof r1Grads>;
  try {
    onCpu = r1Grads(7);
  } finally {
    await tf.setBackend('wasm');
  }
  expectClose(onWasm.value, onCpu.value, 'R1 value');
  expect(onWasm.grads.length).toBe(onCpu.grads.length);
  expect(onWasm.grads.length).toBeGreaterThanOrEqual(8);
  onWasm.grads.forEach((g, i) => expectClose(g, Array.from(onCpu.grads[i]!), `gradient ${i}`));
  expectClose(onWasm.u, Array.from(onCpu.u), 'u after the power iteration');
});

it('the generator runs on wasm: [N, 32, 32, 3] in [0, 1]', () => {
  const g = sndcganGenerator({ imageSize: 32, channels: 3, width: 0.125, zDim: 8, seed: 1 });
  const z = sampleLatent(2, 8, 3);
  try {
    const x = g.apply(z, { training: true }) as tf.Tensor;
    expect(x.shape).toEqual([2, 32, 32, 3]);
    const [lo, hi] = tf.tidy(() => [x.min().dataSync()[0]!, x.max().dataSync()[0]!]);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    x.dispose();
  } finally {
    z.dispose();
    g.dispose();
  }
});
