import * as tf from '@tensorflow/tfjs';
import { checkCase, expectClose, readFixtureCases, toTensor, useCpuLeakCheck } from '@contrastive/test-utils';
import type { FixtureCase, Nested } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { clapsLossTerms } from './claps-terms.js';
import type { ClapsVariant } from './claps-terms.js';
import { clapsContrastiveLoss } from './contrastive-loss.js';
import type { ClapsContrastiveLossOptions } from './contrastive-loss.js';
import { distantTarget, imposter, klFromClean } from './perturbations.js';
import type { ClapsLmHead } from './perturbations.js';

interface ClapsCase extends FixtureCase {
  kind: 'contrastive' | 'perturbations' | 'terms';
  terms?: Record<string, number>;
  imposter?: Nested;
  shifted?: Nested;
  target?: Nested;
  klShifted?: number;
  klTarget?: number;
  nllClean?: number;
  nllImposter?: number;
}

const cases = readFixtureCases<ClapsCase>(new URL('../../__fixtures__', import.meta.url), 'text-claps.json');
const byKind = (k: ClapsCase['kind']): [string, ClapsCase][] => cases.filter((c) => c.kind === k).map((c) => [c.name, c]);

/** The tied head of the fixture: logits = h Eᵀ (no rescale, the code's `lm_head` on `sequence_output`). */
const headOf =
  (e: tf.Tensor): ClapsLmHead =>
  (h) =>
    tf.tidy(() => {
      const [b, t, d] = h.shape;
      return tf.matMul(h.reshape([b * t, d]), e as tf.Tensor2D, false, true).reshape([b, t, e.shape[0]!]) as tf.Tensor3D;
    });

const ints = (x: Nested): tf.Tensor2D => tf.tensor2d(x as number[][], undefined, 'int32');

describe('CLAPS against the PyTorch port of the official code', () => {
  useCpuLeakCheck();

  it('covers every variant, the official L2 and both ε settings', () => {
    const names = cases.map((c) => c.name).join('\n');
    for (const want of [
      'contrastive claps',
      'officialL2',
      'contrastive no-imposter',
      'contrastive no-distant',
      'perturbations',
      'terms mle',
      'terms no-distant',
    ]) {
      expect(names).toContain(want);
    }
  });

  it.each(byKind('contrastive'))('contrastive loss: %s (value and gradients)', (_n, c) => {
    const names = Object.keys(c.inputs);
    const opts = c.options as ClapsContrastiveLossOptions;
    checkCase(c, names, (...zs) => {
      const z = Object.fromEntries(names.map((n, i) => [n, zs[i] as tf.Tensor2D]));
      return clapsContrastiveLoss(z.zx!, z.zy!, z.zImposter ?? null, z.zDistant ?? null, opts);
    });
  });

  it.each(byKind('perturbations'))('imposter and distant target: %s', (_n, c) => {
    const o = c.options as { temperature: number; epsNeg: number; epsPos: number };
    tf.tidy(() => {
      const hEnc = toTensor(c.inputs.hEnc!) as tf.Tensor3D;
      const hDec = toTensor(c.inputs.hDec!) as tf.Tensor3D;
      const encMask = ints(c.inputs.encMask!);
      const decMask = ints(c.inputs.decMask!);
      const labels = ints(c.inputs.labels!);
      const lmHead = headOf(toTensor(c.inputs.E!));
      const projection = { weight: toTensor(c.inputs.W!) as tf.Tensor2D, bias: toTensor(c.inputs.b!) as tf.Tensor1D };
      const imp = imposter(lmHead, hDec, labels, decMask, o.epsNeg);
      expectClose(imp.dataSync(), c.imposter!, `${c.name} imposter`);
      const { shifted, target } = distantTarget({
        lmHead,
        hEnc,
        encMask,
        hDec,
        decMask,
        projection,
        temperature: o.temperature,
        eps: o.epsPos,
      });
      expectClose(shifted.dataSync(), c.shifted!, `${c.name} H̄`);
      expectClose(target.dataSync(), c.target!, `${c.name} Ĥ`);
      expectClose(klFromClean(lmHead, hDec, shifted, decMask).dataSync(), c.klShifted!, `${c.name} KL(H̄)`);
      expectClose(klFromClean(lmHead, hDec, target, decMask).dataSync(), c.klTarget!, `${c.name} KL(Ĥ)`);
    });
  });

  it.each(byKind('terms'))('whole objective: %s (terms and gradients w.r.t. H_enc, H_dec, W, b, E)', (_n, c) => {
    const o = c.options as { variant: ClapsVariant; temperature: number; epsNeg: number; epsPos: number; officialL2: boolean };
    const encMask = ints(c.inputs.encMask!);
    const decMask = ints(c.inputs.decMask!);
    const labels = ints(c.inputs.labels!);
    const run = (hEnc: tf.Tensor, hDec: tf.Tensor, w: tf.Tensor, b: tf.Tensor, e: tf.Tensor) =>
      clapsLossTerms(
        {
          lmHead: headOf(e),
          hEnc: hEnc as tf.Tensor3D,
          encMask,
          hDec: hDec as tf.Tensor3D,
          decMask,
          labels,
          labelMask: decMask,
          projection: { weight: w as tf.Tensor2D, bias: b as tf.Tensor1D },
        },
        o,
      );
    // 'mle' depends on H_dec and E only (tf.grads refuses unconnected inputs); the fixture's other gradients are 0.
    const names = o.variant === 'mle' ? ['hDec', 'E'] : ['hEnc', 'hDec', 'W', 'b', 'E'];
    const full = (...xs: tf.Tensor[]) => {
      const m = Object.fromEntries(names.map((n, i) => [n, xs[i]!]));
      const t = run(m.hEnc ?? toTensor(c.inputs.hEnc!), m.hDec!, m.W ?? toTensor(c.inputs.W!), m.b ?? toTensor(c.inputs.b!), m.E!);
      const { loss, ...rest } = t;
      tf.dispose(Object.values(rest));
      return loss;
    };
    try {
      tf.tidy(() => {
        const t = run(
          toTensor(c.inputs.hEnc!),
          toTensor(c.inputs.hDec!),
          toTensor(c.inputs.W!),
          toTensor(c.inputs.b!),
          toTensor(c.inputs.E!),
        );
        const want = c.terms!;
        expect(Object.keys(t).sort()).toEqual(Object.keys(want).sort());
        for (const [k, v] of Object.entries(want)) expectClose(t[k as keyof typeof t]!.dataSync(), v, `${c.name} ${k}`);
      });
      tf.tidy(() => checkCase(c, names, full));
    } finally {
      tf.dispose([encMask, decMask, labels]);
    }
  });
});
