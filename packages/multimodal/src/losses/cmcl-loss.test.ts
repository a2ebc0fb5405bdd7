import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { infoNCE } from '@contrastive/core';
import { checkCase, type FixtureCase, readFixtureCases, useCpuLeakCheck } from '@contrastive/test-utils';
import { clipLoss } from './clip-loss.js';
import { cmclLoss } from './cmcl-loss.js';

useCpuLeakCheck();

const FIXTURES = new URL('./__fixtures__', import.meta.url);

interface CmclCase extends FixtureCase {
  positiveMask: number[][];
  candidateMask?: number[][];
}

const value = (t: tf.Tensor): number => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

describe('cmclLoss vs PyTorch (UNIMO CMCL in probability space; tools/reference/multimodal_losses.py)', () => {
  const cases = readFixtureCases<CmclCase>(FIXTURES, 'cmcl-loss.json');
  it('has the cases the script writes', () => {
    expect(cases.length).toBe(10);
  });
  for (const c of cases) {
    const tauInput = 'temperature' in c.inputs;
    it(`${c.name}: value and gradients w.r.t. images, texts${tauInput ? ' and τ' : ''}`, () => {
      const opts = {
        symmetric: c.options.symmetric as boolean,
        ...(c.candidateMask ? { candidateMask: c.candidateMask } : {}),
      };
      if (tauInput) {
        checkCase(c, ['images', 'texts', 'temperature'], (v, w, t) =>
          cmclLoss(v as tf.Tensor2D, w as tf.Tensor2D, c.positiveMask, { ...opts, temperature: t as tf.Scalar }),
        );
      } else {
        checkCase(c, ['images', 'texts'], (v, w) =>
          cmclLoss(v as tf.Tensor2D, w as tf.Tensor2D, c.positiveMask, { ...opts, temperature: c.options.temperature as number }),
        );
      }
    });
  }
});

describe('cmclLoss: one positive per row and every candidate is the CLIP loss’s InfoNCE', () => {
  it('image anchors = infoNCE(images → texts) at τ (core, variant B); symmetric = clipLoss at log scale −ln τ', () => {
    const v = tf.randomNormal([6, 5], 0, 1, 'float32', 21) as tf.Tensor2D;
    const w = tf.randomNormal([6, 5], 0, 1, 'float32', 22) as tf.Tensor2D;
    const eye = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => (i === j ? 1 : 0)));
    for (const tau of [0.07, 0.5, 1 / 100]) {
      expect(value(cmclLoss(v, w, eye, { temperature: tau }))).toBeCloseTo(value(infoNCE(v, w, { temperature: tau })), 4);
      const sym = value(cmclLoss(v, w, eye, { temperature: tau, symmetric: true }));
      const clip = value(clipLoss(v, w, -Math.log(tau)));
      expect(Math.abs(sym - clip)).toBeLessThan(1e-4 * Math.max(1, clip));
    }
    tf.dispose([v, w]);
  });
});

