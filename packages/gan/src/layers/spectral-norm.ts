import * as tf from '@tensorflow/tfjs';
import { tfSeed } from '@contrastive/core';

/**
 * Spectral normalisation (Miyato et al., "Spectral Normalization for Generative Adversarial Networks",
 * ICLR 2018) with the semantics of PyTorch's `torch.nn.utils.spectral_norm` (torch 1.13,
 * `torch/nn/utils/spectral_norm.py`), the function ContraD's `models/gan/sndcgan.py` wraps every Conv2d and
 * Linear of its discriminator with:
 *
 * - `weight_mat = weight.reshape(out, -1)` in PyTorch's layout (Linear `[out, in]`, Conv2d `[out, in, kh, kw]`);
 * - a training-mode forward runs `iterations` (default 1) power iterations under no-grad,
 *   `v = normalize(weight_matᵀ u)`, `u = normalize(weight_mat v)` with `normalize(x) = x / max(‖x‖, eps)`,
 *   eps = 1e-12, and stores the new u and v;
 * - `σ = u · (weight_mat v)` and the layer uses `W / σ`; in backward u and v are constants, so
 *   ∂σ/∂W = u vᵀ flows (σ is differentiable in W, as in torch);
 * - an inference-mode forward uses the stored u and v and updates nothing.
 *
 * u and v are NON-trainable layer weights (`<name>/sn_u`, `<name>/sn_v`), so they are in `model.weights`, in
 * core's `modelState` and in a saved model, and a resumed run continues the power iteration exactly.
 *
 * Layout mapping: tfjs stores a dense kernel as `[in, out]` and a conv kernel as `[kh, kw, in, out]`; the
 * PyTorch matrix is `kernelᵀ` for dense and `transpose(kernel, [3, 2, 0, 1]).reshape(out, in·kh·kw)` for
 * convs (column index `(i·kh + y)·kw + x`), so u (length `out`) and v (length `in·kh·kw`) are ordered exactly
 * as torch's `weight_u` / `weight_v` and can be copied across.
 */

/** Options of {@link powerIteration}. */
export interface PowerIterationOptions {
  /** Power iterations. Default 1 (torch's `n_power_iterations`). */
  iterations?: number;
  /** Floor of the norm in `normalize`. Default 1e-12 (torch's `eps`). */
  eps?: number;
}

/** `x / max(‖x‖₂, eps)`, torch's `F.normalize(x, dim=0, eps)`. */
function normalize(x: tf.Tensor1D, eps: number): tf.Tensor1D {
  return tf.div(x, tf.maximum(tf.norm(x), eps));
}

/** `W x` for a matrix W `[h, w]` and vector x `[w]` → `[h]`. */
function mv(w: tf.Tensor2D, x: tf.Tensor1D, transposeW = false): tf.Tensor1D {
  return tf.matMul(w, x.reshape([-1, 1]) as tf.Tensor2D, transposeW, false).reshape([-1]) as tf.Tensor1D;
}

/**
 * The power iteration of torch's spectral_norm on a weight matrix `wMat` `[h, w]` (PyTorch layout) from the
 * vector `u` `[h]`: returns the updated `u` `[h]`, `v` `[w]` and `σ = u·(W v)`. A pure function; the caller
 * decides whether gradients may flow (the layers below store u, v and read them back as constants).
 */
export function powerIteration(
  wMat: tf.Tensor2D,
  u: tf.Tensor1D,
  { iterations = 1, eps = 1e-12 }: PowerIterationOptions = {},
): { u: tf.Tensor1D; v: tf.Tensor1D; sigma: tf.Scalar } {
  if (wMat.rank !== 2) throw new RangeError(`powerIteration: wMat must be rank 2, got shape [${wMat.shape}]`);
  if (u.rank !== 1 || u.shape[0] !== wMat.shape[0]) {
    throw new RangeError(`powerIteration: u must have shape [${wMat.shape[0]}], got [${u.shape}]`);
  }
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new RangeError(`powerIteration: iterations must be an integer ≥ 1, got ${iterations}`);
  return tf.tidy(() => {
    let uu = u;
    let vv = normalize(mv(wMat, uu, true), eps);
    uu = normalize(mv(wMat, vv), eps);
    for (let i = 1; i < iterations; i++) {
      vv = normalize(mv(wMat, uu, true), eps);
      uu = normalize(mv(wMat, vv), eps);
    }
    const sigma = tf.sum(tf.mul(uu, mv(wMat, vv))) as tf.Scalar;
    return { u: uu, v: vv, sigma };
  });
}

