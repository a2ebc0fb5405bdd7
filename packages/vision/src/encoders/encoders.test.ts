import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@contrastive/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildEncoder, createEncoder, ENCODERS, resnet18Encoder, smallCnnEncoder, vitTinyEncoder } from './index.js';
import { buildHead, byolMlp, mocoV3Projector, simsiamPredictor, simsiamProjector, simclrProjector } from '../heads/index.js';

let before = 0;
beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false });
});
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

/** Saves to memory and loads back (the same path `model.save(fileSystemHandler(dir))` takes). */
async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(artifacts!));
}

const input = (shape: number[]) => tf.tidy(() => tf.randomUniform(shape, 0, 1, 'float32', 3));
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!);

describe('encoders', () => {
  const cases: [string, () => tf.LayersModel, number[], number][] = [
    ['small CNN', () => smallCnnEncoder({ inputShape: [12, 12, 1], widths: [8, 16] }), [2, 12, 12, 1], 16],
    ['ResNet-18 (CIFAR stem, width 1/8)', () => resnet18Encoder({ inputShape: [16, 16, 3], widthMultiplier: 0.125 }), [2, 16, 16, 3], 64],
    ['ViT-tiny', () => vitTinyEncoder({ inputShape: [8, 8, 1], patchSize: 4, dim: 16, depth: 1, heads: 2 }), [2, 8, 8, 1], 16],
  ];
  for (const [label, make, shape, outDim] of cases) {
    it(`${label}: output shape, same seed → same weights, save → load → identical embeddings`, async () => {
      const m = make();
      const m2 = make();
      const x = input(shape);
      const y = m.predict(x) as tf.Tensor;
      const y2 = m2.predict(x) as tf.Tensor;
      expect(y.shape).toEqual([shape[0], outDim]);
      expect(maxDiff(y, y2)).toBe(0);
      const loaded = await roundTrip(m);
      const y3 = loaded.predict(x) as tf.Tensor;
      expect(maxDiff(y, y3)).toBeLessThan(1e-6);
      // Gradients reach every trainable weight.
      const { value, grads } = tf.variableGrads(() => (m.apply(x, { training: true }) as tf.Tensor).square().mean() as tf.Scalar);
      const trainable = m.trainableWeights.length;
      expect(Object.keys(grads).length).toBe(trainable);
      for (const g of Object.values(grads)) expect(Number.isFinite(tf.tidy(() => g.abs().sum().dataSync()[0]!))).toBe(true);
      tf.dispose([x, y, y2, y3, value, ...Object.values(grads)]);
      m.dispose();
      m2.dispose();
      loaded.dispose();
    });
  }

  it('ResNet-18: width multiplier and ImageNet stem change widths and resolution as documented', () => {
    const m = resnet18Encoder({ inputShape: [32, 32, 3], widthMultiplier: 0.25, stem: 'imagenet' });
    expect(m.outputs[0]!.shape).toEqual([null, 128]);
    // 32 → stem /4 → stages /8 → 1×1 before pooling.
    const lastConv = m.layers.filter((l) => l.getClassName() === 'Conv2D').at(-1)!;
    expect(lastConv.outputShape).toEqual([null, 1, 1, 128]);
    const zero = resnet18Encoder({ inputShape: [8, 8, 1], widthMultiplier: 0.125, zeroInitResidual: true });
    const gammas = zero.layers
      .filter((l) => l.getClassName() === 'BatchNormalization')
      .map((l) => tf.tidy(() => l.getWeights()[0]!.abs().sum().dataSync()[0]!));
    expect(gammas.filter((g) => g === 0).length).toBe(8); // the second BN of each of the 8 blocks
    m.dispose();
    zero.dispose();
  });

  it('every BatchNorm in the encoders and heads uses decay 0.9 (PyTorch momentum 0.1), not tfjs 0.99', () => {
    const models = [
      smallCnnEncoder({ inputShape: [12, 12, 1], widths: [8, 16] }),
      resnet18Encoder({ inputShape: [16, 16, 3], widthMultiplier: 0.125 }),
      resnet18Encoder({ inputShape: [16, 16, 1], widthMultiplier: 0.125, stem: 'imagenet', zeroInitResidual: true }),
      buildHead(simclrProjector({ hidden: 16, out: 8 }), { inDim: 16 }),
      buildHead(simsiamProjector({ hidden: 16, out: 8 }), { inDim: 16 }),
    ];
    for (const m of models) {
      const bns = m.layers.filter((l) => l.getClassName() === 'BatchNormalization');
      expect(bns.length, m.name).toBeGreaterThan(0);
      for (const l of bns) expect(l.getConfig()['momentum'], `${m.name}/${l.name}`).toBe(0.9);
      m.dispose();
    }
  });

  it('ViT: a frozen patch embedding gets no gradient and is not trainable', () => {
    const m = vitTinyEncoder({ inputShape: [8, 8, 1], patchSize: 4, dim: 16, depth: 1, heads: 2, freezePatchEmbed: true });
    const patch = m.getLayer('vit_tiny_patch_embed');
    expect(patch.trainable).toBe(false);
    expect(m.trainableWeights.some((w) => w.name.includes('patch_embed'))).toBe(false);
    expect(() => vitTinyEncoder({ inputShape: [10, 10, 1], patchSize: 4 })).toThrow(/divisible by patchSize/);
    m.dispose();
  });

  it('buildEncoder rejects unknown names and bad input shapes', () => {
    expect(() => buildEncoder({ name: 'vgg' as never, inputShape: [8, 8, 1] })).toThrow(
      /unknown encoder 'vgg'; valid: 'small-cnn', 'resnet18', 'vit-tiny'/,
    );
    expect(() => smallCnnEncoder({ inputShape: [8, 8, 4] })).toThrow(/channels 1 or 3/);
  });

  it("createEncoder gives each encoder as core's Encoder (the tower interface): the model's output, its weights, stable names", () => {
    for (const name of ENCODERS) {
      const spec = { name, inputShape: [8, 8, 1] as [number, number, number], seed: 3, widthMultiplier: 0.125 };
      const tower = createEncoder(spec);
      const model = buildEncoder(spec);
      const x = tf.tidy(() => tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 1) as tf.Tensor4D);
      const [a, b] = [tower.apply(x, false), model.apply(x, { training: false }) as tf.Tensor];
      expect(tower.name).toBe(name);
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      expect(tower.trainableWeights.length).toBe(model.trainableWeights.length);
      expect(Object.keys(tower.stateTensors())).toHaveLength(model.weights.length);
      expect(Object.keys(tower.stateTensors())[0]).toMatch(/^encoder\/000_/);
      tf.dispose([x, a, b]);
      tower.dispose();
      model.dispose();
    }
  });
});

