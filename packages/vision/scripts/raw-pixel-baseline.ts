/**
 * The raw-pixel baseline of docs/results-vision.md: weighted kNN (k = 200, τ = 0.1) and the linear probe
 * on the flattened pixels — the CLI's own `scoreRawPixels` (`train --raw-baseline`) on the CLI's data sets.
 *   node --import tsx scripts/raw-pixel-baseline.ts [DATA [EVAL_DATA [IMAGE_SIZE]]]
 * DATA / EVAL_DATA as the CLI's --data / --eval-data: an IDX folder (default: the bundled subset; its
 * t10k-* files when EVAL_DATA is omitted) or labeled image folders (resized to IMAGE_SIZE, default 32, RGB).
 */
import { initBackend } from '@contrastive/core';
import { openData, scoringSets } from '../src/cli/data.js';
import { scoreRawPixels } from '../src/cli/evaluate.js';

const [data = 'bundled', evalData, size] = process.argv.slice(2);
await initBackend({ log: false });
const t0 = performance.now();
const ds = await openData('data', data, 'train', { imageSize: size === undefined ? undefined : Number(size) });
const { train, test } = await scoringSets(ds, { dataPath: data, evalData, seed: 0, imageSize: ds.height, channels: ds.channels as 1 | 3 });
if (!train.labels || !test?.labels) throw new Error('raw-pixel-baseline: both datasets need labels');
const raw = await scoreRawPixels(train, test, { seed: 0 });
console.log(
  JSON.stringify({
    data,
    evalData: evalData ?? null,
    rawPixelsKnn: raw.knnAccuracy,
    rawPixelsLinearProbe: raw.linearProbeAccuracy,
    seconds: (performance.now() - t0) / 1000,
  }),
);
