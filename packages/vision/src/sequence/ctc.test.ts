import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@contrastive/core';
import { expectClose, type FixtureCase, readFixtureCases, toTensor, useLeakCheck } from '@contrastive/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CtcOptions, ctcLoss, ctcMinFrames } from './ctc.js';

/** Cases from tools/reference/ctc_loss.py (torch.nn.functional.ctc_loss on log_softmax(logits), float64). */
type Num = number | 'inf' | '-inf' | 'nan';
interface CtcCase extends FixtureCase {
  options: { targets: number[][]; inputLengths: number[]; blank: number; reduction: 'mean' | 'sum' | 'none'; zeroInfinity: boolean };
}
const cases = readFixtureCases<CtcCase>(new URL('./__fixtures__', import.meta.url), 'ctc-loss.json');
const num = (v: Num): number => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === 'nan' ? NaN : v);
const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [num(x as Num)]);

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false });
});
useLeakCheck({ backend: 'wasm' });

/** Compares finite entries with the shared tolerance and requires the same non-finite entries (inf / NaN). */
function expectMatches(actual: ArrayLike<number>, expected: number[], label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const finite = expected.map((e, i) => (Number.isFinite(e) ? i : -1)).filter((i) => i >= 0);
  expectClose(
    finite.map((i) => actual[i]!),
    finite.map((i) => expected[i]!),
    label,
  );
  expected.forEach((e, i) => {
    if (!Number.isFinite(e)) expect(actual[i], `${label}[${i}]`).toBe(e);
  });
}

const optsOf = (c: CtcCase): CtcOptions => ({
  blank: c.options.blank,
  reduction: c.options.reduction,
  zeroInfinity: c.options.zeroInfinity,
  inputLengths: Int32Array.from(c.options.inputLengths),
});

