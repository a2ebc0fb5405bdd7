/**
 * Child-process entry: runs ONE workload on one backend and prints one JSON line (WorkloadResult).
 * Usage: node --import tsx tools/bench/run-one.ts NAME [--backend wasm|cpu|tensorflow] [--steps N] [--profile] [--workers N]
 * `--workers N` is exported as BENCH_WORKERS for workloads that train with workers; a workload that does reports
 * the count it used (`WorkloadInstance.workers`), the others ignore it and the result has no `workers` field.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@contrastive/core';
import { WORKLOADS } from './workloads/index.js';
import type { WorkloadResult } from './workloads/types.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const name = process.argv[2] ?? '';
const workload = WORKLOADS[name];
if (!workload) {
  console.error(`unknown workload '${name}'; valid: ${Object.keys(WORKLOADS).join(', ')}`);
  process.exit(2);
}
const workersFlag = flag('--workers');
if (workersFlag !== undefined) {
  if (!/^[1-9]\d*$/.test(workersFlag)) {
    console.error(`--workers: expected a positive integer, got '${workersFlag}'`);
    process.exit(2);
  }
  process.env['BENCH_WORKERS'] = workersFlag;
}
const backend = await initBackend({
  backend: flag('--backend') as 'wasm' | 'cpu' | 'tensorflow' | undefined,
  log: (m) => console.error(m),
});
const peakRssMB = () => process.resourceUsage().maxRSS / 1024;
const inst = await workload.setup();
if (typeof inst === 'string') {
  const r: WorkloadResult = { workload: name, backend, peakRssMB: peakRssMB(), unavailable: inst };
  console.log(JSON.stringify(r));
  process.exit(0);
}
const steps = Number(flag('--steps') ?? inst.steps);
const times: number[] = [];
try {
  for (let i = 0; i < inst.warmup; i++) await inst.step();
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await inst.step();
    times.push(performance.now() - t0);
  }
} catch (e) {
  const msg = (e as Error).message?.split('\n')[0] ?? String(e);
  const hint = /memory access out of bounds|Cannot enlarge memory|out of memory/i.test(msg)
    ? ' (the wasm heap is limited to 4 GB; try a smaller --batch)'
    : '';
  const heapMB = Math.round(((tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length ?? 0) / 2 ** 20);
  const r: WorkloadResult = {
    workload: name,
    backend,
    peakRssMB: peakRssMB(),
    unavailable: `failed: ${msg}${hint}; wasm heap ${heapMB} MB`,
  };
  console.log(JSON.stringify(r));
  process.exit(0);
}
times.sort((a, b) => a - b);
const median = steps % 2 ? times[(steps - 1) / 2]! : (times[steps / 2 - 1]! + times[steps / 2]!) / 2;
const result: WorkloadResult = {
  workload: name,
  backend,
  [workload.unit]: (inst.perStep * 1000) / median,
  peakRssMB: peakRssMB(),
  medianStepMs: median,
  timedSteps: steps,
};
if (inst.workers !== undefined) result.workers = inst.workers;
if (process.argv.includes('--profile')) {
  // One extra step under tf.profile: per-kernel wall time (wasm kernels are synchronous).
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await inst.step();
  });
  const total = performance.now() - t0;
  const byKernel = new Map<string, number>();
  // Entries named '<op>__op' are op wrappers (e.g. a customGrad op) whose time includes the kernels
  // they ran, which are listed too; skip them so shares add up.
  for (const k of info.kernels) {
    if (k.name.endsWith('__op')) continue;
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs));
  }
  const kernelSum = [...byKernel.values()].reduce((a, b) => a + b, 0);
  byKernel.set('(outside kernels: JS, tape, optimizer bookkeeping)', Math.max(0, total - kernelSum));
  result.profile = [...byKernel.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([kernel, ms]) => ({ kernel, ms: Math.round(ms * 10) / 10, share: Math.round((ms / total) * 1000) / 1000 }));
}
inst.dispose();
console.log(JSON.stringify(result));