/** Options shared by the spectral-norm layers. */
export interface SpectralNormLayerArgs {
  /** Use a bias (not normalised, as in torch). Default true. */
  useBias?: boolean;
  /** Standard deviation of the normal kernel initialiser. Default 0.02 (ContraD / DCGAN `reset_parameters`). */
  kernelStddev?: number;
  /** Seed of the kernel initialiser; u and v use `seed + 1` and `seed + 2`. Default unseeded. */
  seed?: number;
  /** Power iterations per training-mode call. Default 1. */
  iterations?: number;
  /** Norm floor of the power iteration. Default 1e-12. */
  eps?: number;
  name?: string;
  trainable?: boolean;
  inputShape?: tf.Shape;
  batchInputShape?: tf.Shape;
}

function offset(seed: number | undefined, k: number): number | undefined {
  return seed === undefined ? undefined : seed + k;
}

/** Common state and logic: kernel, bias, u, v; subclasses define the matrix view and the linear op. */
abstract class SpectralNormBase extends tf.layers.Layer {
  protected readonly useBias: boolean;
  protected readonly kernelStddev: number;
  protected readonly seed: number | undefined;
  protected readonly iterations: number;
  protected readonly eps: number;
  protected kernel: tf.LayerVariable | null = null;
  protected bias: tf.LayerVariable | null = null;
  protected u: tf.LayerVariable | null = null;
  protected v: tf.LayerVariable | null = null;

  constructor(args: SpectralNormLayerArgs) {
    super(args);
    this.useBias = args.useBias ?? true;
    this.kernelStddev = args.kernelStddev ?? 0.02;
    this.seed = args.seed;
    this.iterations = args.iterations ?? 1;
    this.eps = args.eps ?? 1e-12;
    if (!Number.isInteger(this.iterations) || this.iterations < 1) {
      throw new RangeError(`${this.getClassName()}: iterations must be an integer ≥ 1, got ${args.iterations}`);
    }
    if (!(this.kernelStddev > 0)) throw new RangeError(`${this.getClassName()}: kernelStddev must be > 0, got ${args.kernelStddev}`);
  }

  /** The kernel as PyTorch's `weight_mat` `[out, fanIn]`. */
  protected abstract weightMatrix(kernel: tf.Tensor): tf.Tensor2D;

  /** Creates kernel, bias, u and v (u, v unit-normal, non-trainable, as torch initialises them). */
  protected buildWeights(kernelShape: number[], out: number, fanIn: number): void {
    const init = tf.initializers.randomNormal({ mean: 0, stddev: this.kernelStddev, seed: tfSeed(this.seed) });
    this.kernel = this.addWeight('kernel', kernelShape, 'float32', init);
    if (this.useBias) this.bias = this.addWeight('bias', [out], 'float32', tf.initializers.zeros());
    this.u = this.addWeight(
      'sn_u',
      [out],
      'float32',
      tf.initializers.randomNormal({ seed: tfSeed(offset(this.seed, 1)) }),
      undefined,
      false,
    );
    this.v = this.addWeight(
      'sn_v',
      [fanIn],
      'float32',
      tf.initializers.randomNormal({ seed: tfSeed(offset(this.seed, 2)) }),
      undefined,
      false,
    );
    tf.tidy(() => {
      this.u!.write(normalize(this.u!.read() as tf.Tensor1D, this.eps));
      this.v!.write(normalize(this.v!.read() as tf.Tensor1D, this.eps));
    });
  }

  /**
   * `W / σ(W)`, updating u and v first when `training`. Call inside a tidy. The stored u, v are read back
   * after the write, so the tape sees them as constants (torch's no_grad power iteration + clone).
   */
  protected normalizedKernel(training: boolean): tf.Tensor {
    const kernel = this.kernel!.read();
    const wMat = this.weightMatrix(kernel);
    if (training) {
      const r = powerIteration(wMat, this.u!.read() as tf.Tensor1D, { iterations: this.iterations, eps: this.eps });
      this.u!.write(r.u);
      this.v!.write(r.v);
      tf.dispose([r.u, r.v, r.sigma]);
    }
    const sigma = tf.sum(tf.mul(this.u!.read(), mv(wMat, this.v!.read() as tf.Tensor1D)));
    return tf.div(kernel, sigma);
  }

  /** σ from the stored u and v (what an inference-mode call divides by). The caller disposes it. */
  spectralNorm(): tf.Scalar {
    return tf.tidy(() => {
      const wMat = this.weightMatrix(this.kernel!.read());
      return tf.sum(tf.mul(this.u!.read(), mv(wMat, this.v!.read() as tf.Tensor1D))) as tf.Scalar;
    });
  }

  /** The normalised kernel `W / σ` from the stored u, v, in tfjs layout. The caller disposes it. */
  normalizedWeight(): tf.Tensor {
    return tf.tidy(() => this.normalizedKernel(false));
  }

  protected isTraining(kwargs: tf.serialization.ConfigDict | undefined): boolean {
    return kwargs?.training === true;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      useBias: this.useBias,
      kernelStddev: this.kernelStddev,
      iterations: this.iterations,
      eps: this.eps,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }
}

