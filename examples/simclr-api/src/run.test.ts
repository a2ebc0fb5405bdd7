import { describe, expect, it } from 'vitest';
import { runSimclrExample } from './run.js';

// The example on a tiny setting (seconds): it trains, the loss is finite, and both encoders score above chance
// (10 classes) — which fails if the data, labels or the encoder's features are wired wrong.
describe('SimCLR API example (tiny)', () => {
  it('trains one epoch on 256 images and scores kNN and the probe before and after', async () => {
    const r = await runSimclrExample({ limit: 256, epochs: 1, batchSize: 32 });
    expect(Number.isFinite(r.finalLoss)).toBe(true);
    for (const [name, acc] of Object.entries({ ...r.randomInit, trainedKnn: r.trained.knn, trainedProbe: r.trained.probe })) {
      expect(acc, name).toBeGreaterThan(0.3);
      expect(acc, name).toBeLessThanOrEqual(1);
    }
  });
});
