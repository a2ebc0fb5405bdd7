/**
 * SimCLR end to end with the library API, lightly-style: data → a named recipe (views + encoder + head +
 * NT-Xent, the settings `contrastive-vision train` uses) → core's train() → kNN and linear probe against the
 * same encoder before training. `main.ts` runs it from the command line; the test runs it on a tiny setting.
 */
import * as tf from '@tensorflow/tfjs';
import { defaultKnnK, initBackend, knnAccuracy, linearProbe, train } from '@contrastive/core';
import {
  createMethodFromRecipe,
  embedImages,
  imageBatches,
  limitDataset,
  readAll,
  type ImageBatch,
  type ImageDataset,
} from '@contrastive/vision';
import { BUNDLED_FASHION_MNIST, loadIdxDataset } from '@contrastive/vision/node';

/** Settings of {@link runSimclrExample}. */
export interface SimclrExampleOptions {
  /** Folder with the four MNIST-style IDX files. Default: the Fashion-MNIST subset bundled with @contrastive/vision. */
  data?: string;
  /** Epochs of SimCLR. Default 2. */
  epochs?: number;
  /** Use only the first N training and test images. Default: all. */
  limit?: number;
  batchSize?: number;
  seed?: number;
  log?: (line: string) => void;
}

/** kNN and linear-probe accuracy of the encoder before and after SimCLR. */
export interface SimclrExampleResult {
  randomInit: { knn: number; probe: number };
  trained: { knn: number; probe: number };
  finalLoss: number;
}

export async function runSimclrExample(options: SimclrExampleOptions = {}): Promise<SimclrExampleResult> {
  const { data = BUNDLED_FASHION_MNIST, epochs = 2, batchSize = 64, seed = 0 } = options;
  const log = options.log ?? (() => undefined);
  await initBackend({ log }); // tensorflow → wasm → cpu
  const trainSet = limitDataset(await loadIdxDataset(data, { split: 'train' }), options.limit);
  const testSet = limitDataset(await loadIdxDataset(data, { split: 'test' }), options.limit);

  /** kNN (k = min(200, the smallest class): defaultKnnK) and linear-probe accuracy of an encoder's features; labels are used only here. */
  const score = async (encoder: tf.LayersModel): Promise<{ knn: number; probe: number }> => {
    const features = async (ds: ImageDataset): Promise<tf.Tensor2D> => {
      const images = await readAll(ds);
      const emb = embedImages(encoder, images);
      images.dispose();
      return emb;
    };
    const [trainEmb, testEmb] = [await features(trainSet), await features(testSet)];
    const knn = knnAccuracy(trainEmb, trainSet.labels!, testEmb, testSet.labels!, { k: defaultKnnK(trainSet.labels!) });
    const probe = linearProbe(trainEmb, trainSet.labels!, testEmb, testSet.labels!, { seed }).accuracy;
    tf.dispose([trainEmb, testEmb]);
    return { knn, probe };
  };

  // The 'simclr-small' recipe: simclrViews (colour strength 0.5, crops from 20 %, no blur at 28 px) + small CNN
  // + MLP head D → D → 64 + NT-Xent at τ 0.2, Adam 1e-3. The method owns the encoder it builds.
  const method = createMethodFromRecipe('simclr-small', {
    inputShape: [trainSet.height, trainSet.width, trainSet.channels],
    datasetSize: trainSet.size,
    seed,
  });
  try {
    const randomInit = await score(method.encoder);
    const result = await train<ImageBatch>({
      method, // core's Method: train() passes each step its StepInfo (seeded rng, globalStep, totalSteps)
      batches: (_epoch, rng) => imageBatches(trainSet, { batchSize, rng, dropLast: true }),
      epochs,
      stepsPerEpoch: Math.floor(trainSet.size / batchSize),
      seed,
      progress: false,
      log,
    });
    return { randomInit, trained: await score(method.encoder), finalLoss: result.epochLosses.at(-1)! };
  } finally {
    method.dispose();
  }
}
