/**
 * A small trainable head on a frozen tower's vectors — the "adapter" of a locked pretrained encoder (LiT, Zhai et
 * al. CVPR 2022, locks the image tower and trains on top; here the locked tower is USE-lite). Two shapes:
 *
 * - `linear`: `y = x·W + b`, `W` `[d, d']`. Initialised at the **identity** when `d' = d` (and `b = 0`), so the
 *   untrained adapter returns the tower's vectors unchanged and its rankings are exactly the frozen tower's; for
 *   `d' ≠ d`, `W` is a seeded semi-orthogonal matrix (orthonormal columns for `d' < d`, a random projection in the
 *   Johnson–Lindenstrauss sense; orthonormal rows for `d' > d`, an exact isometry).
 * - `mlp`: the same linear map plus a residual branch, `y = x·W + b + relu(x·W₁ + b₁)·W₂ + b₂`, with `W₂ = 0`
 *   and `b₂ = 0` at init (the zero-initialised last layer of ReZero / LoRA), so it too starts as the linear map
 *   and only bends it as training asks. `W₁` is He-normal `N(0, 2/d)`, seeded.
 *
 * Saved in PyTorch's `nn.Linear` layout (`weight` `[out, in]`): `linear.weight`, `linear.bias`, and for `mlp`
 * `mlp.0.weight`, `mlp.0.bias`, `mlp.2.weight`, `mlp.2.bias` (an `nn.Sequential(Linear, ReLU, Linear)`), so the
 * `adapter.safetensors` of a saved model folder loads into the equivalent torch module as it is.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';

/** The adapter shapes: a linear map, or a linear map plus a zero-initialised residual MLP. */
export const ADAPTER_LAYERS = ['linear', 'mlp'] as const;
/** One of {@link ADAPTER_LAYERS}. */
export type AdapterLayers = (typeof ADAPTER_LAYERS)[number];

/** Options of {@link TowerAdapter}. */
export interface TowerAdapterOptions {
  /** Width of the tower's vectors (USE-lite: 512). Required. */
  inputDim: number;
  /** Width of the adapter's output. Default `inputDim` (the identity-initialised case). */
  outputDim?: number;
  /** `'linear'` or `'mlp'`. Default `'linear'`. */
  layers?: AdapterLayers;
  /** `mlp` only: width of the hidden layer. Default `inputDim`. */
  hiddenDim?: number;
  /** Seed of the random parts of the init (semi-orthogonal `W` when `d' ≠ d`, `W₁`). Default `0`. */
  seed?: number;
}

/** A float32 tensor by value, in PyTorch layout (what `adapter.safetensors` holds). */
export interface AdapterTensor {
  shape: number[];
  data: Float32Array;
}

/** The torch names of an adapter's tensors, in a fixed order (the order of {@link TowerAdapter.trainableVariables}). */
export function adapterTensorNames(layers: AdapterLayers): string[] {
  return layers === 'linear'
    ? ['linear.weight', 'linear.bias']
    : ['linear.weight', 'linear.bias', 'mlp.0.weight', 'mlp.0.bias', 'mlp.2.weight', 'mlp.2.bias'];
}

/** Torch-layout shape of each tensor of an adapter with widths `dims` (`[in, out]` or `[in, hidden, out]`). */
export function adapterTensorShapes(layers: AdapterLayers, dims: readonly number[]): Map<string, number[]> {
  const [input, second, third] = dims as [number, number, number | undefined];
  const output = layers === 'linear' ? second : third!;
  const shapes = new Map<string, number[]>([
    ['linear.weight', [output, input]],
    ['linear.bias', [output]],
  ]);
  if (layers === 'mlp') {
    shapes.set('mlp.0.weight', [second, input]);
    shapes.set('mlp.0.bias', [second]);
    shapes.set('mlp.2.weight', [output, second]);
    shapes.set('mlp.2.bias', [output]);
  }
  return shapes;
}

function checkWidth(name: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw new RangeError(`TowerAdapter: ${name} must be a positive integer, got ${String(v)}`);
  return v as number;
}

