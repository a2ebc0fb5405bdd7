import { describe, expect, it } from 'vitest';
import { runImageGraph } from './run.js';

// The whole example on a tiny setting (seconds): every classifier runs and beats chance (10 classes) by a margin,
// which fails if the graph, the labels or the embeddings are wired wrong (e.g. labels shuffled against images).
describe('image graph example (tiny)', () => {
  it('trains SimCLR, builds the kNN graph and scores four classifiers above chance', async () => {
    const r = await runImageGraph({ trainLimit: 256, nodes: 200, epochs: 1, batchSize: 32, graphEpochs: 100, labelsPerClass: 3 });
    expect(r.nodes).toBe(200);
    expect(r.labelled).toBe(30);
    expect(r.edges).toBeGreaterThanOrEqual(200 * 10);
    expect(Number.isFinite(r.simclrFinalLoss)).toBe(true);
    for (const [name, acc] of Object.entries(r.accuracy)) {
      expect(acc, name).toBeGreaterThan(0.25);
      expect(acc, name).toBeLessThanOrEqual(1);
    }
  });
});
