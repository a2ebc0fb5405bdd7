import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { layersEncoder, stepInfo } from '@contrastive/core';
import { train } from '@contrastive/core/node';
import { useCpuLeakCheck, useTempDir } from '@contrastive/test-utils';
import { GRCL, type GRCLBatch, type GRCLOptions } from './grcl.js';
import { disposeBatch, fixtureBatch, fixtureMethod, methodFixture, tinyEncoder } from './test-utils/fixture-method.js';

useCpuLeakCheck();
const tmp = useTempDir('grcl-');

const read = (t: tf.Tensor) => Array.from(t.dataSync());
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('GRCL gradients vs the PyTorch reference (tools/reference/losses_grcl.py)', () => {
  it('losses, flattened g = ∇L_con + λ∇L_src, G = [∇L_src; ∇L_mem0; ∇L_mem1] and the projection g̃ match to 1e-4', () => {
    const f = methodFixture;
    const method = fixtureMethod();
    const batch = fixtureBatch();
    try {
      const r = method.gradients(batch);
      expect(r.losses.contrastive.dataSync()[0]).toBeCloseTo(f.losses.contrastive, 4);
      expect(r.losses.source.dataSync()[0]).toBeCloseTo(f.losses.source, 4);
      r.losses.memories.forEach((m, j) => expect(m.dataSync()[0]).toBeCloseTo(f.losses.memories[j]!, 4));
      read(r.objective).forEach((x, i) => expect(x).toBeCloseTo(f.objective[i]!, 4));
      (r.constraints.arraySync() as number[][]).forEach((row, k) => row.forEach((x, i) => expect(x).toBeCloseTo(f.constraints[k]![i]!, 4)));
      expect(r.projection.projected).toBe(f.projected);
      const gt = read(r.projection.gradient);
      gt.forEach((x, i) => expect(x).toBeCloseTo(f.expected[i]!, 4));
      for (const row of f.constraints) expect(dot(gt, row)).toBeGreaterThanOrEqual(-1e-6);
      tf.dispose([r.objective, r.constraints, r.projection.gradient, r.keys, r.losses.contrastive, r.losses.source, ...r.losses.memories]);
    } finally {
      disposeBatch(batch);
      method.dispose();
    }
  });
});

/** Source CE and memory CEs of a method, in inference mode (the encoder has no dropout/BN, so = training mode). */
function constrainedLosses(method: GRCL, batch: GRCLBatch): number[] {
  const r = method.gradients(batch);
  const out = [r.losses.source, ...r.losses.memories].map((l) => l.dataSync()[0]!);
  tf.dispose([r.objective, r.constraints, r.projection.gradient, r.keys, r.losses.contrastive, r.losses.source, ...r.losses.memories]);
  return out;
}

