/**
 * Frozen USE-lite as a {@link TextEmbedder}: what `evaluateRetrieval`, `contrastive-text eval` and the
 * {@link TowerCache} take. Browser-safe (it wraps a loaded {@link UseLite}; `loadUseLiteEncoder` from
 * `@contrastive/text/node` loads one from the installed npm package).
 */
import type { EncodeOptions, TextEmbedder } from '../encoders/sentence-encoder.js';
import { USE_LITE_DIM, type UseLite } from './use-lite.js';

/** The tower name recorded in an adapter folder's `contrastive.json` (`"tower": "use-lite"`). */
export const USE_LITE_TOWER = 'use-lite';

/** A text embedder that also says its output width (what a {@link TowerCache} and a `TowerAdapter` need). */
export interface TowerEmbedder extends TextEmbedder {
  /** Name recorded with an adapter trained on it (`'use-lite'`). */
  readonly name: string;
  /** Width of every vector. */
  readonly dim: number;
  /** Frees the tower's weights, when it owns any. */
  dispose?(): void;
}

/**
 * Throws a RangeError naming the first text USE-lite cannot embed: one that is empty or whitespace only. Its
 * graph takes the token ids as a sparse tensor, so a text with no tokens would silently lose its row (and shift
 * every later one); a whitespace-only text has tokens ('▁') but no content. We refuse both rather than invent a
 * vector: a blank query or passage is a data error the caller should see (the corpus readers of this package
 * already skip blank lines and refuse blank JSONL fields).
 */
export function assertUseLiteTexts(texts: readonly string[]): void {
  texts.forEach((t, i) => {
    if (typeof t !== 'string') throw new TypeError(`texts[${i}] must be a string, got ${typeof t}`);
    if (t.trim().length === 0)
      throw new RangeError(`texts[${i}] is empty or whitespace only: USE-lite has no vector for it (remove it or give it some text)`);
  });
}

/**
 * Universal Sentence Encoder Lite, frozen: 512-d unit vectors. `encode` accepts the {@link EncodeOptions} of every
 * text embedder: `batchSize` (default 128, USE-lite sentences per forward pass), `onProgress`; `normalize` changes
 * nothing (USE-lite's graph already ends in an L2 normalisation); `pooling` is refused, since USE-lite pools inside
 * its graph. Empty or whitespace-only texts are refused with their index ({@link assertUseLiteTexts}).
 *
 * Owns the {@link UseLite} it wraps: `dispose()` frees it.
 */
export class UseLiteEncoder implements TowerEmbedder {
  readonly name = USE_LITE_TOWER;
  readonly dim = USE_LITE_DIM;

  constructor(readonly model: UseLite) {}

  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    const { batchSize = 128, onProgress, pooling } = options;
    if (pooling !== undefined)
      throw new RangeError(`pooling '${String(pooling)}' does not apply to USE-lite: it pools inside its graph (leave pooling unset)`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
    assertUseLiteTexts(texts);
    const out: Float32Array[] = [];
    // One model call per batch, read back and freed before the next: memory is bounded by batchSize, not texts.length.
    for (let start = 0; start < texts.length; start += batchSize) {
      const e = await this.model.embed(texts.slice(start, start + batchSize), { batchSize });
      const data = (await e.data()) as Float32Array;
      const n = e.shape[0];
      e.dispose();
      for (let r = 0; r < n; r++) out.push(data.slice(r * USE_LITE_DIM, (r + 1) * USE_LITE_DIM));
      onProgress?.(out.length);
    }
    return out;
  }

  /** Frees USE-lite's weights (idempotent). */
  dispose(): void {
    this.model.dispose();
  }
}
