import * as tf from '@tensorflow/tfjs';

/**
 * Fixed 2-D sine–cosine position embedding (MoCo v3 `vits.py`, `build_2d_sincos_position_embedding`):
 * a quarter of the channels each for sin/cos of the row and column, frequencies 1/10000^(k/(D/4)).
 * Returns `[gh·gw, D]` row-major; D must be divisible by 4.
 */
export function sinCos2d(gh: number, gw: number, dim: number): Float32Array {
  if (dim % 4 !== 0) throw new RangeError(`ViT: dim must be divisible by 4 for the 2-D sin-cos embedding, got ${dim}`);
  const q = dim / 4;
  const out = new Float32Array(gh * gw * dim);
  for (let i = 0; i < gh; i++) {
    for (let j = 0; j < gw; j++) {
      const base = (i * gw + j) * dim;
      for (let k = 0; k < q; k++) {
        const omega = 1 / 10000 ** (k / q);
        out[base + k] = Math.sin(j * omega);
        out[base + q + k] = Math.cos(j * omega);
        out[base + 2 * q + k] = Math.sin(i * omega);
        out[base + 3 * q + k] = Math.cos(i * omega);
      }
    }
  }
  return out;
}

/** Arguments of {@link ClassTokenPosEmbed}. */
export interface ClassTokenPosEmbedArgs {
  /** Patch grid `[rows, cols]`. */
  grid: [number, number];
  /** Seed of the class token's initialiser. */
  seed?: number;
  name?: string;
  trainable?: boolean;
}

/**
 * `[N, T, D]` patch tokens → `[N, T + 1, D]`: prepends a learned class token and adds the fixed 2-D
 * sin-cos position embedding to the patch tokens (the class token gets a zero position, as in MoCo v3).
 */
export class ClassTokenPosEmbed extends tf.layers.Layer {
  static readonly className = 'ClassTokenPosEmbed';
  private readonly grid: [number, number];
  private readonly seed: number | undefined;
  private cls: tf.LayerVariable | null = null;
  private pos: Float32Array | null = null;

  constructor(args: ClassTokenPosEmbedArgs) {
    super(args);
    this.grid = args.grid;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const dim = shape[2]!;
    this.cls = this.addWeight('cls_token', [1, 1, dim], 'float32', tf.initializers.truncatedNormal({ stddev: 0.02, seed: this.seed }));
    this.pos = sinCos2d(this.grid[0], this.grid[1], dim);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    return [s[0]!, s[1]! + 1, s[2]!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const [n, t, d] = x.shape;
      const withPos = x.add(tf.tensor3d(this.pos!, [1, t, d]));
      const cls = tf.tile(this.cls!.read(), [n, 1, 1]);
      return tf.concat([cls, withPos], 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), grid: this.grid, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}
tf.serialization.registerClass(ClassTokenPosEmbed);

/** Arguments of {@link MultiHeadSelfAttention}. */
export interface MultiHeadSelfAttentionArgs {
  /** Number of heads; must divide the token dimension. */
  numHeads: number;
  /** Seed of the weight initialiser. */
  seed?: number;
  name?: string;
  trainable?: boolean;
}

/**
 * Multi-head self-attention (Vaswani et al. 2017) over `[N, T, D]`: one fused QKV projection (with bias,
 * as timm's ViT), softmax(QKᵀ/√d_h)V per head, output projection.
 */
export class MultiHeadSelfAttention extends tf.layers.Layer {
  static readonly className = 'MultiHeadSelfAttention';
  private readonly numHeads: number;
  private readonly seed: number | undefined;
  private qkv: tf.LayerVariable | null = null;
  private qkvBias: tf.LayerVariable | null = null;
  private proj: tf.LayerVariable | null = null;
  private projBias: tf.LayerVariable | null = null;

  constructor(args: MultiHeadSelfAttentionArgs) {
    super(args);
    this.numHeads = args.numHeads;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = (inputShape as tf.Shape)[2]!;
    if (d % this.numHeads !== 0) throw new RangeError(`MultiHeadSelfAttention: dim ${d} is not divisible by numHeads ${this.numHeads}`);
    const s = this.seed;
    this.qkv = this.addWeight('qkv_kernel', [d, 3 * d], 'float32', tf.initializers.glorotUniform({ seed: s }));
    this.qkvBias = this.addWeight('qkv_bias', [3 * d], 'float32', tf.initializers.zeros());
    this.proj = this.addWeight(
      'proj_kernel',
      [d, d],
      'float32',
      tf.initializers.glorotUniform({ seed: s === undefined ? undefined : s + 1 }),
    );
    this.projBias = this.addWeight('proj_bias', [d], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return inputShape as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const [n, t, d] = x.shape;
      const h = this.numHeads;
      const dh = d / h;
      const qkv = tf.matMul(x.reshape([n * t, d]), this.qkv!.read() as tf.Tensor2D).add(this.qkvBias!.read());
      // [n·t, 3d] → [3, n, h, t, dh]
      const heads = qkv.reshape([n, t, 3, h, dh]).transpose([2, 0, 3, 1, 4]);
      const [q, k, v] = tf.unstack(heads, 0).map((z) => z.reshape([n * h, t, dh]) as tf.Tensor3D) as [
        tf.Tensor3D,
        tf.Tensor3D,
        tf.Tensor3D,
      ];
      const attn = tf.softmax(tf.matMul(q, k, false, true).mul(1 / Math.sqrt(dh)), -1);
      const out = tf
        .matMul(attn, v)
        .reshape([n, h, t, dh])
        .transpose([0, 2, 1, 3])
        .reshape([n * t, d]);
      return tf
        .matMul(out, this.proj!.read() as tf.Tensor2D)
        .add(this.projBias!.read())
        .reshape([n, t, d]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), numHeads: this.numHeads, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}
tf.serialization.registerClass(MultiHeadSelfAttention);

/** `[N, T, D]` → `[N, D]`: the class token (token 0). */
export class ClassTokenPool extends tf.layers.Layer {
  static readonly className = 'ClassTokenPool';
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    return [s[0]!, s[2]!];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      return x.slice([0, 0, 0], [-1, 1, -1]).reshape([x.shape[0], x.shape[2]]);
    });
  }
}
tf.serialization.registerClass(ClassTokenPool);