/** Arguments of {@link SNDense}. */
export interface SNDenseArgs extends SpectralNormLayerArgs {
  /** Output width. */
  units: number;
}

/**
 * A spectrally normalised dense layer `[..., in] → [..., units]` (torch `spectral_norm(nn.Linear(in, units))`),
 * no activation. The kernel is tfjs's `[in, units]`; its torch matrix is the transpose.
 */
export class SNDense extends SpectralNormBase {
  static readonly className = 'SNDense';
  private readonly units: number;

  constructor(args: SNDenseArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units < 1)
      throw new RangeError(`SNDense: units must be a positive integer, got ${args.units}`);
    this.units = args.units;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const fanIn = s[s.length - 1]!;
    this.buildWeights([fanIn, this.units], this.units, fanIn);
    this.built = true;
  }

  protected weightMatrix(kernel: tf.Tensor): tf.Tensor2D {
    return tf.transpose(kernel as tf.Tensor2D);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...s.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const w = this.normalizedKernel(this.isTraining(kwargs)) as tf.Tensor2D;
      const lead = x.shape.slice(0, -1);
      let y: tf.Tensor = tf.matMul(x.reshape([-1, x.shape[x.rank - 1]!]) as tf.Tensor2D, w);
      if (this.bias) y = tf.add(y, this.bias.read());
      return y.reshape([...lead, this.units]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}
tf.serialization.registerClass(SNDense);

/** Arguments of {@link SNConv2d}. */
export interface SNConv2dArgs extends SpectralNormLayerArgs {
  /** Output channels. */
  filters: number;
  /** Kernel size, one number or `[kh, kw]`. */
  kernelSize: number | [number, number];
  /** Strides. Default 1. */
  strides?: number | [number, number];
  /**
   * tfjs padding. Default `'same'`. PyTorch's `padding=1` equals `'same'` for k3 s1 and for k4 s2 on
   * even input sizes (TF pads k − s = 2 as 1 + 1); on odd sizes with s2 TF pads the extra row at the end.
   */
  padding?: 'same' | 'valid';
}

/**
 * A spectrally normalised 2-D convolution on NHWC inputs (torch `spectral_norm(nn.Conv2d(...))`), no
 * activation. tfjs kernel `[kh, kw, in, out]`; its torch matrix is `transpose(kernel, [3, 2, 0, 1])`
 * reshaped to `[out, in·kh·kw]`.
 */
export class SNConv2d extends SpectralNormBase {
  static readonly className = 'SNConv2d';
  private readonly filters: number;
  private readonly kernelSize: [number, number];
  private readonly strides: [number, number];
  private readonly padding: 'same' | 'valid';

  constructor(args: SNConv2dArgs) {
    super(args);
    const pair = (v: number | [number, number], what: string): [number, number] => {
      const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
      if (!p.every((k) => Number.isInteger(k) && k >= 1)) throw new RangeError(`SNConv2d: ${what} must be positive integers, got ${v}`);
      return p;
    };
    if (!Number.isInteger(args.filters) || args.filters < 1)
      throw new RangeError(`SNConv2d: filters must be a positive integer, got ${args.filters}`);
    this.filters = args.filters;
    this.kernelSize = pair(args.kernelSize, 'kernelSize');
    this.strides = pair(args.strides ?? 1, 'strides');
    this.padding = args.padding ?? 'same';
    if (this.padding !== 'same' && this.padding !== 'valid')
      throw new RangeError(`SNConv2d: padding must be 'same' or 'valid', got ${args.padding}`);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const cin = s[3]!;
    const [kh, kw] = this.kernelSize;
    this.buildWeights([kh, kw, cin, this.filters], this.filters, cin * kh * kw);
    this.built = true;
  }

  protected weightMatrix(kernel: tf.Tensor): tf.Tensor2D {
    return tf.transpose(kernel, [3, 2, 0, 1]).reshape([this.filters, -1]) as tf.Tensor2D;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const size = (n: number | null, k: number, st: number): number | null => {
      if (n === null) return null;
      return this.padding === 'same' ? Math.ceil(n / st) : Math.floor((n - k) / st) + 1;
    };
    return [s[0]!, size(s[1]!, this.kernelSize[0], this.strides[0]), size(s[2]!, this.kernelSize[1], this.strides[1]), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
      const w = this.normalizedKernel(this.isTraining(kwargs)) as tf.Tensor4D;
      let y: tf.Tensor = tf.conv2d(x, w, this.strides, this.padding);
      if (this.bias) y = tf.add(y, this.bias.read());
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding };
  }
}
tf.serialization.registerClass(SNConv2d);

/** Factory of {@link SNDense} (tfjs-layers style). */
export function snDense(args: SNDenseArgs): SNDense {
  return new SNDense(args);
}

/** Factory of {@link SNConv2d} (tfjs-layers style). */
export function snConv2d(args: SNConv2dArgs): SNConv2d {
  return new SNConv2d(args);
}
