import { createRng } from '@contrastive/core';
import { UsageError, type FlagValues, stringFlag } from '@contrastive/core/cli';
import { readParallelJsonl, readParallelText } from '../../seq2seq/data/index.js';
import type { ParallelTexts } from '../../seq2seq/data/index.js';

/** Source/target texts of one split. */
export type TextPairs = ParallelTexts;

/**
 * The pairs a `--X FILE` (JSONL with `--source-field` / `--target-field`) or `--X-source F --X-target F` (two
 * line-aligned text files) names; `undefined` when neither is given. Both forms at once is a usage error.
 */
export function readPairsFlag(values: FlagValues, name: string, fields: { source: string; target: string }): TextPairs | undefined {
  const jsonl = stringFlag(values, name);
  const src = stringFlag(values, `${name}-source`);
  const tgt = stringFlag(values, `${name}-target`);
  if (jsonl !== undefined && (src !== undefined || tgt !== undefined))
    throw new UsageError(`give --${name} FILE.jsonl or --${name}-source and --${name}-target, not both`);
  if ((src === undefined) !== (tgt === undefined)) throw new UsageError(`--${name}-source and --${name}-target go together`);
  if (jsonl !== undefined) return readParallelJsonl(jsonl, { sourceField: fields.source, targetField: fields.target });
  if (src !== undefined && tgt !== undefined) return readParallelText(src, tgt);
  return undefined;
}

/** The first `limit` pairs. */
export function limitPairs(p: TextPairs, limit: number | undefined): TextPairs {
  return limit === undefined ? p : { sources: p.sources.slice(0, limit), targets: p.targets.slice(0, limit) };
}

/** Pairs at `indices`. */
export function pickPairs(p: TextPairs, indices: ArrayLike<number>): TextPairs {
  const sources: string[] = [];
  const targets: string[] = [];
  for (let i = 0; i < indices.length; i++) {
    sources.push(p.sources[indices[i]!]!);
    targets.push(p.targets[indices[i]!]!);
  }
  return { sources, targets };
}

/** Default validation size: 5 % of the pairs, at most 1,000; none below 20 held out. */
export function defaultValidationSize(n: number): number {
  const k = Math.min(1000, Math.round(n * 0.05));
  return k < 20 ? 0 : k;
}

/** A seeded split of `p` into `size` validation pairs and the rest (training order kept). */
export function holdOut(p: TextPairs, size: number, seed: number): { train: TextPairs; validation: TextPairs } {
  const n = p.sources.length;
  if (size >= n) throw new UsageError(`--validation ${size} would hold out all ${n} training pairs`);
  const order = createRng(seed * 7919 + 17).permutation(n);
  const held = new Set(Array.from(order.subarray(0, size)));
  const rest: number[] = [];
  for (let i = 0; i < n; i++) if (!held.has(i)) rest.push(i);
  return {
    train: pickPairs(p, rest),
    validation: pickPairs(
      p,
      [...held].sort((a, b) => a - b),
    ),
  };
}
