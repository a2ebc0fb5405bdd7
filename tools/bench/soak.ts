/**
 * Memory soak check: N SimCLR training steps (small CNN of `simclr-small-cnn`, fresh random views
 * every step, NT-Xent, Adam) asserting a constant `tf.memory().numTensors` after the first step
 * and flat RSS. Prints a JSON summary; exits 1 on a leak.
 *
 *   pnpm bench --soak [--steps 1000] [--batch 16] [--backend wasm] [--workers N]
 *
 * With `--workers N` the steps run data-parallel (core's WorkerGroup: this thread and N − 1 workers, a fresh
 * batch sent to every worker each step): the tensor count checked is this thread's, RSS is the whole process
 * (every worker's wasm heap included), so a leak in a worker shows as RSS growth.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@contrastive/core';
import { smallCnn } from './workloads/simclr-small-cnn.js';
import { createRng, ntXent } from '@contrastive/core';
import { WorkerGroup } from '@contrastive/core/node';
import { createBenchMethod } from './workloads/dp-methods.js';

const arg = (f: string, d: number) => {
  const i = process.argv.indexOf(f);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const steps = arg('--steps', 1000);
const batch = arg('--batch', 16);
const bi = process.argv.indexOf('--backend');
const backend = await initBackend({
  backend: bi >= 0 ? (process.argv[bi + 1] as 'wasm' | 'cpu') : undefined,
  log: (m) => console.error(m),
});
const workers = arg('--workers', 1);
const model = smallCnn();
const optimizer = tf.train.adam(1e-3);
const method = workers > 1 ? await createBenchMethod({ kind: 'soak' }) : undefined;
const group =
  workers > 1
    ? await WorkerGroup.start({
        workers,
        replica: {
          module: new URL('./workloads/dp-methods.ts', import.meta.url).href,
          export: 'createBenchMethod',
          args: { kind: 'soak' },
        },
      })
    : undefined;
if (group) await group.sync(method!);
const rssMB = () => process.memoryUsage().rss / 2 ** 20;
const samples: { step: number; numTensors: number; rssMB: number; loss: number }[] = [];
let baseline = -1;
const t0 = performance.now();
/** One step's loss: data-parallel through the group, or in this thread. */
function stepLoss(s: number): tf.Scalar {
  if (group) {
    const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', s);
    const where = { epoch: 0, step: s, globalStep: s, totalSteps: undefined };
    const loss = tf.tidy(() => group.step(x, where, s, () => method!.step(x, { ...where, rng: createRng(s) })) as tf.Scalar);
    x.dispose();
    return loss;
  }
  const [v1, v2] = tf.tidy(() => {
    const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', s);
    // two cheap "views": additive noise with different seeds
    return [x.add(tf.randomNormal(x.shape, 0, 0.1, 'float32', 2 * s)), x.add(tf.randomNormal(x.shape, 0, 0.1, 'float32', 2 * s + 1))];
  });
  const loss = optimizer.minimize(
    () =>
      ntXent(model.apply(v1!, { training: true }) as tf.Tensor2D, model.apply(v2!, { training: true }) as tf.Tensor2D, {
        temperature: 0.5,
      }),
    true,
  )!;
  tf.dispose([v1!, v2!]);
  return loss;
}

for (let s = 1; s <= steps; s++) {
  const loss = stepLoss(s);
  const numTensors = tf.memory().numTensors;
  if (s === 1) baseline = numTensors;
  if (s === 1 || s % 100 === 0 || s === steps || numTensors !== baseline) {
    samples.push({ step: s, numTensors, rssMB: Math.round(rssMB() * 10) / 10, loss: loss.dataSync()[0]! });
  }
  loss.dispose();
  if (numTensors !== baseline) break;
}
const seconds = (performance.now() - t0) / 1000;
const last = samples[samples.length - 1]!;
const at100 = samples.find((x) => x.step === 100) ?? samples[0]!;
const tensorsConstant = samples.every((x) => x.numTensors === baseline) && last.step === steps;
// RSS after warm-up (step 100) vs the end: allow 10% / 40 MB of allocator noise.
const rssGrowthMB = last.rssMB - at100.rssMB;
const rssFlat = rssGrowthMB <= Math.max(40, 0.1 * at100.rssMB);
console.log(
  JSON.stringify({
    check: 'soak',
    backend,
    workers,
    steps,
    batch,
    seconds: Math.round(seconds),
    tensorsConstant,
    numTensors: baseline,
    rssAtStep100MB: at100.rssMB,
    rssEndMB: last.rssMB,
    rssGrowthMB: Math.round(rssGrowthMB * 10) / 10,
    rssFlat,
    samples,
  }),
);
optimizer.dispose();
model.dispose();
method?.dispose();
await group?.close();
process.exit(tensorsConstant && rssFlat ? 0 : 1);
