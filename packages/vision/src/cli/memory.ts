import { totalmem } from 'node:os';
import { UsageError } from '@contrastive/core/cli';
import { formatBytes } from '../io/errors.js';
import type { EncoderName } from '../encoders/registry.js';

/** What one training or scoring batch holds, for {@link trainStepBytes} and {@link scoringBatchSize}. */
export interface BatchGeometry {
  /** Side of the square images the encoder takes (`--image-size`). */
  imageSize: number;
  channels: number;
  /** Pixels of one image as read from its file before resizing (IDX images are read whole, then resized). */
  sourcePixels: number;
  encoder: EncoderName;
  /** resnet18's width multiplier. */
  widthMultiplier: number;
}

/**
 * Float32 values per input pixel that the encoder's first layer outputs: the small CNN's first conv has 32
 * channels, ResNet-18's stem 64·width, ViT-tiny's patch embedding 192 values per p×p patch (p = 4 at most).
 */
function firstLayerValuesPerPixel(g: BatchGeometry): number {
  if (g.encoder === 'resnet18') return Math.round(64 * g.widthMultiplier);
  if (g.encoder === 'vit-tiny') {
    const p = [4, 3, 2, 1].find((q) => g.imageSize % q === 0)!;
    return 192 / (p * p);
  }
  return 32;
}

/**
 * A lower bound on the bytes one training step holds at once: the batch as read (source size), resized and as
 * two augmented views, and the first layer's output for both views kept for backpropagation (conv, batch-norm
 * and ReLU outputs, 3 copies). Every later layer, the gradients and the optimizer state come on top, so a step
 * needing more than the machine's memory cannot run.
 */
export function trainStepBytes(batchSize: number, g: BatchGeometry): number {
  const pixels = g.imageSize * g.imageSize;
  const perImage = 4 * (g.sourcePixels * g.channels + 3 * pixels * g.channels + 2 * 3 * pixels * firstLayerValuesPerPixel(g));
  return batchSize * perImage;
}

/** The memory this process can use: the machine's, or the container's limit when there is one (cgroups). */
export function availableMemoryBytes(): number {
  const limit = process.constrainedMemory?.() ?? 0;
  const total = totalmem();
  return limit > 0 && limit < total ? limit : total;
}

/**
 * Refuses, before any image is decoded or anything is written, a run whose training step cannot fit in memory
 * ({@link trainStepBytes} above {@link availableMemoryBytes}): `--image-size 1024 --batch-size 256` needs 216 GB
 * for the first layer alone. The error names the flags, what one step needs and what the machine has.
 */
export function checkTrainingMemory(batchSize: number, g: BatchGeometry, available = availableMemoryBytes()): void {
  const need = trainStepBytes(batchSize, g);
  if (need <= available) return;
  const fits = Math.floor(available / trainStepBytes(1, g));
  throw new UsageError(
    `--image-size ${g.imageSize} with --batch-size ${batchSize}: one training step of ${g.encoder} on ${g.imageSize}x${g.imageSize}x${g.channels} images ` +
      `needs at least ${formatBytes(need)} (the images, two augmented views and the first layer's activations), more than the ${formatBytes(available)} of memory here; ` +
      (fits >= 2 ? `lower --batch-size to ${fits} or less, or --image-size` : 'lower --image-size'),
  );
}

/** Images per forward pass when scoring (embedding whole data sets): 256, fewer when large images would not fit in a quarter of memory. */
export function scoringBatchSize(g: BatchGeometry, available = availableMemoryBytes()): number {
  // Inference: the image as read, resized, and the first layer's output (one view, nothing kept for gradients).
  const perImage = 4 * (g.sourcePixels * g.channels + g.imageSize * g.imageSize * (g.channels + firstLayerValuesPerPixel(g)));
  return Math.max(1, Math.min(256, Math.floor(available / 4 / perImage)));
}
