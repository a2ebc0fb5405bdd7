import { describe, expect, it } from 'vitest';
import {
  busyWarning,
  formatTable,
  type LoadSample,
  loadPair,
  loadRange,
  loadVerdict,
  median,
  ratioCell,
  spread,
  summarizeRounds,
  waitForIdle,
} from './stats.js';

const at = (load1: number, cores = 2): LoadSample => ({ load1, cores, cpus: cores });

describe('median and spread', () => {
  it('takes the middle value, or the mean of the two middle values, without reordering the input', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });
  it('sorts numerically, not as strings', () => {
    expect(median([10, 9, 100])).toBe(10);
  });
  it('gives min and max', () => {
    expect(spread([0.3, 0.25, 0.41])).toEqual({ min: 0.25, max: 0.41 });
  });
  it('refuses an empty list', () => {
    expect(() => median([])).toThrow(/empty/);
    expect(() => spread([])).toThrow(/empty/);
  });
});

describe('loadVerdict', () => {
  it('is idle when every sample is at or below the threshold per core', () => {
    const v = loadVerdict([at(0.2), at(1.0)], 0.5);
    expect(v.busy).toBe(false);
    expect(v.min).toBe(0.2);
    expect(v.max).toBe(1.0);
    expect(busyWarning(v)).toBeUndefined();
  });
  it('is busy when one sample (before or after) exceeds it, and names the worst load and its cores', () => {
    const v = loadVerdict([at(0.1), at(1.45), at(0.3)], 0.5);
    expect(v.busy).toBe(true);
    expect(v.worst.load1).toBe(1.45);
    expect(busyWarning(v)).toBe('warning: machine busy (load 1.45 on 2 cores): ratio not comparable');
    expect(busyWarning(v, 'throughput')).toBe('warning: machine busy (load 1.45 on 2 cores): throughput not comparable');
  });
  it('scales the threshold with the core count', () => {
    expect(loadVerdict([at(3, 8)], 0.5).busy).toBe(false);
    expect(loadVerdict([at(3, 4)], 0.5).busy).toBe(true);
    expect(loadVerdict([at(3, 4)], 1).busy).toBe(false);
  });
  it('refuses no samples', () => {
    expect(() => loadVerdict([], 0.5)).toThrow(/no load samples/);
  });
});

describe('cells', () => {
  it('marks a busy ratio instead of printing it bare', () => {
    expect(ratioCell(0.3149, false)).toBe('0.31x');
    expect(ratioCell(0.3149, true)).toBe('0.31x (busy)');
    expect(ratioCell(undefined, true)).toBe('—');
    expect(ratioCell(Number.NaN, false)).toBe('—');
  });
  it('prints load pairs and ranges with two decimals', () => {
    expect(loadPair(at(0.081), at(0.95))).toBe('0.08→0.95');
    expect(loadRange(loadVerdict([at(1.449), at(0.08)], 0.5))).toBe('0.08–1.45');
  });
});

describe('summarizeRounds', () => {
  it('takes the median of per-round ratios, not the ratio of medians', () => {
    // Ratios 10/20 = 0.5, 30/40 = 0.75, 12/12 = 1 → median 0.75; medians 12 and 20 would give 0.6.
    const s = summarizeRounds([
      { ours: 10, torch: 20 },
      { ours: 30, torch: 40 },
      { ours: 12, torch: 12 },
    ]);
    expect(s.oursMedian).toBe(12);
    expect(s.torchMedian).toBe(20);
    expect(s.ratios).toEqual([0.5, 0.75, 1]);
    expect(s.ratioMedian).toBe(0.75);
    expect(s.ratioMin).toBe(0.5);
    expect(s.ratioMax).toBe(1);
  });
  it('skips a side that failed in a round and computes ratios only where both ran', () => {
    const s = summarizeRounds([{ ours: 10, torch: 20 }, { ours: 8 }, { torch: 16 }]);
    expect(s.oursMedian).toBe(9);
    expect(s.torchMedian).toBe(18);
    expect(s.ratios).toEqual([0.5]);
    expect(s.ratioMedian).toBe(0.5);
  });
  it('has no ratio at all without the twin (plain runs)', () => {
    const s = summarizeRounds([{ ours: 3 }]);
    expect(s.oursMedian).toBe(3);
    expect(s.torchMedian).toBeUndefined();
    expect(s.ratioMedian).toBeUndefined();
    expect(s.ratios).toEqual([]);
  });
});

describe('waitForIdle', () => {
  /** A load sequence read one value per call, and a sleep that records its durations. */
  function fake(loads: number[]) {
    const slept: number[] = [];
    let i = 0;
    return {
      slept,
      reads: () => i,
      readLoad: () => at(loads[Math.min(i++, loads.length - 1)]!),
      sleep: async (s: number) => {
        slept.push(s);
      },
    };
  }
  it('returns at once, without sleeping, when the machine is already idle', async () => {
    const f = fake([0.4]);
    const r = await waitForIdle({ ...f, maxLoadPerCore: 0.5, maxWaitS: 60 });
    expect(r).toEqual({ idle: true, waitedS: 0, last: at(0.4) });
    expect(f.slept).toEqual([]);
  });
  it('polls every 5 s until the load falls below the threshold', async () => {
    const f = fake([1.8, 1.4, 0.9]);
    const r = await waitForIdle({ ...f, maxLoadPerCore: 0.5, maxWaitS: 60 });
    expect(r.idle).toBe(true);
    expect(r.waitedS).toBe(10);
    expect(f.slept).toEqual([5, 5]);
  });
  it('gives up after the allowed time, shortening the last poll, and reports the last load', async () => {
    const f = fake([2]);
    const r = await waitForIdle({ ...f, maxLoadPerCore: 0.5, maxWaitS: 12 });
    expect(r.idle).toBe(false);
    expect(r.waitedS).toBe(12);
    expect(r.last.load1).toBe(2);
    expect(f.slept).toEqual([5, 5, 2]);
    expect(f.reads()).toBe(4);
  });
  it('with a zero wait only checks once', async () => {
    const f = fake([2, 0]);
    const r = await waitForIdle({ ...f, maxLoadPerCore: 0.5, maxWaitS: 0 });
    expect(r).toMatchObject({ idle: false, waitedS: 0 });
    expect(f.slept).toEqual([]);
  });
});

describe('formatTable', () => {
  it('pads columns to their widest cell and trims trailing blanks', () => {
    const t = formatTable(
      ['a', 'bb', 'note'],
      [
        ['xxx', 'y', ''],
        ['z', 'wwww', 'busy'],
      ],
    );
    expect(t.split('\n')).toEqual(['a    bb    note', '---  ----  ----', 'xxx  y', 'z    wwww  busy']);
  });
});
