import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fileSystemHandler } from '@contrastive/core';
// Registers the ViT's custom layer classes, which a saved vit-tiny encoder names.
import './vit-layers.js';

/** A trained encoder with the input geometry it expects. */
export interface TrainedEncoder {
  /** The encoder: float32 images `[N, imageSize, imageSize, channels]` with values in [0, 1] → `[N, D]`. */
  encoder: tf.LayersModel;
  /** Side of the square images the run trained on (images are resized to it, as the CLI does). */
  imageSize: number;
  /** 1 (grayscale) or 3 (RGB). */
  channels: 1 | 3;
  /** The method that trained it (`simclr`, `moco-v2`, …) and the encoder architecture, from run.json. */
  method: string;
  encoderName: string;
}

/**
 * Loads the encoder that `contrastive-vision train --out DIR` saved in `DIR/encoder/` (a tfjs
 * LayersModel written when training finished), with the image size and channel count from `DIR/run.json`.
 * Apply it in inference mode, e.g. `embedImages(encoder, images)`; images must be read as the CLI reads
 * them (`openImageFolder(root, { imageSize, channels })` or `loadIdxDataset`, pixel values / 255).
 *
 * Errors name the folder: no run.json (not a run), no `encoder/` (the run has not finished: its
 * `checkpoint/` still serves `contrastive-vision embed` and `eval`). The caller disposes `encoder`.
 */
export async function loadTrainedEncoder(runDir: string): Promise<TrainedEncoder> {
  const runFile = join(runDir, 'run.json');
  let cfg: Record<string, unknown>;
  try {
    cfg = JSON.parse(await readFile(runFile, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? `loadTrainedEncoder: ${runDir} holds no run.json (expected a folder written by 'contrastive-vision train --out')`
        : `loadTrainedEncoder: ${runFile} is not valid JSON (${(e as Error).message})`,
    );
  }
  const { imageSize, channels, method, encoder: encoderName } = cfg;
  if (!Number.isInteger(imageSize) || (channels !== 1 && channels !== 3) || typeof method !== 'string' || typeof encoderName !== 'string') {
    throw new Error(`loadTrainedEncoder: ${runFile} lacks imageSize (integer), channels (1 or 3), method or encoder`);
  }
  const modelDir = join(runDir, 'encoder');
  if (!(await stat(join(modelDir, 'model.json')).catch(() => null))) {
    throw new Error(
      `loadTrainedEncoder: ${modelDir}/model.json is missing — the run has not finished; resume it ('contrastive-vision train … --resume') or use its checkpoint with 'contrastive-vision embed --checkpoint ${runDir}'`,
    );
  }
  const encoder = await tf.loadLayersModel(fileSystemHandler(modelDir));
  const want = [imageSize, imageSize, channels];
  const got = encoder.inputs[0]!.shape.slice(1);
  if (got.some((d, i) => d !== want[i])) {
    encoder.dispose();
    throw new Error(`loadTrainedEncoder: ${modelDir} takes [${got.join(', ')}] images but ${runFile} says [${want.join(', ')}]`);
  }
  return { encoder, imageSize: imageSize as number, channels, method, encoderName };
}
