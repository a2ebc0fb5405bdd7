import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TextEmbedder } from '../encoders/sentence-encoder.js';
import { faultCase, faultTitle } from '@contrastive/test-utils';
import { FAULT_CASES } from '../faults/cases.js';
import { ValidationTracker, validationWarnings } from './tracker.js';

const title = (id: string): string => faultTitle(faultCase(FAULT_CASES, id));

const pairs = Array.from({ length: 6 }, (_, i) => ({ query: `q${i}`, document: `d${i}` }));

/** An embedder whose `quality` decides how many queries land on their own document (the rest on document 0's vector). */
function embedder(state: { quality: number }): TextEmbedder {
  return {
    encode: async (texts) =>
      texts.map((t) => {
        const i = Number(t.slice(1));
        const v = new Float32Array(8);
        const own = t.startsWith('d') || i < state.quality;
        v[own ? i : 7] = 1;
        return v;
      }),
  };
}

describe('ValidationTracker', () => {
  it('keeps the best step in one folder, records start/best/final, and warns when training fell back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'val-'));
    const saved: string[] = [];
    const tracker = new ValidationTracker(dir, pairs, 'test pairs', async (folder) => {
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, 'weights'), folder);
      saved.push(path.basename(folder));
    });
    const state = { quality: 2 };
    const enc = embedder(state);
    // 2 queries at rank 1; the 4 others score 0 against every document, so tie-ranked last (6 of 6).
    expect((await tracker.score(enc, 0)).mrrAt10).toBeCloseTo((2 + 4 / 6) / 6, 4);
    state.quality = 5;
    await tracker.score(enc, 10);
    state.quality = 3;
    await tracker.score(enc, 20);
    expect(saved).toEqual(['best-0', 'best-10']);
    expect(readdirSync(dir).filter((n) => n.startsWith('best-'))).toEqual(['best-10']);
    const outcome = tracker.outcome()!;
    expect([outcome.start.step, outcome.best.step, outcome.final.step]).toEqual([0, 10, 20]);
    expect(outcome.bestFolder).toBe(path.join(dir, 'best-10'));
    expect(validationWarnings(outcome).join()).toMatch(/fell after step 10/);
    const record = JSON.parse(readFileSync(path.join(dir, 'validation.json'), 'utf8'));
    expect(record.best).toMatchObject({ step: 10, folder: 'best-10' });
    expect(record.history.map((p: { step: number }) => p.step)).toEqual([0, 10, 20]);

    // Resume from step 10: the score of step 20 is forgotten, the best kept.
    const resumed = new ValidationTracker(dir, pairs, 'test pairs', async () => {
      throw new Error('must not save: step 10 is still the best');
    });
    resumed.restore(10);
    expect(resumed.history.map((p) => p.step)).toEqual([0, 10]);
    state.quality = 3;
    await resumed.score(enc, 20);
    expect(resumed.outcome()!.best.step).toBe(10);
  });

  it(title('text/validation-no-gain'), () => {
    const p = (step: number, mrrAt10: number, participation: number) => ({ step, mrrAt10, recallAt1: 0, recallAt10: 0, participation });
    const noGain = validationWarnings({ start: p(0, 0.3, 20), best: p(0, 0.3, 20), final: p(50, 0.1, 1.2), bestFolder: 'x' });
    expect(noGain.join('\n')).toMatch(
      /did not improve validation MRR@10 \(start 0.3, final 0.1\): the saved model is the untrained encoder/,
    );
    expect(validationWarnings({ start: p(0, 0.3, 20), best: p(40, 0.301, 20), final: p(50, 0.3, 20), bestFolder: 'x' }).join()).toMatch(
      /barely moved \(start 0.3, best 0.301 at step 40, final 0.3\)/,
    );
    expect(noGain.join('\n')).toMatch(/collapsed: .* from 20 to 1.2/);
    expect(validationWarnings({ start: p(0, 0.1, 20), best: p(50, 0.3, 20), final: p(50, 0.3, 20), bestFolder: null })).toEqual([]);
    expect(existsSync('x')).toBe(false);
  });
});
