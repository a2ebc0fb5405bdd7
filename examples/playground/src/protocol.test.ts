import { describe, expect, it } from 'vitest';
import { checkFromWorker, checkToWorker, type PixelData, type TrainConfig } from './protocol.js';

const pixels = (n: number): PixelData => ({
  pixels: new Uint8Array(n * 4),
  n,
  height: 2,
  width: 2,
  channels: 1,
  labels: null,
  classNames: null,
});
const config: TrainConfig = {
  method: 'simclr',
  backend: 'auto',
  steps: 10,
  batchSize: 4,
  evalEvery: 5,
  reference: 100,
  seed: 0,
  wasmPath: 'http://x/tfjs-wasm/',
};

describe('protocol', () => {
  it('accepts a valid start and the control messages', () => {
    expect(checkToWorker({ type: 'start', config, train: pixels(8), heldOut: pixels(2) }).type).toBe('start');
    for (const type of ['pause', 'resume', 'stop', 'export']) expect(checkToWorker({ type }).type).toBe(type);
  });

  it('names the field that is wrong', () => {
    const start =
      (c: Partial<TrainConfig>, train = pixels(8)) =>
      () =>
        checkToWorker({ type: 'start', config: { ...config, ...c }, train, heldOut: pixels(2) });
    expect(start({ method: 'byol' as never })).toThrow(/config.method must be one of simclr, moco-v2/);
    expect(start({ backend: 'cuda' as never })).toThrow(/config.backend/);
    expect(start({ steps: 0 })).toThrow(/config.steps must be an integer >= 1/);
    expect(start({ batchSize: 1 })).toThrow(/at least 2/);
    expect(start({ wasmPath: 'http://x/wasm' })).toThrow(/wasmPath/);
    expect(start({ batchSize: 16 })).toThrow(/8 images, fewer than one batch of 16/);
    expect(start({}, { ...pixels(8), n: 9 })).toThrow(/start.train.pixels holds 32 bytes/);
    expect(() => checkToWorker({ type: 'fly' })).toThrow(/unknown message type/);
    expect(() => checkToWorker(null)).toThrow(/string type/);
  });

  it('checks the worker messages the page reads', () => {
    const ok = { type: 'eval', step: 1, knn: 0.5, coords: new Float32Array(4), embeddings: new Float32Array(6), dim: 3 };
    expect(checkFromWorker(ok).type).toBe('eval');
    expect(() => checkFromWorker({ ...ok, coords: new Float32Array(2) })).toThrow(/two numbers per embedding row/);
    expect(() =>
      checkFromWorker({ type: 'step', step: 1, total: 2, loss: '3', trainSeconds: 1, stepsPerSecond: 1, etaSeconds: 1 }),
    ).toThrow(/step.loss/);
    expect(() => checkFromWorker({ type: 'nope' })).toThrow(/unknown message/);
  });
});
