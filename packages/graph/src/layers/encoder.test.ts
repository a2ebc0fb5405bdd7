import * as tf from '@tensorflow/tfjs';
import { createRng, frozenEncoder, type Encoder } from '@contrastive/core';
import { fileSystemHandler } from '@contrastive/core/node';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { batchGraphs } from '../data/batch.js';
import { karateClub } from '../data/karate-club.js';
import type { GraphTensors } from '../data/tensors.js';
import { disposeGraphTensors, toTensors } from '../data/tensors.js';
import { toyGraphs } from '../methods/test-utils/toy-graphs.js';
import { GCNEncoder } from './gcn-encoder.js';
import { GINEncoder } from './gin-encoder.js';
import { loadGraphEncoder } from './load-encoder.js';

// The graph encoders as core Encoder<GraphTensors> towers: forward, weights, save/load round trip.

useCpuLeakCheck();
const tmp = useTempDir('graph-encoder-');

const values = (f: () => tf.Tensor): number[] => {
  const t = f();
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
};

describe('graph encoders through core’s Encoder interface', () => {
  it('GINEncoder: apply = graph vectors, every weight trainable and named, frozen wrapper trains nothing', () => {
    const encoder: Encoder<GraphTensors> = new GINEncoder({ inputDim: 3, hidden: 8, layers: 2, edgeDim: 0 }, createRng(1));
    const t = toTensors(batchGraphs(toyGraphs(4, 2)));
    try {
      const out = encoder.apply(t, true);
      expect(out.shape).toEqual([4, 8]);
      out.dispose();
      expect(encoder.trainableWeights).toHaveLength(Object.keys(encoder.stateTensors()).length);
      expect(Object.keys(encoder.stateTensors())).toContain('encoder/gin0/mlp1/w');
      expect(frozenEncoder(encoder).trainableWeights).toEqual([]);
    } finally {
      disposeGraphTensors(t);
      encoder.dispose();
      encoder.dispose(); // idempotent
    }
  });
  it('GINEncoder and GCNEncoder save and load back to the same outputs', async () => {
    const gin = new GINEncoder({ inputDim: 3, hidden: 8, layers: 2, jk: 'concat', readout: 'sum' }, createRng(3));
    const gcn = new GCNEncoder([34, 8, 2], createRng(4), 0.5, 'local');
    const graphs = toTensors(batchGraphs(toyGraphs(5, 6)));
    const karate = toTensors(batchGraphs([karateClub()]));
    try {
      await gin.save(fileSystemHandler(tmp('gin')));
      await gcn.save(fileSystemHandler(tmp('gcn')));
      const gin2 = await loadGraphEncoder(fileSystemHandler(tmp('gin')));
      const gcn2 = await loadGraphEncoder(fileSystemHandler(tmp('gcn')));
      expect(gin2).toBeInstanceOf(GINEncoder);
      expect(gcn2).toBeInstanceOf(GCNEncoder);
      expect((gin2 as GINEncoder).config).toEqual(gin.config);
      expect(values(() => gin2.apply(graphs, false))).toEqual(values(() => gin.apply(graphs, false)));
      expect(values(() => gcn2.apply(karate, false))).toEqual(values(() => gcn.apply(karate, false)));
      expect(Object.keys(gcn2.stateTensors())).toEqual(Object.keys(gcn.stateTensors()));
      gin2.dispose();
      gcn2.dispose();
    } finally {
      disposeGraphTensors(graphs);
      disposeGraphTensors(karate);
      gin.dispose();
      gcn.dispose();
    }
  });
  it('refuses a model folder that is not a graph encoder', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    await model.save(fileSystemHandler(tmp('dense')));
    model.dispose();
    await expect(loadGraphEncoder(fileSystemHandler(tmp('dense')))).rejects.toThrow(/not a graph encoder saved by @contrastive\/graph/);
  });
});
