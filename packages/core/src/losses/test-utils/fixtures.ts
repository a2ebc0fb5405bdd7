import { readFixtureCases, type FixtureCase } from '@contrastive/test-utils';

/** Test helpers for the loss fixtures written by `tools/reference/core_losses.py`; the comparison lives in @contrastive/test-utils. */
export { checkCase, expectClose, TOL, toTensor } from '@contrastive/test-utils';
export type { FixtureCase, Nested } from '@contrastive/test-utils';

/** Reads `losses/__fixtures__/<file>` and returns its cases. */
export function loadCases(file: string): FixtureCase[] {
  return readFixtureCases(new URL('../__fixtures__', import.meta.url), file);
}
