import * as tf from '@tensorflow/tfjs';
import { expectClose, type Nested, readFixtureCases } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { type AdapterBatch, adapterLoss } from './adapter-loss.js';
import { type AdapterLayers, type AdapterTensor, adapterTensorNames, TowerAdapter } from './tower-adapter.js';

interface AdapterCase {
  name: string;
  layers: AdapterLayers;
  dims: number[];
  temperature: number;
  vectors: Record<'query' | 'positive' | 'negative', number[][]>;
  weights: Record<string, Nested>;
  value: number;
  grads: Record<string, Nested>;
  vectorGrads: Record<string, Nested>;
}

const cases = readFixtureCases<AdapterCase>(new URL('../__fixtures__', import.meta.url), 'text_adapter.json');

function tensorOf(x: Nested): AdapterTensor {
  const t = tf.tensor(x as number[]);
  const out = { shape: t.shape, data: t.dataSync() as Float32Array };
  t.dispose();
  return out;
}

/** Torch-layout tensor of a `[in, out]` kernel gradient (or a bias gradient as it is). */
function torchLayout(g: tf.Tensor): Float32Array {
  return tf.tidy(() => (g.rank === 2 ? g.transpose() : g).dataSync() as Float32Array);
}

describe('adapterLoss: golden values against PyTorch (tools/reference/text_adapter.py)', () => {
  it('has the four cases (linear, mlp) x (pairs, triplets)', () => {
    expect(cases.map((c) => c.name)).toEqual(['linear pairs', 'linear triplets', 'mlp pairs', 'mlp triplets']);
  });

  for (const c of cases) {
    it(`${c.name}: the loss and its gradient w.r.t. every weight and every tower vector`, () => {
      const before = tf.memory().numTensors;
      const adapter = TowerAdapter.fromTensors(c.layers, c.dims, new Map(Object.entries(c.weights).map(([k, v]) => [k, tensorOf(v)])));
      const vars = adapter.trainableVariables();
      const names = adapterTensorNames(c.layers);
      const variable = (rows: number[][]) => tf.tidy(() => tf.variable(tf.tensor2d(rows)));
      const x = {
        query: variable(c.vectors.query),
        positive: variable(c.vectors.positive),
        ...(c.vectors.negative ? { negative: variable(c.vectors.negative) } : {}),
      };
      const batch: AdapterBatch = x;
      const { value, grads } = tf.variableGrads(
        () => adapterLoss(adapter, batch, { temperature: c.temperature }),
        [...vars, ...Object.values(x)],
      );
      expectClose(value.dataSync()[0]!, c.value, `${c.name} loss`);
      names.forEach((name, i) => expectClose(torchLayout(grads[vars[i]!.name]!), c.grads[name]!, `${c.name} d/d ${name}`));
      for (const [k, v] of Object.entries(x)) expectClose(grads[v.name]!.dataSync(), c.vectorGrads[k]!, `${c.name} d/d ${k}`);
      tf.dispose([value, ...Object.values(grads), ...Object.values(x)]);
      adapter.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('refuses batches whose shapes do not fit the adapter, and in-batch pairs of one', () => {
    const adapter = new TowerAdapter({ inputDim: 4 });
    const q = tf.ones([3, 4]) as tf.Tensor2D;
    const wrong = tf.ones([3, 5]) as tf.Tensor2D;
    const short = tf.ones([2, 4]) as tf.Tensor2D;
    const one = tf.ones([1, 4]) as tf.Tensor2D;
    expect(() => adapterLoss(adapter, { query: q, positive: wrong })).toThrow(
      /positive must be tower vectors \[N, 4\] with the queries' N = 3, got \[3, 5\]/,
    );
    expect(() => adapterLoss(adapter, { query: q, positive: q, negative: short })).toThrow(/negative must be tower vectors/);
    expect(() => adapterLoss(adapter, { query: one, positive: one })).toThrow(/in-batch needs N >= 2/);
    expect(() => adapterLoss(adapter, { query: q, positive: q }, { temperature: 0 })).toThrow(/temperature/);
    tf.dispose([q, wrong, short, one]);
    adapter.dispose();
  });
});
