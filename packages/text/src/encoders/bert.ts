import * as tf from '@tensorflow/tfjs';
import type { Encoder, Rng } from '@contrastive/core';
import type { TokenBatch } from '../tokenize/text-tokenizer.js';
import { bertWeightShapes, fromHfConfig, toHfConfig, validateBertConfig } from './bert-config.js';
import type { BertConfig } from './bert-config.js';
import { pool, POOLINGS } from './pooling.js';
import type { Pooling } from './pooling.js';
import { batchTensors, disposeInputs } from './token-tensors.js';

/** Encoder inputs, all `[B, L]` int32 (the mask may be float32 of 0/1). */
export interface BertInputs {
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  /** Default: all zeros. */
  tokenTypeIds?: tf.Tensor2D;
  /** Default: `0..L-1` per row. ConSERT's token shuffle passes permuted ids here. */
  positionIds?: tf.Tensor2D;
}

/** Options of {@link BertEncoder.forward}. */
export interface BertForwardOptions {
  /** Apply dropout (SimCSE's augmentation). Default `false`. */
  training?: boolean;
  /** Seeds the dropout masks so a step is reproducible; without it masks are unseeded. */
  rng?: Rng;
  /**
   * Rewrites the embedding-layer output (word + position + type, after LayerNorm, before dropout)
   * `[B, L, H]`, as ConSERT's cutoff/noise/adversarial augmentations do. Runs inside the caller's tidy.
   */
  embeddingHook?: (embeddings: tf.Tensor3D) => tf.Tensor3D;
  /** Use these embeddings `[B, L, H]` instead of computing them (adversarial views need the gradient w.r.t. them). */
  embeddings?: tf.Tensor3D;
  /**
   * The inputs are rows `start … start+B−1` of a batch of `total` rows (a data-parallel shard, see
   * `encodePooled`): every dropout mask is drawn as for the whole batch, with the seed the whole batch's
   * forward would use, and its rows of these inputs are applied, so each row gets the mask a forward over the
   * whole batch gives it. Absent (or the whole batch): `tf.dropout` on the inputs as they are.
   */
  rows?: { start: number; total: number };
}

/** Outputs of {@link BertEncoder.forward}. */
export interface BertOutput {
  /** Last layer `[B, L, H]`. */
  lastHiddenState: tf.Tensor3D;
  /** Embedding output followed by every layer's output (`numLayers + 1` tensors `[B, L, H]`). */
  hiddenStates: tf.Tensor3D[];
}

/** Options of the {@link BertEncoder} constructor. */
export interface BertEncoderOptions {
  /** Seed of the fresh weights. Default 0. */
  seed?: number;
  /**
   * Pooling of {@link BertEncoder.apply} (what the encoder returns through core's `Encoder` interface).
   * Default `'cls'` (the last layer's [CLS] vector, as `SentenceEncoder`'s default).
   */
  pooling?: Pooling;
  /** Name for logs and errors. Default `'bert'`. */
  name?: string;
}

/** `modelTopology.format` of a BERT saved through {@link BertEncoder.save}. */
export const BERT_ARTIFACTS_FORMAT = 'contrastive-text/bert';

let instances = 0;

/**
 * A trainable BERT encoder (Devlin et al., 2019): post-LayerNorm Transformer with learned position and
 * token-type embeddings, multi-head self-attention with an additive −1e4 padding mask, exact erf GELU FFN,
 * and the `pooler.dense` layer that SimCSE's `cls` (with MLP) pooling uses.
 *
 * Weights are `tf.Variable`s keyed by their Hugging Face names (`encoder.layer.0.attention.self.query.weight`)
 * and stored in PyTorch's `[out, in]` layout, so a HF checkpoint loads and saves without renaming or
 * transposing, and the method classes can checkpoint them through core's `Checkpointable`.
 */
export class BertEncoder implements Encoder<TokenBatch> {
  readonly config: BertConfig;
  readonly name: string;
  /** Pooling of {@link apply}. */
  readonly pooling: Pooling;
  private readonly vars = new Map<string, tf.Variable>();

