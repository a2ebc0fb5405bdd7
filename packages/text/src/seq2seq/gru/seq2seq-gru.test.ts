import * as tf from '@tensorflow/tfjs';
import { createRng } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeBatch, padIds, seq2seqBatch } from '../model/batch.js';
import { beamSearch, greedyDecode } from '../model/decode.js';
import { gruLayer } from './gru-layer.js';
import { Seq2SeqGru } from './seq2seq-gru.js';

process.env.CONTRASTIVE_BACKEND = 'cpu';

const tiny = { vocabSize: 10, dModel: 8, hidden: 12, maxLength: 12, seed: 3 };

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!);
}

describe('gruLayer', () => {
  useCpuLeakCheck();
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it("matches PyTorch's GRU equations computed by hand, and carries the state over masked steps", () => {
    const r = createRng(1);
    const [B, T, I, H] = [2, 3, 2, 2];
    const arr = (n: number): number[] => Array.from({ length: n }, () => r.range(-1, 1));
    const wih = arr(3 * H * I);
    const whh = arr(3 * H * H);
    const bih = arr(3 * H);
    const bhh = arr(3 * H);
    const xs = arr(B * T * I);
    const mask = [1, 1, 1, 1, 1, 0];
    const sig = (v: number): number => 1 / (1 + Math.exp(-v));
    const expected: number[] = [];
    for (let b = 0; b < B; b++) {
      let h = [0, 0];
      for (let t = 0; t < T; t++) {
        const x = xs.slice((b * T + t) * I, (b * T + t + 1) * I);
        const gi = (g: number, j: number): number => bih[g * H + j]! + x.reduce((a, v, k) => a + wih[(g * H + j) * I + k]! * v, 0);
        const gh = (g: number, j: number): number => bhh[g * H + j]! + h.reduce((a, v, k) => a + whh[(g * H + j) * H + k]! * v, 0);
        const next = h.map((hj, j) => {
          const rr = sig(gi(0, j) + gh(0, j));
          const z = sig(gi(1, j) + gh(1, j));
          const n = Math.tanh(gi(2, j) + rr * gh(2, j));
          return (1 - z) * n + z * hj;
        });
        if (mask[b * T + t]) h = next;
        expected.push(...h);
      }
    }
    const out = tf.tidy(() =>
      gruLayer(tf.tensor3d(xs, [B, T, I]), tf.tensor2d(mask, [B, T]), tf.zeros([B, H]), {
        weightIh: tf.tensor2d(wih, [3 * H, I]),
        weightHh: tf.tensor2d(whh, [3 * H, H]),
        biasIh: tf.tensor1d(bih),
        biasHh: tf.tensor1d(bhh),
      }),
    );
    const got = Array.from(out.dataSync());
    out.dispose();
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    // Row 1's masked last step repeats step 2.
    expect(got.slice(10, 12)).toEqual(got.slice(8, 10));
  });
});

