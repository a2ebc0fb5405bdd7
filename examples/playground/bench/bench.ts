/**
 *   pnpm --filter @contrastive/playground bench [--steps 30] [--webgl-steps 8] [--webgpu-steps 0] [--batch 32]
 *
 * Steps/s of one SimCLR setting (recipe simclr-small: small CNN, MLP head, NT-Xent τ 0.2, Adam 1e-3; the
 * bundled Fashion-MNIST subset, 28 px; seed 0) in headless Chromium on wasm and on WebGL (the page itself, in
 * its worker), and in Node on the wasm backend; then the built page's file sizes (raw and gzip). Steady-state
 * steps/s skips the first `--warmup` steps (WebGL compiles its shaders there); the load average is read
 * before and after, since other jobs on the machine slow every number. `--webgpu-steps N` adds a WebGPU run
 * in a second Chromium started with `--enable-unsafe-webgpu` (headless Chromium has no WebGPU adapter without
 * it; on a machine without a GPU the adapter is SwiftShader's). Prints Markdown and writes JSON to
 * artifacts/bench.json.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, buildAndServe, configure, launchChromium, openPage, waitForEnd } from '../test/harness.js';
import { nodeStepSeconds } from './node-steps.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')), // `pnpm run x -- --flag` passes the '--' on
  options: {
    steps: { type: 'string', default: '30' },
    'webgl-steps': { type: 'string', default: '8' },
    'webgpu-steps': { type: 'string', default: '0' },
    batch: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '2' },
  },
});
const num = (name: string): number => Number(values[name as keyof typeof values]);
const [steps, webglSteps, webgpuSteps, batch, warmup] = ['steps', 'webgl-steps', 'webgpu-steps', 'batch', 'warmup'].map(num) as [
  number,
  number,
  number,
  number,
  number,
];
for (const [name, v] of Object.entries({ steps, webglSteps, webgpuSteps, batch, warmup })) {
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a whole number, got ${v}`);
}
if (warmup >= Math.min(steps, webglSteps) || (webgpuSteps > 0 && warmup >= webgpuSteps))
  throw new Error('--warmup must be below every step count');

interface Row {
  where: string;
  steps: number;
  /** Steps per second after the warm-up steps. */
  steady: number;
  /** Steps per second over all steps, the first included. */
  overall: number;
  firstStepSeconds: number;
}

const row = (where: string, t: number[]): Row => ({
  where,
  steps: t.length,
  steady: (t.length - warmup) / (t.at(-1)! - t[warmup - 1]!),
  overall: t.length / t.at(-1)!,
  firstStepSeconds: t[0]!,
});

const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const started = performance.now();
const loadBefore = load();
const rows: Row[] = [];
const session = await buildAndServe();
const webgpuBrowser = webgpuSteps > 0 ? await launchChromium(['--enable-unsafe-webgpu']) : null;
try {
  const runs: ['wasm' | 'webgl' | 'webgpu', number, Browser][] = [
    ['wasm', steps, session.browser],
    ['webgl', webglSteps, session.browser],
  ];
  if (webgpuBrowser !== null) runs.push(['webgpu', webgpuSteps, webgpuBrowser]);
  for (const [backend, n, browser] of runs) {
    const { page, errors } = await openPage({ browser, server: session.server });
    await configure(page, { backend, steps: n, batch, evalEvery: n, heldOut: 50, reference: 50 });
    await page.click('#start');
    const t0 = performance.now();
    const progress = setInterval(() => {
      page
        .evaluate(() => (window as unknown as { playground: { losses: number[] } }).playground.losses.length)
        .then((done) => console.error(`bench: ${backend} ${done} of ${n} steps after ${((performance.now() - t0) / 1000).toFixed(0)} s`))
        .catch(() => undefined);
    }, 15_000);
    const s = await waitForEnd(page, 1_800_000).finally(() => clearInterval(progress));
    console.error(`bench: ${backend} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    if (s.state !== 'done' || s.backend !== backend) throw new Error(`${backend} run failed: ${s.lastError ?? s.state}`);
    if (errors.length > 0) throw new Error(`console errors on ${backend}: ${errors.join('; ')}`);
    rows.push(row(`Chromium, ${backend}`, s.stepSeconds));
    await page.close();
  }
} finally {
  await webgpuBrowser?.close();
  await session.close();
}
rows.push(row('Node, wasm', await nodeStepSeconds(steps, batch)));
const loadAfter = load();

/** Every built file with its raw and gzip size. */
const dist = join(import.meta.dirname, '..', 'dist');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)).map((g) => `${f}/${g}`) : [f]));
const sizes = files(dist)
  .filter((f) => /\.(js|wasm|css|html)$/.test(f))
  .map((f) => {
    const bytes = readFileSync(join(dist, f));
    return { file: f.replace(/-[\w-]{8}\.(js|css)$/, '.$1'), bytes: bytes.length, gzip: gzipSync(bytes).length };
  })
  .sort((a, b) => a.file.localeCompare(b.file));

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const report = {
  date: new Date().toISOString(),
  settings: { recipe: 'simclr-small', batch, steps, webglSteps, webgpuSteps, warmup, data: 'bundled Fashion-MNIST subset (3,000 × 28×28)' },
  loadBefore,
  loadAfter,
  wallSeconds: (performance.now() - started) / 1000,
  rows,
  sizes,
};
await writeFile(join(ARTIFACTS, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `SimCLR (simclr-small), batch ${batch}, 28 px; load average before ${loadBefore}, after ${loadAfter}; wall ${report.wallSeconds.toFixed(0)} s\n`,
);
console.log('| where | steps | steps/s after warm-up | steps/s overall | first step (s) |\n| --- | ---: | ---: | ---: | ---: |');
for (const r of rows)
  console.log(`| ${r.where} | ${r.steps} | ${r.steady.toPrecision(3)} | ${r.overall.toPrecision(3)} | ${r.firstStepSeconds.toFixed(1)} |`);
console.log('\n| file | size | gzip |\n| --- | ---: | ---: |');
for (const s of sizes) console.log(`| ${s.file} | ${kb(s.bytes)} | ${kb(s.gzip)} |`);
