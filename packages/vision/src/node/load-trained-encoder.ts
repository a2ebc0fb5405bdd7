import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { layersEncoder, type LayersEncoder } from '@contrastive/core';
import { fileSystemHandler } from '@contrastive/core/node';
// Registers the ViT's custom layer classes, which a saved vit-tiny encoder names.
import '../encoders/vit-layers.js';

/** A trained encoder with the input geometry it expects. */
export interface TrainedEncoder {
  /**
   * The encoder as core's `Encoder` (`layersEncoder`; the `tf.LayersModel` is `encoder.model`): float32
   * images `[N, imageSize, imageSize, channels]` with values in [0, 1] → `[N, D]`. The caller disposes it.
   */
  encoder: LayersEncoder;
  /** Side of the square images the run trained on (images are resized to it, as the CLI does). */
  imageSize: number;
  /** 1 (grayscale) or 3 (RGB). */
  channels: 1 | 3;
  /** The method that trained it (`simclr`, `moco-v2`, …) and the encoder architecture, from run.json. */
  method: string;
  encoderName: string;
}

/**
 * Model folders of a finished run, newest layout first: `model/` (core's run-folder layout) and `encoder/`
 * (what `contrastive-vision train` wrote before it moved to that layout).
 */
export const TRAINED_MODEL_FOLDERS = ['model', 'encoder'] as const;

/**
 * Loads the encoder that `contrastive-vision train --out DIR` saved when training finished (`DIR/model/`,
 * or `DIR/encoder/` in runs written by earlier versions), with the image size and channel count of
 * `DIR/run.json`. Apply it in inference mode, e.g. `embedImages(encoder, images)`; images must be read as the
 * CLI reads them (`openImageFolder(root, { imageSize, channels })` or `loadIdxDataset`, pixel values / 255).
 *
 * Errors name the folder: no run.json (not a run), no model (the run has not finished: its `checkpoint/`
 * still serves `contrastive-vision embed` and `eval`). The caller disposes `encoder`.
 */
export async function loadTrainedEncoder(runDir: string): Promise<TrainedEncoder> {
  const runFile = join(runDir, 'run.json');
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(await readFile(runFile, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? `loadTrainedEncoder: ${runDir} holds no run.json (expected a folder written by 'contrastive-vision train --out')`
        : `loadTrainedEncoder: ${runFile} is not valid JSON (${(e as Error).message})`,
    );
  }
  // run.json is core's run record { tool, domain, method, config }; runs written before it hold the config itself.
  const config = (typeof record.config === 'object' && record.config !== null ? record.config : record) as Record<string, unknown>;
  const { imageSize, channels, encoder: encoderName } = config;
  // The method: core's run record names it at the top (other packages' runs); vision's config repeats it.
  const method = config.method ?? record.method;
  if (!Number.isInteger(imageSize) || (channels !== 1 && channels !== 3) || typeof method !== 'string' || typeof encoderName !== 'string') {
    throw new Error(`loadTrainedEncoder: ${runFile} lacks imageSize (integer), channels (1 or 3), method or encoder`);
  }
  let modelDir: string | null = null;
  for (const name of TRAINED_MODEL_FOLDERS) {
    if (await stat(join(runDir, name, 'model.json')).catch(() => null)) {
      modelDir = join(runDir, name);
      break;
    }
  }
  if (modelDir === null) {
    throw new Error(
      `loadTrainedEncoder: ${join(runDir, 'model')}/model.json is missing — the run has not finished; resume it ('contrastive-vision train … --resume') or use its checkpoint with 'contrastive-vision embed --checkpoint ${runDir}'`,
    );
  }
  const model = await tf.loadLayersModel(fileSystemHandler(modelDir));
  const want = [imageSize, imageSize, channels];
  const got = model.inputs[0]!.shape.slice(1);
  if (got.some((d, i) => d !== want[i])) {
    model.dispose();
    throw new Error(`loadTrainedEncoder: ${modelDir} takes [${got.join(', ')}] images but ${runFile} says [${want.join(', ')}]`);
  }
  return { encoder: layersEncoder(model, encoderName), imageSize: imageSize as number, channels, method, encoderName };
}
