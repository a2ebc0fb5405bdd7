/**
 * Image–caption folders as contrastive batches: one item per distinct image (a second caption of the same image
 * in the batch would be a false negative), a caption drawn per step among the image's captions.
 */
import type { Rng } from '@contrastive/core';
import type { CaptionDataset } from '../node/index.js';

/** The distinct images of a split and their captions. */
export interface ImageCaptions {
  /** An item index per distinct image (its first record): what `ds.read` takes. */
  items: Int32Array;
  /** The distinct English captions (each record's `caption`) of each image, in first-seen order. */
  captions: string[][];
}

/** Groups `ds`'s items by image. */
export function imageCaptions(ds: CaptionDataset): ImageCaptions {
  const items = new Int32Array(ds.imageCount).fill(-1);
  const captions: string[][] = Array.from({ length: ds.imageCount }, () => []);
  ds.records.forEach((r, i) => {
    const img = ds.imageIndex[i]!;
    if (items[img] === -1) items[img] = i;
    if (!captions[img]!.includes(r.caption)) captions[img]!.push(r.caption);
  });
  return { items, captions };
}

/** Distinct caption strings of `groups` and, per image, the indices of its captions among them (retrieval ground truth). */
export function captionGallery(groups: ImageCaptions): { texts: string[]; matches: number[][] } {
  const index = new Map<string, number>();
  const texts: string[] = [];
  const matches = groups.captions.map((cs) =>
    cs.map((c) => {
      let k = index.get(c);
      if (k === undefined) {
        k = texts.length;
        texts.push(c);
        index.set(c, k);
      }
      return k;
    }),
  );
  return { texts, matches };
}

/** One step's pairs: the dataset items to read and the caption chosen for each. */
export interface PairBatch {
  items: Int32Array;
  captions: string[];
}

/** The batches of one epoch: the distinct images shuffled by `rng`, `batchSize` a step (a last partial batch dropped when smaller than 2). */
export function* pairBatches(groups: ImageCaptions, batchSize: number, rng: Rng): Generator<PairBatch> {
  const order = rng.permutation(groups.items.length);
  for (let s = 0; s + 2 <= order.length; s += batchSize) {
    const idx = order.slice(s, s + batchSize);
    yield {
      items: Int32Array.from(idx, (i) => groups.items[i]!),
      captions: Array.from(idx, (i) => {
        const cs = groups.captions[i]!;
        return cs[cs.length === 1 ? 0 : rng.int(cs.length)]!;
      }),
    };
  }
}

/** Steps per epoch of {@link pairBatches}. */
export function pairSteps(images: number, batchSize: number): number {
  let steps = 0;
  for (let s = 0; s + 2 <= images; s += batchSize) steps++;
  return steps;
}
