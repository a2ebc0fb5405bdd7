/**
 * Child of io.faults.test.ts: fast-check over the image-folder reader. Each run builds a folder (class
 * sub-folders or none) of valid PNGs, zero-byte files, random bytes and truncated PNGs under image extensions,
 * PNGs whose header declares up to 100000×100000 pixels, symlink loops and dangling links; opens it and reads
 * every image. Each run must give a dataset that reads, or a DataFormatError naming a path inside the folder.
 * Exits 0 when all runs pass, 1 with the counterexample. argv[2]: number of runs (default 60).
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { DataFormatError } from '../io/errors.js';
import { openImageFolder } from '../io/image-folder.js';
import { tinyPng, withDeclaredSize } from './fixtures.js';

const numRuns = Number(process.argv[2] ?? 60);
const KINDS = [
  'png',
  'png',
  'empty',
  'random',
  'truncated',
  'huge',
  'loop-root',
  'loop-self-dir',
  'dangling',
  'self-link',
  'text',
] as const;
type Kind = (typeof KINDS)[number];

const folder = fc.record({
  classes: fc.integer({ min: 0, max: 3 }),
  entries: fc.array(fc.array(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }),
  ext: fc.constantFrom('.png', '.jpg', '.webp', '.gif', '.tif'),
  hugeSide: fc.constantFrom(20_000, 65_535, 100_000),
  seed: fc.integer({ min: 0, max: 255 }),
});

async function writeEntry(dir: string, root: string, name: string, kind: Kind, ext: string, side: number, seed: number, png: Buffer) {
  const file = join(dir, `${name}${ext}`);
  switch (kind) {
    case 'png':
      return writeFile(join(dir, `${name}.png`), png);
    case 'empty':
      return writeFile(file, '');
    case 'random':
      return writeFile(file, Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 97 + seed * 13) & 255)));
    case 'truncated':
      return writeFile(file, png.subarray(0, Math.max(8, Math.floor(png.length / 2))));
    case 'huge':
      return writeFile(join(dir, `${name}.png`), withDeclaredSize(png, side, side));
    case 'loop-root':
      return symlink(root, join(dir, `${name}-loop`), 'dir');
    case 'loop-self-dir':
      return symlink('.', join(dir, `${name}-self`), 'dir');
    case 'dangling':
      return symlink(join(root, 'missing.png'), file);
    case 'self-link':
      return symlink(file, file);
    case 'text':
      return writeFile(file, 'this is not an image\n');
  }
}

async function check(root: string): Promise<void> {
  let ds: Awaited<ReturnType<typeof openImageFolder>>;
  try {
    ds = await openImageFolder(root, { imageSize: 8, concurrency: 4 });
  } catch (err) {
    return expectTyped(err, root);
  }
  for (let i = 0; i < ds.size; i++) {
    try {
      const x = await ds.read(Int32Array.of(i));
      const ok = x.shape.join('x') === `1x8x8x3`;
      x.dispose();
      if (!ok) throw new Error(`image ${i} read with shape ${x.shape}`);
    } catch (err) {
      expectTyped(err, root);
    }
  }
}

function expectTyped(err: unknown, root: string): void {
  if (!(err instanceof DataFormatError) || !err.file.startsWith(root) || !err.message.includes(err.file)) throw err;
}

const png = await tinyPng();
const base = await mkdtemp(join(tmpdir(), 'vision-fuzz-folder-'));
let n = 0;
try {
  await fc.assert(
    fc.asyncProperty(folder, async (f) => {
      const root = join(base, `run-${n++}`);
      await mkdir(root);
      const groups = f.classes === 0 ? [root] : Array.from({ length: f.classes }, (_, c) => join(root, `class-${c}`));
      for (const [g, dir] of groups.entries()) {
        await mkdir(dir, { recursive: true });
        const kinds = f.entries[g % f.entries.length]!;
        for (const [k, kind] of kinds.entries()) await writeEntry(dir, root, `img-${k}`, kind, f.ext, f.hugeSide, f.seed, png);
      }
      await check(root);
    }),
    { numRuns, seed: 18 },
  );
  console.log(`fuzz-image-folder: ${numRuns} folders, all clean or typed errors naming a file; tensors ${tf.memory().numTensors}`);
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await rm(base, { recursive: true, force: true });
}
