/**
 * How a data-parallel worker rebuilds the method of a `contrastive-gan train` run (core's `train({ workers,
 * replica })` imports this module in each worker thread and calls `createReplica(args)`): `buildMethod` with the
 * run's settings, image shape and seed, as the command builds it. Its state is the command's checkpointed state
 * (the method's plus the score history), so the main thread's state copies onto it name for name.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Method } from '@contrastive/core';
import type { RunSettings } from '@contrastive/core/cli';
import { buildMethod, runState, scoreHistory } from './build-method.js';
import type { MethodName } from './help.js';

/** The replica's arguments: plain data (they cross `postMessage`). */
export interface GanReplicaArgs {
  method: MethodName;
  settings: RunSettings;
  shape: [number, number, number];
  seed: number;
}

/** The run's method, with the score history beside its state as in the command's checkpoints. */
export function createReplica(args: GanReplicaArgs): Method<tf.Tensor4D> {
  const m = buildMethod(args.method, args.settings, args.shape, args.seed);
  const scores = scoreHistory();
  const state = runState(m, scores);
  return {
    name: m.name,
    step: (batch, info) => m.step(batch, info),
    stateTensors: () => state.stateTensors(),
    optimizers: () => state.optimizers(),
    dispose: () => {
      m.dispose();
      scores.dispose();
    },
  };
}