describe('heads', () => {
  it('presets place BN, bias and dims as the papers do', () => {
    const s = buildHead(simsiamProjector({ hidden: 8, out: 6 }), { inDim: 5, name: 'p' });
    const classes = s.layers.map((l) => l.getClassName());
    expect(classes).toEqual(['Dense', 'BatchNormalization', 'ReLU', 'Dense', 'BatchNormalization', 'ReLU', 'Dense', 'BatchNormalization']);
    // Last BN is affine=False: γ = 1 and β = 0 frozen, only moving statistics move.
    expect(s.layers.at(-1)!.trainableWeights.length).toBe(0);
    expect(s.layers.at(-1)!.trainable).toBe(false);
    expect(s.layers.filter((l) => l.getClassName() === 'Dense').every((l) => l.getWeights().length === 1)).toBe(true); // no biases
    const pred = buildHead(simsiamPredictor({ hidden: 3, out: 6 }), { inDim: 6, name: 'q' });
    expect(pred.layers.at(-1)!.getClassName()).toBe('Dense');
    expect(pred.layers.at(-1)!.getWeights().length).toBe(2); // output Linear has a bias
    const byol = buildHead(byolMlp({ hidden: 8, out: 4 }), { inDim: 5, name: 'b' });
    expect(byol.layers.map((l) => l.getWeights().length)).toEqual([2, 4, 0, 1]);
    const v3 = buildHead(mocoV3Projector({ hidden: 8, out: 4, layers: 3 }), { inDim: 5, name: 'v' });
    expect(v3.outputs[0]!.shape).toEqual([null, 4]);
    expect(v3.layers.filter((l) => l.getClassName() === 'Dense').length).toBe(3);
    const sim = buildHead(simclrProjector({ hidden: 8, out: 4 }), { inDim: 5, name: 'c' });
    expect(sim.layers.map((l) => l.getClassName())).toEqual(['Dense', 'BatchNormalization', 'ReLU', 'Dense', 'BatchNormalization']);
    for (const m of [s, pred, byol, v3, sim]) m.dispose();
    expect(() => buildHead([{ units: 0 }], { inDim: 3 })).toThrow(/blocks\[0\]\.units/);
  });
});
