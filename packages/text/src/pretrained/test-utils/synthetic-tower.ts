/**
 * A synthetic frozen tower for the adapter tests: each text's vector is looked up in a table (unknown texts are
 * refused), and `calls` counts the texts it was asked to embed. Queries are random unit vectors and each positive is
 * a fixed random rotation of its query plus a little noise, so the identity adapter scores pairs no better than
 * chance and a trained linear adapter can undo the rotation.
 */
import { createRng } from '@contrastive/core';
import type { EncodeOptions } from '../../encoders/sentence-encoder.js';
import type { AdapterExample } from '../adapter-batches.js';
import type { TowerEmbedder } from '../use-lite-encoder.js';

function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

export class TableTower implements TowerEmbedder {
  readonly name = 'table';
  calls = 0;
  constructor(
    readonly dim: number,
    readonly table: ReadonlyMap<string, Float32Array>,
  ) {}
  async encode(texts: readonly string[], _options: EncodeOptions = {}): Promise<Float32Array[]> {
    this.calls += texts.length;
    return texts.map((t) => {
      const v = this.table.get(t);
      if (!v) throw new Error(`TableTower: unknown text ${t}`);
      return Float32Array.from(v);
    });
  }
}

/** `n` (query, positive[, negative]) examples over a `dim`-d {@link TableTower}, seeded. */
export function rotatedPairs(
  n: number,
  dim: number,
  seed: number,
  options: { negatives?: boolean } = {},
): { tower: TableTower; examples: AdapterExample[] } {
  const rng = createRng(seed);
  // A random rotation-like mixing: a random matrix, rows orthonormalised by Gram–Schmidt.
  const r: Float32Array[] = [];
  while (r.length < dim) {
    const v = Float32Array.from({ length: dim }, () => rng.normal());
    for (const b of r) {
      const dot = v.reduce((s, x, i) => s + x * b[i]!, 0);
      for (let i = 0; i < dim; i++) v[i]! -= dot * b[i]!;
    }
    r.push(unit(v));
  }
  const table = new Map<string, Float32Array>();
  const examples: AdapterExample[] = [];
  for (let i = 0; i < n; i++) {
    const q = unit(Float32Array.from({ length: dim }, () => rng.normal()));
    const p = unit(Float32Array.from(r, (row) => row.reduce((s, x, j) => s + x * q[j]!, 0) + 0.05 * rng.normal()));
    table.set(`q${i}`, q);
    table.set(`p${i}`, p);
    const e: AdapterExample = { query: `q${i}`, positive: `p${i}` };
    if (options.negatives) {
      table.set(`n${i}`, unit(Float32Array.from({ length: dim }, () => rng.normal())));
      e.negative = `n${i}`;
    }
    examples.push(e);
  }
  return { tower: new TableTower(dim, table), examples };
}
