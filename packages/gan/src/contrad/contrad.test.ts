import * as tf from '@tensorflow/tfjs';
import { createRng, type Rng, stepInfo, trainableVariables } from '@contrastive/core';
import { train } from '@contrastive/core/node';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { contradAugment } from '../augment/contrad-augment.js';
import { ContraD } from './contrad.js';
import { contradFakeLoss, contradRealLoss } from './contrad-losses.js';
import { changed, realBatch, snapshot, tinyContraD, tinyEncoder, tinyGenerator } from './test-utils/tiny-models.js';

useCpuLeakCheck();
const tmp = useTempDir('contrad-');

const num = (t: tf.Tensor | number): number => (typeof t === 'number' ? t : t.dataSync()[0]!);

/** max |g| per group of variables, for the gradient of one loss term (absent = no connection = 0). */
function gradientNorms(m: ContraD, views: tf.Tensor4D, term: 'loss' | 'conReal' | 'conFake' | 'dis'): Record<string, number> {
  const groups = {
    encoder: trainableVariables(m.discriminator),
    projection: trainableVariables(m.projection),
    projection2: trainableVariables(m.projection2),
    disHead: trainableVariables(m.disHead),
  };
  const all = Object.values(groups).flat();
  return tf.tidy(() => {
    const { grads } = tf.variableGrads(() => m.discriminatorLoss(views)[term], all);
    return Object.fromEntries(
      Object.entries(groups).map(([name, vars]) => [
        name,
        Math.max(0, ...vars.map((v) => (grads[v.name] ? tf.max(tf.abs(grads[v.name]!)).dataSync()[0]! : 0))),
      ]),
    );
  });
}

