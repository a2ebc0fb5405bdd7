/**
 * Builds the bundled Fashion-MNIST subset (data/fashion-mnist-subset/) from the full files:
 *   node --import tsx scripts/make-fashion-mnist-subset.ts [/usr/share/datasets/fashion-mnist] [300] [100]
 * Stratified and deterministic: the first `perClassTrain` train images of each class and the first
 * `perClassTest` test images of each class, in the original file order.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { findIdxPair, type IdxSplit } from '../src/io/idx-dataset.js';
import { readIdx, writeIdx } from '../src/io/idx.js';

const src = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const perClass: Record<IdxSplit, number> = { train: Number(process.argv[3] ?? 300), test: Number(process.argv[4] ?? 100) };
const out = fileURLToPath(new URL('../data/fashion-mnist-subset/', import.meta.url));
await mkdir(out, { recursive: true });

for (const split of ['train', 't10k'] as const) {
  const key: IdxSplit = split === 'train' ? 'train' : 'test';
  const pair = await findIdxPair(src, key);
  const images = await readIdx(pair.images);
  const labels = await readIdx(pair.labels!);
  const [, h, w] = images.dims as [number, number, number];
  const counts = new Array<number>(10).fill(0);
  const keep: number[] = [];
  labels.data.forEach((y, i) => {
    if (counts[y]! < perClass[key]) {
      counts[y]!++;
      keep.push(i);
    }
  });
  const pix = h * w;
  const img = new Uint8Array(keep.length * pix);
  keep.forEach((i, j) => img.set(images.data.subarray(i * pix, (i + 1) * pix), j * pix));
  await writeIdx(`${out}${split}-images-idx3-ubyte.gz`, [keep.length, h, w], img);
  await writeIdx(
    `${out}${split}-labels-idx1-ubyte.gz`,
    [keep.length],
    Uint8Array.from(keep, (i) => labels.data[i]!),
  );
  console.log(`${split}: ${keep.length} images, per class ${counts.join(',')}`);
}
await writeFile(
  `${out}README.md`,
  `# Fashion-MNIST subset\n\nA stratified subset of Zalando's Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017,\n` +
    `https://github.com/zalandoresearch/fashion-mnist): the first ${perClass.train} training images of each of the 10 classes\n` +
    `(${perClass.train * 10} images) and the first ${perClass.test} test images of each class (${perClass.test * 10} images), in the\n` +
    `original file order, in the original IDX format (gzip). Made by \`scripts/make-fashion-mnist-subset.ts\`\n` +
    `from Debian's \`dataset-fashion-mnist\` files. Licensed under the MIT licence in \`LICENSE\`.\n\n` +
    `Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot.\n`,
);
