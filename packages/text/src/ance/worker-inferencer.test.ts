import { train } from '@contrastive/core';
import { useCpuLeakCheck } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { ANCE } from '../methods/ance.js';
import { createAnceTraining } from './ance-training.js';
import { tinyAnceTask, tinyBert } from './test-utils/tiny-ance.js';
import { WorkerInferencer } from './worker-inferencer.js';

const task = tinyAnceTask();

describe('AnnNegativeRefresher (async, worker thread)', () => {
  useCpuLeakCheck();

  it('mines the same negatives as sync from the same weights, and swaps tables in at step boundaries while training runs', async () => {
    const method = new ANCE(tinyBert(task.tokenizer.vocabSize), { learningRate: 5e-3 });
    const common = {
      method,
      tokenizer: task.tokenizer,
      maxLength: 16,
      pairs: task.pairs,
      passages: task.passages,
      batchSize: 4,
      negatives: 3,
      topK: 8,
      refreshEvery: 2,
      seed: 3,
    };
    const sync = createAnceTraining(common);
    const inferencer = new WorkerInferencer({ backend: 'cpu' });
    const async = createAnceTraining({ ...common, mode: 'async', inferencer });
    try {
      // 1. Same weights (the worker gets a snapshot), same seed and step → the same table.
      const [a, s] = [await async.refresher.computeAnnTable(2), await sync.refresher.computeAnnTable(2)];
      expect(inferencer.backend).toBe('cpu');
      expect(Array.from(a.keys)).toEqual(Array.from(s.keys));
      expect(a.stats).toEqual(s.stats);

      // 2. A run: refreshes start at multiples of K and are installed at a later boundary. The tiny steps take
      //    milliseconds, so each step also waits 150 ms (a slower trainer) to give the worker time.
      await train({
        method,
        epochs: 3,
        stepsPerEpoch: 4,
        seed: 1,
        progress: false,
        batches: async.batches,
        callbacks: [async.callbacks, { onStepEnd: () => new Promise((r) => setTimeout(r, 150)) }],
      });
      const ev = async.refresher.events;
      expect(ev[0]).toMatchObject({ source: 'bm25', step: 0, installedAt: 0 });
      expect(ev.length).toBeGreaterThanOrEqual(2);
      for (const e of ev.slice(1)) {
        expect(e.source).toBe('ann');
        expect(e.step % 2).toBe(0);
        expect(e.installedAt).toBeGreaterThan(e.step);
      }
      expect(async.refresher.table.keys.length).toBe(async.data.queries.length * 3);
    } finally {
      await Promise.all([sync.close(), async.close()]);
      method.dispose();
    }
  });

  it('rejects with the worker’s message when the snapshot does not fit, and refuses use after close', async () => {
    const inferencer = new WorkerInferencer({ backend: 'cpu' });
    const method = new ANCE(tinyBert(task.tokenizer.vocabSize));
    const ance = createAnceTraining({
      method,
      tokenizer: task.tokenizer,
      maxLength: 16,
      pairs: task.pairs,
      batchSize: 4,
      refreshEvery: 1,
      mode: 'async',
      inferencer,
      negatives: 2,
    });
    const setup = {
      passages: ance.tokens.passages,
      queries: ance.tokens.queries,
      embedding: { pooling: 'mean' as const, normalize: false },
    };
    const config = method.encoder.config;
    await expect(inferencer.embed(setup, { config, weights: {} })).rejects.toThrow(
      /ANCE inferencer worker: weight snapshot has no 'embeddings/,
    );
    await ance.close();
    await expect(inferencer.embed(setup, { config, weights: {} })).rejects.toThrow(/after close/);
    expect(() => new WorkerInferencer({ backend: 'webgl' as 'cpu' })).toThrow(/backend must be 'cpu' or 'wasm'/);
    method.dispose();
  });
});
