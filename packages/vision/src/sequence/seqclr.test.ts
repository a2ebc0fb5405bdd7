import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { stepInfo, trainableVariables, type ViewMaker } from '@contrastive/core';
import { useLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { instanceNtXent, SeqCLR, SEQCLR_PROJECTORS, type SeqclrProjector } from './seqclr.js';
import { sequenceEncoder } from './sequence-encoder.js';
import { DEFAULT_WINDOWS, INSTANCE_MAPPINGS } from './instance-mapping.js';

useLeakCheck({ backend: 'wasm' });

const encoder = (seed = 1) => sequenceEncoder({ inputShape: [16, 1], widths: [4, 8, 8], seed });
const images = (n = 6, w = 40) => tf.tidy(() => tf.randomUniform([n, 16, w, 1], 0, 1, 'float32', 9) as tf.Tensor4D);
const identity: ViewMaker<tf.Tensor4D> = (x) => x.clone();
const info = (k: number, seed = 5) => stepInfo(k, { seed });

describe('SeqCLR', () => {
  for (const projector of SEQCLR_PROJECTORS) {
    for (const mapping of INSTANCE_MAPPINGS) {
      it(`projector ${projector}, ${mapping}-to-instance: steps train encoder and head, same seed → same losses`, () => {
        const run = () => {
          const m = new SeqCLR({ encoder: encoder(), seed: 2, projector, mapping, projectionDim: 8 });
          const x = images();
          const before = trainableVariables(m.encoder).map((v) => v.clone());
          const losses: number[] = [];
          for (let k = 0; k < 2; k++) {
            const l = m.step(x, info(k));
            losses.push(l.dataSync()[0]!);
            l.dispose();
          }
          const moved = trainableVariables(m.encoder).some((v, i) => tf.tidy(() => v.sub(before[i]!).abs().max().dataSync()[0]!) > 0);
          const state = Object.keys(m.stateTensors());
          tf.dispose([x, ...before]);
          m.dispose();
          return { losses, moved, state };
        };
        const a = run();
        const b = run();
        expect(a.losses.every(Number.isFinite)).toBe(true);
        expect(a.losses).toEqual(b.losses);
        expect(a.moved).toBe(true);
        expect(a.state.some((k) => k.startsWith('projector'))).toBe(projector !== 'none');
      });
    }
  }

  it('loss() is instanceNtXent on the projected frames; embed averages the frames; frames() keeps T = W/4', () => {
    const m = new SeqCLR({ encoder: encoder(), seed: 2, projector: 'none', views: [identity, identity], temperature: 0.2 });
    const x = images(4, 48);
    const v2 = tf.tidy(() => x.mul(0.9) as tf.Tensor4D);
    const l = m.loss(x, v2);
    const ref = tf.tidy(() =>
      instanceNtXent(m.encoder.apply(x, { training: true }) as tf.Tensor3D, m.encoder.apply(v2, { training: true }) as tf.Tensor3D, {
        mapping: 'window',
        windows: DEFAULT_WINDOWS,
        temperature: 0.2,
      }),
    );
    expect(Math.abs(l.dataSync()[0]! - ref.dataSync()[0]!)).toBeLessThan(1e-5);
    const frames = m.frames(x);
    const e = m.embed(x);
    expect(frames.shape).toEqual([4, 12, 8]);
    expect(e.shape).toEqual([4, 8]);
    const mean = tf.tidy(() => frames.mean(1));
    expect(tf.tidy(() => mean.sub(e).abs().max().dataSync()[0]!)).toBeLessThan(1e-6);
    tf.dispose([x, v2, l, ref, frames, e, mean]);
    m.dispose();
    expect(() => m.embed(x)).toThrow(/disposed/);
  });

  it('with identical views and the window mapping the loss is low when frames are aligned: a view shifted by half the width scores worse', () => {
    // Trained or not, an encoder maps the same image to the same frames; the loss of (x, x) must be below that of
    // (x, x shifted right by half its width), where instance t of view 2 shows what instance t − T′/2 of view 1 shows.
    const m = new SeqCLR({ encoder: encoder(3), seed: 2, projector: 'none', views: [identity, identity], temperature: 0.1 });
    const x = images(6, 64);
    const shifted = tf.tidy(
      () => tf.concat([x.slice([0, 0, 32, 0], [-1, -1, 32, -1]), x.slice([0, 0, 0, 0], [-1, -1, 32, -1])], 2) as tf.Tensor4D,
    );
    const same = m.loss(x, x);
    const moved = m.loss(x, shifted);
    expect(same.dataSync()[0]!).toBeLessThan(moved.dataSync()[0]!);
    tf.dispose([x, shifted, same, moved]);
    m.dispose();
  });

  it('options and encoders are validated with the argument named', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ mapping: 'pixel' }, /mapping must be one of all \| frame \| window/],
      [{ windows: 0 }, /windows \(T′\) must be an integer >= 1/],
      [{ temperature: 0 }, /temperature must be a finite number > 0/],
      [{ projector: 'gru' }, /projector must be one of mlp \| none \| bilstm/],
      [{ projector: 'bilstm', projectionDim: 7 }, /projectionDim must be an integer >= 2 \(even for the BiLSTM head\)/],
    ];
    for (const [opts, re] of bad) {
      const enc = encoder();
      expect(() => new SeqCLR({ encoder: enc, ...(opts as { projector?: SeqclrProjector }) })).toThrow(re);
      enc.dispose();
    }
    const flat = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [16, 8, 1] })] });
    expect(() => new SeqCLR({ encoder: flat })).toThrow(/must output frames \[N, T, F\]/);
    flat.dispose();
    const m = new SeqCLR({ encoder: encoder() });
    const x = images(2);
    expect(() => m.step(x, undefined as never)).toThrow(/StepInfo/);
    tf.dispose(x);
    m.dispose();
  });
});
