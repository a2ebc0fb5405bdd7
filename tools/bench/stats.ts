/**
 * Pure helpers of the benchmark harness (cli.ts): medians and spreads of repeated runs, the machine-load
 * verdict, waiting for an idle machine, and table cells. No I/O here: the harness passes in load samples
 * (os.loadavg, os.availableParallelism, os.cpus) and a sleep function, so every rule is unit-tested.
 *
 * Why load matters: the machine is shared (2 cores, other jobs). A throughput measured while another job
 * holds a core is not a property of our code, and a ratio ours/PyTorch is only meaningful when both sides
 * ran on the same, otherwise idle machine. The 1-minute load average is a coarse but cheap witness.
 */

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median: empty list');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Smallest and largest value of a non-empty list. */
export function spread(xs: readonly number[]): { min: number; max: number } {
  if (xs.length === 0) throw new Error('spread: empty list');
  return { min: Math.min(...xs), max: Math.max(...xs) };
}

/** One reading of the machine's load. */
export interface LoadSample {
  /** 1-minute load average (os.loadavg()[0]). */
  load1: number;
  /** Cores this process may use (os.availableParallelism()); the busy threshold is per one of these. */
  cores: number;
  /** Logical CPUs the OS reports (os.cpus().length); recorded because containers can differ from `cores`. */
  cpus: number;
}

/** Load per usable core of one sample. */
export const perCore = (s: LoadSample): number => s.load1 / Math.max(1, s.cores);

export interface LoadVerdict {
  /** True when any sample's load per core exceeded `maxLoadPerCore`. */
  busy: boolean;
  /** The worst sample (highest load per core). */
  worst: LoadSample;
  /** Lowest and highest 1-minute load seen. */
  min: number;
  max: number;
  maxLoadPerCore: number;
}

/** Whether the machine was busy during a measurement: any sample with load per core > `maxLoadPerCore`. */
export function loadVerdict(samples: readonly LoadSample[], maxLoadPerCore: number): LoadVerdict {
  if (samples.length === 0) throw new Error('loadVerdict: no load samples');
  let worst = samples[0]!;
  for (const s of samples) if (perCore(s) > perCore(worst)) worst = s;
  const { min, max } = spread(samples.map((s) => s.load1));
  return { busy: perCore(worst) > maxLoadPerCore, worst, min, max, maxLoadPerCore };
}

/** `warning: machine busy (load 1.45 on 2 cores): ratio not comparable` for a busy verdict, else undefined. */
export function busyWarning(v: LoadVerdict, what = 'ratio'): string | undefined {
  if (!v.busy) return undefined;
  return `warning: machine busy (load ${v.worst.load1.toFixed(2)} on ${v.worst.cores} cores): ${what} not comparable`;
}

/** `0.08→0.95`: the 1-minute load before and after one measurement. */
export const loadPair = (before: LoadSample, after: LoadSample): string => `${before.load1.toFixed(2)}→${after.load1.toFixed(2)}`;

/** `0.08–1.45`: the range of the 1-minute load over a verdict's samples. */
export const loadRange = (v: LoadVerdict): string => `${v.min.toFixed(2)}–${v.max.toFixed(2)}`;

/** A ratio cell: `0.31x`, `0.31x (busy)` when the load verdict says the machine was busy, `—` when missing. */
export function ratioCell(ratio: number | undefined, busy: boolean): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${ratio.toFixed(2)}x${busy ? ' (busy)' : ''}`;
}

/** One A/B round: our throughput and the PyTorch twin's (undefined when that side failed or was skipped). */
export interface Round {
  ours?: number;
  torch?: number;
}

export interface RoundSummary {
  /** Median of our throughputs over the rounds where ours ran. */
  oursMedian?: number;
  /** Median of PyTorch's throughputs over the rounds where the twin ran. */
  torchMedian?: number;
  /** ours/PyTorch of each round where both ran (in round order). */
  ratios: number[];
  /** Median and min–max of the per-round ratios. */
  ratioMedian?: number;
  ratioMin?: number;
  ratioMax?: number;
}

/**
 * Summarises interleaved rounds. The ratio is the median of per-round ratios (each round's two runs are
 * adjacent in time, so a load change between rounds affects both sides of that ratio alike), not the ratio of
 * the two medians.
 */
export function summarizeRounds(rounds: readonly Round[]): RoundSummary {
  const ok = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x) && x > 0;
  const ours = rounds.map((r) => r.ours).filter(ok);
  const torch = rounds.map((r) => r.torch).filter(ok);
  const ratios = rounds.filter((r) => ok(r.ours) && ok(r.torch)).map((r) => r.ours! / r.torch!);
  const out: RoundSummary = { ratios };
  if (ours.length) out.oursMedian = median(ours);
  if (torch.length) out.torchMedian = median(torch);
  if (ratios.length) {
    out.ratioMedian = median(ratios);
    const s = spread(ratios);
    out.ratioMin = s.min;
    out.ratioMax = s.max;
  }
  return out;
}

export interface WaitResult {
  /** True when a sample at or below the threshold was seen within the allowed time. */
  idle: boolean;
  /** Seconds slept while waiting. */
  waitedS: number;
  /** The last sample read. */
  last: LoadSample;
}

/**
 * Waits up to `maxWaitS` seconds for the load per core to fall to `maxLoadPerCore` or below, reading the load
 * every `pollS` seconds (the 1-minute average moves slowly; polling faster only burns reads). Resolves at once
 * when the machine is already idle.
 */
export async function waitForIdle(opts: {
  readLoad: () => LoadSample;
  sleep: (seconds: number) => Promise<void>;
  maxLoadPerCore: number;
  maxWaitS: number;
  pollS?: number;
}): Promise<WaitResult> {
  const pollS = opts.pollS ?? 5;
  let waitedS = 0;
  let last = opts.readLoad();
  while (perCore(last) > opts.maxLoadPerCore) {
    if (waitedS >= opts.maxWaitS) return { idle: false, waitedS, last };
    const dt = Math.min(pollS, opts.maxWaitS - waitedS);
    await opts.sleep(dt);
    waitedS += dt;
    last = opts.readLoad();
  }
  return { idle: true, waitedS, last };
}

/** A left-aligned text table: header, dashes, rows; columns as wide as their widest cell. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
