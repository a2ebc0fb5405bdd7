// Test helper (excluded from dist): a GRCL instance set to the weights, queue and memories of the
// "method" case of __fixtures__/grcl.json (tools/reference/losses_grcl.py), and its batch.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { layersEncoder } from '@contrastive/core';
import { GRCL, type GRCLBatch } from '../grcl.js';

export interface MethodFixture {
  sizes: { n: number; inputDim: number; featureDim: number; numClasses: number; queueSize: number; memorySize: number };
  temperature: number;
  sourceWeight: number;
  weights: { encoderKernel: number[][]; encoderBias: number[]; classifierKernel: number[][]; classifierBias: number[] };
  views: [number[][], number[][]];
  queue: number[][];
  source: { x: number[][]; labels: number[] };
  memories: { x: number[][]; labels: number[] }[];
  losses: { contrastive: number; source: number; memories: number[] };
  objective: number[];
  constraints: number[][];
  projected: boolean;
  expected: number[];
}

export const methodFixture = (
  JSON.parse(readFileSync(new URL('../__fixtures__/grcl.json', import.meta.url), 'utf8')) as { method: MethodFixture }
).method;

/** A Dense(inputDim → featureDim, tanh) encoder, seeded. */
export function tinyEncoder(inputDim: number, featureDim: number, seed = 1): tf.LayersModel {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      inputShape: [inputDim],
      units: featureDim,
      activation: 'tanh',
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    }),
  );
  return model;
}

export function fixtureMethod(options: { project?: boolean } = {}): GRCL {
  const f = methodFixture;
  const model = tinyEncoder(f.sizes.inputDim, f.sizes.featureDim);
  const w = [tf.tensor2d(f.weights.encoderKernel), tf.tensor1d(f.weights.encoderBias)];
  model.setWeights(w);
  tf.dispose(w);
  const method = new GRCL({
    encoder: layersEncoder(model),
    featureDim: f.sizes.featureDim,
    numClasses: f.sizes.numClasses,
    inputShape: [f.sizes.inputDim],
    domains: 3,
    memorySize: f.sizes.memorySize,
    queueSize: f.sizes.queueSize,
    temperature: f.temperature,
    sourceWeight: f.sourceWeight,
    project: options.project ?? true,
    optimizer: tf.train.sgd(0.01),
  });
  tf.tidy(() => {
    const state = method.stateTensors();
    state['classifier/kernel']!.assign(tf.tensor2d(f.weights.classifierKernel));
    state['classifier/bias']!.assign(tf.tensor1d(f.weights.classifierBias));
    state['queue/keys']!.assign(tf.tensor2d(f.queue));
  });
  for (const m of f.memories) {
    const x = tf.tensor2d(m.x);
    method.finishDomain(x, m.labels);
    x.dispose();
  }
  return method;
}

export function fixtureBatch(): GRCLBatch {
  const f = methodFixture;
  return { views: [tf.tensor2d(f.views[0]), tf.tensor2d(f.views[1])], source: { x: tf.tensor2d(f.source.x), labels: f.source.labels } };
}

export function disposeBatch(b: GRCLBatch): void {
  tf.dispose([...b.views, b.source.x]);
}
