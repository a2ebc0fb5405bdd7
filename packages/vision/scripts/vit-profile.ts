/**
 * Profiles one training pass (forward + backward) of the ViT-tiny encoder at batch 64 on the backend
 * `initBackend()` picks, and prints the wall time and the kernels that took longest (docs/benchmarks.md).
 *   node --import tsx scripts/vit-profile.ts
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@contrastive/core';
import { buildEncoder } from '../src/encoders/registry.js';

const backend = await initBackend({ log: false });
const enc = buildEncoder({ name: 'vit-tiny', inputShape: [28, 28, 1], seed: 0 });
const x = tf.randomUniform([64, 28, 28, 1], 0, 1, 'float32', 0);
const pass = () =>
  tf.tidy(() => {
    const { value } = tf.variableGrads(() => tf.mean(tf.square(enc.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar);
    value.dataSync();
  });
pass(); // warm-up
const t0 = performance.now();
pass();
console.log(`${backend}: forward + backward at batch 64: ${(performance.now() - t0).toFixed(0)} ms`);
const prof = await tf.profile(pass);
const time = new Map<string, number>();
const count = new Map<string, number>();
for (const k of prof.kernels) {
  time.set(k.name, (time.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  count.set(k.name, (count.get(k.name) ?? 0) + 1);
}
for (const [name, ms] of [...time.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
  console.log(`${name.padEnd(24)} ${ms.toFixed(0).padStart(7)} ms  ${count.get(name)} calls`);
}
x.dispose();
enc.dispose();
