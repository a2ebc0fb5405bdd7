import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { FEW_STEPS, fewStepsNote, whyNoScores } from './train-report.js';

useCpuLeakCheck();

describe('train: why a run is not scored', () => {
  it('names what is missing — labels of --data, --eval-data itself, or its labels — and what to pass', () => {
    expect(whyNoScores(false, true)).toMatch(/^--data has no labels .*one sub-folder per class/);
    expect(whyNoScores(false, null)).toMatch(/^--data has no labels/);
    expect(whyNoScores(true, null)).toMatch(/^no --eval-data: training only.*pass --eval-data PATH/);
    expect(whyNoScores(true, false)).toMatch(/^--eval-data has no labels/);
  });

  it('tells a short run how many steps it has and what to raise, and says nothing for a long one', () => {
    expect(fewStepsNote(3, 10, 256)).toBe(
      `note: 30 optimizer steps in all (3 per epoch × 10 epochs); contrastive encoders usually need ${FEW_STEPS}+ steps to beat their random init clearly — raise --epochs or lower --batch-size`,
    );
    expect(fewStepsNote(46, 3, 64)).toMatch(/^note: 138 optimizer steps .* raise --epochs$/);
    expect(fewStepsNote(234, 3, 256)).toBeNull();
    expect(fewStepsNote(50, 10, 64)).toBeNull();
  });
});
