import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels, stepInfo } from '@contrastive/core';
import { useLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { changed, realBatch, snapshot, tinyContraD } from './test-utils/tiny-models.js';

// What ContraD needs from a backend: first-order gradients of the two contrastive losses and the dis loss
// through the encoder and heads, and of the G loss through the differentiable augmentation (batched matMul,
// reverse, where, clip) and the whole discriminator. No gradient of a gradient. Run on wasm, the backend
// initBackend() prefers without tfjs-node, and compared with the same step on cpu.

registerWasmTrainingKernels();
useLeakCheck({ backend: 'wasm' });

type Out = { loss: tf.Scalar; logs: Record<string, tf.Scalar> };

async function oneStep(backend: 'cpu' | 'wasm') {
  await tf.setBackend(backend);
  const m = tinyContraD();
  const x = realBatch(4, 8);
  try {
    const before = snapshot(m);
    const out = m.step(x, stepInfo(0, { seed: 1 })) as Out;
    const logs = Object.fromEntries(Object.entries(out.logs).map(([k, v]) => [k, v.dataSync()[0]!]));
    tf.dispose([out.loss, ...Object.values(out.logs)]);
    const after = snapshot(m);
    return { logs, moved: changed(before, after), after };
  } finally {
    x.dispose();
    m.dispose();
    await tf.setBackend('wasm');
  }
}

describe('ContraD on the wasm backend', () => {
  it('one step: finite logs, every model moves, and the same numbers as on cpu', async () => {
    const wasm = await oneStep('wasm');
    for (const v of Object.values(wasm.logs)) expect(Number.isFinite(v)).toBe(true);
    for (const p of ['generator/', 'discriminator/', 'projection/', 'projection2/', 'dis_head/'])
      expect(wasm.moved.some((k) => k.startsWith(p))).toBe(true);
    const cpu = await oneStep('cpu');
    for (const [k, v] of Object.entries(cpu.logs)) expect(Math.abs(wasm.logs[k]! - v), k).toBeLessThan(1e-3 * Math.max(1, Math.abs(v)));
    for (const [k, v] of Object.entries(cpu.after)) v.forEach((w, i) => expect(Math.abs(wasm.after[k]![i]! - w), k).toBeLessThan(1e-3));
  });
});
