/**
 * The playground in a real browser (Debian's Chromium, headless): train on wasm and on WebGL, check the
 * loss falls and the curve and map render (pixels of screenshots), download the encoder and load it in Node,
 * pause / resume / stop, a dropped folder with a broken image and one without images, a phone-width layout,
 * and no console error anywhere. Screenshots and the download go to artifacts/ (see README).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@contrastive/core';
import { embedImages } from '@contrastive/vision';
import { BUNDLED_FASHION_MNIST, loadIdxDataset, loadTrainedEncoder } from '@contrastive/vision/node';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { unzipTo } from '../scripts/unzip-to.js';
import { ARTIFACTS, buildAndServe, configure, openPage, pageState, pixelStats, type Session, thirds, waitForEnd } from './harness.js';

let session: Session;
/** The first loss of the wasm run, compared with WebGL's (same seed, same batch: the same computation). */
let wasmFirstLoss: number | undefined;

beforeAll(async () => {
  session = await buildAndServe();
}, 180_000);
afterAll(async () => {
  await session?.close();
});

describe('playground in Chromium', () => {
  it('trains SimCLR on wasm (started from the keyboard): loss falls, curve and map render, neighbours, encoder loads in Node', async () => {
    const { page, errors } = await openPage(session);
    await configure(page, { backend: 'wasm', steps: 12, batch: 32, evalEvery: 6, heldOut: 300, reference: 500 });
    await page.focus('#start');
    await page.keyboard.press('Enter');
    const s = await waitForEnd(page, 150_000);
    expect(s.lastError).toBeNull();
    expect(s.state).toBe('done');
    expect(s.backend).toBe('wasm');
    expect(s.losses).toHaveLength(12);
    expect(s.losses.every(Number.isFinite)).toBe(true);
    const { first, last } = thirds(s.losses);
    expect(last).toBeLessThan(first);
    wasmFirstLoss = s.losses[0];
    expect(s.knn.map((k) => k.step)).toEqual([0, 6, 12]);
    for (const k of s.knn) expect(k.accuracy).toBeGreaterThan(0.1); // above chance (10 classes)
    expect(await page.textContent('#backend-info')).toContain('Backend: wasm');
    expect(await page.textContent('#knn')).toMatch(/^\d+\.\d % at step 12 \(\d+\.\d % before training\)$/);
    expect(await page.textContent('#progress-text')).toMatch(/^12 \/ 12 steps · [\d.]+ steps\/s · ETA 0 s$/);

    // The nearest-neighbour view, from the keyboard: the first held-out image, 8 + 8 neighbours and the query.
    await page.focus('#gallery button');
    await page.keyboard.press('Enter');
    expect(await page.locator('#neighbours canvas').count()).toBe(17);

    await page.screenshot({ path: join(ARTIFACTS, 'wasm-page.png'), fullPage: true });
    const map = pixelStats(await page.locator('#map-canvas').screenshot({ path: join(ARTIFACTS, 'wasm-map.png') }));
    expect(map.inked / map.total).toBeGreaterThan(0.01);
    expect(map.byColour.filter((n) => n >= 20).length).toBeGreaterThanOrEqual(5); // points of 5+ classes
    const curve = pixelStats(await page.locator('#loss-canvas').screenshot({ path: join(ARTIFACTS, 'wasm-loss.png') }), ['#d62728']);
    expect(curve.byColour[0]).toBeGreaterThan(100);

    // Download the encoder; Node's loadTrainedEncoder reads it and embeds the same test images as the page did.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const zipPath = join(ARTIFACTS, 'encoder-wasm.zip');
    await download.saveAs(zipPath);
    const dir = await mkdtemp(join(tmpdir(), 'playground-encoder-'));
    try {
      expect(await unzipTo(new Uint8Array(await readFile(zipPath)), dir)).toEqual(['run.json', 'model/model.json', 'model/weights.bin']);
      await initBackend({ backend: 'wasm', log: false });
      const loaded = await loadTrainedEncoder(dir);
      expect([loaded.imageSize, loaded.channels, loaded.method]).toEqual([28, 1, 'simclr']);
      const test = await loadIdxDataset(BUNDLED_FASHION_MNIST, { split: 'test' });
      const images = await test.read(Int32Array.from([0, 1, 2, 3]));
      const emb = embedImages(loaded.encoder, images);
      const values = await emb.data();
      expect(emb.shape).toEqual([4, s.dim]);
      expect(values.every(Number.isFinite)).toBe(true);
      // The page's last evaluation embedded the same first test images with the same weights.
      const pageRows = await page.evaluate(
        (n) => Array.from((window as unknown as { playground: { embeddings: Float32Array } }).playground.embeddings.subarray(0, n)),
        4 * s.dim,
      );
      const worst = Math.max(...pageRows.map((v, i) => Math.abs(v - values[i]!)));
      expect(worst).toBeLessThan(1e-3);
      tf.dispose([images, emb]);
      loaded.encoder.model.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('pauses, resumes and stops between steps', async () => {
    const { page, errors } = await openPage(session);
    await configure(page, { backend: 'wasm', method: 'moco-v2', steps: 5000, batch: 16, evalEvery: 1000, heldOut: 50, reference: 100 });
    await page.click('#start');
    await page.waitForFunction(() => (window as unknown as { playground: { losses: number[] } }).playground.losses.length >= 2, null, {
      timeout: 90_000,
    });
    await page.focus('#pause');
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.body.dataset.state === 'paused', null, { timeout: 30_000 });
    expect(await page.textContent('#pause')).toBe('Resume');
    const atPause = (await pageState(page)).losses.length;
    await page.waitForTimeout(1500);
    expect((await pageState(page)).losses.length).toBe(atPause);
    await page.click('#pause');
    await page.waitForFunction((n) => (window as unknown as { playground: { losses: number[] } }).playground.losses.length > n, atPause, {
      timeout: 30_000,
    });
    await page.click('#stop');
    const s = await waitForEnd(page, 60_000);
    expect(s.state).toBe('done');
    expect(await page.textContent('#status')).toMatch(/^Stopped after \d+ steps/);
    expect(s.losses.length).toBeLessThan(5000);
    expect(s.losses.every(Number.isFinite)).toBe(true);
    expect(await page.isEnabled('#download')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('picks WebGL on "best available" (no WebGPU adapter headless): the same first loss as wasm, the loss falls, the map renders', async () => {
    const { page, errors } = await openPage(session);
    await configure(page, { backend: 'auto', steps: 6, batch: 32, evalEvery: 6, heldOut: 200, reference: 200 });
    await page.click('#start');
    const s = await waitForEnd(page, 300_000);
    expect(s.lastError).toBeNull();
    expect(s.backend).toBe('webgl');
    expect(await page.textContent('#backend-info')).toBe('Backend: webgl; skipped webgpu (WebGPU has no adapter on this machine)');
    expect(s.losses).toHaveLength(6);
    expect(s.losses.every(Number.isFinite)).toBe(true);
    const { first, last } = thirds(s.losses);
    expect(last).toBeLessThan(first);
    if (wasmFirstLoss !== undefined) expect(Math.abs(s.losses[0]! - wasmFirstLoss)).toBeLessThan(1e-3);
    await page.screenshot({ path: join(ARTIFACTS, 'webgl-page.png'), fullPage: true });
    const map = pixelStats(await page.locator('#map-canvas').screenshot({ path: join(ARTIFACTS, 'webgl-map.png') }));
    expect(map.byColour.filter((n) => n >= 20).length).toBeGreaterThanOrEqual(5);
    const curve = pixelStats(await page.locator('#loss-canvas').screenshot(), ['#d62728']);
    expect(curve.byColour[0]).toBeGreaterThan(100);
    expect(errors).toEqual([]);
    await page.close();
  }, 330_000);

  it('says clearly when a folder has no images, names an image that fails to decode, and trains on a folder of RGB images', async () => {
    const root = await mkdtemp(join(tmpdir(), 'playground-folder-'));
    try {
      const empty = join(root, 'notes');
      await mkdir(empty);
      await writeFile(join(empty, 'readme.txt'), 'no images here');
      const pets = join(root, 'shapes');
      for (const [cls, colour] of [
        ['red', [220, 40, 40]],
        ['blue', [40, 40, 220]],
      ] as const) {
        await mkdir(join(pets, cls), { recursive: true });
        for (let i = 0; i < 12; i++) {
          const png = new PNG({ width: 20, height: 20 });
          for (let p = 0; p < 400; p++) {
            const on = (p % 20) + i > 10;
            png.data.set([on ? colour[0] : 255, on ? colour[1] : 255, on ? colour[2] : 255, 255], 4 * p);
          }
          await writeFile(join(pets, cls, `${i}.png`), PNG.sync.write(png));
        }
      }
      await writeFile(join(pets, 'red', 'broken.png'), Buffer.from('this is not a PNG'));

      const { page, errors } = await openPage(session);
      await page.setInputFiles('#folder-input', empty);
      await page.waitForFunction(() => document.getElementById('status')!.classList.contains('error'), null, { timeout: 30_000 });
      expect(await page.textContent('#status')).toMatch(
        /^The folder holds no images \(png, jpg, .*\): found 1 other file, e\.g\. notes\/readme\.txt\.$/,
      );

      await page.setInputFiles('#folder-input', pets);
      await page.waitForFunction(() => /Folder ready/.test(document.getElementById('status')!.textContent ?? ''), null, {
        timeout: 30_000,
      });
      expect(await page.textContent('#status')).toMatch(
        /24 images, 2 classes \(blue, red\)\. 1 could not be decoded \(e\.g\. shapes\/red\/broken\.png\)/,
      );
      expect(await page.isChecked('input[value="folder"]')).toBe(true);

      await configure(page, { backend: 'wasm', steps: 3, batch: 8, evalEvery: 3, heldOut: 20, reference: 20 });
      await page.click('#start');
      const s = await waitForEnd(page, 90_000);
      expect(s.lastError).toBeNull();
      expect(s.losses).toHaveLength(3);
      expect(s.losses.every(Number.isFinite)).toBe(true);
      expect(await page.textContent('#legend')).toBe('bluered');
      expect(await page.textContent('#status')).toMatch(/^Finished after 3 steps/);
      await page.screenshot({ path: join(ARTIFACTS, 'folder-page.png'), fullPage: true });
      // The console error Chromium may print for the undecodable file is the browser's, not the page's: none expected.
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 150_000);

  it('fits a phone-width screen without sideways scrolling', async () => {
    const { page, errors } = await openPage(session, { width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, 'phone.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