/** `[rows, cols]` with orthonormal columns (rows ≥ cols) or rows (rows < cols), by Gram–Schmidt on seeded normals. */
function semiOrthogonal(rows: number, cols: number, seed: number): Float32Array {
  const tall = rows >= cols;
  const [n, k] = tall ? [rows, cols] : [cols, rows]; // k orthonormal vectors of length n
  const rng = createRng(seed);
  const basis: Float64Array[] = [];
  while (basis.length < k) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    for (const b of basis) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += v[i]! * b[i]!;
      for (let i = 0; i < n; i++) v[i]! -= dot * b[i]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (norm < 1e-6) continue; // a draw in the span of the others (never in practice): draw again
    for (let i = 0; i < n; i++) v[i]! /= norm;
    basis.push(v);
  }
  const out = new Float32Array(rows * cols);
  // tall: column j is basis[j]; wide: row i is basis[i].
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = tall ? basis[c]![r]! : basis[r]![c]!;
  return out;
}

function identity(d: number): Float32Array {
  const out = new Float32Array(d * d);
  for (let i = 0; i < d; i++) out[i * d + i] = 1;
  return out;
}

/** `[rows, cols]` → `[cols, rows]` of a row-major matrix. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

/**
 * The adapter: a few tfjs variables and `apply(x)`. It owns its variables (`dispose()` frees them); an
 * `AdapterMethod` trains them in place, so the adapter a method was given is the trained one.
 *
 * @example
 * const adapter = new TowerAdapter({ inputDim: 512 });          // linear 512 → 512, identity at init
 * const y = adapter.apply(x);                                  // x [N, 512] tower vectors → [N, 512]
 */
export class TowerAdapter {
  readonly layers: AdapterLayers;
  /** Widths from input to output: `[in, out]` (linear) or `[in, hidden, out]` (mlp), as `contrastive.json` records them. */
  readonly dims: readonly number[];
  readonly inputDim: number;
  readonly outputDim: number;
  /** Variables in {@link adapterTensorNames} order; kernels are `[in, out]` (tfjs), biases `[out]`. */
  private readonly vars: tf.Variable[];
  private disposed = false;

