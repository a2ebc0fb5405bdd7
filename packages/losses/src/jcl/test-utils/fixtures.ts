import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/**
 * Test helpers for `__fixtures__/jcl.json`, written by `tools/reference/losses_jcl.py` (PyTorch, float64).
 * The same comparison as core's loss fixtures (core's helper is not exported). Excluded from the build.
 */

export type Nested = number | Nested[];

/** One golden case: inputs, options, value, gradients of the reduced loss, the code's two terms, the paper's bound. */
export interface JCLCase {
  name: string;
  inputs: { query: Nested; keys: Nested; negatives: Nested };
  options: { temperature: number; lambda: number; reduction: 'mean' | 'sum' | 'none' };
  value: number | number[];
  grads: { query: Nested; keys: Nested; negatives: Nested };
  terms: { crossEntropy: number | number[]; covariance: number | number[] };
  bound: number | number[];
}

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__');

export function loadCases(): JCLCase[] {
  return (JSON.parse(readFileSync(join(FIXTURES, 'jcl.json'), 'utf8')) as { cases: JCLCase[] }).cases;
}

export function toTensor(x: Nested): tf.Tensor {
  return tf.tensor(x as number[], undefined, 'float32');
}

/** 1e-4 absolute, scaled by the magnitude above 1 (float32 against float64). */
export const TOL = 1e-4;

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
