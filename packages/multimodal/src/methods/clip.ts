/**
 * CLIP (Radford et al., ICML 2021, "Learning Transferable Visual Models From Natural Language Supervision") as a
 * method: an image tower and a text tower (any core `Encoder`, injected), linear projections into a joint space,
 * and the symmetric InfoNCE of {@link clipLoss} with a learnable logit scale s (e^s multiplies the cosine
 * similarities; initialised at ln(1/0.07), clamped to [0, ln 100] after every step, as in `openai/CLIP` and
 * open_clip's training loop). A frozen text tower (`frozenEncoder`, or cached USE-lite vectors through an identity
 * tower) with a trainable projection is LiT ("locked-image/text tuning", Zhai et al. 2022) on the text side.
 *
 * One optimizer (default Adam 1e-3; CLIP used AdamW 5e-4, β₂ 0.98, at batch 32,768) updates both towers'
 * trainable weights, both projections and s. State: `image_tower/…`, `text_tower/…`, `image_projection`,
 * `text_projection`, `logit_scale`.
 *
 * @example
 * const clip = new Clip({ imageTower, textTower, imageDim: 128, textDim: 512, embedDim: 128 });
 * await train({ method: clip, batches: () => pairs(), epochs: 10 }); // batches yield { images, texts }
 * const zi = clip.embedImages(images); // [N, embedDim], unit rows
 */
import * as tf from '@tensorflow/tfjs';
import { type Encoder, type Method, parallelRows, type Rng, type StepInfo, type StepOutput } from '@contrastive/core';
import { clampLogScale, CLIP_INIT_LOG_SCALE, CLIP_MAX_LOG_SCALE, clipLoss } from '../losses/clip-loss.js';
import { projectionVariable } from './projection.js';

/** A batch of N aligned pairs: image i goes with text i. */
export interface ImageTextBatch<XI = tf.Tensor4D, XT = tf.Tensor> {
  images: XI;
  texts: XT;
}

/** Options of {@link Clip}. */
export interface ClipOptions<XI, XT> {
  /** Images → `[N, imageDim]` features. Owned (disposed) by the method. */
  imageTower: Encoder<XI>;
  /** Texts → `[N, textDim]` features. Owned (disposed) by the method. */
  textTower: Encoder<XT>;
  /** Width of the image tower's output. */
  imageDim: number;
  /** Width of the text tower's output. */
  textDim: number;
  /** Width of the joint space. Default 128. */
  embedDim?: number;
  /** Initial log logit scale s. Default ln(1/0.07) ≈ 2.659 (CLIP). */
  initLogScale?: number;
  /** Learn s (default `true`); `false` keeps e^s fixed (a fixed temperature 1/e^s). */
  learnScale?: boolean;
  /** The optimizer (owned). Default Adam, learning rate `learningRate`. */
  optimizer?: tf.Optimizer;
  /** Learning rate of the default optimizer. Default 1e-3. */
  learningRate?: number;
  /** Seed of the projections' initialisation. Default 0. */
  seed?: number;
  /**
   * Which towers a data-parallel step (core's `train({ workers })`) splits by rows: each worker computes its
   * shard of the batch with `parallelRows` and the features are gathered (with their gradients), so the loss over
   * the whole batch equals one thread's — as open_clip's `gather_features` does across GPUs. Only for a tower
   * whose training forward is row-exact: each row from its own input alone, and random draws (dropout) either
   * absent or made as for the whole batch — the tower's `apply` then receives `rows: { start, total }` beside `rng`
   * in its third argument (the CLI's BERT-tiny draws each mask for the whole batch and keeps its rows). Batch norm
   * is computed per worker unless the run synchronises it. An unsplit tower computes the whole batch on every
   * worker (same result, no speed-up). Default: `images: true` (vision's CNNs: no dropout), `texts: false` (a
   * plain `BertEncoder.apply` draws dropout masks over the rows it is given). A tower input that is neither a
   * tensor nor a token batch is never split.
   */
  splitRows?: { images?: boolean; texts?: boolean };
}

export class Clip<XI = tf.Tensor4D, XT = tf.Tensor> implements Method<ImageTextBatch<XI, XT>> {
  readonly name: string = 'clip';
  readonly imageTower: Encoder<XI>;
  readonly textTower: Encoder<XT>;
  readonly imageProjection: tf.Variable;
  readonly textProjection: tf.Variable;
  readonly logScale: tf.Variable;
  readonly optimizer: tf.Optimizer;
  readonly embedDim: number;
  readonly learnScale: boolean;
  /** Whether a data-parallel step splits each tower's rows across workers (see {@link ClipOptions.splitRows}). */
  readonly splitRows: { images: boolean; texts: boolean };
  private disposed = false;