describe('Seq2SeqGru', () => {
  useCpuLeakCheck();
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('has the documented shapes, names and defaults', () => {
    const m = new Seq2SeqGru(tiny);
    const src = padIds(
      [
        [3, 4, 5, 6],
        [7, 8],
      ],
      0,
    );
    const tgt = padIds(
      [
        [1, 3, 4],
        [1, 5, 0],
      ],
      0,
    );
    const hEnc = m.encode(src.ids, src.mask);
    const hDec = m.decode(hEnc, src.mask, tgt.ids, tgt.mask);
    const logits = m.logits(hDec);
    expect(hEnc.shape).toEqual([2, 4, 8]);
    expect(hDec.shape).toEqual([2, 3, 8]);
    expect(logits.shape).toEqual([2, 3, 10]);
    expect(m.kind).toBe('gru');
    expect(m.headScale).toBe(1);
    const names = Object.keys(m.stateTensors());
    for (const n of [
      'shared.weight',
      'encoder.gru_fwd.weight_ih',
      'encoder.gru_bwd.weight_hh',
      'decoder.attn.weight',
      'decoder.combine.weight',
      'lm_head.weight',
    ])
      expect(names).toContain(n);
    expect(m.weight('encoder.gru_fwd.weight_ih').shape).toEqual([36, 8]);
    expect(m.trainableWeights.length).toBe(names.length);
    expect(m.config).toMatchObject({ attention: 'general', tieEmbeddings: false, dropout: 0.1, padId: 0, bosId: 1, eosId: 2 });
    // h̃ = tanh(…) is bounded; padded source positions of H_enc are zero.
    expect(tf.tidy(() => hDec.abs().max().dataSync()[0]!)).toBeLessThanOrEqual(1);
    expect(tf.tidy(() => hEnc.slice([1, 2, 0], [1, 2, 8]).abs().max().dataSync()[0]!)).toBe(0);
    tf.dispose([src.ids, src.mask, tgt.ids, tgt.mask, hEnc, hDec, logits]);
    m.dispose();
    const defaults = new Seq2SeqGru({ vocabSize: 10 });
    expect(defaults.config).toMatchObject({ dModel: 128, hidden: 256, maxLength: 64, seed: 0 });
    defaults.dispose();
  });

  it('validates its config', () => {
    expect(() => new Seq2SeqGru({ ...tiny, hidden: 0 })).toThrow(/hidden/);
    expect(() => new Seq2SeqGru({ ...tiny, attention: 'dot' })).toThrow(/dot.*hidden \(12\) === dModel \(8\)/);
    expect(() => new Seq2SeqGru({ ...tiny, attention: 'concat' as 'dot' })).toThrow(/general \| dot/);
    expect(() => new Seq2SeqGru({ ...tiny, eosId: 10 })).toThrow(/eosId/);
    expect(() => new Seq2SeqGru({ ...tiny, dropout: 1 })).toThrow(/dropout/);
  });

  it('is seeded and rebuilds from its own config (what a saved model stores)', () => {
    const a = new Seq2SeqGru(tiny);
    const b = new Seq2SeqGru({ ...a.config });
    const c = new Seq2SeqGru({ ...tiny, seed: 4 });
    for (const n of ['encoder.gru_bwd.weight_ih', 'lm_head.weight']) {
      expect(maxAbsDiff(a.weight(n), b.weight(n))).toBe(0);
      expect(maxAbsDiff(a.weight(n), c.weight(n))).toBeGreaterThan(0);
    }
    for (const m of [a, b, c]) m.dispose();
  });

  it('padding in the source or target leaves real positions unchanged; the source is live', () => {
    const m = new Seq2SeqGru(tiny);
    const s1 = padIds([[3, 4, 5]], 0);
    const s2 = padIds([[3, 4, 5]], 0, 6);
    const t1 = padIds([[1, 6, 7]], 0);
    const t2 = padIds([[1, 6, 7]], 0, 5);
    const e1 = m.encode(s1.ids, s1.mask);
    const e2 = m.encode(s2.ids, s2.mask);
    const d1 = m.decode(e1, s1.mask, t1.ids, t1.mask);
    const d2 = m.decode(e2, s2.mask, t2.ids, t2.mask);
    const [e2r, d2r] = tf.tidy(() => [e2.slice([0, 0, 0], [1, 3, 8]), d2.slice([0, 0, 0], [1, 3, 8])]);
    expect(maxAbsDiff(e1, e2r!)).toBeLessThan(1e-5);
    expect(maxAbsDiff(d1, d2r!)).toBeLessThan(1e-5);
    const s3 = padIds([[9, 4, 5]], 0);
    const e3 = m.encode(s3.ids, s3.mask);
    const d3 = m.decode(e3, s3.mask, t1.ids, t1.mask);
    expect(maxAbsDiff(d1, d3)).toBeGreaterThan(1e-4);
    // The backward direction reaches position 0 from the end: changing the last token changes H_enc[0].
    expect(tf.tidy(() => maxAbsDiff(e1.slice([0, 0, 0], [1, 1, 8]), e3.slice([0, 0, 0], [1, 1, 8])))).toBeGreaterThan(1e-4);
    tf.dispose([s1.ids, s1.mask, s2.ids, s2.mask, s3.ids, s3.mask, t1.ids, t1.mask, t2.ids, t2.mask, e1, e2, e3, d1, d2, d3, e2r!, d2r!]);
    m.dispose();
  });

  it('is causal: a later target token does not change earlier states', () => {
    const m = new Seq2SeqGru(tiny);
    const src = padIds([[3, 4, 5]], 0);
    const t1 = padIds([[1, 3, 4, 5]], 0);
    const t2 = padIds([[1, 3, 4, 9]], 0);
    const hEnc = m.encode(src.ids, src.mask);
    const h1 = m.decode(hEnc, src.mask, t1.ids, t1.mask);
    const h2 = m.decode(hEnc, src.mask, t2.ids, t2.mask);
    const [a, b, c, d] = tf.tidy(() => [
      h1.slice([0, 0, 0], [1, 3, 8]),
      h2.slice([0, 0, 0], [1, 3, 8]),
      h1.slice([0, 3, 0], [1, 1, 8]),
      h2.slice([0, 3, 0], [1, 1, 8]),
    ]);
    expect(maxAbsDiff(a!, b!)).toBe(0);
    expect(maxAbsDiff(c!, d!)).toBeGreaterThan(1e-4);
    tf.dispose([src.ids, src.mask, t1.ids, t1.mask, t2.ids, t2.mask, hEnc, h1, h2, a!, b!, c!, d!]);
    m.dispose();
  });

  it('attention weights sum to 1 over real source positions and are 0 on padding', () => {
    for (const attention of ['general', 'dot'] as const) {
      const m = new Seq2SeqGru({ ...tiny, hidden: 8, attention });
      const src = padIds(
        [
          [3, 4, 5, 6],
          [7, 8],
        ],
        0,
      );
      const tgt = padIds(
        [
          [1, 3, 4],
          [1, 5, 6],
        ],
        0,
      );
      const hEnc = m.encode(src.ids, src.mask);
      const { states, attention: p } = m.decodeWithAttention(hEnc, src.mask, tgt.ids, tgt.mask);
      const w = p.arraySync();
      for (const row of w.flat()) expect(row.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 5);
      for (const row of w[1]!) expect(row.slice(2)).toEqual([0, 0]);
      expect(states.shape).toEqual([2, 3, 8]);
      tf.dispose([src.ids, src.mask, tgt.ids, tgt.mask, hEnc, states, p]);
      m.dispose();
    }
  });

  it('tf.variableGrads gives finite, non-zero gradients for every weight (tied and untied)', () => {
    for (const tieEmbeddings of [false, true]) {
      const m = new Seq2SeqGru({ ...tiny, tieEmbeddings });
      const batch = seq2seqBatch(
        m.config,
        [
          [3, 4, 5],
          [6, 7],
        ],
        [[5, 4, 3], [7]],
      );
      const { value, grads } = tf.variableGrads(() => m.nll(batch, true, { rng: createRng(1) }), m.trainableWeights);
      expect(Object.keys(grads)).toHaveLength(m.trainableWeights.length);
      expect(Object.keys(m.stateTensors()).includes('lm_head.weight')).toBe(!tieEmbeddings);
      for (const [name, g] of Object.entries(grads)) {
        const [finite, norm] = tf.tidy(() => [g.isFinite().all().dataSync()[0]!, g.abs().sum().dataSync()[0]!]);
        expect(finite, name).toBe(1);
        expect(norm, name).toBeGreaterThan(0);
      }
      tf.dispose([value, ...Object.values(grads)]);
      disposeBatch(batch);
      m.dispose();
    }
  });

  it('dropout is active only when training and reproducible with a seeded rng', () => {
    const m = new Seq2SeqGru({ ...tiny, dropout: 0.3 });
    const batch = seq2seqBatch(m.config, [[3, 4, 5]], [[5, 4, 3]]);
    const v = [m.nll(batch), m.nll(batch), m.nll(batch, true, { rng: createRng(1) }), m.nll(batch, true, { rng: createRng(1) })].map(
      (t) => {
        const x = t.dataSync()[0]!;
        t.dispose();
        return x;
      },
    );
    expect(v[0]).toBe(v[1]);
    expect(v[2]).toBe(v[3]);
    expect(Math.abs(v[0]! - v[2]!)).toBeGreaterThan(1e-6);
    disposeBatch(batch);
    m.dispose();
  });
});

