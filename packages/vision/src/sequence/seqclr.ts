import * as tf from '@tensorflow/tfjs';
import { ntXent, parallelRows } from '@contrastive/core';
import { BN_MOMENTUM } from '../heads/mlp.js';
import { InitSeeds } from '../encoders/init.js';
import { TwoViewMethod } from '../methods/base.js';
import { embedImages, type MethodBaseOptions } from '../methods/common.js';
import { DEFAULT_WINDOWS, flattenInstances, INSTANCE_MAPPINGS, mapInstances, type InstanceMapping } from './instance-mapping.js';
import { seqclrViews } from './sequence-views.js';

/** SeqCLR's projection heads (paper §3.3): none, a per-frame MLP, or a BiLSTM over the frames. */
export type SeqclrProjector = 'none' | 'mlp' | 'bilstm';

/** The projection heads, in the order the CLI lists them. */
export const SEQCLR_PROJECTORS: readonly SeqclrProjector[] = ['mlp', 'none', 'bilstm'];

/** Options for {@link instanceNtXent}. */
export interface InstanceNtXentOptions {
  /** Instance mapping m. Default `'window'` (window-to-instance, the paper's best). */
  mapping?: InstanceMapping;
  /** T′ of window-to-instance. Default {@link DEFAULT_WINDOWS} (5). */
  windows?: number;
  /** NT-Xent temperature τ. Default {@link DEFAULT_SEQCLR_TEMPERATURE}. */
  temperature?: number;
}

/**
 * τ of SeqCLR when none is given: 0.1. The paper's value could not be read from the text we had (the
 * spec marks it unverified); the unofficial reimplementation (marcodiri/s2s-contrastive-text-recognition)
 * uses 0.07, SimCLR's code 0.1 for large batches — with N·T′ instances per view the batch is "large".
 */
export const DEFAULT_SEQCLR_TEMPERATURE = 0.1;

/**
 * SeqCLR's loss on the (projected) frame maps of the two views, `[N, T, F]` each: map both to instances
 * `[N, T′, F]`, flatten image-major to `[N·T′, F]`, and apply core's NT-Xent over the 2·N·T′ instances —
 * instance t of image i in view 1 is the positive of instance t of image i in view 2, the other
 * 2·N·T′ − 2 instances are negatives. Reduction: the mean over the 2·N·T′ anchors (the paper's 1/(2N)
 * with N·T′ instances; the reimplementation's `CrossEntropyLoss` mean). With `'all'` this is SimCLR on
 * frame-averaged features.
 */
export function instanceNtXent(r1: tf.Tensor3D, r2: tf.Tensor3D, opts: InstanceNtXentOptions = {}): tf.Scalar {
  const { mapping = 'window', windows = DEFAULT_WINDOWS, temperature = DEFAULT_SEQCLR_TEMPERATURE } = opts;
  if (!INSTANCE_MAPPINGS.includes(mapping)) {
    throw new RangeError(`instanceNtXent: mapping must be one of ${INSTANCE_MAPPINGS.join(' | ')}, got '${String(mapping)}'`);
  }
  return tf.tidy(() => {
    const z1 = flattenInstances(mapInstances(r1, mapping, windows));
    const z2 = flattenInstances(mapInstances(r2, mapping, windows));
    return ntXent(z1, z2, { temperature });
  });
}

/** Options for {@link SeqCLR}. */
export interface SeqCLROptions extends MethodBaseOptions, InstanceNtXentOptions {
  /**
   * The base encoder f: a tfjs-layers model `[N, H, W, C] → [N, T, F]` (e.g. {@link sequenceEncoder}). Owned by
   * the method from now on.
   */
  encoder: MethodBaseOptions['encoder'];
  /**
   * Projection head g, applied to every frame before the instance mapping (paper Fig. 4): `'mlp'` (default;
   * `Linear(F→F) → BN → ReLU → Linear(F→out)` per frame, SimCLR's head on frames), `'bilstm'` (a BiLSTM of
   * out/2 units per direction), or `'none'`. Discarded after pre-training.
   */
  projector?: SeqclrProjector;
  /** Output size of the projection head. Default 128. */
  projectionDim?: number;
}

/**
 * SeqCLR (Aberdam, Litman, Tsiper, Anschel, Slossberg, Mazor, Manmatha & Perona, "Sequence-to-Sequence
 * Contrastive Learning for Text Recognition", CVPR 2021). Per step (the paper's Fig. 4):
 * 1. two sequence-preserving views of each image (default {@link seqclrViews});
 * 2. frames R = f(x̃) `[N, T, F]` for both views (T grows with the image width);
 * 3. optional projection head per frame, z = g(R);
 * 4. instance mapping m: all-to-instance (1 per image), frame-to-instance (T), window-to-instance (T′ = 5);
 * 5. NT-Xent over all 2·N·T′ instances ({@link instanceNtXent}).
 * The representation kept downstream is the encoder's frame sequence (for a CTC decoder), or its mean over
 * frames (`embed`, for kNN-style use).
 */