  constructor(options: ClipOptions<XI, XT>) {
    const { imageTower, textTower, imageDim, textDim, embedDim = 128, seed = 0 } = options;
    if (!imageTower || typeof imageTower.apply !== 'function') throw new TypeError('Clip: imageTower must be an Encoder');
    if (!textTower || typeof textTower.apply !== 'function') throw new TypeError('Clip: textTower must be an Encoder');
    const init = options.initLogScale ?? CLIP_INIT_LOG_SCALE;
    if (!(Number.isFinite(init) && init >= 0 && init <= CLIP_MAX_LOG_SCALE))
      throw new RangeError(`Clip: initLogScale must be in [0, ln 100 = ${CLIP_MAX_LOG_SCALE.toFixed(4)}], got ${init}`);
    const lr = options.learningRate ?? 1e-3;
    if (!(Number.isFinite(lr) && lr > 0)) throw new RangeError(`Clip: learningRate must be a positive number, got ${lr}`);
    this.imageTower = imageTower;
    this.textTower = textTower;
    this.embedDim = embedDim;
    this.learnScale = options.learnScale ?? true;
    this.splitRows = { images: options.splitRows?.images ?? true, texts: options.splitRows?.texts ?? false };
    this.imageProjection = projectionVariable(imageDim, embedDim, seed * 2 + 1);
    this.textProjection = projectionVariable(textDim, embedDim, seed * 2 + 2);
    this.logScale = tf.tidy(() => tf.variable(tf.scalar(init), this.learnScale));
    this.optimizer = options.optimizer ?? tf.train.adam(lr);
  }

  /** Joint-space image embeddings `[N, embedDim]`, unit rows (inference mode unless `training`). */
  embedImages(images: XI, training = false): tf.Tensor2D {
    this.assertAlive();
    return tf.tidy(() => unit(tf.matMul(this.imageTower.apply(images, training) as tf.Tensor2D, this.imageProjection) as tf.Tensor2D));
  }

  /** Joint-space text embeddings `[N, embedDim]`, unit rows. */
  embedTexts(texts: XT, training = false): tf.Tensor2D {
    this.assertAlive();
    return tf.tidy(() => unit(tf.matMul(this.textTower.apply(texts, training) as tf.Tensor2D, this.textProjection) as tf.Tensor2D));
  }

  /** The current logit scale e^s. */
  scale(): number {
    return Math.exp(this.logScale.dataSync()[0]!);
  }

  /** What the optimizer updates: both towers' trainable weights, both projections and s (when learned). */
  protected trainables(): tf.Variable[] {
    return [
      ...this.imageTower.trainableWeights,
      ...this.textTower.trainableWeights,
      this.imageProjection,
      this.textProjection,
      ...(this.learnScale ? [this.logScale] : []),
    ];
  }

  step(batch: ImageTextBatch<XI, XT>, info: StepInfo): StepOutput {
    this.assertAlive();
    const rng = info.rng;
    // Checked before the forward pass: an error inside `minimize` would strand the tensors the gradient tape saved.
    const [ni, nt] = [batchRows(batch.images), batchRows(batch.texts)];
    if (ni !== undefined && nt !== undefined && ni !== nt)
      throw new RangeError(`${this.name}: the batch holds ${ni} images but ${nt} texts; CLIP pairs image i with text i`);
    if (ni !== undefined && ni < 2)
      throw new RangeError(`${this.name}: a batch needs at least 2 pairs (the other pairs are the negatives), got ${ni}`);
    const vars = this.trainables();
    let accuracy: tf.Scalar | null = null;
    const loss = this.minimize(() => {
      const zi = tf.matMul(this.imageFeatures(batch.images, rng), this.imageProjection) as tf.Tensor2D;
      const zt = tf.matMul(this.textFeatures(batch.texts, rng), this.textProjection) as tf.Tensor2D;
      // Top-1 image→text accuracy within the batch (a cheap progress signal; the loss normalises itself).
      accuracy = tf.keep(
        tf.tidy(() => {
          const sim = tf.matMul(unit(zi), unit(zt), false, true);
          return tf.mean(tf.cast(tf.equal(tf.argMax(sim, 1), tf.range(0, zi.shape[0], 1, 'int32')), 'float32')) as tf.Scalar;
        }),
      );
      return clipLoss(zi, zt, this.logScale as tf.Variable<tf.Rank.R0>) as tf.Scalar;
    }, vars);
    if (this.learnScale) clampLogScale(this.logScale);
    const logs: Record<string, tf.Scalar> = { logitScale: tf.exp(this.logScale) as tf.Scalar };
    if (accuracy) logs.batchAccuracy = accuracy;
    return { loss, logs };
  }

  /**
   * `optimizer.minimize(loss, true, vars)` (under `--workers`, core averages the gradients across workers and
   * passes over a variable the loss does not reach, such as BERT's pooler under mean pooling).
   */
  protected minimize(loss: () => tf.Scalar, vars: tf.Variable[]): tf.Scalar {
    return this.optimizer.minimize(loss, true, vars) as tf.Scalar;
  }

