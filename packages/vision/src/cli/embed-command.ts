import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { initBackend } from '@contrastive/core';
import { imageBatches, type ImageDataset } from '../io/dataset.js';
import { embedImages } from '../methods/common.js';
import { intFlag, oneOf, required, startCommand, UsageError } from './args.js';
import { resized } from './build.js';
import { limitDataset, openData } from './data.js';
import { countedProgress } from './evaluate.js';
import { EMBED_HELP } from './help.js';
import { readRunConfig } from './run-dir.js';
import { loadTrainedRun } from './trained-run.js';

const SPEC = {
  checkpoint: { type: 'string' },
  data: { type: 'string' },
  split: { type: 'string' },
  out: { type: 'string' },
  limit: { type: 'string' },
  'batch-size': { type: 'string' },
  overwrite: { type: 'boolean' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * `contrastive-vision embed`: the trained encoder's output for every image of `--data`, one CSV row per
 * image — `filename,label,embedding_0,…,embedding_{D-1}` (lightly's `embeddings.csv` columns, with the label
 * as a class name). Returns the process exit code.
 */
export async function embedCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const start = startCommand(argv, SPEC as never, EMBED_HELP, out, err);
  if (!start) return 0;
  const { v, json, log, started } = start;
  const dir = required(v, 'checkpoint');
  const cfg = await readRunConfig(dir);
  const dataPath = required(v, 'data');
  const split = oneOf(v, 'split', ['train', 'test'] as const, 'train')!;
  const outPath = (v.out as string | undefined) ?? join(dir, 'embeddings.csv');
  if ((await stat(outPath).catch(() => null)) && v.overwrite !== true) {
    throw new UsageError(`--out ${outPath} exists; pass --overwrite to replace it or choose another --out`);
  }
  if (!(await stat(dirname(outPath)).catch(() => null))?.isDirectory()) throw new UsageError(`--out ${outPath}: folder ${dirname(outPath)} does not exist`);
  const batchSize = intFlag(v, 'batch-size', 1) ?? 256;
  const backend = await initBackend({ backend: oneOf(v, 'backend', ['wasm', 'cpu', 'tensorflow'] as const), log });
  const opened = await openData('data', dataPath, split, { imageSize: cfg.imageSize, channels: cfg.channels });
  const data = resized(limitDataset(opened, intFlag(v, 'limit', 1)), cfg.imageSize);
  if (data.channels !== cfg.channels) throw new UsageError(`--data has ${data.channels} channel(s); the checkpoint's encoder expects ${cfg.channels}`);
  const m = await loadTrainedRun(dir, cfg);
  const partial = `${outPath}.partial`;
  try {
    const dim = m.encoder.outputs[0]!.shape[1] as number;
    log(`[contrastive-vision] embedding ${data.size} images of ${data.source} with the ${cfg.method} / ${cfg.encoder} encoder (${dim}-d) → ${outPath}`);
    await writeEmbeddingsCsv(m.encoder, data, partial, { batchSize, dim });
    await rename(partial, outPath);
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  } finally {
    m.dispose();
  }
  const summary = { method: cfg.method, encoder: cfg.encoder, images: data.size, out: outPath, backend, seconds: Math.round((performance.now() - started) / 100) / 10 };
  log(`[contrastive-vision] wrote ${data.size} embeddings to ${outPath} (${summary.seconds}s)`);
  if (json) out(JSON.stringify(summary));
  return 0;
}

/** Streams the CSV batch by batch (bounded memory; one read-back per batch, no training step involved). */
async function writeEmbeddingsCsv(encoder: Parameters<typeof embedImages>[0], ds: ImageDataset, path: string, o: { batchSize: number; dim: number }): Promise<void> {
  const file = await open(path, 'w');
  const bar = countedProgress(process.stderr, 'embedding --data', 'images', ds.size);
  try {
    await file.write(`${['filename', 'label', ...Array.from({ length: o.dim }, (_, j) => `embedding_${j}`)].join(',')}\n`);
    let done = 0;
    for await (const b of imageBatches(ds, { batchSize: o.batchSize })) {
      const e = embedImages(encoder, b.images, o.batchSize);
      b.images.dispose();
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
      bar.update(done);
    }
  } finally {
    bar.end();
    await file.close();
  }
}

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