export class SeqCLR extends TwoViewMethod {
  readonly name = 'seqclr';
  readonly projector: tf.LayersModel | null;
  readonly mapping: InstanceMapping;
  readonly windows: number;
  readonly temperature: number;

  constructor(opts: SeqCLROptions) {
    super(opts, seqclrViews());
    const {
      mapping = 'window',
      windows = DEFAULT_WINDOWS,
      temperature = DEFAULT_SEQCLR_TEMPERATURE,
      projector = 'mlp',
      projectionDim = 128,
    } = opts;
    if (!INSTANCE_MAPPINGS.includes(mapping)) {
      throw new RangeError(`SeqCLR: mapping must be one of ${INSTANCE_MAPPINGS.join(' | ')}, got '${String(mapping)}'`);
    }
    if (!Number.isInteger(windows) || windows < 1)
      throw new RangeError(`SeqCLR: windows (T′) must be an integer >= 1, got ${String(windows)}`);
    if (!(temperature > 0) || !Number.isFinite(temperature))
      throw new RangeError(`SeqCLR: temperature must be a finite number > 0, got ${String(temperature)}`);
    if (!SEQCLR_PROJECTORS.includes(projector)) {
      throw new RangeError(`SeqCLR: projector must be one of ${SEQCLR_PROJECTORS.join(' | ')}, got '${String(projector)}'`);
    }
    if (!Number.isInteger(projectionDim) || projectionDim < 2 || (projector === 'bilstm' && projectionDim % 2 !== 0)) {
      throw new RangeError(`SeqCLR: projectionDim must be an integer >= 2 (even for the BiLSTM head), got ${String(projectionDim)}`);
    }
    this.mapping = mapping;
    this.windows = windows;
    this.temperature = temperature;
    this.projector = projector === 'none' ? null : frameHead(projector, this.frameDim, projectionDim, this.initRng.seed());
    if (this.projector) this.owned.projector = this.projector;
    this.defaultGroup(opts, this.projector ? [this.encoder, this.projector] : [this.encoder], false);
  }

  /** F, the size of one frame of the encoder's output `[N, T, F]`. */
  get frameDim(): number {
    const shape = this.encoder.outputs[0]!.shape;
    const f = shape[2];
    if (shape.length !== 3 || typeof f !== 'number') {
      throw new RangeError(`SeqCLR: the encoder must output frames [N, T, F], got ${JSON.stringify(shape)} (use sequenceEncoder())`);
    }
    return f;
  }

  loss(v1: tf.Tensor4D, v2: tf.Tensor4D): tf.Scalar {
    return tf.tidy(() => {
      // Rows split across data-parallel workers (core's parallelRows; one thread outside --workers).
      const project = (v: tf.Tensor4D): tf.Tensor3D =>
        parallelRows(v.shape[0], (start, count) => {
          const x = count === v.shape[0] ? v : tf.slice(v, start, count);
          const r = this.encoder.apply(x, { training: true }) as tf.Tensor3D;
          return this.projector ? (this.projector.apply(r, { training: true }) as tf.Tensor3D) : r;
        });
      return instanceNtXent(project(v1), project(v2), { mapping: this.mapping, windows: this.windows, temperature: this.temperature });
    });
  }

  /** The encoder's frames `[N, T, F]` in inference mode (what a CTC decoder reads). */
  frames(images: tf.Tensor4D): tf.Tensor3D {
    this.assertAlive();
    return embedImages(this.encoder, images) as unknown as tf.Tensor3D;
  }

  /** The mean over frames `[N, F]`, for kNN / linear-probe style use. */
  override embed(images: tf.Tensor4D): tf.Tensor2D {
    this.assertAlive();
    return tf.tidy(() => tf.mean(embedImages(this.encoder, images), 1) as tf.Tensor2D);
  }
}

/** The per-frame projection head g on `[N, T, F]` (time-distributed: dense layers act on the last axis). */
function frameHead(kind: 'mlp' | 'bilstm', inDim: number, out: number, seed: number): tf.LayersModel {
  const init = new InitSeeds(seed);
  const input = tf.input({ shape: [null, inDim], name: 'seqclr_proj_input' });
  let x: tf.SymbolicTensor;
  if (kind === 'mlp') {
    x = tf.layers
      .dense({ units: inDim, useBias: false, kernelInitializer: init.glorot(), name: 'seqclr_proj_fc0' })
      .apply(input) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ momentum: BN_MOMENTUM, name: 'seqclr_proj_bn0' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU({ name: 'seqclr_proj_relu0' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ units: out, kernelInitializer: init.glorot(), name: 'seqclr_proj_fc1' }).apply(x) as tf.SymbolicTensor;
  } else {
    const lstm = tf.layers.lstm({
      units: out / 2,
      returnSequences: true,
      kernelInitializer: init.glorot(),
      recurrentInitializer: tf.initializers.orthogonal({ seed: init.next() }),
      name: 'seqclr_proj_lstm',
    });
    x = tf.layers
      .bidirectional({ layer: lstm as tf.RNN, mergeMode: 'concat', name: 'seqclr_proj_bilstm' })
      .apply(input) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: x, name: 'seqclr_proj' });
}
