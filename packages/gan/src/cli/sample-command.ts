/** `contrastive-gan sample`: images from a run's generator, as a folder of PNGs (what `score` reads) or one grid. */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BACKENDS, countNonFinite, createRng, initBackend } from '@contrastive/core';
import type { CliIo } from '@contrastive/core/cli';
import { boolFlag, intFlag, oneOfFlag, requiredFlag, runPaths, startCommand, UsageError } from '@contrastive/core/cli';
import { fileSystemHandler, imageGridPng, writeFileAtomic } from '@contrastive/core/node';
import { sampleLatent } from '../models/index.js';
import { SAMPLE_HELP, SAMPLE_SPEC, TOOL } from './help.js';
import { loadGanRun, readGanRun } from './trained-run.js';

/** Images generated per forward pass. */
const CHUNK = 500;
/** Most images one call writes (a folder of 10⁵ PNGs is already more than any metric here needs). */
export const MAX_SAMPLES = 100_000;
/** Most images in one grid PNG. */
const MAX_GRID = 4096;
/** The names sample writes into a folder (the only files --overwrite removes there). */
const SAMPLE_FILE = /^sample-\d{5,}\.png$/;

const isDir = async (p: string) => (await stat(p).catch(() => null))?.isDirectory() ?? false;
const exists = async (p: string) => (await stat(p).catch(() => null)) !== null;

/** Checks `--out` before anything is generated: what exists there is never replaced without `--overwrite`. */
async function prepareOut(out: string, grid: boolean, overwrite: boolean): Promise<void> {
  if (grid) {
    if (await isDir(out)) throw new UsageError(`--out ${out} is a folder; a .png --out names one grid image`);
    if ((await exists(out)) && !overwrite)
      throw new UsageError(`--out ${out} exists; pass --overwrite to replace it or choose another --out`);
    if (!(await isDir(dirname(out)))) throw new UsageError(`--out ${out}: folder ${dirname(out)} does not exist`);
    return;
  }
  if ((await exists(out)) && !(await isDir(out))) throw new UsageError(`--out ${out} is a file, not a folder`);
  const entries = (await isDir(out)) ? await readdir(out) : [];
  if (entries.length > 0 && !overwrite)
    throw new UsageError(
      `--out ${out} is a non-empty folder; pass --overwrite (which removes only its sample-NNNNN.png files) or choose another --out`,
    );
  // Stale samples of a larger earlier call would otherwise be scored with the new ones.
  for (const name of entries.filter((e) => SAMPLE_FILE.test(e))) await rm(join(out, name), { force: true });
  await mkdir(out, { recursive: true });
}

export async function sampleCommand(argv: string[], io: CliIo): Promise<number> {
  const ctx = startCommand(argv, SAMPLE_SPEC, SAMPLE_HELP, io);
  if (!ctx) return 0;
  const v = ctx.values;
  const dir = requiredFlag(v, 'checkpoint', 'a run folder written by train --out');
  const out = requiredFlag(v, 'out', 'a folder for the PNGs, or FILE.png for one grid');
  const count = intFlag(v, 'count', 1) ?? 64;
  if (count > MAX_SAMPLES)
    throw new UsageError(`--count ${count}: at most ${MAX_SAMPLES} images per call (call again with another --seed for more)`);
  const seed = intFlag(v, 'seed', 0) ?? 0;
  const columns = intFlag(v, 'columns', 1);
  const grid = out.toLowerCase().endsWith('.png');
  if (grid && count > MAX_GRID) throw new UsageError(`--count ${count}: a grid holds at most ${MAX_GRID} images; write a folder instead`);
  if (columns !== undefined && !grid) throw new UsageError('--columns applies to a grid (--out FILE.png) only');
  const backendFlag = oneOfFlag(v, 'backend', BACKENDS);
  await readGanRun(dir, 'checkpoint');
  await prepareOut(out, grid, boolFlag(v, 'overwrite'));
  await initBackend({ ...(backendFlag === undefined ? {} : { backend: backendFlag }), log: ctx.log });

  const modelDir = runPaths(dir).model;
  let generator: tf.LayersModel;
  let release: () => void;
  if (await exists(join(modelDir, 'model.json'))) {
    generator = await tf.loadLayersModel(fileSystemHandler(modelDir));
    release = () => generator.dispose();
  } else {
    const run = await loadGanRun(dir, 'checkpoint');
    ctx.log(`${dir} has no model/ yet (still training?): using its latest checkpoint (epoch ${run.epochs}, step ${run.steps})`);
    generator = run.model.generator;
    release = () => run.dispose();
  }
  try {
    const zDim = generator.inputs[0]!.shape[1] as number;
    const rng = createRng(seed);
    const parts: tf.Tensor4D[] = [];
    let written = 0;
    for (let i = 0; i < count; i += CHUNK) {
      const n = Math.min(CHUNK, count - i);
      const images = tf.tidy(() => {
        const x = generator.apply(sampleLatent(n, zDim, rng.seed()), { training: false }) as tf.Tensor4D;
        return tf.clipByValue(x, 0, 1) as tf.Tensor4D;
      });
      const { nan, inf } = countNonFinite(await images.data());
      if (nan + inf > 0) {
        images.dispose();
        tf.dispose(parts);
        throw new UsageError(`the generator of ${dir} produced non-finite pixels; nothing usable to write`);
      }
      if (grid) parts.push(images);
      else {
        for (let j = 0; j < n; j++) {
          const one = images.slice([j, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
          await writeFileAtomic(
            join(out, `sample-${String(i + j).padStart(5, '0')}.png`),
            imageGridPng(one, { columns: 1, padding: 0, scale: 1 }),
          );
          one.dispose();
        }
        images.dispose();
      }
      written += n;
    }
    if (grid) {
      const all = tf.concat(parts, 0) as tf.Tensor4D;
      tf.dispose(parts);
      await writeFileAtomic(out, imageGridPng(all, columns === undefined ? {} : { columns }));
      all.dispose();
    }
    const result = { images: written, out, seed, checkpoint: dir };
    if (ctx.json) io.out(JSON.stringify(result));
    else io.out(`${TOOL} sample: ${written} image(s) → ${out}${grid ? ' (one grid)' : ''}, seed ${seed}`);
    return 0;
  } finally {
    release();
  }
}
