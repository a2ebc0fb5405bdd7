/**
 * A frozen tower followed by a trained {@link TowerAdapter}: texts → tower vectors → adapter → L2 normalisation.
 * The model a `use-lite-adapter` folder holds (`loadAdapterEncoder` / `loadEncoder` in `@contrastive/text/node`).
 */
import * as tf from '@tensorflow/tfjs';
import { l2Normalize } from '@contrastive/core';
import type { EncodeOptions } from '../encoders/sentence-encoder.js';
import type { TowerAdapter } from './tower-adapter.js';
import type { TowerEmbedder } from './use-lite-encoder.js';

/** Options of {@link AdapterEncoder}. */
export interface AdapterEncoderOptions {
  /**
   * `dispose()` frees the tower and the adapter. Default `true` (a loaded model). Pass `false` to wrap an adapter
   * an `AdapterMethod` is still training (the method owns it) or a tower you dispose yourself, e.g. to score a
   * validation slice during training.
   */
  owns?: boolean;
}

/**
 * Texts → `tower` → `adapter` → unit vectors. `encode` takes the options of every text embedder: `batchSize`
 * (texts per tower call and per adapter pass, default 128), `normalize` (default `true`; `false` returns the
 * adapter's raw output), `onProgress`; `pooling` is refused (the tower pools inside). The untrained linear adapter
 * (identity init) gives exactly the tower's vectors.
 */
export class AdapterEncoder implements TowerEmbedder {
  readonly name: string;
  readonly dim: number;
  private readonly owns: boolean;
  private disposed = false;

  constructor(
    readonly tower: TowerEmbedder,
    readonly adapter: TowerAdapter,
    options: AdapterEncoderOptions = {},
  ) {
    if (tower.dim !== adapter.inputDim)
      throw new RangeError(
        `AdapterEncoder: the tower '${tower.name}' gives ${tower.dim}-d vectors but the adapter takes ${adapter.inputDim}-d`,
      );
    this.name = `${tower.name}-adapter`;
    this.dim = adapter.outputDim;
    this.owns = options.owns ?? true;
  }

  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    if (this.disposed) throw new Error('AdapterEncoder: encode() after dispose()');
    const { batchSize = 128, normalize = true, onProgress, pooling } = options;
    if (pooling !== undefined)
      throw new RangeError(`pooling '${String(pooling)}' does not apply to ${this.name}: the tower pools inside (leave pooling unset)`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      const rows = await this.tower.encode(texts.slice(start, start + batchSize), { batchSize });
      const x = new Float32Array(rows.length * this.tower.dim);
      rows.forEach((r, i) => x.set(r, i * this.tower.dim));
      const y = tf.tidy(() => {
        const a = this.adapter.apply(tf.tensor2d(x, [rows.length, this.tower.dim]));
        return normalize ? l2Normalize(a) : a;
      });
      const data = (await y.data()) as Float32Array;
      y.dispose();
      for (let r = 0; r < rows.length; r++) out.push(data.slice(r * this.dim, (r + 1) * this.dim));
      onProgress?.(out.length);
    }
    return out;
  }

  /** Frees the tower and the adapter when this encoder owns them (see {@link AdapterEncoderOptions.owns}). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.owns) return;
    this.adapter.dispose();
    this.tower.dispose?.();
  }
}
