import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/**
 * Golden-value helpers shared by every package's loss tests: fixtures written by the PyTorch scripts in
 * `tools/reference/` (float64), compared with one tolerance rule.
 */

/** A nested array of numbers as JSON holds a tensor. */
export type Nested = number | Nested[];

/** One golden case: inputs, options, expected value and gradients of the reduced loss. */
export interface FixtureCase {
  name: string;
  inputs: Record<string, Nested>;
  options: Record<string, unknown>;
  value: number | number[];
  grads: Record<string, Nested>;
  [extra: string]: unknown;
}

/**
 * Reads the golden cases of a fixture written by a `tools/reference/*.py` script: `dir` is the folder of the
 * fixtures (e.g. `new URL('../__fixtures__', import.meta.url)`), `file` its name. The JSON is `{ cases: [...] }`.
 */
export function readFixtureCases<C = FixtureCase>(dir: URL | string, file: string): C[] {
  const folder = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const json = JSON.parse(readFileSync(join(folder, file), 'utf8')) as { cases: C[] };
  return json.cases;
}

/** The nested array as a float32 tensor of its natural shape. */
export function toTensor(x: Nested): tf.Tensor {
  return tf.tensor(x as number[], undefined, 'float32');
}

/**
 * Tolerance of the golden comparison: 1e-4 absolute, scaled by the magnitude for values above 1 (at
 * τ = 0.01 logits and gradients are of order 1/τ = 100, where float32 carries ~7 significant digits).
 */
export const TOL = 1e-4;

/** Asserts |actual − expected| ≤ TOL · max(1, |expected|) elementwise, with a readable message. */
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

/**
 * Runs `loss` on the case's tensors (in `names` order), compares the value, then the gradients of the
 * reduced loss (the sum of the vector for `'none'`) w.r.t. every input in `names`. Frees everything.
 */
export function checkCase(c: FixtureCase, names: readonly string[], loss: (...xs: tf.Tensor[]) => tf.Tensor): void {
  const xs = names.map((n) => toTensor(c.inputs[n]!));
  try {
    const value = loss(...xs);
    expectClose(value.dataSync(), c.value as Nested, `${c.name} value`);
    value.dispose();
    const g = tf.grads((...ys: tf.Tensor[]) => tf.sum(loss(...ys)) as tf.Scalar);
    const grads = g(xs);
    grads.forEach((gr, i) => {
      expectClose(gr.dataSync(), c.grads[names[i]!]!, `${c.name} d/d${names[i]}`);
    });
    tf.dispose(grads);
  } finally {
    tf.dispose(xs);
  }
}
