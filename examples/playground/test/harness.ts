/**
 * Browser-test plumbing: build the page with Vite, serve dist/ on a loopback port, drive Debian's Chromium
 * through playwright-core (it downloads no browser), collect console errors from the page and its workers,
 * and read pixels out of screenshots.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { build } from 'vite';
import { PALETTE } from '../src/map-layout.js';
import { type StaticServer, startStaticServer } from '../scripts/static-server.js';

export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Screenshots and downloads of the browser test (git-ignored; CI keeps it as an artifact folder). */
export const ARTIFACTS = join(PACKAGE_DIR, 'artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * --no-sandbox: CI and this machine run as root, where Chromium refuses its sandbox. --disable-dev-shm-usage:
 * containers give /dev/shm little space. WebGL in headless Chromium is SwiftShader (software), no flag needed.
 */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-dev-shm-usage'];

export interface Session {
  browser: Browser;
  server: StaticServer;
  close(): Promise<void>;
}

/** Headless Chromium with {@link CHROMIUM_ARGS} and `extraArgs` (e.g. `--enable-unsafe-webgpu`). */
export const launchChromium = (extraArgs: string[] = []): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });

export async function buildAndServe(): Promise<Session> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: run tools/ci/install-chromium.sh (Debian's chromium) or set CHROMIUM_PATH`);
  }
  await mkdir(ARTIFACTS, { recursive: true });
  await build({ configFile: join(PACKAGE_DIR, 'vite.config.ts'), logLevel: 'warn' });
  const server = await startStaticServer(join(PACKAGE_DIR, 'dist'));
  const browser = await launchChromium();
  return {
    browser,
    server,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** A new page with every console error, uncaught exception and failed request (page and workers) recorded in `errors`. */
export async function openPage(
  s: Pick<Session, 'browser' | 'server'>,
  viewport = { width: 1280, height: 900 },
): Promise<{ page: Page; errors: string[] }> {
  const page = await s.browser.newPage({ viewport, acceptDownloads: true });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request: ${r.url()} ${r.failure()?.errorText}`));
  page.on('worker', (w) =>
    w.on('console', (m) => {
      if (m.type() === 'error') errors.push(`worker console: ${m.text()}`);
    }),
  );
  await page.goto(s.server.url);
  return { page, errors };
}

/** What the page exposes as `window.playground` (src/main.ts). */
export interface PageState {
  state: string;
  backend: string | null;
  losses: number[];
  stepSeconds: number[];
  knn: { step: number; accuracy: number | null }[];
  lastError: string | null;
  dim: number;
}

export const pageState = (page: Page): Promise<PageState> =>
  page.evaluate(() => {
    const { embeddings: _, ...rest } = (window as unknown as { playground: PageState & { embeddings: unknown } }).playground;
    return rest;
  });

export interface RunSettings {
  backend: 'auto' | 'webgpu' | 'webgl' | 'wasm';
  method?: 'simclr' | 'moco-v2';
  steps: number;
  batch: number;
  evalEvery: number;
  heldOut: number;
  reference: number;
}

export async function configure(page: Page, r: RunSettings): Promise<void> {
  await page.selectOption('#backend', r.backend);
  await page.selectOption('#method', r.method ?? 'simclr');
  await page.fill('#steps', String(r.steps));
  await page.fill('#batch', String(r.batch));
  await page.fill('#eval-every', String(r.evalEvery));
  if (!(await page.isVisible('#held-out'))) await page.click('details summary'); // keyboard users press Enter on it
  await page.fill('#held-out', String(r.heldOut));
  await page.fill('#reference', String(r.reference));
}

/** Waits until the run ends (done or error) and returns the state; `timeout` in ms. */
export async function waitForEnd(page: Page, timeout: number): Promise<PageState> {
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout, polling: 250 });
  return pageState(page);
}

/** Mean of the first and of the last third of `values`. */
export function thirds(values: readonly number[]): { first: number; last: number } {
  const k = Math.max(1, Math.floor(values.length / 3));
  const mean = (a: readonly number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  return { first: mean(values.slice(0, k)), last: mean(values.slice(-k)) };
}

const hex = (c: string): [number, number, number] =>
  [1, 3, 5].map((i) => Number.parseInt(c.slice(i, i + 2), 16)) as [number, number, number];

/**
 * Pixel statistics of a PNG screenshot: pixels that are not (near-)white background, and how many pixels
 * are close to each of `colours` (hex), so a test can ask "are there points of several classes".
 */
export function pixelStats(png: Buffer, colours: readonly string[] = PALETTE): { inked: number; total: number; byColour: number[] } {
  const img = PNG.sync.read(png);
  const targets = colours.map(hex);
  const byColour = targets.map(() => 0);
  let inked = 0;
  for (let p = 0; p < img.width * img.height; p++) {
    const [r, g, b] = [img.data[4 * p]!, img.data[4 * p + 1]!, img.data[4 * p + 2]!];
    if (r < 235 || g < 235 || b < 235) inked++;
    targets.forEach(([tr, tg, tb], i) => {
      if (Math.abs(r - tr) + Math.abs(g - tg) + Math.abs(b - tb) < 30) byColour[i]!++;
    });
  }
  return { inked, total: img.width * img.height, byColour };
}
