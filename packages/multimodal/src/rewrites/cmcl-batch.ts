/**
 * One CMCL step's texts and sets (UNIMO, Li et al., ACL 2021): the batch's N captions, then rewrites drawn
 * from each image's {@link ImageRewrites}, and the `[N, M]` masks {@link cmclLoss} takes. Pure and seeded: the
 * same ids, captions, tables and generator state give the same texts and masks.
 */
import type { Rng } from '@contrastive/core';
import type { ImageRewrites } from './tables.js';
import { textKey } from './text-key.js';

/** How many rewrites of each kind an image may add to a step (R = their sum). */
export interface CmclBudget {
  /** Positive rewrites (paraphrases / translations). Default 2. */
  positives: number;
  /** Retrieved weak positives. Default 1. */
  weakPositives: number;
  /** Hard negatives, sentence- and word-level together (drawn from their union). Default 2. */
  hardNegatives: number;
}

/** The default {@link CmclBudget}: 2 positives, 1 weak positive, 2 hard negatives (R = 5 rewrites an image). */
export const DEFAULT_CMCL_BUDGET: Readonly<CmclBudget> = Object.freeze({ positives: 2, weakPositives: 1, hardNegatives: 2 });

/** What a text column of a CMCL batch is. */
export type CmclTextKind = 'caption' | 'positive' | 'weak' | 'negative';

/** The texts and masks of one step (arrays, so `cmclLoss` validates them without a GPU read). */
export interface CmclBatchTexts {
  /** M texts: the N captions in batch order (column i is image i's caption), then the drawn rewrites. */
  texts: string[];
  /** `[N, M]`: 1 where text j is a positive of image i. */
  positiveMask: number[][];
  /** `[N, M]`: 1 where text j is in image i's denominator — every text (see {@link cmclBatch}). */
  candidateMask: number[][];
  /** Per column, what it is. */
  kinds: CmclTextKind[];
  /** Per column, the batch row it was drawn for (column i < N: i). */
  owners: number[];
}

/** Options of {@link cmclBatch}. */
export interface CmclBatchOptions {
  /** Rewrites an image may add per step, by kind. Default {@link DEFAULT_CMCL_BUDGET}. */
  budget?: Partial<CmclBudget>;
}

/**
 * Builds a CMCL batch's texts and masks.
 *
 * Texts: the N chosen captions first, in batch order (duplicates kept, so column i stays image i's caption), then
 * for each image in turn at most `budget.positives` positive rewrites, `budget.weakPositives` weak positives and
 * `budget.hardNegatives` hard negatives, each drawn uniformly without replacement from its table with `rng`.
 * A drawn text already in the batch (under `textKey`) is not added again and does not use up the budget — the
 * next one is drawn — so R counts new columns only.
 *
 * Positives, by text identity: text j is a positive of image i when its key is one of image i's captions
 * (chosen or not), positive rewrites or weak positives (the whole table, not only what was drawn). So a caption
 * identical to another batch image's caption is a positive of both, and no text describing image i by its own
 * table is ever one of its negatives. A hard negative equal to one of these texts is never drawn for image i.
 *
 * Candidates: every text is in every image's denominator — the CLIP in-batch negatives (the other captions) and
 * every drawn rewrite. With no rewrites and distinct captions the positive mask is the identity, the candidate
 * mask all ones, and the loss CLIP's. UNIMO's formula sums over each pair's own sets X^{−,+,I,T} and does not say
 * whether the batch's other pairs enter the denominator; keeping them is what makes this CLIP's loss plus
 * rewrites, and what gives the symmetric loss's text anchors (a positive rewrite of image i) a denominator over
 * all the batch's images rather than over image i alone.
 *
 * @param imageIds the image of each batch row (an index into `tables`; a missing table means no rewrites).
 * @param captions the caption chosen for each row this step.
 * @param tables per image id, its rewrites (from `buildRewriteTables`).
 * @param rng the step's generator (the epoch's batch stream).
 *
 * @example
 * const { texts, positiveMask, candidateMask } = cmclBatch([4, 9], ['A frog.', 'A red apple.'], tables, rng);
 * yield { images, texts: tokenize(texts), positiveMask, candidateMask };
 */
export function cmclBatch(
  imageIds: ArrayLike<number>,
  captions: readonly string[],
  tables: readonly (ImageRewrites | undefined)[],
  rng: Rng,
  options: CmclBatchOptions = {},
): CmclBatchTexts {
  const budget = resolveBudget(options.budget);
  const n = imageIds.length;
  if (captions.length !== n) throw new RangeError(`cmclBatch: ${captions.length} captions for ${n} images (one chosen caption a row)`);
  if (n === 0) throw new RangeError('cmclBatch: the batch has no image');
  const rows = Array.from({ length: n }, (_, i) => {
    const id = imageIds[i]!;
    if (!Number.isInteger(id) || id < 0) throw new RangeError(`cmclBatch: imageIds[${i}] must be a non-negative integer, got ${id}`);
    const caption = captions[i];
    if (typeof caption !== 'string' || caption.trim().length === 0) {
      throw new RangeError(`cmclBatch: captions[${i}] must be a non-empty string, got ${JSON.stringify(caption)}`);
    }
    const table = tables[id];
    const positives = new Set([textKey(caption)]);
    if (table !== undefined) for (const t of [...table.captions, ...table.positives, ...table.weakPositives]) positives.add(textKey(t));
    return { table, positives };
  });

  const texts = [...captions];
  const kinds: CmclTextKind[] = captions.map(() => 'caption');
  const owners = captions.map((_, i) => i);
  const present = new Set(texts.map(textKey));
  rows.forEach(({ table, positives }, i) => {
    if (table === undefined) return;
    const draw = (pool: readonly string[], count: number, kind: CmclTextKind, allowed: (key: string) => boolean) => {
      if (count === 0 || pool.length === 0) return;
      let added = 0;
      for (const t of rng.shuffle([...pool])) {
        if (added === count) break;
        const key = textKey(t);
        if (present.has(key) || !allowed(key)) continue;
        present.add(key);
        texts.push(t);
        kinds.push(kind);
        owners.push(i);
        added++;
      }
    };
    draw(table.positives, budget.positives, 'positive', () => true);
    draw(table.weakPositives, budget.weakPositives, 'weak', () => true);
    draw([...table.sentenceNegatives, ...table.wordNegatives], budget.hardNegatives, 'negative', (key) => !positives.has(key));
  });

  const keys = texts.map(textKey);
  const positiveMask = rows.map(({ positives }) => keys.map((k) => (positives.has(k) ? 1 : 0)));
  const candidateMask = rows.map(() => keys.map(() => 1));
  return { texts, positiveMask, candidateMask, kinds, owners };
}

function resolveBudget(given: Partial<CmclBudget> | undefined): CmclBudget {
  const budget = { ...DEFAULT_CMCL_BUDGET, ...given };
  for (const k of Object.keys(budget) as (keyof CmclBudget)[]) {
    if (!(k in DEFAULT_CMCL_BUDGET))
      throw new TypeError(`cmclBatch: unknown budget key '${k}' (expected positives, weakPositives, hardNegatives)`);
    const v = budget[k];
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`cmclBatch: budget.${k} must be a non-negative integer, got ${v}`);
  }
  return budget;
}
