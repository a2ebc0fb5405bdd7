import * as tf from '@tensorflow/tfjs';
import { dataParallelContext } from './context.js';

const SYNCED = Symbol.for('@contrastive/core.dataParallelGradients');

type NamedTensor = { name: string; tensor: tf.Tensor };
type ApplyGradients = (grads: tf.NamedTensorMap | NamedTensor[]) => void;

const buffers = new WeakMap<tf.Optimizer, Float32Array>();

/**
 * Makes `optimizer.applyGradients` (hence `minimize`) average the gradients over the ranks of the current
 * data-parallel step before applying them (one all-reduce per call, in the order the names arrive — the
 * same on every replica), so every replica applies the same update. Outside a data-parallel step it applies
 * the gradients as given. Idempotent per optimizer.
 */
export function syncOptimizerGradients(optimizer: tf.Optimizer): void {
  const o = optimizer as unknown as { applyGradients: ApplyGradients; [SYNCED]?: true };
  if (o[SYNCED]) return;
  const original = o.applyGradients.bind(optimizer) as ApplyGradients;
  o.applyGradients = (grads) => {
    const ctx = dataParallelContext();
    if (ctx === undefined || ctx.size === 1) return original(grads);
    // A variable without a gradient path (tfjs passes `undefined` for it) is passed on as it came: every replica
    // lacks the same ones, so the all-reduce stays aligned.
    const all: [string, tf.Tensor | undefined][] = Array.isArray(grads) ? grads.map((g) => [g.name, g.tensor]) : Object.entries(grads);
    const entries = all.filter((e): e is [string, tf.Tensor] => e[1] != null);
    const sizes = entries.map(([, t]) => t.size);
    // One buffer per optimizer, reused every step (a new one per step left megabytes of garbage per step).
    const total = sizes.reduce((a, b) => a + b, 0);
    let flat = buffers.get(optimizer);
    if (flat === undefined || flat.length !== total) {
      flat = new Float32Array(total);
      buffers.set(optimizer, flat);
    }
    let at = 0;
    for (const [name, t] of entries) {
      if (t.dtype !== 'float32') throw new TypeError(`data-parallel: gradient '${name}' must be float32, got ${t.dtype}`);
      flat.set(t.dataSync() as Float32Array, at);
      at += t.size;
    }
    const sum = ctx.collective.allReduceSum(flat, flat);
    const inv = 1 / ctx.size;
    for (let i = 0; i < sum.length; i++) sum[i]! *= inv;
    const averaged: tf.Tensor[] = [];
    at = 0;
    for (const [, t] of entries) {
      averaged.push(tf.tensor(sum.subarray(at, at + t.size), t.shape, 'float32'));
      at += t.size;
    }
    const byName = new Map(entries.map(([name], i) => [name, averaged[i]!]));
    const out = all.map(([name, t]) => [name, t == null ? t : byName.get(name)!] as const);
    try {
      if (Array.isArray(grads)) original(out.map(([name, tensor]) => ({ name, tensor: tensor as tf.Tensor })));
      else original(Object.fromEntries(out) as tf.NamedTensorMap);
    } finally {
      for (const t of averaged) t.dispose();
    }
  };
  o[SYNCED] = true;
}

/**
 * A fingerprint of the trainable state (two float64 sums per variable group, in name order): equal on
 * every replica while they stay in step. Batch-norm moving statistics (non-trainable) are left out: with
 * per-shard statistics each rank's differ, as in PyTorch's DDP.
 */
export function stateFingerprint(variables: Record<string, tf.Variable>): number[] {
  let a = 0;
  let b = 0;
  let k = 0;
  for (const name of Object.keys(variables).sort()) {
    const v = variables[name]!;
    if (!v.trainable || v.dtype !== 'float32') continue;
    const data = v.dataSync();
    for (let i = 0; i < data.length; i++) {
      a += data[i]!;
      b += data[i]! * ((k++ % 13) + 1);
    }
  }
  // As float32 pairs (hi, lo), so that a float32 exchange keeps them exactly enough to compare.
  return [a, b].flatMap((v) => {
    const hi = Math.fround(v);
    return [hi, Math.fround(v - hi)];
  });
}
