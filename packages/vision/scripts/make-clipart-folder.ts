/**
 * Builds a small 10-class image folder from Debian's OpenClipArt SVGs (`openclipart-svg`, public domain), to
 * check small-data defaults on real drawings that are not Fashion-MNIST:
 *   node --import tsx scripts/make-clipart-folder.ts [/usr/share/openclipart/svg] [/work/runs/v26/clipart] [200] [32]
 * Classes: the ten largest picture categories (not `computer`, `shapes`, `signs_and_symbols`, which are mostly
 * icons and geometry, nor `special`/`unsorted`). Per class the first `perClass` SVGs (sorted by path) that
 * rasterise; every 5th of them (by index) goes to `test/`, the rest to `train/`. Each SVG is rendered by sharp,
 * flattened on white (transparent backgrounds would become black RGB) and fitted into a `size`×`size` PNG (aspect
 * kept, white padding). Deterministic: same inputs, same files.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import sharp from 'sharp';

const src = process.argv[2] ?? '/usr/share/openclipart/svg';
const out = process.argv[3] ?? '/work/runs/v26/clipart';
const perClass = Number(process.argv[4] ?? 200);
const size = Number(process.argv[5] ?? 32);
const CLASSES = ['animals', 'buildings', 'food', 'geography', 'office', 'people', 'plants', 'recreation', 'tools', 'transportation'];

async function svgFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) found.push(...(await svgFiles(p)));
    else if (e.name.endsWith('.svg')) found.push(p);
  }
  return found.sort();
}

async function rasterise(file: string): Promise<Buffer | null> {
  try {
    return await sharp(file, { density: 72, limitInputPixels: 1e8 })
      .resize(size, size, { fit: 'contain', background: '#ffffff' })
      .flatten({ background: '#ffffff' })
      .removeAlpha()
      .png()
      .toBuffer();
  } catch {
    return null; // a few SVGs use features librsvg refuses
  }
}

const counts: string[] = [];
for (const cls of CLASSES) {
  const files = await svgFiles(join(src, cls));
  await mkdir(join(out, 'train', cls), { recursive: true });
  await mkdir(join(out, 'test', cls), { recursive: true });
  let kept = 0;
  let failed = 0;
  for (const f of files) {
    if (kept >= perClass) break;
    const png = await rasterise(f);
    if (!png) {
      failed++;
      continue;
    }
    const split = kept % 5 === 4 ? 'test' : 'train';
    const name = `${String(kept).padStart(4, '0')}-${relative(join(src, cls), f)
      .replaceAll('/', '_')
      .replace(/\.svg$/, '')}.png`;
    await sharp(png).toFile(join(out, split, cls, name));
    kept++;
  }
  counts.push(`${cls} ${kept} (${kept - Math.floor(kept / 5)} train, ${failed} failed)`);
}
console.log(`${out}: ${counts.join('; ')}`);
