/**
 * The workloads of the wasm threads probe, each timed on the active tfjs backend (median of `reps`, after
 * one warm-up run; every timed run ends with a `dataSync()` so the work has finished).
 */
import * as tf from '@tensorflow/tfjs';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function time(reps: number, run: () => void): number {
  run();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    run();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

/** 1024×1024 · 1024×1024 matmul: ms and GFLOP/s. */
export function matmul1024(reps = 5): { ms: number; gflops: number } {
  const a = tf.randomNormal([1024, 1024]);
  const b = tf.randomNormal([1024, 1024]);
  const ms = time(reps, () => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  });
  tf.dispose([a, b]);
  return { ms: r2(ms), gflops: r2((2 * 1024 ** 3) / ms / 1e6) };
}

/** conv2d 3×3, 32→32 channels, 'same', on [64,28,28,32]: forward alone, and forward + both gradients. */
export function conv2d3x3(reps = 3): { forwardMs: number; forwardBackwardMs: number } {
  const x = tf.randomNormal([64, 28, 28, 32]);
  const w = tf.randomNormal([3, 3, 32, 32], 0, 0.1);
  const dy = tf.randomNormal([64, 28, 28, 32]);
  const f = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same');
  const forwardMs = time(reps, () => {
    const y = f(x, w);
    y.dataSync();
    y.dispose();
  });
  const grads = tf.grads(f);
  const forwardBackwardMs = time(reps, () => {
    const [dx, dw] = grads([x, w], dy);
    dx!.dataSync();
    dw!.dataSync();
    tf.dispose([dx!, dw!]);
  });
  tf.dispose([x, w, dy]);
  return { forwardMs: r2(forwardMs), forwardBackwardMs: r2(forwardBackwardMs) };
}

/** Per-op dispatch cost: `n` adds of two [4] tensors, each result disposed at once; µs per op. */
export function tinyAdds(n = 10_000, reps = 3): { usPerOp: number } {
  const a = tf.tensor1d([1, 2, 3, 4]);
  const b = tf.tensor1d([4, 3, 2, 1]);
  const ms = time(reps, () => {
    for (let i = 0; i < n; i++) tf.add(a, b).dispose();
    tf.add(a, b).dataSync();
  });
  tf.dispose([a, b]);
  return { usPerOp: r2((ms * 1000) / n) };
}

/**
 * Tape cost: a chain of `length` small elementwise ops on a [16] tensor (alternating mul / add), run
 * forward only and as `tf.grad` (forward recorded on the tape + backward). Also the number of kernels each
 * runs (from `tf.profile`, outside the timing), so the cost per kernel can be compared.
 */
export async function tapeChain(
  length = 100,
  reps = 20,
): Promise<{
  forwardUsPerOp: number;
  gradUsPerChainOp: number;
  forwardKernels: number;
  gradKernels: number;
  gradUsPerKernel: number;
  forwardUsPerKernel: number;
}> {
  const x = tf.randomNormal([16]);
  const k = tf.scalar(1.01);
  const c = tf.scalar(0.1);
  const chain = (t: tf.Tensor): tf.Tensor => {
    let y = t;
    for (let i = 0; i < length; i++) y = i % 2 ? tf.add(y, c) : tf.mul(y, k);
    return tf.sum(y);
  };
  const g = tf.grad(chain);
  const fwd = (): void => {
    const y = tf.tidy(() => chain(x));
    y.dataSync();
    y.dispose();
  };
  const bwd = (): void => {
    const dx = tf.tidy(() => g(x));
    dx.dataSync();
    dx.dispose();
  };
  const forwardMs = time(reps, fwd);
  const gradMs = time(reps, bwd);
  const forwardKernels = (await tf.profile(fwd)).kernels.length;
  const gradKernels = (await tf.profile(bwd)).kernels.length;
  tf.dispose([x, k, c]);
  return {
    forwardUsPerOp: r2((forwardMs * 1000) / length),
    gradUsPerChainOp: r2((gradMs * 1000) / length),
    forwardKernels,
    gradKernels,
    forwardUsPerKernel: r2((forwardMs * 1000) / forwardKernels),
    gradUsPerKernel: r2((gradMs * 1000) / gradKernels),
  };
}