describe('Seq2SeqGru trained on a reverse task', () => {
  useCpuLeakCheck();
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('Adam lowers the NLL; greedy and beam decoding reproduce the training targets', () => {
    const rng = createRng(7);
    const sources = Array.from({ length: 24 }, () => [3 + rng.int(7), 3 + rng.int(7), 3 + rng.int(7)]);
    const targets = sources.map((s) => [...s].reverse());
    const t0 = performance.now();
    const m = new Seq2SeqGru({ vocabSize: 10, dModel: 32, hidden: 32, dropout: 0, maxLength: 8, seed: 1 });
    const batch = seq2seqBatch(m.config, sources, targets);
    const opt = tf.train.adam(0.02);
    const nll = (): number => {
      const l = m.nll(batch);
      const x = l.dataSync()[0]!;
      l.dispose();
      return x;
    };
    const before = nll();
    for (let step = 0; step < 120; step++) opt.minimize(() => m.nll(batch), false, m.trainableWeights);
    const after = nll();
    opt.dispose();
    disposeBatch(batch);
    expect(after).toBeLessThan(before * 0.2);
    expect(performance.now() - t0).toBeLessThan(30_000);
    const src = padIds(sources, 0);
    const greedy = greedyDecode(m, src.ids, src.mask);
    const beam = beamSearch(m, src.ids, src.mask, { beamSize: 1 });
    tf.dispose([src.ids, src.mask]);
    expect(greedy.filter((o, i) => o.join() === targets[i]!.join()).length / sources.length).toBeGreaterThanOrEqual(0.8);
    expect(beam).toEqual(greedy);
    m.dispose();
  });
});
