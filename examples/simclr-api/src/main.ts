/**
 * SimCLR end to end with the library API, lightly-style: data → a named recipe (views + encoder + head +
 * NT-Xent, the settings `contrastive-vision train` uses) → core's train() → kNN and linear probe against the
 * same encoder before training.
 *
 *   pnpm --filter @contrastive/example-simclr-api start [IDX_FOLDER] [EPOCHS]
 *
 * IDX_FOLDER defaults to the Fashion-MNIST subset bundled with @contrastive/vision; any folder with the
 * four MNIST-style IDX files works (e.g. /usr/share/datasets/fashion-mnist).
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, knnAccuracy, linearProbe, train } from '@contrastive/core';
import { createMethodFromRecipe, embedImages, imageBatches, readAll, type ImageBatch, type ImageDataset } from '@contrastive/vision';
import { BUNDLED_FASHION_MNIST, loadIdxDataset } from '@contrastive/vision/node';

const dataDir = process.argv[2] || BUNDLED_FASHION_MNIST;
const epochs = Number(process.argv[3] || 2);
const batchSize = 64;
const seed = 0;

await initBackend(); // tensorflow → wasm → cpu
const trainSet = await loadIdxDataset(dataDir, { split: 'train' });
const testSet = await loadIdxDataset(dataDir, { split: 'test' });

/** kNN (k = 200) and linear-probe accuracy of an encoder's features; labels are used only here. */
async function score(encoder: tf.LayersModel, label: string): Promise<void> {
  const features = async (ds: ImageDataset): Promise<tf.Tensor2D> => {
    const images = await readAll(ds);
    const emb = embedImages(encoder, images);
    images.dispose();
    return emb;
  };
  const [trainEmb, testEmb] = [await features(trainSet), await features(testSet)];
  const knn = knnAccuracy(trainEmb, trainSet.labels!, testEmb, testSet.labels!);
  const probe = linearProbe(trainEmb, trainSet.labels!, testEmb, testSet.labels!, { seed });
  tf.dispose([trainEmb, testEmb]);
  console.log(`${label}: kNN ${(100 * knn).toFixed(1)}%  linear probe ${(100 * probe.accuracy).toFixed(1)}%`);
}

// The 'simclr-small' recipe: simclrViews (colour strength 0.5, crops from 20 %, no blur at 28 px) + small CNN
// + MLP head D → D → 64 + NT-Xent at τ 0.2, Adam 1e-3. The method owns the encoder it builds.
const method = createMethodFromRecipe('simclr-small', {
  inputShape: [trainSet.height, trainSet.width, trainSet.channels],
  datasetSize: trainSet.size,
  seed,
});
await score(method.encoder, 'random init');

await train<ImageBatch>({
  method, // core's Method: train() passes each step its StepInfo (seeded rng, globalStep, totalSteps)
  batches: (_epoch, rng) => imageBatches(trainSet, { batchSize, rng, dropLast: true }),
  epochs,
  stepsPerEpoch: Math.floor(trainSet.size / batchSize),
  seed,
  log: (line) => console.log(line),
});
await score(method.encoder, `SimCLR, ${epochs} epochs`);
method.dispose();
