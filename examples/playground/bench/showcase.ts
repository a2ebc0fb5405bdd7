/**
 *   pnpm --filter @contrastive/playground showcase [--steps 300] [--batch 64] [--method simclr|moco-v2] [--out FILE]
 *
 * One run of the page at its defaults (the bundled Fashion-MNIST subset, wasm, seed 0) in headless Chromium, as a
 * visitor would start it, then a full-page screenshot with the nearest-neighbour view of the first held-out image
 * open — the picture docs/playground/ shows. Prints the kNN accuracy at every evaluation, the wall time and the
 * load average before and after (other jobs slow every number).
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildAndServe, configure, openPage, PACKAGE_DIR, waitForEnd } from '../test/harness.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
  options: {
    steps: { type: 'string', default: '300' },
    batch: { type: 'string', default: '64' },
    method: { type: 'string', default: 'simclr' },
    out: { type: 'string', default: resolve(PACKAGE_DIR, '../../docs/playground/simclr-300-steps.png') },
  },
});
const steps = Number(values.steps);
const batch = Number(values.batch);
if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(batch) || batch < 2)
  throw new Error('--steps ≥ 1 and --batch ≥ 2, whole numbers');
if (values.method !== 'simclr' && values.method !== 'moco-v2') throw new Error(`--method must be simclr or moco-v2, got ${values.method}`);

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const loadBefore = load();
const session = await buildAndServe();
try {
  const { page, errors } = await openPage(session);
  await configure(page, { backend: 'wasm', method: values.method, steps, batch, evalEvery: 25, heldOut: 500, reference: 1000 });
  const started = performance.now();
  await page.click('#start');
  const s = await waitForEnd(page, 3_600_000);
  const seconds = (performance.now() - started) / 1000;
  if (s.state !== 'done') throw new Error(`the run ended in state ${s.state}: ${s.lastError}`);
  await page.click('#gallery button');
  await page.screenshot({ path: values.out, fullPage: true });
  const knn = s.knn.map((k) => `${k.step}: ${k.accuracy === null ? '–' : k.accuracy.toFixed(3)}`).join(', ');
  console.log(`${values.method}, ${steps} steps of batch ${batch}, wasm in headless Chromium: ${seconds.toFixed(1)} s`);
  console.log(`loss: first ${s.losses[0]?.toFixed(4)}, last ${s.losses.at(-1)?.toFixed(4)}`);
  console.log(`kNN accuracy by step (500 held-out test images vs 1,000 training images): ${knn}`);
  console.log(`load average before: ${loadBefore}; after: ${load()}`);
  console.log(`screenshot: ${values.out}`);
  if (errors.length > 0) throw new Error(`console errors:\n${errors.join('\n')}`);
} finally {
  await session.close();
}
