import { describe, expect, it } from 'vitest';
import { physicalCores } from '../node/parallel/physical-cores.js';
import { dataParallelFlags, describeDataParallel } from './data-parallel-flags.js';

const replica = { module: 'file:///x.js', args: {} };

describe('dataParallelFlags', () => {
  it('auto = the physical cores, at most one worker per 16 examples of a batch', () => {
    const cores = physicalCores();
    expect(cores).toBeGreaterThanOrEqual(1);
    const big = dataParallelFlags({ workers: 'auto', syncBatchNorm: false }, { batchSize: 4096, replica, command: 't' });
    expect(big.workers).toBe(cores);
    expect(dataParallelFlags({ workers: 'auto', syncBatchNorm: false }, { batchSize: 31, replica, command: 't' })).toEqual({ workers: 1 });
    const whole = { batchSize: 4096, replica, command: 't', splitsBatch: false };
    expect(dataParallelFlags({ workers: 'auto', syncBatchNorm: false }, whole)).toEqual({ workers: 1 });
    expect(dataParallelFlags({ workers: 2, syncBatchNorm: false }, whole).workers).toBe(2);
  });

  it('passes an explicit count, the replica and --sync-bn through', () => {
    expect(dataParallelFlags({ workers: 3, syncBatchNorm: true }, { batchSize: 8, replica, command: 't' })).toEqual({
      workers: 3,
      replica,
      syncBatchNorm: true,
    });
  });

  it('a command without replicas trains in one thread under auto and refuses an explicit N > 1', () => {
    expect(dataParallelFlags({ workers: 'auto', syncBatchNorm: false }, { batchSize: 4096, command: 'x train' })).toEqual({ workers: 1 });
    expect(() => dataParallelFlags({ workers: 2, syncBatchNorm: false }, { batchSize: 64, command: 'x train' })).toThrow(
      '--workers 2: x train trains in one thread only (no data-parallel replica yet)',
    );
  });
});

describe('describeDataParallel', () => {
  it('names the workers, the split of a batch and the batch-norm mode; null for one thread', () => {
    expect(describeDataParallel({ workers: 1 }, 64)).toBeNull();
    expect(describeDataParallel({ workers: 2, replica, syncBatchNorm: false }, 65)).toBe(
      "data-parallel: 2 workers (each step's 65 examples split 33 + 32; batch norm per worker)",
    );
    expect(describeDataParallel({ workers: 3, replica, syncBatchNorm: true }, 9)).toMatch(/split 3 \+ 3 \+ 3; batch norm synchronised/);
    expect(describeDataParallel({ workers: 2, replica }, 8, { unit: 'graphs', batchNorm: false })).toBe(
      "data-parallel: 2 workers (each step's 8 graphs split 4 + 4)",
    );
  });
});
