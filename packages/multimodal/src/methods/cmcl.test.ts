import * as tf from '@tensorflow/tfjs';
import { createRng, isLossWithLogs, layersEncoder, stepInfo, stepLoss } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { hash53 } from '../data/split.js';
import { CLIP_INIT_LOG_SCALE, clipLoss } from '../losses/clip-loss.js';
import { cmclLoss } from '../losses/cmcl-loss.js';
import { cmclBatch } from '../rewrites/cmcl-batch.js';
import type { ImageRewrites } from '../rewrites/tables.js';
import { Clip } from './clip.js';
import { Cmcl } from './cmcl.js';

useCpuLeakCheck();

const dense = (inDim: number, units: number, seed: number) =>
  layersEncoder(
    tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [inDim], units, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      ],
    }),
  );

const TEXT_DIM = 5;
/** A text's input features: a fixed pseudo-random vector per string (a stand-in for a tokenizer). */
const textFeatures = (texts: readonly string[]) =>
  tf.tensor2d(
    texts.map((t) => {
      const rng = createRng(hash53(t));
      return Array.from({ length: TEXT_DIM }, () => rng.normal());
    }),
  ) as tf.Tensor2D;

const images = (n: number, seed: number) => tf.randomNormal([n, 6], 0, 1, 'float32', seed) as tf.Tensor2D;

const build = <M extends typeof Clip | typeof Cmcl>(Method: M, extra: Record<string, unknown> = {}) =>
  new Method({ imageTower: dense(6, 8, 1), textTower: dense(TEXT_DIM, 7, 2), imageDim: 8, textDim: 7, embedDim: 4, ...extra }) as Cmcl<
    tf.Tensor2D,
    tf.Tensor2D
  >;

const release = (out: ReturnType<Cmcl['step']>) =>
  tf.dispose([
    stepLoss(out),
    ...(isLossWithLogs(out) ? Object.values(out.logs ?? {}).filter((v): v is tf.Scalar => typeof v !== 'number') : []),
  ]);

const snapshot = (vars: Record<string, tf.Variable>) =>
  Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, Array.from(v.dataSync())]));

const CAPTIONS = ['A red apple.', 'A frog.', 'A pear.', 'A green frog on a log.', 'A bowl of fruit.', 'A tiger.'];

/** Tables for images 0 … 5 with every kind of rewrite. */
const TABLES: ImageRewrites[] = CAPTIONS.map((c, i) => ({
  captions: [c],
  positives: [`${c} (es)`, `${c} (fr)`, `${c} (de)`],
  weakPositives: [`gloss ${i}: a related text`],
  sentenceNegatives: [CAPTIONS[(i + 1) % CAPTIONS.length]!],
  wordNegatives: [`${c} swapped`, `${c} swapped again`],
}));

describe('Cmcl: with no rewrites it is CLIP', () => {
  it('same loss as clipLoss at the current scale, and the same step as Clip (SGD: same gradients)', () => {
    const clip = build(Clip, { optimizer: tf.train.sgd(0.5) }) as unknown as Clip<tf.Tensor2D, tf.Tensor2D>;
    const cmcl = build(Cmcl, { optimizer: tf.train.sgd(0.5) });
    const x = images(6, 3);
    const { texts, positiveMask, candidateMask } = cmclBatch([0, 1, 2, 3, 4, 5], CAPTIONS, [], createRng(0));
    expect(texts).toEqual(CAPTIONS);
    const t = textFeatures(texts);
    const expected = tf.tidy(
      () =>
        clipLoss(
          tf.matMul(cmcl.imageTower.apply(x, true) as tf.Tensor2D, cmcl.imageProjection) as tf.Tensor2D,
          tf.matMul(cmcl.textTower.apply(t, true) as tf.Tensor2D, cmcl.textProjection) as tf.Tensor2D,
          CLIP_INIT_LOG_SCALE,
        ).dataSync()[0]!,
    );
    const a = clip.step({ images: x, texts: t }, stepInfo(0));
    const b = cmcl.step({ images: x, texts: t, positiveMask, candidateMask }, stepInfo(0));
    expect(stepLoss(b).dataSync()[0]).toBeCloseTo(expected, 5);
    expect(stepLoss(b).dataSync()[0]).toBeCloseTo(stepLoss(a).dataSync()[0]!, 5);
    const [wa, wb] = [snapshot(clip.stateTensors()), snapshot(cmcl.stateTensors())];
    expect(Object.keys(wb)).toEqual(Object.keys(wa));
    for (const k of Object.keys(wa)) {
      const diff = Math.max(...wa[k]!.map((v, i) => Math.abs(v - wb[k]![i]!)));
      expect(diff, k).toBeLessThan(1e-5);
    }
    // And the step did move them (SGD at 0.5): the comparison is not between two untouched models.
    expect(Math.abs(wb.logit_scale![0]! - CLIP_INIT_LOG_SCALE)).toBeGreaterThan(1e-4);
    release(a);
    release(b);
    tf.dispose([x, t]);
    clip.dispose();
    cmcl.dispose();
  });
});