  constructor(options: TowerAdapterOptions);
  /** @internal Used by {@link TowerAdapter.fromTensors}. */
  constructor(options: TowerAdapterOptions, values: ReadonlyMap<string, AdapterTensor>);
  constructor(options: TowerAdapterOptions, values?: ReadonlyMap<string, AdapterTensor>) {
    if (options === null || typeof options !== 'object') throw new TypeError('TowerAdapter: options must be an object {inputDim, …}');
    const layers = options.layers ?? 'linear';
    if (!ADAPTER_LAYERS.includes(layers))
      throw new RangeError(`TowerAdapter: layers must be one of ${ADAPTER_LAYERS.join(', ')}, got '${String(layers)}'`);
    const inputDim = checkWidth('inputDim', options.inputDim);
    const outputDim = checkWidth('outputDim', options.outputDim ?? inputDim);
    if (layers === 'linear' && options.hiddenDim !== undefined)
      throw new RangeError("TowerAdapter: hiddenDim applies to layers 'mlp' only");
    const hiddenDim = layers === 'mlp' ? checkWidth('hiddenDim', options.hiddenDim ?? inputDim) : undefined;
    const seed = options.seed ?? 0;
    if (!Number.isFinite(seed)) throw new RangeError(`TowerAdapter: seed must be a finite number, got ${String(seed)}`);
    this.layers = layers;
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.dims = hiddenDim === undefined ? [inputDim, outputDim] : [inputDim, hiddenDim, outputDim];
    const init = values ?? this.initialValues(seed);
    const shapes = adapterTensorShapes(layers, this.dims);
    const names = adapterTensorNames(layers);
    // Every tensor is checked before the first variable exists, so a refusal allocates nothing.
    for (const name of names) {
      const t = init.get(name);
      const shape = shapes.get(name)!;
      if (!t) throw new RangeError(`TowerAdapter: no tensor '${name}'`);
      if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i]) || t.data.length !== t.shape.reduce((a, b) => a * b, 1))
        throw new RangeError(`TowerAdapter: tensor '${name}' has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
    this.vars = names.map((name) => {
      const t = init.get(name)!;
      const shape = shapes.get(name)!;
      // Torch weight [out, in] → tfjs kernel [in, out]; unnamed (tfjs names variables globally, and two adapters may coexist).
      const data = shape.length === 2 ? transpose(t.data, shape[0]!, shape[1]!) : Float32Array.from(t.data);
      const tfShape = shape.length === 2 ? [shape[1]!, shape[0]!] : shape;
      return tf.tidy(() => tf.variable(tf.tensor(data, tfShape, 'float32'), true));
    });
  }

  /** An adapter holding `tensors` (torch layout, {@link adapterTensorNames}), e.g. read from `adapter.safetensors`. */
  static fromTensors(layers: AdapterLayers, dims: readonly number[], tensors: ReadonlyMap<string, AdapterTensor>): TowerAdapter {
    if (!ADAPTER_LAYERS.includes(layers))
      throw new RangeError(`TowerAdapter: layers must be one of ${ADAPTER_LAYERS.join(', ')}, got '${String(layers)}'`);
    const want = layers === 'linear' ? 2 : 3;
    if (!Array.isArray(dims) || dims.length !== want)
      throw new RangeError(`TowerAdapter: dims of a '${layers}' adapter must list ${want} widths, got ${JSON.stringify(dims)}`);
    const options: TowerAdapterOptions =
      layers === 'linear'
        ? { inputDim: dims[0]!, outputDim: dims[1]!, layers }
        : { inputDim: dims[0]!, hiddenDim: dims[1]!, outputDim: dims[2]!, layers };
    return new TowerAdapter(options, tensors);
  }

  private initialValues(seed: number): Map<string, AdapterTensor> {
    const [d, second] = this.dims as [number, number];
    const out = this.outputDim;
    // Torch layout [out, in]: the identity is its own transpose; semiOrthogonal(out, in) is W's transpose.
    const linear = out === d ? identity(d) : semiOrthogonal(out, d, seed);
    const values = new Map<string, AdapterTensor>([
      ['linear.weight', { shape: [out, d], data: linear }],
      ['linear.bias', { shape: [out], data: new Float32Array(out) }],
    ]);
    if (this.layers === 'mlp') {
      const hidden = second;
      const rng = createRng(seed + 1);
      const std = Math.sqrt(2 / d);
      values.set('mlp.0.weight', { shape: [hidden, d], data: Float32Array.from({ length: hidden * d }, () => rng.normal() * std) });
      values.set('mlp.0.bias', { shape: [hidden], data: new Float32Array(hidden) });
      values.set('mlp.2.weight', { shape: [out, hidden], data: new Float32Array(out * hidden) });
      values.set('mlp.2.bias', { shape: [out], data: new Float32Array(out) });
    }
    return values;
  }

  private live(): tf.Variable[] {
    if (this.disposed) throw new Error('TowerAdapter: used after dispose()');
    return this.vars;
  }

  /** `[N, outputDim]` adapted vectors of tower vectors `x` `[N, inputDim]` (not normalised; differentiable). */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    const v = this.live();
    if (!(x instanceof tf.Tensor) || x.rank !== 2 || x.shape[1] !== this.inputDim)
      throw new RangeError(
        `TowerAdapter: expected tower vectors [N, ${this.inputDim}], got ${x instanceof tf.Tensor ? `[${x.shape.join(', ')}]` : typeof x}`,
      );
    return tf.tidy(() => {
      let y = tf.add(tf.matMul(x, v[0]!), v[1]!) as tf.Tensor2D;
      if (this.layers === 'mlp') {
        const h = tf.relu(tf.add(tf.matMul(x, v[2]!), v[3]!)) as tf.Tensor2D;
        y = tf.add(y, tf.add(tf.matMul(h, v[4]!), v[5]!)) as tf.Tensor2D;
      }
      return y;
    });
  }

  /** The variables an optimizer updates, always in the same order (AdamW's slots follow it). */
  trainableVariables(): tf.Variable[] {
    return [...this.live()];
  }

  /** Every variable by a stable name (`adapter/linear.weight`, …: the torch name under `adapter/`), for core's checkpoints. */
  stateTensors(): Record<string, tf.Variable> {
    const v = this.live();
    return Object.fromEntries(adapterTensorNames(this.layers).map((name, i) => [`adapter/${name}`, v[i]!]));
  }

  /** The current values in torch layout, by {@link adapterTensorNames} (what `adapter.safetensors` stores). */
  async tensors(): Promise<Map<string, AdapterTensor>> {
    const v = this.live();
    const names = adapterTensorNames(this.layers);
    const out = new Map<string, AdapterTensor>();
    for (let i = 0; i < v.length; i++) {
      const data = (await v[i]!.data()) as Float32Array;
      const [a, b] = v[i]!.shape;
      out.set(
        names[i]!,
        b === undefined ? { shape: [a!], data: Float32Array.from(data) } : { shape: [b, a!], data: transpose(data, a!, b) },
      );
    }
    return out;
  }

  /** Frees the variables (idempotent). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose(this.vars);
  }
}
