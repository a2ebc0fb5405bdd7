import { useCpuLeakCheck } from '@contrastive/core/test-utils';
import { describe, expect, it } from 'vitest';
import { whyNoScores } from './train-command.js';

useCpuLeakCheck();

describe('train: why a run is not scored', () => {
  it('names what is missing — labels of --data, --eval-data itself, or its labels — and what to pass', () => {
    expect(whyNoScores(false, true)).toMatch(/^--data has no labels .*one sub-folder per class/);
    expect(whyNoScores(false, null)).toMatch(/^--data has no labels/);
    expect(whyNoScores(true, null)).toMatch(/^no --eval-data: training only.*pass --eval-data PATH/);
    expect(whyNoScores(true, false)).toMatch(/^--eval-data has no labels/);
  });
});
