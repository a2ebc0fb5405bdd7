/**
 * How a data-parallel worker rebuilds the method of a `contrastive-losses` run (`train` or `continual`) (core's `train({ workers,
 * replica })` imports this module in each worker thread and calls `createReplica(args)`): the same backbone,
 * method and seed as the command, so the weights copied from the main thread fit.
 */
import type { Method } from '@contrastive/core';
import type { RunSettings } from '@contrastive/core/cli';
import { smallCnnEncoder } from '@contrastive/vision';
import type { GRCLBatch } from '../grcl/index.js';
import { accuracyMatrix, buildGrcl, type ContinualMethodArgs } from './build-grcl.js';
import { buildMethod, type MethodData } from './build-method.js';
import type { MethodName } from './flags.js';

/** The `train` command's replica: plain data (it crosses `postMessage`). */
export interface TrainReplicaArgs {
  command: 'train';
  method: MethodName;
  data: MethodData;
  config: RunSettings;
  seed: number;
}

/** Builds the method of a `train` or `continual` run exactly as the command did. */
export function createReplica(args: TrainReplicaArgs | ContinualReplicaArgs): Method<unknown> {
  if (args.command === 'continual') return createContinualReplica(args);
  const backbone = smallCnnEncoder({ inputShape: args.data.imageShape, seed: args.seed });
  return buildMethod(args.method, args.data, args.config, args.seed, backbone) as unknown as Method<unknown>;
}

/** The `continual` command's replica: GRCL's settings (plain data). */
export interface ContinualReplicaArgs extends ContinualMethodArgs {
  command: 'continual';
  /** All domains, the source included (the accuracy matrix's columns). */
  domains: number;
}

/**
 * Builds the GRCL of a `continual` run, with the accuracy matrix beside its state as in the command's
 * checkpoints (the main thread's state copies onto it name for name; only the main thread scores).
 */
function createContinualReplica(args: ContinualReplicaArgs): Method<unknown> {
  const { grcl } = buildGrcl(args);
  const accuracy = accuracyMatrix(args.targets, args.domains);
  return {
    name: grcl.name,
    step: (batch, info) => grcl.step(batch as GRCLBatch, info),
    stateTensors: () => ({ ...grcl.stateTensors(), [accuracy.name]: accuracy }),
    optimizers: () => grcl.optimizers(),
    dispose: () => {
      grcl.dispose();
      accuracy.dispose();
    },
  };
}
