import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/**
 * Test helpers for `__fixtures__/paco.json` (written by `tools/reference/losses_paco.py`, PyTorch float64).
 * Excluded from the build (`src/**\/test-utils/**`); the same tolerance rule as core's loss fixtures.
 */

type Nested = number | Nested[];

/** One golden case: inputs, labels, options, expected value and gradients of the reduced loss. */
export interface PaCoCase {
  name: string;
  inputs: Record<string, Nested>;
  labels: number[];
  queueLabels: number[] | null;
  options: Record<string, unknown>;
  value: number | number[];
  grads: Record<string, Nested>;
}

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__');

/** The cases of `__fixtures__/paco.json`. */
export function loadPaCoCases(): PaCoCase[] {
  return (JSON.parse(readFileSync(join(FIXTURES, 'paco.json'), 'utf8')) as { cases: PaCoCase[] }).cases;
}

/** The nested array as a float32 tensor of its natural shape. */
export function toTensor(x: Nested): tf.Tensor {
  return tf.tensor(x as number[], undefined, 'float32');
}

/** 1e-4 absolute, relative above magnitude 1 (τ = 0.01 makes logits of order 100). */
export const TOL = 1e-4;

/** Asserts |actual − expected| ≤ TOL · max(1, |expected|) elementwise. */
export function expectClose(actual: ArrayLike<number> | number, expected: Nested, label: string): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : ((expected as unknown[]).flat(Infinity as 1) as number[]);
  expect(a.length, `${label}: length`).toBe(e.length);
  let worst = 0;
  let where = -1;
  for (let i = 0; i < e.length; i++) {
    const err = Math.abs(a[i]! - e[i]!) / Math.max(1, Math.abs(e[i]!));
    if (!(err <= worst)) {
      worst = err;
      where = i;
    }
  }
  expect(worst, `${label}: worst relative error at flat index ${where} (got ${a[where]}, want ${e[where]})`).toBeLessThanOrEqual(TOL);
}
