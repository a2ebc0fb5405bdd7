import { type Nested, readFixtureCases } from '@contrastive/test-utils';

/**
 * Test helpers for `__fixtures__/jcl.json`, written by `tools/reference/losses_jcl.py` (PyTorch, float64). The
 * comparison (tolerance, expectClose, toTensor) is the one every package shares, from @contrastive/test-utils.
 */
export { expectClose, TOL, toTensor } from '@contrastive/test-utils';
export type { Nested } from '@contrastive/test-utils';

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

/** The cases of `__fixtures__/jcl.json`. */
export function loadCases(): JCLCase[] {
  return readFixtureCases<JCLCase>(new URL('../__fixtures__', import.meta.url), 'jcl.json');
}
