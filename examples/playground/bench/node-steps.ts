/** The bench's Node side: the same SimCLR setting as the page (recipe simclr-small, bundled subset, seed 0) on Node's wasm backend. */
import { initBackend, train } from '@contrastive/core';
import { createMethodFromRecipe, type ImageBatch, imageBatches } from '@contrastive/vision';
import { BUNDLED_FASHION_MNIST, loadIdxDataset } from '@contrastive/vision/node';

/** Training seconds at the end of each step (batch assembly included, as in the page's worker). */
export async function nodeStepSeconds(steps: number, batchSize: number): Promise<number[]> {
  await initBackend({ backend: 'wasm', log: false });
  const data = await loadIdxDataset(BUNDLED_FASHION_MNIST, { split: 'train' });
  const method = createMethodFromRecipe('simclr-small', {
    inputShape: [data.height, data.width, data.channels],
    datasetSize: data.size,
    seed: 0,
  });
  const seconds: number[] = [];
  const t0 = performance.now();
  try {
    await train<ImageBatch>({
      method,
      epochs: 1,
      stepsPerEpoch: steps,
      seed: 0,
      progress: false,
      batches: async function* (_epoch, rng) {
        for (;;) yield* imageBatches(data, { batchSize, rng, dropLast: true });
      },
      callbacks: { onStepEnd: () => void seconds.push((performance.now() - t0) / 1000) },
    });
  } finally {
    method.dispose();
  }
  return seconds;
}