describe('Cmcl with rewrites', () => {
  const batchOf = (seed: number) => {
    const b = cmclBatch([0, 1, 2, 3, 4, 5], CAPTIONS, TABLES, createRng(seed));
    return { ...b, x: images(6, 3), t: textFeatures(b.texts) };
  };

  it('the step loss is cmclLoss (symmetric, τ = e^−s) of the projected outputs; every weight and s move', () => {
    const cmcl = build(Cmcl);
    const { x, t, positiveMask, candidateMask, texts } = batchOf(1);
    expect(texts.length).toBe(6 + 6 * 5); // 2 positives, 1 weak, 2 hard negatives per image
    const projected = () => [
      tf.matMul(cmcl.imageTower.apply(x, true) as tf.Tensor2D, cmcl.imageProjection) as tf.Tensor2D,
      tf.matMul(cmcl.textTower.apply(t, true) as tf.Tensor2D, cmcl.textProjection) as tf.Tensor2D,
    ];
    const expected = tf.tidy(() => {
      const [zi, zt] = projected();
      return cmclLoss(zi!, zt!, positiveMask, {
        candidateMask,
        symmetric: true,
        temperature: Math.exp(-CLIP_INIT_LOG_SCALE),
      }).dataSync()[0]!;
    });
    const clipLike = tf.tidy(() => {
      const [zi, zt] = projected();
      return clipLoss(zi!, zt!.slice([0, 0], [6, -1]) as tf.Tensor2D, CLIP_INIT_LOG_SCALE).dataSync()[0]!;
    });
    expect(Math.abs(expected - clipLike)).toBeGreaterThan(1e-3); // the rewrites change the loss
    const before = snapshot(cmcl.stateTensors());
    const out = cmcl.step({ images: x, texts: t, positiveMask, candidateMask }, stepInfo(0));
    expect(stepLoss(out).dataSync()[0]).toBeCloseTo(expected, 5);
    const logs = isLossWithLogs(out) ? out.logs! : {};
    expect((logs.logitScale as tf.Scalar).dataSync()[0]).toBeCloseTo(Math.exp(CLIP_INIT_LOG_SCALE), 1);
    const acc = (logs.batchAccuracy as tf.Scalar).dataSync()[0]!;
    expect(acc).toBeGreaterThanOrEqual(0);
    expect(acc).toBeLessThanOrEqual(1);
    const after = snapshot(cmcl.stateTensors());
    expect(Object.keys(after).length).toBe(7); // 2 tower kernels + 2 biases, 2 projections, the scale
    for (const k of Object.keys(before)) expect(after[k], k).not.toEqual(before[k]);
    release(out);
    tf.dispose([x, t]);
    cmcl.dispose();
  });

  it('batchAccuracy counts an image right when its most similar candidate is any of its positives', () => {
    // Identity towers and projections: image i and text j have the same features when they are the same vector.
    const eye = tf.eye(3) as tf.Tensor2D;
    const identity = () =>
      layersEncoder(tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 3, useBias: false, weights: [eye] })] }));
    const cmcl = new Cmcl<tf.Tensor2D, tf.Tensor2D>({
      imageTower: identity(),
      textTower: identity(),
      imageDim: 3,
      textDim: 3,
      embedDim: 3,
      learningRate: 1e-9,
    });
    cmcl.imageProjection.assign(eye);
    cmcl.textProjection.assign(eye);
    eye.dispose();
    const x = tf.tensor2d([
      [1, 0, 0],
      [0, 1, 0],
    ]) as tf.Tensor2D;
    // Texts: caption 0 (cosine 0.6 to image 0), caption 1 (0.8 to image 0, 0.6 to image 1), a rewrite along image 0.
    const t = tf.tensor2d([
      [0.6, 0, 0.8],
      [0.8, 0.6, 0],
      [1, 0, 0],
    ]) as tf.Tensor2D;
    const hit = (positiveMask: number[][], candidateMask?: number[][]) => {
      const out = cmcl.step({ images: x, texts: t, positiveMask, ...(candidateMask ? { candidateMask } : {}) }, stepInfo(0));
      const v = ((isLossWithLogs(out) && out.logs!.batchAccuracy) as tf.Scalar).dataSync()[0]!;
      release(out);
      return v;
    };
    const captionOnly = [
      [1, 0, 0],
      [0, 1, 0],
    ];
    expect(
      hit([
        [1, 0, 1],
        [0, 1, 0],
      ]),
    ).toBe(1); // image 0's nearest text is its rewrite, a positive
    expect(hit(captionOnly)).toBe(0.5); // … a negative now
    expect(
      hit(captionOnly, [
        [1, 0, 0],
        [1, 1, 1],
      ]),
    ).toBe(1); // out of image 0's denominator, the rewrite and caption 1 do not count
    expect(
      hit(captionOnly, [
        [1, 1, 0],
        [1, 1, 1],
      ]),
    ).toBe(0.5); // caption 1 (0.8) beats caption 0 (0.6)
    tf.dispose([x, t]);
    cmcl.dispose();
  });

  it('determinism: the same seed gives the same masks and the same loss', () => {
    const run = () => {
      const b = batchOf(42);
      const cmcl = build(Cmcl);
      const out = cmcl.step({ images: b.x, texts: b.t, positiveMask: b.positiveMask, candidateMask: b.candidateMask }, stepInfo(0));
      const loss = stepLoss(out).dataSync()[0]!;
      release(out);
      tf.dispose([b.x, b.t]);
      cmcl.dispose();
      return { texts: b.texts, positiveMask: b.positiveMask, candidateMask: b.candidateMask, loss };
    };
    const [a, b] = [run(), run()];
    expect(b).toEqual(a);
    const other = cmclBatch([0, 1, 2, 3, 4, 5], CAPTIONS, TABLES, createRng(43));
    expect(other.texts).not.toEqual(a.texts);
  });

  it('no tensor leak: steps keep the count flat, dispose frees everything', () => {
    const start = tf.memory().numTensors;
    const cmcl = build(Cmcl);
    const b = batchOf(5);
    const counts: number[] = [];
    for (let s = 0; s < 3; s++) {
      release(cmcl.step({ images: b.x, texts: b.t, positiveMask: b.positiveMask, candidateMask: b.candidateMask }, stepInfo(s)));
      counts.push(tf.memory().numTensors);
    }
    expect(counts[2]).toBe(counts[1]); // after the optimizer's slots exist (step 1), nothing grows
    tf.dispose([b.x, b.t]);
    cmcl.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('fixed τ, image anchors only, and errors', () => {
    const cmcl = build(Cmcl, { learnScale: false, initLogScale: 1, symmetric: false });
    expect(cmcl.name).toBe('cmcl');
    const b = batchOf(7);
    const expected = tf.tidy(
      () =>
        cmclLoss(
          tf.matMul(cmcl.imageTower.apply(b.x, true) as tf.Tensor2D, cmcl.imageProjection) as tf.Tensor2D,
          tf.matMul(cmcl.textTower.apply(b.t, true) as tf.Tensor2D, cmcl.textProjection) as tf.Tensor2D,
          b.positiveMask,
          { candidateMask: b.candidateMask, temperature: Math.exp(-1) },
        ).dataSync()[0]!,
    );
    const out = cmcl.step({ images: b.x, texts: b.t, positiveMask: b.positiveMask }, stepInfo(0));
    expect(stepLoss(out).dataSync()[0]).toBeCloseTo(expected, 5);
    expect(cmcl.logScale.dataSync()[0]).toBe(1);
    release(out);
    expect(() => cmcl.step({ images: b.x, texts: b.t } as never, stepInfo(0))).toThrow(/needs positiveMask/);
    // Bad masks are named before the forward pass, so a failed step leaks nothing (the leak check runs after).
    const bad = (positiveMask: number[][], candidateMask?: number[][]) =>
      cmcl.step({ images: b.x, texts: b.t, positiveMask, ...(candidateMask ? { candidateMask } : {}) }, stepInfo(0));
    expect(() => bad(b.positiveMask.map((r) => r.slice(1)))).toThrow(/positiveMask\[0\] must have 36 entries/);
    expect(() => bad(b.positiveMask.slice(1))).toThrow(/positiveMask must have 6 rows/);
    expect(() => bad(b.positiveMask.map((r, i) => (i === 2 ? r.map(() => 0) : r)))).toThrow(/image 2 has no positive/);
    expect(() => bad(b.positiveMask.map((r) => r.map((v) => v * 2)))).toThrow(/positiveMask\[0\]\[0\] must be 0 or 1, got 2/);
    expect(() =>
      bad(
        b.positiveMask,
        b.positiveMask.map((r) => r.map((_, j) => (j === 0 ? 0 : 1))),
      ),
    ).toThrow(/positiveMask\[0\]\[0\] is 1 but candidateMask\[0\]\[0\] is 0/);
    const [ti, tt] = [dense(6, 8, 1), dense(TEXT_DIM, 7, 2)];
    expect(() => new Cmcl({ imageTower: ti, textTower: tt, imageDim: 8, textDim: 7, symmetric: 'yes' as never })).toThrow(
      /symmetric must be a boolean/,
    );
    ti.dispose();
    tt.dispose();
    tf.dispose([b.x, b.t]);
    cmcl.dispose();
    expect(() => cmcl.step({ images: b.x, texts: b.t, positiveMask: b.positiveMask }, stepInfo(0))).toThrow(/after dispose/);
  });
});