  /** Fresh weights: normal(0, initializerRange) matrices, zero biases, LayerNorm γ=1 β=0 (as HF initialises). */
  constructor(config: BertConfig, options: BertEncoderOptions = {}) {
    this.config = validateBertConfig({ ...config });
    this.name = options.name ?? 'bert';
    this.pooling = options.pooling ?? 'cls';
    if (!POOLINGS.includes(this.pooling))
      throw new RangeError(`pooling must be one of ${POOLINGS.join(', ')}, got '${String(this.pooling)}'`);
    const c = this.config;
    const prefix = `bert${instances++}`;
    // tfjs treats a seed of 0 as "unseeded" (Math.random), so offsets start at 1.
    let seed = (options.seed ?? 0) * 1000 + 1;
    const add = (name: string, shape: number[], kind: 'normal' | 'zeros' | 'ones'): void => {
      const init = tf.tidy(() =>
        kind === 'normal'
          ? tf.truncatedNormal(shape, 0, c.initializerRange, 'float32', seed++)
          : kind === 'ones'
            ? tf.ones(shape)
            : tf.zeros(shape),
      );
      this.vars.set(name, tf.variable(init, true, `${prefix}/${name}`));
      init.dispose();
    };
    for (const [name, shape, init] of bertWeightShapes(c)) add(name, shape, init);
  }

  /** Every weight by its Hugging Face name (for checkpoints and optimizers). */
  stateTensors(): Record<string, tf.Variable> {
    return Object.fromEntries(this.vars);
  }

  /** The trainable weights, optionally without the pooler (unused by mean/cls pooling). */
  trainableVariables(options: { includePooler?: boolean } = {}): tf.Variable[] {
    const { includePooler = true } = options;
    return [...this.vars].filter(([n]) => includePooler || !n.startsWith('pooler.')).map(([, v]) => v);
  }

  /** The trainable weights (core's `Encoder` interface): every weight, pooler included. */
  get trainableWeights(): tf.Variable[] {
    return this.trainableVariables();
  }

  /**
   * Core's `Encoder` forward pass: a token batch in, the **pooled** sentence vectors `[N, H]` out (with
   * {@link pooling}), so a multimodal or GAN method can use this BERT as a text tower. `training` turns on
   * dropout; its masks are seeded by `options.rng` when given (pass the step's `info.rng` so the step is
   * reproducible), else unseeded. For the token states use {@link forward}.
   */
  apply(batch: TokenBatch, training: boolean, options: { rng?: Rng } = {}): tf.Tensor2D {
    const t = batchTensors(batch);
    try {
      return tf.tidy(() =>
        pool(
          this,
          this.forward(t, { training, ...(options.rng === undefined ? {} : { rng: options.rng }) }),
          t.attentionMask,
          this.pooling,
        ),
      );
    } finally {
      disposeInputs(t);
    }
  }

  /**
   * Saves config and weights through a tfjs `IOHandler` (core's `Encoder` interface): `fileSystemHandler(dir)`
   * from `@contrastive/core/node` (model.json + weights.bin), or an `indexeddb://` / `downloads://` URL in a
   * browser. Load it back with {@link loadBertEncoder}. The Hugging Face folder format (what Python's
   * `BertModel` reads) is `saveBertCheckpoint(dir, bert)` from `@contrastive/text/node`.
   */
  async save(target: tf.io.IOHandler | string): Promise<tf.io.SaveResult> {
    const handler = typeof target === 'string' ? tf.io.getSaveHandlers(target)[0] : target;
    if (!handler?.save) {
      throw new Error(
        `BertEncoder.save: no tfjs save handler for '${String(target)}' (in Node pass fileSystemHandler(dir) from @contrastive/core/node, or use saveBertCheckpoint)`,
      );
    }
    const named: tf.NamedTensorMap = this.stateTensors();
    const { data, specs } = await tf.io.encodeWeights(named);
    return handler.save({
      modelTopology: { format: BERT_ARTIFACTS_FORMAT, config: toHfConfig(this.config), pooling: this.pooling, name: this.name },
      format: BERT_ARTIFACTS_FORMAT,
      generatedBy: '@contrastive/text',
      weightSpecs: specs,
      weightData: data,
    });
  }

  /** One weight by HF name; throws naming it when absent. */
  weight(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new RangeError(`BERT has no weight '${name}'`);
    return v;
  }

  /** Word + position + token-type embeddings followed by LayerNorm `[B, L, H]` (no dropout). */
  embed(inputs: BertInputs): tf.Tensor3D {
    return tf.tidy(() => {
      const [b, L] = inputs.inputIds.shape;
      if (L > this.config.maxPositions) {
        throw new RangeError(`inputIds length ${L} exceeds maxPositions ${this.config.maxPositions}; truncate the text first`);
      }
      const pos = inputs.positionIds ?? tf.tile(tf.range(0, L, 1, 'int32').expandDims(0), [b, 1]);
      const types = inputs.tokenTypeIds ?? tf.zerosLike(inputs.inputIds);
      const e = tf
        .gather(this.weight('embeddings.word_embeddings.weight'), inputs.inputIds.cast('int32'))
        .add(tf.gather(this.weight('embeddings.position_embeddings.weight'), pos.cast('int32')))
        .add(tf.gather(this.weight('embeddings.token_type_embeddings.weight'), types.cast('int32'))) as tf.Tensor3D;
      return this.layerNorm(e, 'embeddings.LayerNorm');
    });
  }

