import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { scatterPng } from '../plot/index.js';
import { embeddingMap, type EmbeddingMapOptions } from './embedding-map.js';
import type { EmbeddingInput, LabelInput } from './inputs.js';

export interface EmbeddingMapPngOptions extends EmbeddingMapOptions {
  /** When given, the PNG is also written here (parent folders are created). */
  path?: string;
  /** Title above the map; default `'<METHOD> of <N> embeddings'`. */
  title?: string;
  /** Legend names per class id. */
  classNames?: readonly string[];
  /** Image size in pixels, default 720 × 540. */
  width?: number;
  height?: number;
}

/**
 * Projects embeddings with {@link embeddingMap} and draws them with `scatterPng`, one colour per class.
 *
 * @example
 * embeddingMapPng(testFeatures, testLabels, { path: 'out/umap.png', method: 'umap', classNames: FASHION_CLASSES });
 * @returns the PNG bytes (also written to `path` when given).
 */
export function embeddingMapPng(embeddings: EmbeddingInput, labels?: LabelInput | null, opts: EmbeddingMapPngOptions = {}): Buffer {
  const map = embeddingMap(embeddings, labels, opts);
  const method = (opts.method ?? 'umap').toUpperCase();
  const png = scatterPng(map.coords, map.labels, {
    title: opts.title ?? `${method} of ${map.indices.length} embeddings`,
    width: opts.width ?? 720,
    height: opts.height ?? 540,
    pointRadius: map.indices.length > 1500 ? 1.5 : 2,
    ...(opts.classNames ? { classNames: opts.classNames } : {}),
  });
  if (opts.path) {
    mkdirSync(dirname(opts.path), { recursive: true });
    writeFileSync(opts.path, png);
  }
  return png;
}
