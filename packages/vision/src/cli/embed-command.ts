import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BACKENDS, initBackend } from '@contrastive/core';
import { boolFlag, intFlag, oneOfFlag, startCommand, stringFlag, UsageError, type CliIo, type FlagSpec } from '@contrastive/core/cli';
import { imageBatches, type ImageDataset } from '../io/dataset.js';
import { embedImages } from '../methods/common.js';
import { limitDataset } from '../io/dataset.js';
import { openData, resized } from './data.js';
import { countedProgress } from './evaluate.js';
import { readRunFlags, RUN_READER_FLAGS } from './flags.js';
import { EMBED_HELP } from './help.js';
import { TOOL } from './tool.js';
import { assertFiniteEmbeddings, assertFiniteModel } from './finite.js';
import { loadTrainedRun } from './trained-run.js';

const SPEC = {
  ...RUN_READER_FLAGS,
  split: { type: 'string' },
  out: { type: 'string' },
  'batch-size': { type: 'string' },
  overwrite: { type: 'boolean' },
} as const satisfies FlagSpec;

/**
 * `contrastive-vision embed`: the trained encoder's output for every image of `--data`, one CSV row per
 * image — `filename,label,embedding_0,…,embedding_{D-1}` (lightly's `embeddings.csv` columns, with the label
 * as a class name). Returns the process exit code.
 */
export async function embedCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SPEC, EMBED_HELP, io);
  if (!ctx) return 0;
  const { values, log, started } = ctx;
  const { dir, cfg, dataPath } = await readRunFlags(values);
  const split = oneOfFlag(values, 'split', ['train', 'test'] as const, 'train');
  const outPath = stringFlag(values, 'out') ?? join(dir, 'embeddings.csv');
  if ((await stat(outPath).catch(() => null)) && !boolFlag(values, 'overwrite')) {
    throw new UsageError(`--out ${outPath} exists; pass --overwrite to replace it or choose another --out`);
  }
  if (!(await stat(dirname(outPath)).catch(() => null))?.isDirectory())
    throw new UsageError(`--out ${outPath}: folder ${dirname(outPath)} does not exist`);
  const batchSize = intFlag(values, 'batch-size', 1) ?? 256;
  const backendFlag = oneOfFlag(values, 'backend', BACKENDS);
  const backend = await initBackend({ ...(backendFlag === undefined ? {} : { backend: backendFlag }), log });
  const opened = await openData('data', dataPath, split, { imageSize: cfg.imageSize, channels: cfg.channels });
  const data = resized(limitDataset(opened, intFlag(values, 'limit', 1)), cfg.imageSize);
  if (data.channels !== cfg.channels)
    throw new UsageError(`--data has ${data.channels} channel(s); the checkpoint's encoder expects ${cfg.channels}`);
  const { method } = await loadTrainedRun(dir, cfg);
  const partial = `${outPath}.partial`;
  try {
    await assertFiniteModel(method.encoder, `the encoder of ${dir}'s checkpoint (nothing was written to ${outPath})`);
    const dim = method.encoder.outputs[0]!.shape[1] as number;
    log(
      `[${TOOL}] embedding ${data.size} images of ${data.source} with the ${cfg.method} / ${cfg.encoder} encoder (${dim}-d) → ${outPath}`,
    );
    await writeEmbeddingsCsv(method.encoder, data, partial, { batchSize, dim, progress: !boolFlag(values, 'no-progress') });
    await rename(partial, outPath);
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  } finally {
    method.dispose();
  }
  const summary = {
    method: cfg.method,
    encoder: cfg.encoder,
    images: data.size,
    out: outPath,
    backend,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  log(`[${TOOL}] wrote ${data.size} embeddings to ${outPath} (${summary.seconds}s)`);
  if (ctx.json) io.out(JSON.stringify(summary));
  return 0;
}

/** Streams the CSV batch by batch (bounded memory; one read-back per batch, no training step involved). */
async function writeEmbeddingsCsv(
  encoder: Parameters<typeof embedImages>[0],
  ds: ImageDataset,
  path: string,
  o: { batchSize: number; dim: number; progress: boolean },
): Promise<void> {
  const file = await open(path, 'w');
  const bar = o.progress ? countedProgress(process.stderr, 'embedding --data', 'images', ds.size) : null;
  try {
    await file.write(`${['filename', 'label', ...Array.from({ length: o.dim }, (_, j) => `embedding_${j}`)].join(',')}\n`);
    let done = 0;
    for await (const b of imageBatches(ds, { batchSize: o.batchSize })) {
      const e = embedImages(encoder, b.images, o.batchSize);
      b.images.dispose();
      try {
        await assertFiniteEmbeddings(e, `${ds.source} (items ${b.indices[0]}…${b.indices.at(-1)})`);
      } catch (err) {
        e.dispose();
        throw err;
      }
      const values = await e.data();
      e.dispose();
      const rows: string[] = [];
      b.indices.forEach((index, r) => {
        const name = ds.itemName ? ds.itemName(index) : `${ds.source}#${index}`;
        const label = ds.labels ? (ds.classNames?.[ds.labels[index]!] ?? String(ds.labels[index])) : '';
        const vec = Array.from(values.subarray(r * o.dim, (r + 1) * o.dim), (x) => String(Number(x.toPrecision(9))));
        rows.push([csvField(name), csvField(label), ...vec].join(','));
      });
      await file.write(`${rows.join('\n')}\n`);
      done += b.indices.length;
      bar?.update(done);
    }
  } finally {
    bar?.end();
    await file.close();
  }
}

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
