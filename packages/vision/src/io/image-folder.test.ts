import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { openImageFolder } from './image-folder.js';
import { openDataset } from './open-dataset.js';
import { imageBatches } from './dataset.js';
import { BUNDLED_FASHION_MNIST } from './bundled.js';

let root: string;
const solid = (w: number, h: number, r: number, g: number, b: number) =>
  sharp({ create: { width: w, height: h, channels: 3, background: { r, g, b } } });

useCpuLeakCheck();
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'imgfolder-'));
  await mkdir(join(root, 'labeled', 'cat'), { recursive: true });
  await mkdir(join(root, 'labeled', 'dog'), { recursive: true });
  await solid(40, 20, 255, 0, 0)
    .png()
    .toFile(join(root, 'labeled', 'cat', 'a.png'));
  await solid(10, 10, 0, 255, 0)
    .jpeg()
    .toFile(join(root, 'labeled', 'cat', 'b.jpg'));
  await solid(8, 16, 0, 0, 255)
    .webp({ lossless: true })
    .toFile(join(root, 'labeled', 'dog', 'c.webp'));
  await writeFile(join(root, 'labeled', 'dog', 'notes.txt'), 'ignored');
  await mkdir(join(root, 'flat'));
  await solid(12, 12, 255, 255, 255)
    .png()
    .toFile(join(root, 'flat', 'x.png'));
  await mkdir(join(root, 'empty', 'only-a-class'), { recursive: true });
  await mkdir(join(root, 'corrupt'));
  await writeFile(join(root, 'corrupt', 'broken.png'), Buffer.from('this is not a png'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('openImageFolder', () => {
  it('labels by sub-folder, decodes PNG/JPEG/WebP and resizes to the requested size', async () => {
    const ds = await openImageFolder(join(root, 'labeled'), { imageSize: 6 });
    expect(ds.size).toBe(3);
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(ds.labels!)).toEqual([0, 0, 1]);
    const x = await ds.read(Int32Array.of(0, 1, 2));
    expect(x.shape).toEqual([3, 6, 6, 3]);
    const centre = tf.tidy(() => x.slice([0, 3, 3, 0], [3, 1, 1, 3]).reshape([3, 3]).arraySync() as number[][]);
    // Red, green, blue images (JPEG is lossy: allow a few levels).
    expect(centre[0]![0]).toBeCloseTo(1, 1);
    expect(centre[1]![1]).toBeGreaterThan(0.9);
    expect(centre[2]![2]).toBeCloseTo(1, 1);
    expect(centre[2]![0]).toBeCloseTo(0, 1);
    x.dispose();
  });

  it('reads an unlabeled folder and grayscale output', async () => {
    const ds = await openImageFolder(join(root, 'flat'), { imageSize: 4, channels: 1 });
    expect(ds.labels).toBeNull();
    const x = await ds.read(Int32Array.of(0));
    expect(x.shape).toEqual([1, 4, 4, 1]);
    expect(tf.tidy(() => x.min().dataSync()[0])).toBeCloseTo(1, 2);
    x.dispose();
  });

  it('follows symbolic links: linked class folders and linked files, labeled and unlabeled', async () => {
    await mkdir(join(root, 'links'), { recursive: true });
    await symlink(join(root, 'labeled', 'cat'), join(root, 'links', 'cat'));
    await mkdir(join(root, 'links', 'dog'));
    await symlink(join(root, 'labeled', 'dog', 'c.webp'), join(root, 'links', 'dog', 'c.webp'));
    const ds = await openImageFolder(join(root, 'links'), { imageSize: 4 });
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(ds.labels!)).toEqual([0, 0, 1]);
    await mkdir(join(root, 'flat-links'));
    await symlink(join(root, 'flat', 'x.png'), join(root, 'flat-links', 'x.png'));
    const flat = await openImageFolder(join(root, 'flat-links'), { imageSize: 4 });
    expect(flat.size).toBe(1);
    expect(flat.labels).toBeNull();
    const x = await flat.read(Int32Array.of(0));
    expect(x.shape).toEqual([1, 4, 4, 3]);
    x.dispose();
  });

  it("finds a class's images at any depth, in torchvision's order, and survives a link cycle", async () => {
    const n = join(root, 'nested');
    for (const d of ['cat/sub', 'cat/sub2', 'dog/x/y']) await mkdir(join(n, d), { recursive: true });
    await solid(4, 4, 255, 0, 0)
      .png()
      .toFile(join(n, 'cat', 'a.png'));
    await solid(4, 4, 0, 255, 0)
      .png()
      .toFile(join(n, 'cat', 'sub', 'b.png'));
    await solid(4, 4, 0, 0, 255)
      .png()
      .toFile(join(n, 'cat', 'sub2', 'c.png'));
    await solid(4, 4, 9, 9, 9)
      .png()
      .toFile(join(n, 'dog', 'x', 'y', 'd.png'));
    await symlink(join(n, 'dog'), join(n, 'dog', 'x', 'loop')); // dog/x/loop → dog: a cycle
    const ds = await openImageFolder(n, { imageSize: 2 });
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(ds.labels!)).toEqual([0, 0, 0, 1]);
    const x = await ds.read(Int32Array.of(0, 1, 2));
    const centre = tf.tidy(() => x.slice([0, 1, 1, 0], [3, 1, 1, 3]).reshape([3, 3]).arraySync() as number[][]);
    expect(centre.map((rgb) => rgb.indexOf(Math.max(...rgb)))).toEqual([0, 1, 2]); // a (red), sub/b (green), sub2/c (blue)
    x.dispose();
  });

  it('streams batches', async () => {
    const ds = await openImageFolder(join(root, 'labeled'), { imageSize: 5, concurrency: 2 });
    const sizes: number[] = [];
    for await (const b of imageBatches(ds, { batchSize: 2 })) {
      sizes.push(b.images.shape[0]);
      b.images.dispose();
    }
    expect(sizes).toEqual([2, 1]);
  });

  it('errors name the empty folder, the missing folder and the corrupt file', async () => {
    await expect(openImageFolder(join(root, 'empty'))).rejects.toThrow(/image folder .*empty holds no images/);
    await expect(openImageFolder(join(root, 'missing'))).rejects.toThrow(/image folder .*missing does not exist/);
    const ds = await openImageFolder(join(root, 'corrupt'));
    await expect(ds.read(Int32Array.of(0))).rejects.toThrow(/cannot decode image file .*broken\.png/);
  });

  it('a class folder without images is an error naming it (torchvision refuses it too)', async () => {
    const d = join(root, 'one-empty-class');
    await mkdir(join(d, 'bird', 'sub'), { recursive: true });
    await mkdir(join(d, 'cat'), { recursive: true });
    await mkdir(join(d, 'eel'), { recursive: true });
    await solid(4, 4, 1, 2, 3)
      .png()
      .toFile(join(d, 'cat', 'a.png'));
    await writeFile(join(d, 'eel', 'readme.txt'), 'not an image');
    await expect(openImageFolder(d)).rejects.toThrow(/image folder .*one-empty-class: class folder\(s\) 'bird', 'eel' hold no images/);
  });

  it('keeps decoded images up to cacheBytes: a cached image reads after its file is gone; beyond the budget it is decoded again', async () => {
    const d = join(root, 'cached');
    await mkdir(d);
    for (const [i, v] of [10, 20, 30].entries())
      await solid(6, 6, v, v, v)
        .png()
        .toFile(join(d, `${i}.png`));
    const pixels = 4 * 4 * 3;
    const ds = await openImageFolder(d, { imageSize: 4, cacheBytes: 2 * pixels }); // room for two images
    const first = await ds.read(Int32Array.of(0, 1, 2));
    for (const i of [0, 1, 2]) await rm(join(d, `${i}.png`));
    const again = await ds.read(Int32Array.of(1, 0));
    const expected = tf.gather(first, [1, 0]);
    expect(Array.from(await again.data())).toEqual(Array.from(await expected.data()));
    await expect(ds.read(Int32Array.of(2))).rejects.toThrow(/cannot decode image file .*2\.png/);
    [first, again, expected].forEach((t) => t.dispose());
    // cacheBytes 0: every read decodes.
    await solid(6, 6, 5, 5, 5).png().toFile(join(d, 'x.png'));
    const uncached = await openImageFolder(d, { imageSize: 4, cacheBytes: 0 });
    (await uncached.read(Int32Array.of(0))).dispose();
    await rm(join(d, 'x.png'));
    await expect(uncached.read(Int32Array.of(0))).rejects.toThrow(/cannot decode image file .*x\.png/);
  });

  it('openDataset picks IDX for an MNIST folder and image folder otherwise', async () => {
    const idx = await openDataset(BUNDLED_FASHION_MNIST, { split: 'test' });
    expect(idx.size).toBe(1000);
    const folder = await openDataset(join(root, 'labeled'), { imageSize: 8 });
    expect(folder.size).toBe(3);
  });
});
