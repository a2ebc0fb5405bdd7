import type { ParallelTexts } from './parallel-parse.js';

/** Options of {@link encodePairs}. */
export interface EncodePairsOptions {
  /** Most source ids kept (the model's `maxLength`). */
  maxSourceLength: number;
  /** Most target ids **including the EOS** the batch appends, so targets keep `maxTargetLength − 1` ids. */
  maxTargetLength: number;
}

/** Id lists of encoded pairs (no BOS/EOS), aligned by index, and how many pairs were cut. */
export interface EncodedPairs {
  sources: number[][];
  targets: number[][];
  /** Pairs whose source or target was truncated. */
  truncated: number;
}

/**
 * Encodes parallel texts with one tokenizer (anything with `encode(text) → ids`), truncating sources to
 * `maxSourceLength` and targets to `maxTargetLength − 1` (room for the EOS `seq2seqBatch` appends). Pure.
 */
export function encodePairs(
  tokenizer: { encode(text: string): number[] },
  pairs: ParallelTexts,
  options: EncodePairsOptions,
): EncodedPairs {
  const { maxSourceLength, maxTargetLength } = options;
  if (!Number.isInteger(maxSourceLength) || maxSourceLength < 1)
    throw new RangeError(`maxSourceLength must be a positive integer, got ${String(maxSourceLength)}`);
  if (!Number.isInteger(maxTargetLength) || maxTargetLength < 2)
    throw new RangeError(`maxTargetLength must be an integer ≥ 2 (one id plus EOS), got ${String(maxTargetLength)}`);
  if (pairs.sources.length !== pairs.targets.length)
    throw new RangeError(`encodePairs: ${pairs.sources.length} sources but ${pairs.targets.length} targets`);
  const sources: number[][] = [];
  const targets: number[][] = [];
  let truncated = 0;
  pairs.sources.forEach((text, i) => {
    const s = tokenizer.encode(text);
    const t = tokenizer.encode(pairs.targets[i]!);
    if (s.length > maxSourceLength || t.length > maxTargetLength - 1) truncated++;
    sources.push(s.length > maxSourceLength ? s.slice(0, maxSourceLength) : s);
    targets.push(t.length > maxTargetLength - 1 ? t.slice(0, maxTargetLength - 1) : t);
  });
  return { sources, targets, truncated };
}
