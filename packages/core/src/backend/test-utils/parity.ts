/** Test helpers: run the same tensor program on `cpu` and on `wasm` and compare the results. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { expect } from 'vitest';
import { createRng } from '../../random/rng.js';
import { registerWasmTrainingKernels } from '../wasm-kernels/register.js';

// tfjs-backend-wasm is loaded now, so the faster replacements of stock kernels can be installed too.
registerWasmTrainingKernels();

/** Deterministic normal(0, 1) values. */
export function randn(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

/** Run `f` (which builds its own tensors) on `backend`; returns the values of every output. */
export async function runOn(backend: 'cpu' | 'wasm', f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(() => {
    const r = f();
    return Array.isArray(r) ? r : [r];
  });
  const vals = await Promise.all(outs.map(async (t) => new Float32Array(await t.data())));
  tf.dispose(outs);
  return vals;
}

/** Max |a − b| scaled by max(1, max|a|). */
export function relErr(a: Float32Array, b: Float32Array): number {
  expect(b.length).toBe(a.length);
  let maxAbs = 1;
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(a[i]!));
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= maxDiff)) maxDiff = Number.isNaN(d) ? Infinity : d;
  }
  return maxDiff / maxAbs;
}

/**
 * Asserts `f` gives the same values on wasm as on cpu (relative tolerance `tol`). `reference`
 * replaces `f` on cpu where the cpu kernel itself does not cover the case (e.g. dilations).
 */
export async function expectParity(
  f: () => tf.Tensor | tf.Tensor[],
  tol = 1e-4,
  reference: () => tf.Tensor | tf.Tensor[] = f,
): Promise<void> {
  const cpu = await runOn('cpu', reference);
  const wasm = await runOn('wasm', f);
  expect(wasm.length).toBe(cpu.length);
  cpu.forEach((c, i) => {
    const err = relErr(c, wasm[i]!);
    expect(err, `output ${i}: relative error ${err}`).toBeLessThanOrEqual(tol);
  });
}
