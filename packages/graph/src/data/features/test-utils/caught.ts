import { expect } from 'vitest';
import { GraphDataError } from '../../errors.js';

/** The GraphDataError `f` throws (fails the test when it throws nothing or something else). Test-only. */
export function caught(f: () => unknown): GraphDataError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(GraphDataError);
    return e as GraphDataError;
  }
  throw new Error('expected a GraphDataError');
}
