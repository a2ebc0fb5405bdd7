/**
 * How a data-parallel worker rebuilds the method of a `contrastive-gan train` run (core's `train({ workers,
 * replica })` imports this module in each worker thread and calls `createReplica(args)`): `buildMethod` with the
 * run's settings, image shape and seed, as the command builds it. Core copies the main thread's method state
 * onto it (the score history beside it in the command's checkpoints stays with the main thread).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Method } from '@contrastive/core';
import type { RunSettings } from '@contrastive/core/cli';
import { buildMethod } from './build-method.js';
import type { MethodName } from './help.js';

/** The replica's arguments: plain data (they cross `postMessage`). */
export interface GanReplicaArgs {
  method: MethodName;
  settings: RunSettings;
  shape: [number, number, number];
  seed: number;
}

/** The run's method, as the command builds it. */
export function createReplica(args: GanReplicaArgs): Method<tf.Tensor4D> {
  return buildMethod(args.method, args.settings, args.shape, args.seed);
}
