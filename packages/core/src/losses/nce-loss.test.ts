import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { estimateNceZ, NceLoss, nceLogZ, nceLoss } from './nce-loss.js';
import { checkCase, loadCases, toTensor } from './test-utils/fixtures.js';

useCpuLeakCheck();

const cases = loadCases('nce-loss.json');
const names = ['features', 'positiveRows', 'negativeRows'] as const;

describe('nceLoss matches the PyTorch reference (lemniscate NCEAverage + NCECriterion)', () => {
  for (const c of cases) {
    it(c.name, () => {
      checkCase(c, names, (f, p, n) => nceLoss(f as tf.Tensor2D, p as tf.Tensor2D, n as tf.Tensor3D, c.options as never));
    });
  }
});

describe('estimateNceZ and NceLoss', () => {
  it('estimateNceZ gives the reference log Z (n · mean exp(s/τ)) at every temperature', () => {
    for (const c of cases.filter((x) => !('z' in x.options))) {
      const [f, p, n] = names.map((k) => toTensor(c.inputs[k]!));
      const { logZ, z } = estimateNceZ(f as tf.Tensor2D, p as tf.Tensor2D, n as tf.Tensor3D, {
        temperature: c.options.temperature as number,
        datasetSize: c.options.datasetSize as number,
      });
      const want = c.logZ as number;
      expect(Math.abs(logZ - want) / Math.max(1, Math.abs(want)), c.name).toBeLessThan(1e-5);
      expect(Math.log(z)).toBeCloseTo(logZ, 6);
      tf.dispose([f!, p!, n!]);
    }
  });

  it('nceLogZ is estimateNceZ on the backend, and carries no gradient', () => {
    for (const c of cases.filter((x) => !('z' in x.options))) {
      const [f, p, n] = names.map((k) => toTensor(c.inputs[k]!));
      const opts = { temperature: c.options.temperature as number, datasetSize: c.options.datasetSize as number };
      const t = nceLogZ(f as tf.Tensor2D, p as tf.Tensor2D, n as tf.Tensor3D, opts);
      expect(t.shape).toEqual([]);
      const want = c.logZ as number;
      expect(Math.abs(t.dataSync()[0]! - want) / Math.max(1, Math.abs(want)), c.name).toBeLessThan(1e-5);
      const g = tf.grad((x: tf.Tensor) => nceLogZ(x as tf.Tensor2D, p as tf.Tensor2D, n as tf.Tensor3D, opts))(f!);
      expect(tf.tidy(() => g.abs().max().dataSync()[0])).toBe(0);
      tf.dispose([f!, p!, n!, t, g]);
    }
  });

  it('nceLoss takes log Z as a scalar tensor: the reference value and gradients, and none into log Z', () => {
    for (const c of cases.filter((x) => typeof x.options.logZ === 'number')) {
      const logZ = tf.tidy(() => tf.variable(tf.scalar(c.options.logZ as number), true));
      checkCase(c, names, (f, p, n) =>
        nceLoss(f as tf.Tensor2D, p as tf.Tensor2D, n as tf.Tensor3D, { ...(c.options as object), logZ } as never),
      );
      const [f, p, n] = names.map((k) => toTensor(c.inputs[k]!));
      const { value, grads } = tf.variableGrads(
        () =>
          nceLoss(f as tf.Tensor2D, p as tf.Tensor2D, n as tf.Tensor3D, {
            temperature: c.options.temperature as number,
            datasetSize: c.options.datasetSize as number,
            logZ,
          }),
        [logZ],
      );
      expect(grads[logZ.name]!.dataSync()[0]).toBe(0);
      tf.dispose([f!, p!, n!, value, ...Object.values(grads), logZ]);
    }
  });

  it('NceLoss fixes Z on the first call and keeps it (lemniscate: if Z < 0, Z = mean·n)', () => {
    const c = cases.find((x) => x.name.startsWith('per-query N=4') && x.options.reduction === 'mean')!;
    const [f, p, n] = names.map((k) => toTensor(c.inputs[k]!));
    const nce = new NceLoss({ temperature: c.options.temperature as number, datasetSize: c.options.datasetSize as number });
    expect(nce.logZ).toBeUndefined();
    const first = nce.call(f as tf.Tensor2D, p as tf.Tensor2D, n as tf.Tensor3D);
    expect(nce.logZ!).toBeCloseTo(c.logZ as number, 4);
    expect(first.dataSync()[0]!).toBeCloseTo(c.value as number, 3);
    // A second batch with other features must reuse the first Z, not re-estimate it.
    const f2 = tf.tidy(() => tf.mul(f!, -1)) as tf.Tensor2D;
    const kept = nce.logZ;
    const second = nce.call(f2, p as tf.Tensor2D, n as tf.Tensor3D);
    expect(nce.logZ).toBe(kept);
    const direct = nceLoss(f2, p as tf.Tensor2D, n as tf.Tensor3D, {
      temperature: c.options.temperature as number,
      datasetSize: c.options.datasetSize as number,
      logZ: kept!,
    });
    expect(second.dataSync()[0]).toBe(direct.dataSync()[0]);
    tf.dispose([f!, p!, n!, f2, first, second, direct]);
  });

  it('without z or logZ, estimates Z on this batch on the backend: the estimated reference value, no read-back', () => {
    const c = cases.find((x) => x.options.z === undefined && x.options.logZ === undefined)!;
    expect(c, 'fixture has an estimated-Z case').toBeDefined();
    const [f, p, n] = names.map((k) => toTensor(c.inputs[k]!));
    const readSync = vi.spyOn(tf.backend(), 'readSync');
    const dataSync = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    const loss = nceLoss(f as tf.Tensor2D, p as tf.Tensor2D, n as tf.Tensor3D, c.options as never);
    expect(readSync).not.toHaveBeenCalled();
    expect(dataSync).not.toHaveBeenCalled();
    readSync.mockRestore();
    dataSync.mockRestore();
    expect(Math.abs((loss.dataSync()[0] as number) - (c.value as number))).toBeLessThan(1e-3 * Math.max(1, Math.abs(c.value as number)));
    tf.dispose([f!, p!, n!, loss]);
  });

  it('rejects bad input with errors naming the argument and shapes', () => {
    const f = tf.zeros([3, 4]) as tf.Tensor2D;
    const negBad = tf.zeros([2, 5, 4]) as tf.Tensor3D;
    const negD = tf.zeros([5, 3]) as tf.Tensor2D;
    const neg = tf.zeros([3, 5, 4]) as tf.Tensor3D;
    expect(() => nceLoss(f, f, negBad, { datasetSize: 10 })).toThrow(/negativeRows must have shape \[3, K, 4\].*\[2, 5, 4\]/);
    expect(() => nceLoss(f, f, negD, { datasetSize: 10 })).toThrow(/negativeRows must have shape \[M, 4\], got \[5, 3\]/);
    expect(() => nceLoss(f, f, neg, {} as never)).toThrow(/datasetSize .* is required/);
    expect(() => nceLoss(f, f, neg, { datasetSize: 2.5 })).toThrow(/datasetSize must be an integer >= 1/);
    expect(() => nceLoss(f, f, neg, { datasetSize: 10, temperature: 0 })).toThrow(/temperature must be/);
    expect(() => nceLoss(f, f, neg, { datasetSize: 10, z: -1 })).toThrow(/z must be a finite number > 0/);
    expect(() => nceLoss(f, f, neg, { datasetSize: 10, z: 1, logZ: 0 })).toThrow(/either z or logZ/);
    const zz = tf.zeros([2]) as unknown as tf.Scalar;
    expect(() => nceLoss(f, f, neg, { datasetSize: 10, logZ: zz })).toThrow(/logZ must be a scalar tensor, got shape \[2\]/);
    zz.dispose();
    expect(() => new NceLoss({ datasetSize: 0 })).toThrow(/datasetSize must be an integer >= 1, got 0/);
    tf.dispose([f, negBad, negD, neg]);
  });
});
