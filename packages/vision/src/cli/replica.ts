/**
 * How a data-parallel worker thread (`--workers`) builds its replica of a vision run's method: from the run
 * config the main thread built it from (`buildRun`), so both start identical before the main thread's state
 * is copied in.
 */
import type { ReplicaSpec } from '@contrastive/core/node';
import type { VisionMethod } from '../methods/common.js';
import { SeqCLR, type SeqCLROptions } from '../sequence/seqclr.js';
import { sequenceEncoder, type SequenceEncoderOptions } from '../sequence/sequence-encoder.js';
import { buildRun, type RunConfig } from './run-config.js';

/** The replica factory (what {@link replicaSpec} points a worker at). */
export function createReplica(cfg: RunConfig): VisionMethod {
  return buildRun(cfg);
}

/** The replica of `cfg` for `train({ workers, replica })`. */
export function replicaSpec(cfg: RunConfig): ReplicaSpec {
  // Run from sources (the tests) the worker imports this .ts file; the published build its .js.
  const file = import.meta.url.endsWith('.ts') ? './replica.ts' : './replica.js';
  return { module: new URL(file, import.meta.url).href, export: 'createReplica', args: cfg };
}

/** What a SeqCLR run is built from (plain data a worker receives). */
export interface SeqclrReplicaArgs extends Omit<SeqCLROptions, 'encoder'> {
  encoder: SequenceEncoderOptions;
}

/** SeqCLR with its sequence encoder, as `train --method seqclr` builds it. */
export function createSeqclrReplica(args: SeqclrReplicaArgs): SeqCLR {
  const { encoder, ...rest } = args;
  return new SeqCLR({ ...rest, encoder: sequenceEncoder(encoder) });
}

/** The replica of a SeqCLR run for `train({ workers, replica })`. */
export function seqclrReplicaSpec(args: SeqclrReplicaArgs): ReplicaSpec {
  return { ...replicaSpec(args as unknown as RunConfig), export: 'createSeqclrReplica', args };
}
