/**
 * The method `contrastive-multimodal train` trains, built from plain settings: by the command itself and, in each
 * worker thread of a data-parallel run (`--workers N`), by {@link createReplica}, so every replica is the same
 * method with the same towers, options and seed (core then copies the main thread's weights into it).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Encoder } from '@contrastive/core';
import { randomResizedCrop } from '@contrastive/vision';
import { Clip } from '../methods/clip.js';
import { Cmcl } from '../methods/cmcl.js';
import { Demi } from '../methods/demi.js';
import type { MethodName } from './help.js';
import { IMAGE_FEATURE_DIM, imageTower, type TextTowerSpec, textTowerFromSpec } from './towers.js';

/** Everything that shapes the method of a train run (plain data: it crosses to the worker threads). */
export interface TrainMethodArgs {
  method: MethodName;
  imageSize: number;
  channels: 1 | 3;
  embedDim: number;
  learningRate: number;
  seed: number;
  text: TextTowerSpec;
  /** The text tower's output width. */
  textDim: number;
  /** demi: the sub-view's area range; `null` for the other methods. */
  cropScale: [number, number] | null;
}

/**
 * The method of a train run. `textTower` is the command's own (built with its tokenizer); without it the tower is
 * rebuilt from `args.text`. Both towers are split by rows across data-parallel workers: the image tower (vision's
 * small CNN: batch norm, no dropout) and BERT-tiny (each shard's dropout masks are the whole batch's, see
 * `bertTower`).
 */
export function buildTrainMethod(args: TrainMethodArgs, textTower?: Encoder<unknown>): Clip<tf.Tensor4D, unknown> {
  const options = {
    imageTower: imageTower(args.imageSize, args.channels, args.seed),
    textTower: textTower ?? (textTowerFromSpec(args.text) as Encoder<unknown>),
    imageDim: IMAGE_FEATURE_DIM,
    textDim: args.textDim,
    embedDim: args.embedDim,
    learningRate: args.learningRate,
    seed: args.seed,
    // BERT-tiny's shards draw the whole batch's dropout masks (bertTower); USE-lite's side is a lookup.
    splitRows: { images: true, texts: args.text.kind === 'bert-tiny' },
  };
  if (args.method === 'cmcl') return new Cmcl<tf.Tensor4D, unknown>(options);
  if (args.method === 'demi') {
    if (args.cropScale === null) throw new TypeError('buildTrainMethod: demi needs cropScale');
    return new Demi<tf.Tensor4D, unknown>({ ...options, subView: randomResizedCrop({ scale: args.cropScale }) });
  }
  return new Clip<tf.Tensor4D, unknown>(options);
}

/** A data-parallel worker's replica (core's `ReplicaSpec` names this module and export). */
export function createReplica(args: TrainMethodArgs): Clip<tf.Tensor4D, unknown> {
  return buildTrainMethod(args);
}
