import { createRegistry } from '@contrastive/core';
import type { BertEncoder } from '../encoders/bert.js';
import type { Pooling } from '../encoders/pooling.js';
import type { TokenBatch } from '../tokenize/text-tokenizer.js';
import { ANCE } from './ance.js';
import type { AnceBatch, ANCEOptions } from './ance.js';
import { ConSERT } from './consert.js';
import type { ConSERTOptions } from './consert.js';
import { SimCSE } from './simcse.js';
import type { SimCSEOptions } from './simcse.js';
import { SupervisedSimCSE } from './simcse-supervised.js';
import type { SupervisedSimCSEOptions, TripletBatch } from './simcse-supervised.js';
import type { TextMethod } from './text-method.js';

/** A batch of any text method: sentences (`simcse`, `consert`), triplets (`simcse-sup`) or query/positive/negatives (`ance`). */
export type TextBatch = TokenBatch | TripletBatch | AnceBatch;

/**
 * Options of {@link createMethod}: the encoder (owned by the method from then on) and the options of the
 * method named (each method reads its own; see `SimCSEOptions`, `SupervisedSimCSEOptions`, `ConSERTOptions`).
 */
export interface CreateTextMethodOptions
  extends Omit<SimCSEOptions, 'trainPooling' | 'testPooling'>,
    SupervisedSimCSEOptions,
    Omit<ConSERTOptions, 'pooling' | 'testPooling'>,
    Omit<ANCEOptions, 'pooling'> {
  /** The BERT to train; the method owns it (its `dispose()` frees it). */
  encoder: BertEncoder;
  /**
   * Pooling in training and at test. Default: the method's (SimCSE `cls-mlp` in training and `cls` at test;
   * supervised SimCSE `cls-mlp`; ConSERT `mean` in training, `last2avg` at test).
   */
  pooling?: Pooling;
  /** SimCSE only: pooling in training (overrides `pooling`). */
  trainPooling?: Pooling;
  /** SimCSE and ConSERT: pooling at test (overrides `pooling`). */
  testPooling?: Pooling;
}

/** The options a text method is built with, without the encoder (what recipes fix). */
export type TextMethodConfig = Omit<CreateTextMethodOptions, 'encoder' | 'optimizer'>;

/** What each method trains on: single sentences, `{text, positive, negative}` triplets, or `{query, document}` pairs (`ance`). */
export const TEXT_METHOD_INPUTS = { simcse: 'sentences', 'simcse-sup': 'triplets', consert: 'sentences', ance: 'pairs' } as const;

/** A registered text method name. */
export type TextMethodName = keyof typeof TEXT_METHOD_INPUTS;

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/**
 * The text methods by name (core's `createRegistry`): `simcse` (unsupervised SimCSE), `simcse-sup`
 * (supervised SimCSE on triplets), `consert`. `register` adds a user's own.
 */
export const textMethods = createRegistry<CreateTextMethodOptions, TextMethod<TextBatch>>('text method', {
  simcse: {
    description: 'unsupervised SimCSE (Gao et al., 2021): the same sentences twice, dropout as the augmentation',
    create: ({ encoder, pooling, trainPooling, testPooling, ...rest }) =>
      new SimCSE(encoder, defined({ ...rest, trainPooling: trainPooling ?? pooling, testPooling: testPooling ?? pooling })),
  },
  'simcse-sup': {
    description: 'supervised SimCSE: (text, entailed positive, contradicting hard negative) triplets',
    create: ({ encoder, ...rest }) => new SupervisedSimCSE(encoder, defined(rest)),
  },
  consert: {
    description: 'ConSERT (Yan et al., 2021): two embedding-level views (cutoff, token shuffle, noise, adversarial)',
    create: ({ encoder, pooling, testPooling, ...rest }) =>
      new ConSERT(encoder, defined({ ...rest, pooling, testPooling: testPooling ?? pooling })),
  },
  ance: {
    description: 'ANCE (Xiong et al., 2021): query/passage pairs against negatives re-mined from an ANN index every K steps',
    create: ({ encoder, ...rest }) => new ANCE(encoder, defined(rest)),
  },
});

/** Names of the registered text methods, in registration order. */
export const METHODS: readonly TextMethodName[] = ['simcse', 'simcse-sup', 'consert', 'ance'];

/**
 * Builds a text method by name; unknown names throw with the valid ones. The method owns `options.encoder`.
 *
 * @example const method = createMethod('consert', { encoder: bert, learningRate: 5e-4 });
 */
export function createMethod(name: string, options: CreateTextMethodOptions): TextMethod<TextBatch> {
  return textMethods.create(name, options);
}