  /** The image tower's training forward over a step's images, split by rows across data-parallel workers. */
  protected imageFeatures(images: XI, rng: Rng): tf.Tensor2D {
    return towerRows(this.imageTower, images, rng, this.splitRows.images);
  }

  /** The text tower's training forward over a step's texts, split by rows when {@link splitRows}`.texts`. */
  protected textFeatures(texts: XT, rng: Rng): tf.Tensor2D {
    return towerRows(this.textTower, texts, rng, this.splitRows.texts);
  }

  stateTensors(): Record<string, tf.Variable> {
    const prefixed = (prefix: string, s: Record<string, tf.Variable>) =>
      Object.fromEntries(Object.entries(s).map(([k, v]) => [`${prefix}/${k}`, v]));
    return {
      ...prefixed('image_tower', this.imageTower.stateTensors()),
      ...prefixed('text_tower', this.textTower.stateTensors()),
      image_projection: this.imageProjection,
      text_projection: this.textProjection,
      logit_scale: this.logScale,
    };
  }

  optimizers(): Record<string, tf.Optimizer> {
    return { optimizer: this.optimizer };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.imageTower.dispose();
    this.textTower.dispose();
    tf.dispose([this.imageProjection, this.textProjection, this.logScale]);
    this.optimizer.dispose();
  }

  protected assertAlive(): void {
    if (this.disposed) throw new Error('Clip: used after dispose()');
  }
}

/** Rows `start … start+B−1` of a batch of `total` rows: what a tower computing a data-parallel shard is told. */
export interface TowerRows {
  start: number;
  total: number;
}

/**
 * A training-mode forward pass. Towers whose `apply` takes the step's generator as a third argument (text's
 * `BertEncoder`: `apply(batch, training, { rng })`) draw their dropout masks from it, so a step — and a resumed run
 * — is reproducible; other towers ignore the extra argument. On a data-parallel shard the argument also carries
 * `rows` (see {@link ClipOptions.splitRows}).
 */
export function applyTower<X>(tower: Encoder<X>, x: X, rng: Rng, rows?: TowerRows): tf.Tensor2D {
  const options = rows === undefined ? { rng } : { rng, rows };
  return (tower.apply as (x: X, training: boolean, options: { rng: Rng; rows?: TowerRows }) => tf.Tensor)(x, true, options) as tf.Tensor2D;
}

/**
 * `applyTower` over a batch, with its rows split across the workers of a data-parallel step when `split` (core's
 * `parallelRows`: this worker computes its contiguous shard, the shards are gathered with their gradients; outside
 * a data-parallel step, the whole batch here). The tower sees the shard's rows exactly as they are in the batch (a
 * token batch keeps the batch's padded length), so a row-exact tower gives every row the single-thread value.
 */
export function towerRows<X>(tower: Encoder<X>, x: X, rng: Rng, split: boolean): tf.Tensor2D {
  const n = split ? batchRows(x) : undefined;
  if (n === undefined) return applyTower(tower, x, rng);
  return parallelRows(n, (start, count) =>
    start === 0 && count === n ? applyTower(tower, x, rng) : applyTower(tower, sliceRows(x, start, count), rng, { start, total: n }),
  );
}

/**
 * Rows `start … start+count−1` of a tower input: a tensor sliced on its first axis, or a token batch
 * (`{ batch, length, inputIds, attentionMask, tokenTypeIds }`, flat `[batch × length]` arrays) cut to those
 * sequences at the same padded length. Other inputs throw (they cannot be split).
 */
export function sliceRows<X>(x: X, start: number, count: number): X {
  if (x instanceof tf.Tensor) return tf.slice(x, start, count) as unknown as X;
  const t = x as unknown as Record<string, unknown>;
  if (t !== null && typeof t === 'object' && typeof t.batch === 'number' && typeof t.length === 'number') {
    const L = t.length;
    const out: Record<string, unknown> = { ...t, batch: count };
    for (const [k, v] of Object.entries(t)) {
      if (ArrayBuffer.isView(v) && !(v instanceof DataView) && (v as Int32Array).length === t.batch * L)
        out[k] = (v as Int32Array).slice(start * L, (start + count) * L);
    }
    if (Array.isArray(t.truncated))
      out.truncated = (t.truncated as number[]).filter((i) => i >= start && i < start + count).map((i) => i - start);
    return out as X;
  }
  throw new TypeError('sliceRows: a tower input must be a tensor or a token batch to be split by rows');
}

/** Rows of a tower input: a tensor's first dimension, or a token batch's `batch`; `undefined` when unknown. */
export function batchRows(x: unknown): number | undefined {
  if (x instanceof tf.Tensor) return x.shape[0];
  if (x !== null && typeof x === 'object' && typeof (x as { batch?: unknown }).batch === 'number') return (x as { batch: number }).batch;
  return undefined;
}

/** Rows scaled to unit length. */
export function unit(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D);
}