describe('ContraD: the discriminator loss', () => {
  it('L_dis does not reach the encoder (stop-gradient features), only the dis head; both heads get gradients from L_D', () => {
    const m = tinyContraD();
    const views = realBatch(12, 5); // [v1; v2; fakes] with N = 4
    try {
      const dis = gradientNorms(m, views, 'dis');
      expect(dis.encoder).toBe(0);
      expect(dis.projection).toBe(0);
      expect(dis.projection2).toBe(0);
      expect(dis.disHead).toBeGreaterThan(1e-6);
      const conReal = gradientNorms(m, views, 'conReal');
      expect(conReal.encoder).toBeGreaterThan(1e-6);
      expect(conReal.projection).toBeGreaterThan(1e-6);
      expect(conReal.projection2).toBe(0); // L_con⁺ goes through head 1 only
      expect(conReal.disHead).toBe(0);
      const conFake = gradientNorms(m, views, 'conFake');
      expect(conFake.encoder).toBeGreaterThan(1e-6);
      expect(conFake.projection).toBe(0); // L_con⁻ goes through head 2 only
      expect(conFake.projection2).toBeGreaterThan(1e-6);
      const total = gradientNorms(m, views, 'loss');
      for (const k of ['encoder', 'projection', 'projection2', 'disHead']) expect(total[k]).toBeGreaterThan(1e-6);
    } finally {
      views.dispose();
      m.dispose();
    }
  });

  it('the terms are the ContraD losses of the heads on [v1; v2; fakes] and L_D = L_con⁺ + λ·L_con⁻ + L_dis', () => {
    const m = tinyContraD({ lambdaCon: 0.5, temperature: 0.2 });
    const views = realBatch(9, 6);
    try {
      tf.tidy(() => {
        const t = m.discriminatorLoss(views);
        const f = m.discriminator.apply(views) as tf.Tensor2D;
        const p1 = m.projection.apply(f) as tf.Tensor2D;
        const p2 = m.projection2.apply(f) as tf.Tensor2D;
        const d = m.disHead.apply(f) as tf.Tensor2D;
        const conReal = contradRealLoss(p1.slice([0, 0], [3, -1]), p1.slice([3, 0], [3, -1]), { temperature: 0.2 });
        const conFake = contradFakeLoss(p2.slice([0, 0], [6, -1]), p2.slice([6, 0], [3, -1]), { temperature: 0.2 });
        const dReal = d.slice([0, 0], [3, -1]);
        const dFake = d.slice([6, 0], [3, -1]);
        const dis = tf.add(tf.mean(tf.softplus(dFake)), tf.mean(tf.softplus(tf.neg(dReal))));
        expect(num(t.conReal)).toBeCloseTo(num(conReal), 5);
        expect(num(t.conFake)).toBeCloseTo(num(conFake), 5);
        expect(num(t.dis)).toBeCloseTo(num(dis), 5);
        expect(num(t.dReal)).toBeCloseTo(num(tf.mean(dReal)), 5);
        expect(num(t.dFake)).toBeCloseTo(num(tf.mean(dFake)), 5);
        expect(num(t.loss)).toBeCloseTo(num(conReal) + 0.5 * num(conFake) + num(dis), 4);
      });
    } finally {
      views.dispose();
      m.dispose();
    }
  });

  it('default heads: Linear(d, 128) → LeakyReLU(0.1) → Linear(128, 128), two separate copies, and a Linear(d, 1) dis head', () => {
    const m = new ContraD({ generator: tinyGenerator(1), discriminator: tinyEncoder(2) });
    try {
      for (const head of [m.projection, m.projection2]) {
        expect(head.outputs[0]!.shape).toEqual([null, 128]);
        expect(head.layers.map((l) => l.getClassName())).toEqual(['Dense', 'LeakyReLU', 'Dense']);
        expect((head.layers[0]!.getConfig() as { units: number }).units).toBe(128);
        expect((head.layers[1]!.getConfig() as { alpha: number }).alpha).toBeCloseTo(0.1, 6);
      }
      expect(m.projection.getWeights()[0]!.dataSync()).not.toEqual(m.projection2.getWeights()[0]!.dataSync());
      expect(m.disHead.outputs[0]!.shape).toEqual([null, 1]);
      expect(Object.keys(m.optimizers())).toEqual(['discriminator', 'generator']);
      const lr = m.dOptimizer as unknown as { learningRate: number; beta1: number; beta2: number };
      expect([lr.learningRate, lr.beta1, lr.beta2]).toEqual([2e-4, 0.5, 0.999]);
      const names = Object.keys(m.stateTensors());
      for (const p of ['generator/', 'discriminator/', 'projection/', 'projection2/', 'dis_head/']) {
        expect(names.some((n) => n.startsWith(p))).toBe(true);
      }
    } finally {
      m.dispose();
    }
  });
});

