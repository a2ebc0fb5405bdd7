/** `contrastive-multimodal search`: text queries against a folder of images in a trained run's joint space. */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BACKENDS, initBackend } from '@contrastive/core';
import type { CliIo, FlagSpec } from '@contrastive/core/cli';
import {
  boolFlag,
  COMMON_FLAG_HELP,
  COMMON_FLAGS,
  formatHelp,
  intFlag,
  oneOfFlag,
  requiredFlag,
  startCommand,
  stringFlag,
  UsageError,
} from '@contrastive/core/cli';
import { imageGridPng, writeFileAtomic } from '@contrastive/core/node';
import { openImageFolder } from '@contrastive/vision/node';
import { asDataFlagError } from './data-flag-error.js';
import { embedImageItems } from './embed-images.js';
import { TOOL } from './help.js';
import { loadTrainedClip } from './trained-run.js';

const SPEC = {
  checkpoint: { type: 'string' },
  images: { type: 'string' },
  query: { type: 'string', multiple: true },
  top: { type: 'string' },
  sheet: { type: 'string' },
  overwrite: COMMON_FLAGS.overwrite,
  backend: COMMON_FLAGS.backend,
  json: COMMON_FLAGS.json,
  'no-progress': COMMON_FLAGS['no-progress'],
  help: COMMON_FLAGS.help,
} as const satisfies FlagSpec;

export const SEARCH_SUMMARY = 'embed a folder of images and answer text queries (top-k with scores, a contact sheet of the hits)';

export const SEARCH_HELP = formatHelp({
  tool: TOOL,
  command: 'search',
  summary: SEARCH_SUMMARY,
  usage: ['search --checkpoint DIR --images DIR --query TEXT [--query TEXT …] [--top K] [--sheet FILE.png]'],
  flags: [
    { name: 'checkpoint', arg: 'DIR', help: 'a finished run folder of train (its model/)' },
    { name: 'images', arg: 'DIR', help: 'the images to search (any depth; png, jpg, webp, svg …), read at the run’s image size' },
    { name: 'query', arg: 'TEXT', help: 'a text query; repeat the flag for several' },
    { name: 'top', arg: 'K', help: 'hits per query', default: '8' },
    {
      name: 'sheet',
      arg: 'FILE.png',
      help: 'contact sheet: one row of hits per query, best first',
      default: 'DIR/search.png (in the run folder)',
    },
    ...COMMON_FLAG_HELP.filter((f) => ['overwrite', 'backend', 'json', 'no-progress', 'help'].includes(f.name)),
  ],
  details: `Scores are cosine similarities in the run's joint space (1 = same direction). The sheet is never written over a
file that exists outside the run folder unless --overwrite is given.`,
  examples: [`${TOOL} search --checkpoint runs/lit --images data/tuxpaint --query "a red apple" --query "a dog" --top 5`],
});

export async function searchCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, SEARCH_HELP, io);
  if (!ctx) return 0;
  const v = ctx.values;
  const dir = requiredFlag(v, 'checkpoint', 'a run folder written by train --out');
  const imagesDir = requiredFlag(v, 'images', 'a folder of images');
  const queries = ((v.query as string[] | undefined) ?? []).map((q) => q.trim());
  if (queries.length === 0) throw new UsageError('--query TEXT is required (repeat it for several queries)');
  if (queries.some((q) => q.length === 0)) throw new UsageError('--query: an empty query');
  const top = intFlag(v, 'top', 1) ?? 8;
  const sheet = stringFlag(v, 'sheet') ?? join(dir, 'search.png');
  const backendFlag = oneOfFlag(v, 'backend', BACKENDS);
  if (stringFlag(v, 'sheet') !== undefined) {
    if ((await stat(sheet).catch(() => null)) && !boolFlag(v, 'overwrite'))
      throw new UsageError(`--sheet ${sheet} exists; pass --overwrite to replace it or choose another --sheet`);
    if (!(await stat(dirname(sheet)).catch(() => null))?.isDirectory())
      throw new UsageError(`--sheet ${sheet}: folder ${dirname(sheet)} does not exist`);
  }
  const backend = await initBackend({ ...(backendFlag === undefined ? {} : { backend: backendFlag }), log: ctx.log });
  const model = await loadTrainedClip(dir, 'checkpoint');
  try {
    let ds: Awaited<ReturnType<typeof openImageFolder>>;
    try {
      ds = await openImageFolder(imagesDir, { imageSize: model.imageSize, channels: model.channels });
    } catch (e) {
      throw new UsageError(`--images ${imagesDir}: ${(e as Error).message}`);
    }
    const k = Math.min(top, ds.size);
    // An image that does not decode is found here (nothing is written before the sheet): a usage error naming it.
    const zi = await embedImageItems(ds, (x) => model.embedImages(x)).catch(asDataFlagError('images', imagesDir));
    const zq = await model.embedTexts(queries);
    const { values, indices } = tf.tidy(() => tf.topk(tf.matMul(zq, zi, false, true), k));
    const scores = values.arraySync() as number[][];
    const idx = indices.arraySync() as number[][];
    tf.dispose([zi, zq, values, indices]);
    const name = (i: number) => ds.itemName?.(i) ?? String(i);
    const results = queries.map((query, q) => ({
      query,
      hits: idx[q]!.map((i, r) => ({ image: name(i), score: Math.round(scores[q]![r]! * 1e4) / 1e4 })),
    }));
    // The sheet: row q holds query q's hits (a short row is padded with blank cells).
    const cells = await ds.read(Int32Array.from(idx.flat()));
    const blank = k * queries.length;
    await writeFileAtomic(sheet, imageGridPng(cells, { columns: k, scale: Math.max(1, Math.round(96 / model.imageSize)) }));
    cells.dispose();
    const out = { checkpoint: dir, images: imagesDir, searched: ds.size, backend, sheet, results };
    if (ctx.json) io.out(JSON.stringify(out));
    else {
      for (const r of results) {
        io.out(`"${r.query}"`);
        r.hits.forEach((h, i) => io.out(`  ${String(i + 1).padStart(2)}. ${h.score.toFixed(4)}  ${h.image}`));
      }
      io.out(`${ds.size} images searched; contact sheet (${blank} cells, a row per query): ${sheet}`);
    }
    return 0;
  } finally {
    model.dispose();
  }
}