  /** Full forward pass. The caller owns (and disposes) the returned tensors. */
  forward(inputs: BertInputs, options: BertForwardOptions = {}): BertOutput {
    const { training = false, rng, embeddingHook, rows } = options;
    const c = this.config;
    if (inputs.inputIds.rank !== 2) throw new RangeError(`inputIds must be [B, L], got rank ${inputs.inputIds.rank}`);
    if (inputs.attentionMask.shape.join() !== inputs.inputIds.shape.join()) {
      throw new RangeError(`attentionMask shape [${inputs.attentionMask.shape}] must equal inputIds shape [${inputs.inputIds.shape}]`);
    }
    const batch = inputs.inputIds.shape[0];
    const shard = rows !== undefined && !(rows.start === 0 && rows.total === batch) ? checkRows(rows, batch) : undefined;
    const drop = (x: tf.Tensor, rate: number): tf.Tensor => {
      if (!training || rate <= 0) return x;
      return shard ? shardDropout(x, rate, rng?.seed(), batch, shard) : tf.dropout(x, rate, undefined, rng?.seed());
    };
    const out = tf.tidy(() => {
      const [b, L] = inputs.inputIds.shape;
      const h = c.hiddenSize;
      const nh = c.numHeads;
      const dh = h / nh;
      let x: tf.Tensor3D = options.embeddings ?? this.embed(inputs);
      if (embeddingHook) x = embeddingHook(x);
      x = drop(x, c.hiddenDropout) as tf.Tensor3D;
      const states: tf.Tensor3D[] = [x];
      // Additive mask [B, 1, 1, L]: 0 for tokens, −1e4 for padding (−1e9 overflows under float16 packing).
      const ext = tf.sub(1, inputs.attentionMask.cast('float32')).mul(-1e4).reshape([b, 1, 1, L]);
      const heads = (t: tf.Tensor2D): tf.Tensor4D => t.reshape([b, L, nh, dh]).transpose([0, 2, 1, 3]);
      for (let l = 0; l < c.numLayers; l++) {
        const p = `encoder.layer.${l}.`;
        const x2 = x.reshape([b * L, h]) as tf.Tensor2D;
        const q = heads(this.linear(x2, `${p}attention.self.query`));
        const k = heads(this.linear(x2, `${p}attention.self.key`));
        const v = heads(this.linear(x2, `${p}attention.self.value`));
        const scores = tf.matMul(q, k, false, true).div(Math.sqrt(dh)).add(ext);
        const probs = drop(tf.softmax(scores, -1), c.attentionDropout) as tf.Tensor4D;
        const ctx = tf
          .matMul(probs, v)
          .transpose([0, 2, 1, 3])
          .reshape([b * L, h]) as tf.Tensor2D;
        const attn = drop(this.linear(ctx, `${p}attention.output.dense`), c.hiddenDropout);
        const a = this.layerNorm(attn.add(x2).reshape([b, L, h]) as tf.Tensor3D, `${p}attention.output.LayerNorm`);
        const inter = gelu(this.linear(a.reshape([b * L, h]) as tf.Tensor2D, `${p}intermediate.dense`));
        const ffn = drop(this.linear(inter, `${p}output.dense`), c.hiddenDropout);
        x = this.layerNorm(ffn.reshape([b, L, h]).add(a) as tf.Tensor3D, `${p}output.LayerNorm`);
        states.push(x);
      }
      return states;
    });
    return { lastHiddenState: out[out.length - 1]!, hiddenStates: out };
  }

  /** `tanh(pooler.dense(cls))`: BERT's pooler, which SimCSE uses as its MLP over [CLS]. */
  poolerMlp(cls: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.tanh(this.linear(cls, 'pooler.dense')));
  }

  /** Frees every weight (idempotent). */
  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }

  /** `x Wᵀ + b` with W stored `[out, in]` as in PyTorch. */
  private linear(x: tf.Tensor2D, name: string): tf.Tensor2D {
    return tf.matMul(x, this.weight(`${name}.weight`), false, true).add(this.weight(`${name}.bias`));
  }

  private layerNorm(x: tf.Tensor3D, name: string): tf.Tensor3D {
    const { mean, variance } = tf.moments(x, -1, true);
    return x
      .sub(mean)
      .div(tf.sqrt(variance.add(this.config.layerNormEps)))
      .mul(this.weight(`${name}.weight`))
      .add(this.weight(`${name}.bias`));
  }
}

