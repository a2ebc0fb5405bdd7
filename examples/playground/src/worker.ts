/**
 * The training worker: one run at a time. It picks the backend, builds the method from the vision recipe
 * (`simclr-small` or `moco-v2-small`: the settings `contrastive-vision train` uses), trains with core's
 * `train()` and, every `evalEvery` steps, embeds the held-out slice for the map (PCA) and its kNN accuracy
 * against a labelled reference slice of the training images. Pause and stop act between steps.
 */
import * as tf from '@tensorflow/tfjs';
import { defaultKnnK, pca2, train } from '@contrastive/core';
import {
  createMethodFromRecipe,
  embedImages,
  imageBatches,
  type ImageBatch,
  type ImageDataset,
  type VisionMethod,
} from '@contrastive/vision';
import { selectBackend } from './backend.js';
import { encoderFiles } from './encoder-export.js';
import { knnAccuracyHost } from './knn.js';
import { firstImages, imageBytes } from './pixel-data.js';
import { checkToWorker, type BackendChoice, type FromWorker, type PixelData, type TrainConfig } from './protocol.js';
import { writeZip } from './zip.js';

const post = (msg: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(msg, transfer);

/** Thrown from the step callback to end a run early. */
class StopRequested extends Error {}

/** Float32 `[n, h, w, c]` in [0, 1] of the images at `indices`. */
function toTensor(d: PixelData, indices?: ArrayLike<number>): tf.Tensor4D {
  const size = imageBytes(d);
  const count = indices?.length ?? d.n;
  const out = new Float32Array(count * size);
  for (let i = 0; i < count; i++) {
    const j = indices === undefined ? i : indices[i]!;
    const src = d.pixels.subarray(j * size, (j + 1) * size);
    for (let p = 0; p < size; p++) out[i * size + p] = src[p]! / 255;
  }
  return tf.tensor4d(out, [count, d.height, d.width, d.channels]);
}

function asDataset(d: PixelData): ImageDataset {
  return {
    size: d.n,
    height: d.height,
    width: d.width,
    channels: d.channels,
    labels: d.labels,
    classNames: d.classNames,
    source: 'playground',
    read: async (indices) => toTensor(d, indices),
  };
}

/** Batches for as many passes over `ds` as the run needs, reshuffled each pass. */
async function* endlessBatches(
  ds: ImageDataset,
  batchSize: number,
  rng: Parameters<typeof imageBatches>[1]['rng'],
): AsyncGenerator<ImageBatch> {
  for (;;) yield* imageBatches(ds, { batchSize, rng, dropLast: true });
}

/** Lets queued messages (pause, stop) in between steps: a macrotask turn. */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

let method: VisionMethod | null = null;
let runInfo: { config: TrainConfig; backend: BackendChoice; train: PixelData; steps: number } | null = null;
let running = false;
let paused = false;
let stopRequested = false;
let wake: (() => void) | null = null;

async function run(config: TrainConfig, trainData: PixelData, heldOut: PixelData): Promise<void> {
  method?.dispose();
  method = null;
  const { name, attempts } = await selectBackend(config.backend, config.wasmPath);
  post({ type: 'backend', name, attempts });
  const inputShape: [number, number, number] = [trainData.height, trainData.width, trainData.channels];
  const m = createMethodFromRecipe(config.method === 'simclr' ? 'simclr-small' : 'moco-v2-small', {
    inputShape,
    datasetSize: trainData.n,
    seed: config.seed,
  });
  method = m;
  runInfo = { config, backend: name, train: trainData, steps: 0 };
  const reference = firstImages(trainData, config.reference);
  const refImages = toTensor(reference);
  const heldImages = toTensor(heldOut);
  const labelled = reference.labels !== null && heldOut.labels !== null;
  const k = labelled ? Math.min(20, defaultKnnK(reference.labels!)) : 0;

  /** Embeddings read with `await data()` only: a synchronous read (dataSync) fails on WebGPU in some workers. */
  const embed = async (images: tf.Tensor4D): Promise<{ values: Float32Array; dim: number }> => {
    const emb = embedImages(m.encoder, images);
    try {
      return { values: (await emb.data()) as Float32Array, dim: emb.shape[1] };
    } finally {
      emb.dispose();
    }
  };
  const evaluate = async (step: number): Promise<void> => {
    const { values: embeddings, dim } = await embed(heldImages);
    const knn = labelled
      ? knnAccuracyHost((await embed(refImages)).values, reference.labels!, embeddings, heldOut.labels!, dim, { k })
      : null;
    const { coords } = pca2(embeddings, heldOut.n, dim, { seed: config.seed, iterations: 100 });
    post({ type: 'eval', step, knn, coords, embeddings, dim }, [coords.buffer, embeddings.buffer]);
  };

  const started = performance.now();
  let trainSeconds = 0;
  let lastEnd = performance.now();
  let done = 0;
  try {
    await evaluate(0);
    lastEnd = performance.now();
    await train<ImageBatch>({
      method: m,
      epochs: 1,
      stepsPerEpoch: config.steps, // one "epoch" of the planned steps; the batches cycle over the data
      seed: config.seed,
      progress: false,
      batches: (_epoch, rng) => endlessBatches(asDataset(trainData), config.batchSize, rng),
      callbacks: {
        onStepEnd: async (globalStep, logs) => {
          done = globalStep + 1;
          runInfo!.steps = done;
          trainSeconds += (performance.now() - lastEnd) / 1000;
          const rate = done / Math.max(trainSeconds, 1e-9);
          post({
            type: 'step',
            step: done,
            total: config.steps,
            loss: logs.loss,
            trainSeconds,
            stepsPerSecond: rate,
            etaSeconds: (config.steps - done) / rate,
          });
          if (done % config.evalEvery === 0 || done === config.steps) await evaluate(done);
          await nextTurn();
          if (paused && !stopRequested) {
            post({ type: 'paused' });
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = null;
            if (!stopRequested) post({ type: 'resumed' });
          }
          if (stopRequested) throw new StopRequested('stopped');
          lastEnd = performance.now();
        },
      },
    });
    post({ type: 'done', reason: 'finished', steps: done, seconds: (performance.now() - started) / 1000 });
  } catch (e) {
    if (!(e instanceof StopRequested)) throw e;
    if (done % config.evalEvery !== 0) await evaluate(done);
    post({ type: 'done', reason: 'stopped', steps: done, seconds: (performance.now() - started) / 1000 });
  } finally {
    tf.dispose([refImages, heldImages]);
  }
}

async function exportEncoder(): Promise<void> {
  if (method === null || runInfo === null) throw new Error('nothing to export yet: train first');
  const { config, backend, train: data, steps } = runInfo;
  const files = await encoderFiles(method.encoder, {
    method: config.method,
    encoder: 'small-cnn',
    imageSize: data.height,
    channels: data.channels,
    details: { recipe: `${config.method}-small`, steps, batchSize: config.batchSize, seed: config.seed, backend, datasetSize: data.n },
  });
  const zip = writeZip(files);
  post({ type: 'exported', fileName: `playground-${config.method}-${steps}-steps.zip`, zip }, [zip.buffer]);
}

const fail = (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) });

self.onmessage = (event: MessageEvent) => {
  let msg: ReturnType<typeof checkToWorker>;
  try {
    msg = checkToWorker(event.data);
  } catch (e) {
    fail(e);
    return;
  }
  switch (msg.type) {
    case 'start':
      if (running) return fail('a run is already in progress: stop it first');
      running = true;
      paused = false;
      stopRequested = false;
      run(msg.config, msg.train, msg.heldOut)
        .catch(fail)
        .finally(() => {
          running = false;
        });
      return;
    case 'pause':
      paused = true;
      return;
    case 'resume':
      paused = false;
      wake?.();
      return;
    case 'stop':
      stopRequested = true;
      wake?.();
      return;
    case 'export':
      if (running) return fail('stop or finish the run before downloading the encoder');
      exportEncoder().catch(fail);
      return;
  }
};
