import * as tf from '@tensorflow/tfjs';
import {
  assertEmbeddings,
  assertSameShape,
  checkOptionKeys,
  checkReduction,
  l2Normalize,
  reducedLoss,
  shapeStr,
  type LossResult,
  type Reduction,
  type ReductionOption,
} from '@contrastive/core';

/**
 * CLIP's initial log logit scale, `ln(1/0.07)` ≈ 2.6593 (scale e^s ≈ 14.29, i.e. temperature 0.07):
 * openai/CLIP `clip/model.py`, `self.logit_scale = nn.Parameter(torch.ones([]) * np.log(1 / 0.07))`.
 */
export const CLIP_INIT_LOG_SCALE = Math.log(1 / 0.07);

/**
 * The upper clamp of the log logit scale, `ln 100` ≈ 4.6052 (scale ≤ 100): "clipped to prevent scaling the
 * logits by more than 100" (Radford et al. 2021, section "Training"); open_clip `training/train.py` clamps after every
 * optimizer step ("clamp to 4.6052 = ln(100), as in the original paper").
 */
export const CLIP_MAX_LOG_SCALE = Math.log(100);

/** Options of {@link clipLoss}. */
export interface ClipLossOptions<R extends Reduction = Reduction> extends ReductionOption<R> {}

const KEYS = ['reduction'] as const;

/**
 * The CLIP loss (Radford et al., "Learning Transferable Visual Models From Natural Language Supervision",
 * ICML 2021, Figure 3's pseudo-code; openai/CLIP `clip/model.py` and open_clip `loss.py` `ClipLoss`): a
 * symmetric InfoNCE over a batch of N image–text pairs with a learnable logit scale.
 *
 *   Î, T̂ = rows L2-normalised;   logits = e^s · Î T̂ᵀ  `[N, N]`;
 *   L = ½ [ CE(logits, arange N) + CE(logitsᵀ, arange N) ]
 *
 * i.e. the variant B of the spec (§0) in both directions, pair i being the positive of row i and of column i.
 * The parameter is the **log** scale s (CLIP's `logit_scale`), used as e^s with no clamp here: clamp the
 * variable after every optimizer step with {@link clampLogScale}, as CLIP does. Computed in log space
 * (`logSumExp`), so the largest scale, 100, does not overflow.
 *
 * @param imageFeatures `[N, d]` image embeddings (any norm: only directions matter), N ≥ 2.
 * @param textFeatures `[N, d]` text embeddings, row i the caption of image i.
 * @param logScale the log logit scale s: a number, or a float32 scalar tensor (a `tf.Variable`, trained: its
 *   gradient flows). Start it at {@link CLIP_INIT_LOG_SCALE}. A tensor's value is not read (no sync).
 * @param options `reduction` (default `'mean'`, the CLIP loss); `'none'` returns the per-pair losses
 *   `[N]`, ½(CE of row i + CE of column i), whose mean is the loss.
 * @returns a scalar (or `[N]` for `'none'`).
 *
 * N = 1 is refused: with a single pair the softmax has one entry, the loss is identically 0 and no gradient
 * reaches either tower or the scale — a silent no-op step (drop the last partial batch instead).
 *
 * @example
 * ```ts
 * const logScale = tf.variable(tf.scalar(CLIP_INIT_LOG_SCALE), true, 'logit_scale');
 * const optimizer = tf.train.adam(5e-4);
 * optimizer.minimize(() => clipLoss(imageTower(images), textTower(tokens), logScale), false, [...weights, logScale]);
 * clampLogScale(logScale); // s ← clamp(s, 0, ln 100), after every step
 * ```
 */
export function clipLoss<R extends Reduction = 'mean'>(
  imageFeatures: tf.Tensor2D,
  textFeatures: tf.Tensor2D,
  logScale: tf.Scalar | number,
  options: ClipLossOptions<R> = {},
): LossResult<R> {
  checkOptionKeys(options, KEYS, 'clipLoss');
  const reduction = checkReduction(options.reduction);
  assertEmbeddings(imageFeatures, 'imageFeatures');
  assertEmbeddings(textFeatures, 'textFeatures');
  assertSameShape(imageFeatures, textFeatures, 'imageFeatures', 'textFeatures');
  if (imageFeatures.shape[0] < 2) {
    throw new RangeError(
      `imageFeatures must have at least 2 rows (pairs), got shape ${shapeStr(imageFeatures.shape)}: with one pair the CLIP loss is identically 0 and trains nothing`,
    );
  }
  checkLogScale(logScale, 'logScale');
  return reducedLoss(reduction, () => {
    const scale = tf.exp(logScale);
    const image = l2Normalize(imageFeatures);
    const text = l2Normalize(textFeatures);
    const logits = tf.mul(scale, tf.matMul(image, text, false, true)); // [N, N], rows images, columns texts
    const positive = tf.mul(scale, tf.sum(tf.mul(image, text), 1)); // the diagonal, [N]
    const imageToText = tf.sub(tf.logSumExp(logits, 1), positive); // CE of each row
    const textToImage = tf.sub(tf.logSumExp(logits, 0), positive); // CE of each column (logitsᵀ's rows)
    return tf.mul(0.5, tf.add(imageToText, textToImage)) as tf.Tensor1D;
  });
}

/**
 * Clamps CLIP's log logit scale in place after an optimizer step: `s ← clamp(s, 0, ln 100)` (open_clip
 * `training/train.py`, under `torch.no_grad()` after `optimizer.step()`). The log-parameter is clamped, not its
 * exponent: min 0 keeps the scale ≥ 1, max {@link CLIP_MAX_LOG_SCALE} keeps it ≤ 100.
 *
 * @param logScale the trainable float32 scalar `tf.Variable` s.
 *
 * @example
 * ```ts
 * optimizer.minimize(() => clipLoss(img, txt, logScale), false, vars);
 * clampLogScale(logScale);
 * ```
 */
export function clampLogScale(logScale: tf.Variable): void {
  if (!(logScale instanceof tf.Variable)) {
    throw new TypeError(`clampLogScale: logScale must be a tf.Variable (the trainable log scale), got ${describe(logScale)}`);
  }
  checkLogScale(logScale as tf.Tensor as tf.Scalar, 'logScale');
  tf.tidy(() => {
    logScale.assign(tf.clipByValue(logScale, 0, CLIP_MAX_LOG_SCALE));
  });
}

/** A finite number, or a live float32 scalar tensor. */
function checkLogScale(s: unknown, name: string): void {
  if (s instanceof tf.Tensor) {
    if (s.size !== 1 || s.rank !== 0 || s.dtype !== 'float32') {
      throw new TypeError(`${name} must be a number or a float32 scalar tensor, got a ${s.dtype} tensor of shape ${shapeStr(s.shape)}`);
    }
    if (s.isDisposed) throw new TypeError(`${name} is a disposed tensor`);
    return;
  }
  if (typeof s !== 'number' || !Number.isFinite(s)) {
    throw new RangeError(`${name} must be a finite number or a float32 scalar tensor, got ${describe(s)}`);
  }
}

function describe(x: unknown): string {
  if (x instanceof tf.Tensor) return `a ${x.dtype} tensor of shape ${shapeStr(x.shape)}`;
  return typeof x === 'number' ? String(x) : typeof x;
}