/** `rows` of {@link BertForwardOptions} checked against a shard of `batch` rows. */
function checkRows(rows: { start: number; total: number }, batch: number): { start: number; total: number } {
  const { start, total } = rows;
  if (!(Number.isInteger(start) && Number.isInteger(total) && start >= 0 && start + batch <= total)) {
    throw new RangeError(`rows {start: ${start}, total: ${total}} must hold the ${batch} input rows inside the batch`);
  }
  return rows;
}

/**
 * `tf.dropout(x, rate, undefined, seed)` of the rows of a shard: `x` holds rows `start … start+batch−1` of a
 * batch of `total` rows (its first axis is `batch` or `batch · k`, e.g. `[B·L, H]`), and the mask is those
 * rows of the mask drawn for the whole batch, with tf.dropout's own formula `x · floor(u + keep) / keep`.
 * `tf.randomUniform` fills its values one after the other from the seeded generator, so drawing the rows up to
 * the shard's last (`[(start+batch) · k, …]`) gives the whole batch's values for them; the rows after it are not
 * drawn.
 */
function shardDropout(
  x: tf.Tensor,
  rate: number,
  seed: number | undefined,
  batch: number,
  rows: { start: number; total: number },
): tf.Tensor {
  return tf.tidy(() => {
    const [first, ...rest] = x.shape;
    const perRow = first! / batch;
    const u = tf.randomUniform([(rows.start + batch) * perRow, ...rest], 0, 1, 'float32', seed);
    const keepProb = 1 - rate;
    const multiplier = tf.div(tf.floor(tf.add(tf.slice(u, rows.start * perRow, first), keepProb)), keepProb);
    return tf.mul(x, multiplier);
  });
}

/** Exact GELU, `x · Φ(x) = 0.5 x (1 + erf(x / √2))` (BERT's `gelu`, not the tanh approximation). */
export function gelu<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => x.mul(tf.erf(x.div(Math.SQRT2)).add(1)).mul(0.5));
}

/**
 * Loads a BERT saved by {@link BertEncoder.save} (through a tfjs `IOHandler` or URL), with its pooling.
 *
 * @example const bert = await loadBertEncoder(fileSystemHandler('runs/a/bert')); // fileSystemHandler: @contrastive/core/node
 */
export async function loadBertEncoder(source: tf.io.IOHandler | string): Promise<BertEncoder> {
  const handler = typeof source === 'string' ? tf.io.getLoadHandlers(source)[0] : source;
  if (!handler?.load) throw new Error(`loadBertEncoder: no tfjs load handler for '${String(source)}'`);
  const artifacts = await handler.load();
  const topology = artifacts.modelTopology as
    | { format?: unknown; config?: Record<string, unknown>; pooling?: Pooling; name?: string }
    | undefined;
  if (!topology || topology.format !== BERT_ARTIFACTS_FORMAT || typeof topology.config !== 'object') {
    throw new Error(
      `loadBertEncoder: not a BERT saved by BertEncoder.save (modelTopology.format is ${JSON.stringify(topology?.format)}, expected '${BERT_ARTIFACTS_FORMAT}')`,
    );
  }
  if (!artifacts.weightSpecs || artifacts.weightData === undefined) throw new Error('loadBertEncoder: the saved model has no weights');
  // The specs are checked against the config before the encoder (whose size the config sets) is allocated.
  const config = fromHfConfig(topology.config, 'loadBertEncoder: modelTopology.config');
  const specs = new Map(artifacts.weightSpecs.map((s) => [s.name, s.shape]));
  for (const [name, shape] of bertWeightShapes(config)) {
    const stored = specs.get(name);
    if (!stored) throw new RangeError(`loadBertEncoder: missing weight '${name}'`);
    if (stored.join() !== shape.join())
      throw new RangeError(`loadBertEncoder: weight '${name}' has shape [${stored}] but the config implies [${shape}]`);
  }
  const encoder = new BertEncoder(config, {
    ...(topology.pooling === undefined ? {} : { pooling: topology.pooling }),
    ...(topology.name === undefined ? {} : { name: topology.name }),
  });
  const values = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  try {
    for (const [name, v] of Object.entries(encoder.stateTensors())) {
      const value = values[name];
      if (!value) throw new RangeError(`loadBertEncoder: missing weight '${name}'`);
      if (value.shape.join() !== v.shape.join())
        throw new RangeError(`loadBertEncoder: weight '${name}' has shape [${value.shape}] but the config implies [${v.shape}]`);
      v.assign(value);
    }
  } catch (e) {
    encoder.dispose();
    throw e;
  } finally {
    tf.dispose(Object.values(values));
  }
  return encoder;
}