describe('ctcLoss matches torch.nn.functional.ctc_loss (wasm backend)', () => {
  it('tfjs has no CTC kernel to use instead', () => {
    const names = tf.getKernelsForBackend('wasm').map((k) => k.kernelName.toLowerCase());
    expect(names.filter((k) => k.includes('ctc'))).toEqual([]);
    expect((tf as unknown as Record<string, unknown>).ctcLoss).toBeUndefined();
  });

  for (const c of cases) {
    it(`${c.name}: value and gradient w.r.t. the logits`, () => {
      const targets = c.options.targets.map((t) => Int32Array.from(t));
      const x = toTensor(c.inputs.logits!) as tf.Tensor3D;
      const value = ctcLoss(x, targets, optsOf(c));
      expectMatches(value.dataSync(), flat(c.value), `${c.name} value`);
      expect(value.shape).toEqual(c.options.reduction === 'none' ? [targets.length] : []);
      const g = tf.grad((y: tf.Tensor) => tf.sum(ctcLoss(y as tf.Tensor3D, targets, optsOf(c))));
      const grad = g(x);
      expectMatches(grad.dataSync(), flat(c.grads.logits), `${c.name} d/dlogits`);
      tf.dispose([x, value, grad]);
    });
  }

  it('the gradient scales with the upstream gradient per sample (reduction none)', () => {
    const c = cases.find((k) => k.name === 'input lengths < T')!;
    const targets = c.options.targets.map((t) => Int32Array.from(t));
    const x = toTensor(c.inputs.logits!) as tf.Tensor3D;
    const w = tf.tensor1d([1, -2, 0, 0.5]);
    const grad = tf.grad((y: tf.Tensor) => tf.sum(tf.mul(ctcLoss(y as tf.Tensor3D, targets, optsOf(c)), w)))(x);
    const ref = flat(c.grads.logits);
    const [, t, k] = x.shape;
    const want = ref.map((v, i) => v * [1, -2, 0, 0.5][Math.floor(i / (t * k))]!);
    expectMatches(grad.dataSync(), want, 'weighted');
    tf.dispose([x, w, grad]);
  });

  it('a long sequence stays finite and matches a finite difference (log-space sums)', () => {
    const x = tf.tidy(() => tf.randomNormal([1, 200, 6], 0, 3, 'float32', 5) as tf.Tensor3D);
    const target = Int32Array.from({ length: 60 }, (_, i) => 1 + (i % 5));
    const loss = ctcLoss(x, [target], { reduction: 'sum' });
    const v = loss.dataSync()[0]!;
    expect(Number.isFinite(v) && v > 0).toBe(true);
    const grad = tf.grad((y: tf.Tensor) => ctcLoss(y as tf.Tensor3D, [target], { reduction: 'sum' }))(x);
    // central difference on one logit, in float32 inputs (so a coarse tolerance)
    const eps = 1e-2;
    const idx = 37 * 6 + 2;
    const plus = tf.tidy(() => x.reshape([-1]).add(tf.oneHot(idx, 1200).mul(eps)).reshape([1, 200, 6]) as tf.Tensor3D);
    const minus = tf.tidy(() => x.reshape([-1]).sub(tf.oneHot(idx, 1200).mul(eps)).reshape([1, 200, 6]) as tf.Tensor3D);
    const lp = ctcLoss(plus, [target], { reduction: 'sum' });
    const lm = ctcLoss(minus, [target], { reduction: 'sum' });
    const fd = (lp.dataSync()[0]! - lm.dataSync()[0]!) / (2 * eps);
    expect(Math.abs(fd - grad.dataSync()[idx]!)).toBeLessThan(2e-2);
    // each frame's gradient sums to zero over the classes (softmax − posterior, both distributions)
    const rowSums = tf.tidy(() => grad.sum(2).abs().max().dataSync()[0]!);
    expect(rowSums).toBeLessThan(1e-5);
    tf.dispose([x, loss, grad, plus, minus, lp, lm]);
  });

  it('validates its arguments with errors naming them', () => {
    const x = tf.zeros([2, 4, 3]) as tf.Tensor3D;
    const t = [Int32Array.of(1), Int32Array.of(2)];
    expect(() => ctcLoss(x, [t[0]!])).toThrow(/targets must hold one label sequence per sample \(N = 2\), got 1/);
    expect(() => ctcLoss(x, [Int32Array.of(0), t[1]!])).toThrow(/targets\[0\]\[0\] = 0 .* other than the blank \(0\)/);
    expect(() => ctcLoss(x, [Int32Array.of(3), t[1]!])).toThrow(/targets\[0\]\[0\] = 3 must be a class id in \[0, 2\]/);
    expect(() => ctcLoss(x, t, { blank: 3 })).toThrow(/blank must be an integer in \[0, 2\]/);
    expect(() => ctcLoss(x, t, { reduction: 'avg' as 'mean' })).toThrow(/reduction must be one of mean, sum, none, got avg/);
    expect(() => ctcLoss(x, t, { inputLengths: Int32Array.of(4) })).toThrow(/inputLengths must have N = 2 entries, got 1/);
    expect(() => ctcLoss(x, t, { inputLengths: Int32Array.of(4, 5) })).toThrow(/inputLengths\[1\] = 5 must be in \[0, 4\]/);
    const empty = tf.zeros([0, 4, 3]) as tf.Tensor3D;
    expect(() => ctcLoss(empty, [])).toThrow(/need N >= 1, T >= 1 and C >= 2 .* got \[0, 4, 3\]/);
    empty.dispose();
    const flatX = tf.zeros([2, 4]);
    expect(() => ctcLoss(flatX as unknown as tf.Tensor3D, t)).toThrow(/logits must be \[N, T, C\], got shape \[2, 4\]/);
    tf.dispose([x, flatX]);
  });

  it('ctcMinFrames counts a blank between equal neighbours', () => {
    expect(ctcMinFrames([])).toBe(0);
    expect(ctcMinFrames([1, 2, 3])).toBe(3);
    expect(ctcMinFrames([1, 1, 2, 2, 2])).toBe(8);
  });
});
