import * as tf from '@tensorflow/tfjs';
import { stepInfo } from '@contrastive/core';
import { CATALOG } from './catalog.js';
import type { Workload } from './types.js';

/** CG3's default size of the sampled cross-view contrast (`contrastNodes`); the twin uses the same. */
const CONTRAST_NODES = 2048;

/** Graph size from `BENCH_NODES` (default 10^3; the sizes are 10^3, 10^4, 10^5). */
export function benchNodes(): number {
  const raw = process.env['BENCH_NODES'] ?? '1000';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 20) throw new RangeError(`BENCH_NODES must be an integer >= 20, got '${raw}'`);
  return n;
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/**
 * One CG3 epoch (one full-batch step: both views, CE + CE(z^G) + 0.9 L_uc + 0.9 L_sc + 0.4 L_g + wd, Adam
 * 0.01) on the block-model graph of `cg3-nodes-data.ts` with `BENCH_NODES` nodes (default 10^3) and sparse
 * bag-of-words features (`BENCH_CG3_FEATURES=dense` feeds them dense instead). Unit: epochs per second
 * (`opsPerSecond`, one op = one epoch). Setup writes the graph and our CG3's coarsening hierarchy to
 * `cg3BenchDir(N)` for the PyTorch twin, and `dispose()` prints one `cg3-nodes: {json}` line to stderr (graph
 * size, wasm heap, RSS growth while training), which `cg3-nodes-sweep.ts` tabulates.
 */
export const cg3Nodes: Workload = {
  ...CATALOG['cg3-nodes']!,
  async setup() {
    // Loaded here, not at the top: every workload's child process imports this file.
    const { CG3 } = await import('@contrastive/graph');
    const { cg3BenchDir, cg3BenchGraph, featureMode, withFeatures, writeCg3Bench } = await import('./cg3-nodes-data.js');
    const n = benchNodes();
    const features = featureMode();
    const rssBefore = process.memoryUsage().rss;
    const data = cg3BenchGraph(n, 0);
    const graph = withFeatures(data, features);
    const task = { graph, labels: data.labels, numClasses: data.numClasses };
    const t0 = performance.now();
    const method = new CG3(task, { seed: 0 });
    const buildSeconds = (performance.now() - t0) / 1000;
    const dir = cg3BenchDir(n);
    await writeCg3Bench(dir, data, method.global.levels, CONTRAST_NODES);
    const maxRssAfterSetup = process.resourceUsage().maxRSS * 1024;
    let globalStep = 0;
    return {
      perStep: 1,
      steps: 5,
      warmup: 1,
      step() {
        const loss = method.step(task, stepInfo(globalStep++, { seed: 0 }));
        loss.dataSync();
        loss.dispose();
      },
      dispose() {
        const heap = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length;
        const info = {
          nodes: n,
          directedEdges: graph.edgeIndex.length / 2,
          features,
          levels: method.global.levels.map((lv) => lv.numClusters),
          buildSeconds: Math.round(buildSeconds * 100) / 100,
          wasmHeapMB: heap === undefined ? null : mb(heap),
          rssBeforeSetupMB: mb(rssBefore),
          maxRssAfterSetupMB: mb(maxRssAfterSetup),
          // Peak growth while training (warm-up + timed epochs) over the peak of setup.
          trainingRssGrowthMB: mb(process.resourceUsage().maxRSS * 1024 - maxRssAfterSetup),
          graphDir: dir,
        };
        console.error(`cg3-nodes: ${JSON.stringify(info)}`);
        method.dispose();
      },
    };
  },
};
