/**
 * How many kernels one training step runs, and so how much of the step per-op dispatch can be: one warm-up
 * step, then one step under `tf.profile` (kernel count; wrappers named '<op>__op' excluded) and one timed.
 *
 *   TSX_TSCONFIG_PATH=tools/bench/tsconfig.json node --import tsx tools/bench/probes/step-kernels.ts simclr-small-cnn [gin-graphs …]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@contrastive/core';
import { loadavg } from 'node:os';
import { WORKLOADS } from '../workloads/index.js';

await initBackend({ backend: 'wasm', log: false });
for (const name of process.argv.slice(2)) {
  const workload = WORKLOADS[name];
  if (!workload) throw new RangeError(`unknown workload '${name}'; valid: ${Object.keys(WORKLOADS).join(', ')}`);
  const inst = await workload.setup();
  if (typeof inst === 'string') throw new Error(`${name} unavailable: ${inst}`);
  await inst.step();
  const info = await tf.profile(async () => {
    await inst.step();
  });
  const kernels = info.kernels.filter((k) => !k.name.endsWith('__op')).length;
  const t0 = performance.now();
  await inst.step();
  const stepMs = performance.now() - t0;
  inst.dispose();
  console.log(JSON.stringify({ workload: name, kernels, stepMs: Math.round(stepMs), load1: loadavg()[0]!.toFixed(2) }));
}
