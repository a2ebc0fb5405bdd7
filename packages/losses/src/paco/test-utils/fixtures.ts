import { type Nested, readFixtureCases } from '@contrastive/test-utils';

/**
 * Test helpers for `__fixtures__/paco.json`, written by `tools/reference/losses_paco.py` (PyTorch, float64). The
 * comparison (tolerance, expectClose, toTensor) is the one every package shares, from @contrastive/test-utils.
 */
export { expectClose, TOL, toTensor } from '@contrastive/test-utils';
export type { Nested } from '@contrastive/test-utils';

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

/** The cases of `__fixtures__/paco.json`. */
export function loadPaCoCases(): PaCoCase[] {
  return readFixtureCases<PaCoCase>(new URL('../__fixtures__', import.meta.url), 'paco.json');
}
