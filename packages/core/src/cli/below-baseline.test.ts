import { describe, expect, it } from 'vitest';
import { belowBaselineWarnings } from './below-baseline.js';
import { finishRun } from './summary.js';
import type { RunSummary } from './summary.js';

function summary(metrics: RunSummary['metrics'], randomInit: Record<string, number | null>): RunSummary {
  return {
    method: 'byol',
    domain: 'vision',
    seed: 1,
    epochs: 10,
    steps: 60,
    seconds: 12,
    trainSeconds: 10,
    backend: 'cpu',
    out: '/tmp/x',
    finalLoss: 0.5,
    metrics,
    baselines: { randomInit },
    notes: ['a note'],
  };
}

describe('belowBaselineWarnings', () => {
  it('names every higher-is-better metric below the random-init encoder, and only those', () => {
    const s = summary(
      { knnAccuracy: 0.589, linearProbeAccuracy: 0.97, probeRocAuc: 0.7, trainAccuracy: 0.1, accuracyStd: 0.01, alignment: 0.9 },
      { knnAccuracy: 0.798, linearProbeAccuracy: 0.97, probeRocAuc: 0.8, trainAccuracy: 0.5, accuracyStd: 0.5, alignment: 0.1 },
    );
    const w = belowBaselineWarnings(s);
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/^knnAccuracy 0\.589 is below the random-init encoder's 0\.798: training made the representation worse/);
    expect(w[1]).toMatch(/^probeRocAuc 0\.7 is below/);
  });
  it('is empty without the baseline, at or above it, or for null / non-numeric values', () => {
    expect(belowBaselineWarnings(summary({ knnAccuracy: 0.5 }, {}))).toEqual([]);
    expect(belowBaselineWarnings({ metrics: { knnAccuracy: 0.5 }, baselines: {} })).toEqual([]);
    expect(belowBaselineWarnings(summary({ knnAccuracy: 0.8, spearman: null, k: 'auto' }, { knnAccuracy: 0.8, spearman: 0.3 }))).toEqual(
      [],
    );
    expect(belowBaselineWarnings(summary({ accuracy: 0.5 }, { accuracy: 0.6 }), 'gcn')).toEqual([]);
    expect(belowBaselineWarnings({ metrics: { accuracy: 0.5 }, baselines: { gcn: { accuracy: 0.6 } } }, 'gcn')[0]).toMatch(
      /below the gcn's 0\.6/,
    );
  });
  it('finishRun adds the warning to the notes and to stderr, and still exits 0', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await finishRun(
      summary({ knnAccuracy: 0.58912 }, { knnAccuracy: 0.79811 }),
      { out: (s) => out.push(s), err: (s) => err.push(s) },
      { json: true, tool: 'contrastive-vision' },
    );
    expect(code).toBe(0);
    const printed = JSON.parse(out[0]!) as RunSummary;
    expect(printed.notes).toEqual([
      'a note',
      expect.stringMatching(/^warning: knnAccuracy 0\.5891 is below the random-init encoder's 0\.7981/),
    ]);
    expect(err).toEqual([expect.stringMatching(/^contrastive-vision: warning: knnAccuracy 0\.5891 is below/)]);
    const quiet: string[] = [];
    await finishRun(summary({ knnAccuracy: 0.8 }, { knnAccuracy: 0.7 }), { out: () => {}, err: (s) => quiet.push(s) }, { json: true });
    expect(quiet).toEqual([]);
  });
});
