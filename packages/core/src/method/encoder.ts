import * as tf from '@tensorflow/tfjs';

/**
 * A tower a method trains or uses frozen: a vision CNN, a text BERT, a graph GIN, or a pretrained model.
 * Methods take their towers through this interface (never a concrete class), so a multimodal or GAN method
 * takes any of them. `X` is what the tower reads: an image batch `tf.Tensor4D`, a token batch, a graph batch.
 *
 * Ownership: whoever holds an encoder disposes it once; a method given an encoder owns it (see `Method`).
 */
export interface Encoder<X = tf.Tensor> {
  /** A short name for logs and errors. */
  readonly name: string;
  /**
   * Forward pass: `[N, D]` features (or what the tower outputs). `training` turns on dropout and batch
   * statistics; a frozen tower ignores it.
   */
  apply(x: X, training: boolean): tf.Tensor;
  /** The variables an optimizer updates (empty for a frozen tower). */
  readonly trainableWeights: tf.Variable[];
  /** Every weight by stable name (trainable and not: batch-norm statistics), for checkpoints. */
  stateTensors(): Record<string, tf.Variable>;
  /**
   * Saves the tower so it can be loaded back by its package's loader (`loadLayersEncoder` for tfjs-layers
   * towers). Node callers pass `fileSystemHandler(dir)` from `@contrastive/core/node`; browsers an
   * `indexeddb://` or `downloads://` URL.
   */
  save(target: tf.io.IOHandler | string): Promise<unknown>;
  /** Frees the tower's weights. */
  dispose(): void;
}

/**
 * Stable state names for a model's weights: `<prefix>/<index>_<leaf>` (index in `model.weights` order,
 * zero-padded to 3) — the names every checkpoint of this monorepo uses for tfjs-layers models.
 */
export function modelState(prefix: string, model: tf.LayersModel): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  model.weights.forEach((w, i) => {
    const leaf = w.originalName.split('/').pop() ?? 'w';
    out[`${prefix}/${String(i).padStart(3, '0')}_${leaf}`] = w.read() as tf.Variable;
  });
  return out;
}

/** The trainable variables of tfjs-layers models (for `optimizer.minimize(…, varList)`). */
export function trainableVariables(...models: tf.LayersModel[]): tf.Variable[] {
  return models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
}

/**
 * Clones a model's architecture with fresh variables (target / key / momentum networks) and copies every
 * weight (batch-norm statistics included), so the copy starts identical (MoCo: θ_k ← θ_q at init).
 * Synchronous: rebuilt from `getConfig()` with the class's `fromConfig`. The caller owns the copy.
 */
export function cloneModel(model: tf.LayersModel): tf.LayersModel {
  const cls = model.constructor as unknown as { fromConfig(c: unknown, config: tf.serialization.ConfigDict): tf.LayersModel };
  const copy = cls.fromConfig(cls, model.getConfig());
  copy.setWeights(model.getWeights());
  return copy;
}

/** An {@link Encoder} over a `tf.LayersModel` (what `layersEncoder` returns); `model` is the wrapped model. */
export interface LayersEncoder extends Encoder<tf.Tensor | tf.Tensor[]> {
  readonly model: tf.LayersModel;
}

/**
 * Adapts a `tf.LayersModel` (vision's encoders, any Keras-style model) to {@link Encoder}. The adapter
 * owns the model: `dispose()` disposes it.
 */
export function layersEncoder(model: tf.LayersModel, name = model.name): LayersEncoder {
  if (!(model instanceof tf.LayersModel)) throw new TypeError(`layersEncoder: model must be a tf.LayersModel, got ${describe(model)}`);
  return {
    name,
    model,
    apply: (x, training) => model.apply(x, { training }) as tf.Tensor,
    get trainableWeights() {
      return trainableVariables(model);
    },
    stateTensors: () => modelState('encoder', model),
    save: (target) => model.save(target),
    dispose: () => model.dispose(),
  };
}

/** Loads a tfjs-layers model saved by an {@link Encoder} (`model.json` + weights) as an {@link Encoder}. */
export async function loadLayersEncoder(source: tf.io.IOHandler | string, name?: string): Promise<LayersEncoder> {
  const model = await tf.loadLayersModel(source);
  return layersEncoder(model, name);
}

/** Marks an encoder frozen: no trainable weights and inference-mode forward, whatever `training` says. */
export function frozenEncoder<X>(encoder: Encoder<X>): Encoder<X> {
  return {
    name: `${encoder.name} (frozen)`,
    apply: (x) => encoder.apply(x, false),
    trainableWeights: [],
    stateTensors: () => encoder.stateTensors(),
    save: (target) => encoder.save(target),
    dispose: () => encoder.dispose(),
  };
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x !== 'object') return typeof x;
  return (x as object).constructor?.name ?? 'object';
}
