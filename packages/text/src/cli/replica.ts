/**
 * The replicas of the `train` commands' methods for data-parallel training (`--workers N`): each worker thread
 * imports this module and calls the factory a command names with the plain-JSON arguments the command recorded.
 * A factory rebuilds the method with the command's options and architecture; its weights and optimizer slots
 * are then copied from the main thread's method (core's `train`), so nothing here reads a checkpoint or a corpus.
 */
import type { ReplicaSpec } from '@contrastive/core/node';
import type { BertConfig } from '../encoders/bert-config.js';
import { BertEncoder } from '../encoders/bert.js';
import { createMethod } from '../methods/registry.js';
import type { TextBatch, TextMethodConfig, TextMethodName } from '../methods/registry.js';
import type { TextMethod } from '../methods/text-method.js';
import { AdapterMethod } from '../pretrained/adapter-method.js';
import type { AdapterMethodOptions } from '../pretrained/adapter-method.js';
import type { TowerAdapterOptions } from '../pretrained/tower-adapter.js';
import { Claps } from '../seq2seq/claps/index.js';
import type { ClapsOptions } from '../seq2seq/claps/index.js';
import { createSeq2SeqModel } from '../seq2seq/io/model-files.js';
import type { Seq2SeqArchitecture } from '../seq2seq/io/model-files.js';
import { SsaModel } from '../ssa/ssa-model.js';
import type { SsaEncoderKind } from '../ssa/ssa-model.js';
import { SsclMethod } from '../ssa/sscl-method.js';
import type { SsclOptions } from '../ssa/sscl-method.js';

/** This module's URL (`.ts` under vitest, `.js` when built), which a worker imports. */
const MODULE = import.meta.url;

/** The {@link ReplicaSpec} of factory `name` of this module with `args`. */
export function textReplica(
  name: 'createReplica' | 'createSsaReplica' | 'createAdapterReplica' | 'createSeq2SeqReplica',
  args: unknown,
): ReplicaSpec {
  return { module: MODULE, export: name, args };
}

/** A BERT method (`simcse`, `simcse-sup`, `consert`, `ance`) as `train` builds it. */
export interface TextReplicaArgs {
  method: TextMethodName;
  /** The encoder's architecture (its weights come from the main thread). */
  bert: BertConfig;
  /** The method's options (recipe and flags; no optimizer). */
  options: TextMethodConfig;
}

export function createReplica(args: TextReplicaArgs): TextMethod<TextBatch> {
  const encoder = new BertEncoder(args.bert);
  try {
    return createMethod(args.method, { encoder, ...args.options });
  } catch (e) {
    encoder.dispose();
    throw e;
  }
}

/** SSCL (`--method ssa|ssa-mean`): the model's sizes (the word vectors and aspects come from the main thread). */
export interface SsaReplicaArgs {
  vocabSize: number;
  dim: number;
  aspects: number;
  encoder: SsaEncoderKind;
  smoothFactor: number;
  seed: number;
  sscl: SsclOptions;
}

export function createSsaReplica(args: SsaReplicaArgs): SsclMethod {
  const model = new SsaModel({
    wordVectors: new Float32Array(args.vocabSize * args.dim),
    dim: args.dim,
    aspects: new Float32Array(args.aspects * args.dim),
    encoder: args.encoder,
    smoothFactor: args.smoothFactor,
    seed: args.seed,
  });
  try {
    return new SsclMethod(model, args.sscl);
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** The USE-lite adapter (`--method adapter`): the tower's width and the adapter's options. */
export interface AdapterReplicaArgs {
  towerDim: number;
  options: AdapterMethodOptions & Omit<TowerAdapterOptions, 'inputDim'>;
}

export function createAdapterReplica(args: AdapterReplicaArgs): AdapterMethod {
  return AdapterMethod.forTower({ dim: args.towerDim }, args.options);
}

/** MLE / CLAPS (`--method mle|claps`): the model's architecture and config, and CLAPS' options. */
export interface Seq2SeqReplicaArgs {
  architecture: Seq2SeqArchitecture;
  model: Record<string, unknown>;
  claps: ClapsOptions;
}

export function createSeq2SeqReplica(args: Seq2SeqReplicaArgs): Claps {
  const model = createSeq2SeqModel(args.architecture, args.model);
  try {
    return new Claps(model, args.claps);
  } catch (e) {
    model.dispose();
    throw e;
  }
}
