import * as tf from '@tensorflow/tfjs';
import { assertRank } from '@contrastive/core';

/**
 * SeqCLR's instance mappings (Aberdam et al., "Sequence-to-Sequence Contrastive Learning for Text
 * Recognition", CVPR 2021, §3 and Fig. 5): a frame sequence `R ∈ ℝ^{N×T×F}` becomes `T′` instances per
 * image, `[N, T′, F]`, and NT-Xent then runs over all `N·T′` instances of the batch.
 *
 * - `all`    — all-to-instance: the mean over the T frames, one instance per image (T′ = 1; SimCLR-like,
 *              the paper's non-sequential baseline).
 * - `frame`  — frame-to-instance: every frame is an instance (T′ = T); most negatives, least robust to the
 *              misalignment that augmentation introduces between the two views.
 * - `window` — window-to-instance: adaptive average pooling over time to T′ windows (the paper's best
 *              trade-off; T′ = 5 by default, {@link DEFAULT_WINDOWS}).
 *
 * Pure functions on tensors; each runs in `tf.tidy` and is differentiable.
 */
export type InstanceMapping = 'all' | 'frame' | 'window';

/** The mappings, in the order the CLI lists them. */
export const INSTANCE_MAPPINGS: readonly InstanceMapping[] = ['all', 'frame', 'window'];

/** T′ of window-to-instance when none is given (the paper's default). */
export const DEFAULT_WINDOWS = 5;

/**
 * The window `[start, end)` of output i of PyTorch's `adaptive_avg_pool1d` from T frames to T′:
 * `start = ⌊i·T/T′⌋`, `end = ⌈(i+1)·T/T′⌉`. Windows overlap by one frame when T′ does not divide T, and
 * repeat frames when T′ > T — the same boundaries as PyTorch, so a reference script and a port agree.
 */
export function adaptiveWindow(i: number, frames: number, windows: number): [number, number] {
  return [Math.floor((i * frames) / windows), Math.ceil(((i + 1) * frames) / windows)];
}

/** `[T′, T]` averaging matrix of {@link adaptiveWindow}: row i holds 1/|window i| on its frames, 0 elsewhere. */
export function adaptivePoolingMatrix(frames: number, windows: number): Float32Array {
  checkCounts(frames, windows);
  const m = new Float32Array(windows * frames);
  for (let i = 0; i < windows; i++) {
    const [s, e] = adaptiveWindow(i, frames, windows);
    for (let t = s; t < e; t++) m[i * frames + t] = 1 / (e - s);
  }
  return m;
}

/** Window-to-instance: `[N, T, F]` → `[N, T′, F]`, adaptive average pooling over time (one matmul). */
export function windowToInstance(frames: tf.Tensor3D, windows = DEFAULT_WINDOWS): tf.Tensor3D {
  assertFrames(frames, 'windowToInstance');
  const [n, t, f] = frames.shape;
  checkCounts(t, windows);
  return tf.tidy(() => {
    const p = tf.tensor2d(adaptivePoolingMatrix(t, windows), [windows, t]);
    // [N,T,F] → [T, N·F]; P·x pools every (image, channel) column at once; back to [N,T′,F].
    const cols = frames.transpose([1, 0, 2]).reshape([t, n * f]);
    return tf.matMul(p, cols).reshape([windows, n, f]).transpose([1, 0, 2]) as tf.Tensor3D;
  });
}

/** All-to-instance: `[N, T, F]` → `[N, 1, F]`, the mean over all frames. */
export function allToInstance(frames: tf.Tensor3D): tf.Tensor3D {
  assertFrames(frames, 'allToInstance');
  return tf.tidy(() => tf.mean(frames, 1, true) as tf.Tensor3D);
}

/** Frame-to-instance: the frames themselves (a copy, so the caller may dispose either). */
export function frameToInstance(frames: tf.Tensor3D): tf.Tensor3D {
  assertFrames(frames, 'frameToInstance');
  return frames.clone();
}

/** Applies mapping `kind` (`windows` is T′ of `'window'` and ignored otherwise). */
export function mapInstances(frames: tf.Tensor3D, kind: InstanceMapping, windows = DEFAULT_WINDOWS): tf.Tensor3D {
  switch (kind) {
    case 'all':
      return allToInstance(frames);
    case 'frame':
      return frameToInstance(frames);
    case 'window':
      return windowToInstance(frames, windows);
    default:
      throw new RangeError(`instance mapping must be one of ${INSTANCE_MAPPINGS.join(' | ')}, got '${String(kind)}'`);
  }
}

/**
 * `[N, T′, F]` instances → `[N·T′, F]` rows, image-major: row `n·T′ + t` is instance t of image n. Flattening
 * both views the same way makes row k of view 1 the positive of row k of view 2 in core's `ntXent`.
 */
export function flattenInstances(instances: tf.Tensor3D): tf.Tensor2D {
  const [n, t, f] = instances.shape;
  return instances.reshape([n * t, f]);
}

function assertFrames(x: tf.Tensor, op: string): asserts x is tf.Tensor3D {
  assertRank(x, 3, `${op}: frames`, '[N, T, F]');
}

function checkCounts(frames: number, windows: number): void {
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`instance mapping: the sequence needs T >= 1 frames, got ${frames}`);
  if (!Number.isInteger(windows) || windows < 1) throw new RangeError(`windows (T′) must be an integer >= 1, got ${String(windows)}`);
}
