/** The run folder's model/: the trained backbone, readable by vision's `loadTrainedEncoder`. */
import type * as tf from '@tensorflow/tfjs';
import { fileSystemHandler } from '@contrastive/core/node';

/** What run.json records so `loadTrainedEncoder(runDir)` (from `@contrastive/vision/node`) can load model/. */
export function backboneRecord(imageShape: readonly number[]): { imageSize: number; channels: number; encoder: string } {
  return { imageSize: imageShape[0]!, channels: imageShape[2]!, encoder: 'small-cnn' };
}

/** Saves the backbone (a `tf.LayersModel`) to `dir` (the run's model/). */
export async function saveBackbone(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(fileSystemHandler(dir));
}

/** The summary note on model/. */
export const MODEL_NOTE =
  "model/: the trained backbone (vision's small CNN, images [0, 1] -> 128-d), loadable with loadTrainedEncoder from @contrastive/vision/node";