describe('ContraD: the two updates', () => {
  it('the D step changes the encoder, both heads and the dis head, never G (fakes are detached)', () => {
    const m = tinyContraD();
    const x = realBatch(4, 7);
    try {
      const before = snapshot(m);
      tf.dispose(Object.values(m.discriminatorStep(x, createRng(1))));
      const moved = changed(before, snapshot(m));
      expect(moved.some((k) => k.startsWith('generator/'))).toBe(false);
      for (const p of ['discriminator/', 'projection/', 'projection2/', 'dis_head/']) expect(moved.some((k) => k.startsWith(p))).toBe(true);
    } finally {
      x.dispose();
      m.dispose();
    }
  });

  it('the G step changes only G (its gradient goes through aug, the encoder and the dis head)', () => {
    const m = tinyContraD();
    try {
      const before = snapshot(m);
      const g = m.generatorStep(4, createRng(2));
      expect(Number.isFinite(num(g))).toBe(true);
      g.dispose();
      const moved = changed(before, snapshot(m));
      expect(moved.length).toBeGreaterThan(0);
      expect(moved.every((k) => k.startsWith('generator/'))).toBe(true);
    } finally {
      m.dispose();
    }
  });

  it('step = D step then G step; loss = dLoss + gLoss; logs are finite and named as documented', () => {
    const m = tinyContraD();
    const x = realBatch(4, 8);
    try {
      const out = m.step(x, stepInfo(0, { seed: 1 })) as { loss: tf.Scalar; logs: Record<string, tf.Scalar> };
      expect(Object.keys(out.logs).sort()).toEqual(['conFake', 'conReal', 'dFake', 'dLoss', 'dReal', 'dis', 'gLoss']);
      for (const v of Object.values(out.logs)) expect(Number.isFinite(num(v))).toBe(true);
      expect(num(out.loss)).toBeCloseTo(num(out.logs.dLoss!) + num(out.logs.gLoss!), 5);
      expect(num(out.logs.dLoss!)).toBeCloseTo(num(out.logs.conReal!) + num(out.logs.conFake!) + num(out.logs.dis!), 4);
      tf.dispose([out.loss, ...Object.values(out.logs)]);
    } finally {
      x.dispose();
      m.dispose();
    }
  });

  it('validates options and batches, naming the argument', () => {
    const g = tinyGenerator(1);
    const e = tinyEncoder(2);
    expect(() => new ContraD({ generator: g, discriminator: {} as never })).toThrow(/options.discriminator must be a tf.LayersModel/);
    expect(() => new ContraD({ generator: g, discriminator: e, temperature: 0 })).toThrow(/temperature/);
    expect(() => new ContraD({ generator: g, discriminator: e, lambdaCon: -1 })).toThrow(/lambdaCon/);
    g.dispose();
    e.dispose();
    const m = tinyContraD();
    const one = realBatch(1, 1);
    const flat = tf.zeros([4, 3]);
    try {
      expect(() => m.step(one, stepInfo(0))).toThrow(/N >= 2/);
      expect(() => m.step(flat as never, stepInfo(0))).toThrow(/\[N, H, W, C\]/);
    } finally {
      tf.dispose([one, flat]);
      m.dispose();
    }
    expect(() => m.stateTensors()).toThrow(/disposed/);
  });
});

describe('ContraD through train(): checkpoint and resume', () => {
  function* batches(_epoch: number, rng: Rng): Generator<tf.Tensor4D> {
    for (let i = 0; i < 3; i++) yield tf.randomUniform([4, 6, 6, 3], 0, 1, 'float32', rng.seed()) as tf.Tensor4D;
  }

  async function run(dir: string, opts: { resume?: boolean; stopAfter?: number } = {}) {
    const method = tinyContraD({ augment: contradAugment() });
    let steps = 0;
    try {
      const result = await train({
        method,
        batches,
        epochs: 2,
        seed: 9,
        progress: false,
        checkpointDir: dir,
        checkpointEverySteps: 2,
        resume: opts.resume ?? false,
        callbacks: {
          onStepEnd: () => {
            if (opts.stopAfter !== undefined && ++steps === opts.stopAfter) throw new Error('interrupted');
          },
        },
      }).catch((err: Error) => {
        if (err.message !== 'interrupted') throw err;
        return null;
      });
      return { result, weights: snapshot(method) };
    } finally {
      method.dispose();
    }
  }

  it('a run interrupted mid-epoch and resumed equals the uninterrupted run (G, D, both heads, dis head, both Adams)', async () => {
    const full = await run(tmp('full'));
    await run(tmp('cut'), { stopAfter: 4 });
    const resumed = await run(tmp('cut'), { resume: true });
    expect(full.result!.losses.length).toBe(6);
    expect(resumed.result!.losses).toEqual(full.result!.losses);
    expect(resumed.weights).toEqual(full.weights);
    const fresh = tinyContraD();
    try {
      const moved = changed(snapshot(fresh), full.weights);
      for (const p of ['generator/', 'discriminator/', 'projection/', 'projection2/', 'dis_head/'])
        expect(moved.some((k) => k.startsWith(p))).toBe(true);
    } finally {
      fresh.dispose();
    }
  });
});