describe('GRCL mechanics', () => {
  it('one small projected step does not increase the source and memory losses; the unprojected step does', () => {
    const batch = fixtureBatch();
    const projected = fixtureMethod({ project: true });
    const plain = fixtureMethod({ project: false });
    try {
      const before = constrainedLosses(projected, batch);
      expect(constrainedLosses(plain, batch)).toEqual(before);
      for (const m of [projected, plain]) {
        const out = m.step(batch, stepInfo(0));
        tf.dispose([out.loss, ...Object.values(out.logs).filter((v) => v instanceof tf.Tensor)]);
      }
      const afterProjected = constrainedLosses(projected, batch);
      const afterPlain = constrainedLosses(plain, batch);
      // lr 0.01: the first-order change is ≤ 0 for every constraint; allow float32 / second-order slack.
      afterProjected.forEach((l, k) => expect(l, `constraint ${k}`).toBeLessThanOrEqual(before[k]! + 1e-6));
      expect(afterPlain.some((l, k) => l > before[k]! + 1e-6)).toBe(true);
      expect(afterPlain[2]!).toBeGreaterThan(before[2]!); // the violated memory (see the fixture: ⟨g, g_mem1⟩ < 0)
    } finally {
      disposeBatch(batch);
      projected.dispose();
      plain.dispose();
    }
  });

  it('finishDomain stores pseudo-labels (classifier argmax) and advances the domain; constraints grow with it', () => {
    const f = methodFixture;
    const model = tinyEncoder(f.sizes.inputDim, f.sizes.featureDim);
    const method = new GRCL({
      encoder: layersEncoder(model),
      featureDim: 4,
      numClasses: 3,
      inputShape: [6],
      domains: 2,
      memorySize: 4,
      queueSize: 8,
    });
    const batch = fixtureBatch();
    try {
      expect(method.domain).toBe(0);
      const x = tf.tensor2d(f.memories[1]!.x);
      const logits = method.logits(x);
      const am = tf.argMax(logits, 1);
      const want = read(am);
      am.dispose();
      method.finishDomain(x);
      expect(method.domain).toBe(1);
      const state = method.stateTensors();
      expect((state['memory/y']!.arraySync() as number[][])[0]).toEqual(want);
      expect((state['memory/x']!.arraySync() as number[][][])[0]).toEqual(f.memories[1]!.x.map((r) => r.map(Math.fround)));
      expect((state['memory/y']!.arraySync() as number[][])[1]).toEqual([0, 0, 0, 0]);
      const r = method.gradients(batch);
      expect(r.constraints.shape).toEqual([2, 6 * 4 + 4 + 4 * 3 + 3]);
      tf.dispose([r.objective, r.constraints, r.projection.gradient, r.keys, r.losses.contrastive, r.losses.source, ...r.losses.memories]);
      method.finishDomain(x, [0, 1, 2, 0]);
      expect(() => method.finishDomain(x)).toThrow(/all 2 domains are already finished/);
      tf.dispose([x, logits]);
    } finally {
      disposeBatch(batch);
      method.dispose();
    }
  });

  it('a momentum key encoder starts as a copy of the encoder and lags behind it', () => {
    const method = new GRCL({
      encoder: layersEncoder(tinyEncoder(6, 4, 1)),
      keyEncoder: layersEncoder(tinyEncoder(6, 4, 2)),
      momentum: 0.9,
      featureDim: 4,
      numClasses: 3,
      inputShape: [6],
      domains: 1,
      memorySize: 4,
      queueSize: 8,
    });
    const batch = fixtureBatch();
    try {
      const q = () => read(method.encoder.trainableWeights[0]!);
      const k = () => read(method.keyEncoder!.trainableWeights[0]!);
      expect(k()).toEqual(q());
      const before = q();
      const out = method.step(batch, stepInfo(0));
      tf.dispose([out.loss, ...Object.values(out.logs).filter((v) => v instanceof tf.Tensor)]);
      k().forEach((x, i) => expect(x).toBeCloseTo(before[i]!, 6)); // the EMA ran before the update, when θ_k = θ_q
      const after = q();
      expect(after).not.toEqual(before);
      const out2 = method.step(batch, stepInfo(1));
      tf.dispose([out2.loss, ...Object.values(out2.logs).filter((v) => v instanceof tf.Tensor)]);
      k().forEach((x, i) => expect(x).toBeCloseTo(0.9 * before[i]! + 0.1 * after[i]!, 6));
      expect(Object.keys(method.stateTensors()).filter((n) => n.startsWith('key_encoder/'))).toHaveLength(2);
    } finally {
      disposeBatch(batch);
      method.dispose();
    }
  });

  it('rejects bad options and batches, naming them', () => {
    const enc = () => layersEncoder(tinyEncoder(6, 4));
    const base = { featureDim: 4, numClasses: 3, inputShape: [6], domains: 2 };
    for (const [bad, re] of [
      [{ numClasses: 1 }, /numClasses must be >= 2/],
      [{ domains: 0 }, /domains must be an integer >= 1, got 0/],
      [{ inputShape: [] }, /inputShape must be a non-empty array/],
      [{ temperature: 0 }, /temperature must be > 0/],
    ] as const) {
      const e = enc();
      expect(() => new GRCL({ ...base, encoder: e, ...(bad as Partial<GRCLOptions>) })).toThrow(re);
      e.dispose();
    }
    const method = new GRCL({ ...base, encoder: enc(), memorySize: 4, queueSize: 8 });
    const a = tf.zeros([3, 5]);
    const b = tf.zeros([3, 6]);
    try {
      expect(() => method.step({ views: [a, b], source: { x: b, labels: [0, 1, 2] } }, stepInfo(0))).toThrow(
        /batch.views\[0\] must have shape \[N, 6\], got \[3, 5\]/,
      );
      expect(() => method.step({ views: [b, b], source: { x: b, labels: [0, 1] } }, stepInfo(0))).toThrow(
        /source.labels must have shape \[3\]/,
      );
      expect(() => method.finishDomain(b)).toThrow(/samples must have shape \[4, 6\], got \[3, 6\]/);
    } finally {
      tf.dispose([a, b]);
      method.dispose();
    }
  });
});

describe('GRCL through train()', () => {
  function* batches(_epoch: number, rng: { seed(): number }): Generator<GRCLBatch> {
    for (let i = 0; i < 3; i++) {
      const x = tf.randomNormal([6, 6], 0, 1, 'float32', rng.seed());
      const noise = (s: number) => tf.tidy(() => tf.add(x, tf.randomNormal([6, 6], 0, 0.1, 'float32', s)));
      const views: [tf.Tensor, tf.Tensor] = [noise(rng.seed()), noise(rng.seed())];
      const source = { x: tf.randomNormal([6, 6], 0, 1, 'float32', rng.seed()), labels: [0, 1, 2, 0, 1, 2] };
      x.dispose();
      yield { views, source };
    }
  }

  async function run(dir: string, opts: { resume?: boolean; stopAfter?: number } = {}) {
    const method = new GRCL({
      encoder: layersEncoder(tinyEncoder(6, 4, 3)),
      featureDim: 4,
      numClasses: 3,
      inputShape: [6],
      domains: 2,
      memorySize: 4,
      queueSize: 8,
      temperature: 0.2,
      optimizer: tf.train.adam(0.01),
    });
    if (!opts.resume) {
      // Domain 0 finished before this run: its memory (pseudo-labelled) must come back from the checkpoint.
      const mem = tf.randomNormal([4, 6], 0, 1, 'float32', 5);
      method.finishDomain(mem);
      mem.dispose();
    }
    let steps = 0;
    try {
      const result = await train({
        method,
        batches,
        epochs: 3,
        seed: 11,
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
      const weights = Object.fromEntries(Object.entries(method.stateTensors()).map(([k, v]) => [k, Array.from(v.dataSync())]));
      return { result, weights, domain: method.domain };
    } finally {
      method.dispose();
    }
  }

  it('a run interrupted mid-epoch and resumed equals the uninterrupted one (memories and domain index checkpointed)', async () => {
    const full = await run(tmp('full'));
    await run(tmp('cut'), { stopAfter: 5 });
    const resumed = await run(tmp('cut'), { resume: true });
    expect(resumed.domain).toBe(1);
    expect(resumed.result!.losses).toEqual(full.result!.losses);
    expect(resumed.weights).toEqual(full.weights);
  });
});