describe('cmclLoss: the positive and candidate sets', () => {
  const v = () =>
    tf.tensor2d([
      [1, 0.2, -0.3],
      [-0.4, 1, 0.1],
    ]);
  // texts: caption 0, caption 1, paraphrase of 0, hard negative of 0 (close to image 0), unrelated
  const w = () =>
    tf.tensor2d([
      [0.9, 0.1, -0.2],
      [-0.5, 0.8, 0.3],
      [1, 0.4, -0.1],
      [0.8, 0.5, -0.5],
      [0, -0.2, 1],
    ]);
  const captionsOnly = [
    [1, 0, 0, 0, 0],
    [0, 1, 0, 0, 0],
  ];

  it('matches a hand computation of −log Σ_P e^{cos/τ} / Σ_C e^{cos/τ}', () => {
    const V = [
      [1, 0.2, -0.3],
      [-0.4, 1, 0.1],
    ];
    const W = [
      [0.9, 0.1, -0.2],
      [-0.5, 0.8, 0.3],
      [1, 0.4, -0.1],
      [0.8, 0.5, -0.5],
      [0, -0.2, 1],
    ];
    const cos = (a: number[], b: number[]) => {
      const dot = a.reduce((s, x, k) => s + x * b[k]!, 0);
      return dot / Math.hypot(...a) / Math.hypot(...b);
    };
    const tau = 0.3;
    const P = [
      [1, 0, 1, 0, 0],
      [0, 1, 0, 0, 0],
    ];
    const C = [
      [1, 1, 1, 1, 0],
      [1, 1, 1, 0, 1],
    ];
    let want = 0;
    for (let i = 0; i < 2; i++) {
      let num = 0;
      let den = 0;
      for (let j = 0; j < 5; j++) {
        const e = Math.exp(cos(V[i]!, W[j]!) / tau);
        if (P[i]![j]) num += e;
        if (C[i]![j]) den += e;
      }
      want += -Math.log(num / den) / 2;
    }
    const [a, b] = [v(), w()];
    expect(value(cmclLoss(a, b, P, { candidateMask: C, temperature: tau }))).toBeCloseTo(want, 5);
    tf.dispose([a, b]);
  });

  it('a paraphrase added as a positive lowers the loss; a hard negative added to the denominator raises it', () => {
    const [a, b] = [v(), w()];
    const base = value(
      cmclLoss(a, b, captionsOnly, {
        candidateMask: [
          [1, 1, 1, 0, 1],
          [1, 1, 1, 1, 1],
        ],
      }),
    );
    const withParaphrase = value(
      cmclLoss(
        a,
        b,
        [
          [1, 0, 1, 0, 0],
          [0, 1, 0, 0, 0],
        ],
        {
          candidateMask: [
            [1, 1, 1, 0, 1],
            [1, 1, 1, 1, 1],
          ],
        },
      ),
    );
    const withHardNegative = value(
      cmclLoss(a, b, captionsOnly, {
        candidateMask: [
          [1, 1, 1, 1, 1],
          [1, 1, 1, 1, 1],
        ],
      }),
    );
    expect(withParaphrase).toBeLessThan(base - 1e-3);
    expect(withHardNegative).toBeGreaterThan(base + 1e-3);
    tf.dispose([a, b]);
  });

  it('leaving a text out of every candidate set is the same as removing it from W', () => {
    const [a, b] = [v(), w()];
    const dropped = tf.tidy(() => tf.gather(b, tf.tensor1d([0, 1, 2, 4], 'int32')) as tf.Tensor2D);
    for (const symmetric of [false, true]) {
      const masked = value(
        cmclLoss(
          a,
          b,
          [
            [1, 0, 1, 0, 0],
            [0, 1, 0, 0, 0],
          ],
          {
            candidateMask: [
              [1, 1, 1, 0, 1],
              [1, 1, 1, 0, 1],
            ],
            symmetric,
            temperature: 0.2,
          },
        ),
      );
      const removed = value(
        cmclLoss(
          a,
          dropped,
          [
            [1, 0, 1, 0],
            [0, 1, 0, 0],
          ],
          { symmetric, temperature: 0.2 },
        ),
      );
      expect(masked).toBeCloseTo(removed, 5);
    }
    tf.dispose([a, b, dropped]);
  });

  it('symmetric: a text without a positive image is a candidate for images but not an anchor', () => {
    // With the hard negative (column 3) as a candidate of both images, the image term changes while the text term
    // is over the anchors {0, 1, 2} only: compare with the image term + the text term computed on W without it.
    const [a, b] = [v(), w()];
    const P = [
      [1, 0, 1, 0, 0],
      [0, 1, 0, 0, 0],
    ];
    const imageTerm = value(cmclLoss(a, b, P, { temperature: 0.2 }));
    const sym = value(cmclLoss(a, b, P, { temperature: 0.2, symmetric: true }));
    // The text term alone: texts as anchors over images (transpose), anchors = columns 0, 1, 2 (4 is unrelated: no positive either).
    const textsAsAnchors = tf.tidy(() => tf.gather(b, tf.tensor1d([0, 1, 2], 'int32')) as tf.Tensor2D);
    const textTerm = value(
      cmclLoss(
        textsAsAnchors,
        a,
        [
          [1, 0],
          [0, 1],
          [1, 0],
        ],
        { temperature: 0.2 },
      ),
    );
    expect(sym).toBeCloseTo((imageTerm + textTerm) / 2, 5);
    tf.dispose([a, b, textsAsAnchors]);
  });

  it('tensor masks (bool, int32, float32) give the value of array masks and are not disposed', () => {
    const [a, b] = [v(), w()];
    const P = [
      [1, 0, 1, 0, 0],
      [0, 1, 0, 0, 0],
    ];
    const C = [
      [1, 1, 1, 1, 0],
      [1, 1, 1, 0, 1],
    ];
    const want = value(cmclLoss(a, b, P, { candidateMask: C }));
    for (const dtype of ['bool', 'int32', 'float32'] as const) {
      const pt = tf.tensor2d(P, undefined, dtype);
      const ct = tf.tensor2d(C, undefined, dtype);
      expect(value(cmclLoss(a, b, pt, { candidateMask: ct }))).toBeCloseTo(want, 6);
      expect(pt.isDisposed || ct.isDisposed).toBe(false);
      tf.dispose([pt, ct]);
    }
    tf.dispose([a, b]);
  });

  it('is invariant to permuting the texts together with the mask columns', () => {
    const [a, b] = [v(), w()];
    const P = [
      [1, 0, 1, 0, 0],
      [0, 1, 0, 0, 1],
    ];
    const C = [
      [1, 1, 1, 1, 0],
      [1, 1, 1, 0, 1],
    ];
    const perm = [4, 2, 0, 3, 1];
    const permuted = tf.tidy(() => tf.gather(b, tf.tensor1d(perm, 'int32')) as tf.Tensor2D);
    const pc = (M: number[][]) => M.map((row) => perm.map((j) => row[j]!));
    for (const symmetric of [false, true]) {
      const x = value(cmclLoss(a, b, P, { candidateMask: C, symmetric }));
      const y = value(cmclLoss(a, permuted, pc(P), { candidateMask: pc(C), symmetric }));
      expect(y).toBeCloseTo(x, 5);
    }
    tf.dispose([a, b, permuted]);
  });

  it('masked-out texts get exactly zero gradient', () => {
    const [a, b] = [v(), w()];
    const g = tf.grad((t: tf.Tensor) =>
      cmclLoss(a, t as tf.Tensor2D, captionsOnly, {
        candidateMask: [
          [1, 1, 1, 0, 0],
          [1, 1, 1, 0, 0],
        ],
      }),
    )(b);
    const rows = g.arraySync() as number[][];
    expect(rows[3]).toEqual([0, 0, 0]);
    expect(rows[4]).toEqual([0, 0, 0]);
    expect(Math.max(...rows[2]!.map(Math.abs))).toBeGreaterThan(1e-4); // a candidate negative does get one
    tf.dispose([a, b, g]);
  });

  it('validates the sets, shapes and options, naming the argument', () => {
    const [a, b] = [v(), w()];
    const d4 = tf.zeros([5, 4]) as tf.Tensor2D;
    const wrong = tf.zeros([3, 5], 'bool') as tf.Tensor2D;
    expect(() =>
      cmclLoss(a, b, [
        [1, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
      ]),
    ).toThrow(/image 1 has no positive: positiveMask\[1\]/);
    expect(() =>
      cmclLoss(a, b, captionsOnly, {
        candidateMask: [
          [0, 1, 1, 1, 1],
          [1, 1, 1, 1, 1],
        ],
      }),
    ).toThrow(/positiveMask\[0\]\[0\] is 1 but candidateMask\[0\]\[0\] is 0/);
    expect(() =>
      cmclLoss(a, b, [
        [2, 0, 0, 0, 0],
        [0, 1, 0, 0, 0],
      ]),
    ).toThrow(/positiveMask\[0\]\[0\] must be 0 or 1, got 2/);
    expect(() =>
      cmclLoss(a, b, [
        [1, 0, 0, 0],
        [0, 1, 0, 0],
      ]),
    ).toThrow(/positiveMask\[0\] must have 5 entries/);
    expect(() => cmclLoss(a, b, [[1, 0, 0, 0, 0]])).toThrow(/positiveMask must have 2 rows/);
    expect(() => cmclLoss(a, b, wrong)).toThrow(/positiveMask must have shape \[2, 5\] \(images × texts\), got \[3, 5\]/);
    expect(() => cmclLoss(a, b, captionsOnly, { candidateMask: [[1, 1, 1, 1, 1]] })).toThrow(/candidateMask must have 2 rows/);
    expect(() => cmclLoss(a, d4, captionsOnly)).toThrow(/images and texts must have the same feature size d, got \[2, 3\] and \[5, 4\]/);
    expect(() => cmclLoss(a, b, captionsOnly, { temperature: 0 })).toThrow(/temperature must be a finite number > 0/);
    expect(() => cmclLoss(a, b, captionsOnly, { symmetric: 1 as unknown as boolean })).toThrow(/symmetric must be a boolean/);
    expect(() => cmclLoss(a, b, captionsOnly, { tau: 0.1 } as never)).toThrow(/cmclLoss: unknown option 'tau'/);
    expect(() => cmclLoss(a, b, null as never)).toThrow(/positiveMask must be a tf.Tensor2D or nested arrays/);
    tf.dispose([a, b, d4, wrong]);
  });
});
