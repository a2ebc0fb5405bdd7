/**
 * Benchmark harness. Each workload runs in a fresh child process (so peak RSS is its own).
 *
 *   pnpm bench                         all workloads, table
 *   pnpm bench --workload NAME --json  one JSON object {workload, backend, viewsPerSecond|opsPerSecond, peakRssMB,
 *                                      load: {before, after}, loadRange, cores, busy, warning?, runs}
 *   pnpm bench --compare               ours and the PyTorch twin (tools/bench/torch/*.py) per workload, interleaved
 *                                      A/B/A/B: --repeats K rounds (default 3), each runs ours then the twin, each in
 *                                      a fresh process; reports the medians, the median of the per-round ratios
 *                                      ours/PyTorch and their min–max, and the load range (with --json: one object)
 *   pnpm bench --profile               adds the top kernels of one profiled step (first round only)
 *   pnpm bench --scaling               throughput vs data-parallel workers (1, 2, all cores) and peak memory
 *                                      (tools/bench/scaling.ts; its flags go to it)
 *   pnpm bench --soak [--steps 1000]   memory soak check (tools/bench/soak.ts; the other flags go to it unchecked)
 *   pnpm bench --list                  workload names
 * Options: --backend wasm|cpu|tensorflow (default: initBackend's choice), --steps N (timed steps),
 * --batch N (resnet18-simclr-32px, default 64, and resnet18-w025-28px, default 256: the specs),
 * --repeats K (rounds per workload; default 3 with --compare, 1 otherwise; --repeats 1 is the single run),
 * --max-load L (the machine is busy above L × cores of 1-minute load; default 0.5 per core),
 * --wait-idle S (before each measurement wait up to S seconds, polling every 5 s, for the load to fall to the
 * threshold; says so when it never did), --workers N (passed to run-one.ts as `--workers N` and exported as
 * BENCH_WORKERS to both sides; only workloads that train with workers use it, the table notes when one did not),
 * env BENCH_PYTHON (default /usr/bin/python3: Debian's python3-torch). Unknown flags are an error.
 *
 * Load: the 1-minute load average (os.loadavg) and the core counts (os.availableParallelism, os.cpus) are
 * read before and after every measurement, ours and PyTorch each. When any reading exceeds the threshold the
 * row carries `warning: machine busy (load X on N cores): ratio not comparable`, ratios are marked `(busy)` and
 * a summary line repeats it. The average includes the benchmark's own processes (a process busy for t seconds
 * adds up to 1 − e^(−t/60) per busy thread), so an `after` above the threshold on a long workload can be partly
 * self-inflicted; `before` is the cleaner witness, and --wait-idle lets the average decay between runs.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchOptions, parseBenchArgs } from './options.js';
import {
  busyWarning,
  formatTable,
  type LoadSample,
  type LoadVerdict,
  loadPair,
  loadRange,
  loadVerdict,
  median,
  ratioCell,
  summarizeRounds,
  type WaitResult,
  waitForIdle,
} from './stats.js';
import { CATALOG as WORKLOADS } from './workloads/catalog.js';
import type { WorkloadResult } from './workloads/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const argv = process.argv.slice(2);
const python = process.env['BENCH_PYTHON'] ?? '/usr/bin/python3';
const childEnv: NodeJS.ProcessEnv = { ...process.env, TSX_TSCONFIG_PATH: join(here, 'tsconfig.json') };

if (argv.includes('--scaling')) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'scaling.ts'), ...argv.filter((a) => a !== '--scaling')], {
    cwd: root,
    env: childEnv,
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}

if (argv.includes('--soak')) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'soak.ts'), ...argv.filter((a) => a !== '--soak')], {
    cwd: root,
    env: childEnv,
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}

let opts: BenchOptions;
try {
  opts = parseBenchArgs(argv);
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
// --batch N: batch size for workloads that accept one (resnet18-simclr-32px, resnet18-w025-28px), ours and PyTorch alike.
if (opts.batch !== undefined) childEnv['BENCH_BATCH'] = String(opts.batch);
// --workers N: workloads with a data-parallel form (the SimCLR steps, ntxent, gin) run on N worker threads.
if (opts.workers !== undefined) childEnv['BENCH_WORKERS'] = String(opts.workers);

type ChildOutput = { json?: Record<string, unknown>; error?: string };

function lastJsonLine(r: ReturnType<typeof spawnSync>, errLines: number): ChildOutput {
  const stdout = String(r.stdout ?? '');
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    return { json: JSON.parse(last) as Record<string, unknown> };
  } catch {
    const stderr = String(r.stderr ?? '');
    return { error: `exit ${r.status}: ${(stderr || stdout).trim().split('\n').slice(-errLines).join(' | ')}` };
  }
}

function runTs(script: string, args: string[]): ChildOutput {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, script), ...args], {
    cwd: root,
    env: childEnv,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return lastJsonLine(r, 3);
}

function torchAvailable(): string | null {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? null : `${python} cannot import torch (install Debian's python3-torch, or set BENCH_PYTHON)`;
}

function runTorch(script: string): ChildOutput {
  const r = spawnSync(python, [join(here, 'torch', script), ...(opts.steps ? ['--steps', String(opts.steps)] : [])], {
    cwd: join(here, 'torch'),
    env: childEnv,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return lastJsonLine(r, 2);
}

const readLoad = (): LoadSample => ({ load1: loadavg()[0]!, cores: availableParallelism(), cpus: cpus().length });
const sleep = (s: number) => new Promise<void>((resolve) => setTimeout(resolve, s * 1000));

/** One child run with the load read just before and just after it (and an optional wait for idle first). */
interface Measured extends ChildOutput {
  side: 'ours' | 'pytorch';
  round: number;
  before: LoadSample;
  after: LoadSample;
  wallS: number;
  wait?: WaitResult;
}

async function measure(side: Measured['side'], round: number, label: string, run: () => ChildOutput): Promise<Measured> {
  let wait: WaitResult | undefined;
  if (opts.waitIdleS !== undefined) {
    wait = await waitForIdle({ readLoad, sleep, maxLoadPerCore: opts.maxLoadPerCore, maxWaitS: opts.waitIdleS });
    if (!wait.idle)
      console.error(
        `${label}: load still ${wait.last.load1.toFixed(2)} on ${wait.last.cores} cores after waiting ${wait.waitedS} s ` +
          `(threshold ${(opts.maxLoadPerCore * wait.last.cores).toFixed(2)}); measuring anyway`,
      );
    else if (wait.waitedS > 0) console.error(`${label}: load fell to ${wait.last.load1.toFixed(2)} after ${wait.waitedS} s`);
  }
  const before = readLoad();
  const t0 = performance.now();
  const r = run();
  const wallS = (performance.now() - t0) / 1000;
  const after = readLoad();
  console.error(`${label}: ${r.error ? 'error' : 'done'} in ${wallS.toFixed(1)} s, load ${loadPair(before, after)}`);
  return { ...r, side, round, before, after, wallS, ...(wait ? { wait } : {}) };
}

const fmt = (v: unknown, d = 1) => (typeof v === 'number' ? v.toFixed(d) : '—');
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

if (opts.list) {
  for (const w of Object.values(WORKLOADS)) console.log(`${w.name.padEnd(22)} ${w.unit.padEnd(15)} ${w.description}`);
  process.exit(0);
}

const names = opts.workloads ?? Object.keys(WORKLOADS);
for (const n of names) {
  if (!WORKLOADS[n]) {
    console.error(`unknown workload '${n}'; valid: ${Object.keys(WORKLOADS).join(', ')}`);
    process.exit(2);
  }
}
if (opts.json && names.length !== 1) {
  console.error('--json needs exactly one --workload NAME');
  process.exit(2);
}
const childArgs = (n: string, round: number) => [
  n,
  ...(opts.backend ? ['--backend', opts.backend] : []),
  ...(opts.steps ? ['--steps', String(opts.steps)] : []),
  ...(opts.profile && round === 1 ? ['--profile'] : []),
  ...(opts.workers !== undefined ? ['--workers', String(opts.workers)] : []),
];

const noTorch = opts.compare ? torchAvailable() : null;
const withTorch = opts.compare && !noTorch;
if (opts.compare && noTorch) (opts.json ? console.error : console.log)(`PyTorch column skipped: ${noTorch}`);

/** Everything measured for one workload. */
interface WorkloadRuns {
  name: string;
  ours: Measured[];
  torch: Measured[];
}

const all: WorkloadRuns[] = [];
for (const n of names) {
  const w = WORKLOADS[n]!;
  const runs: WorkloadRuns = { name: n, ours: [], torch: [] };
  for (let k = 1; k <= opts.repeats; k++) {
    const tag = `${n} round ${k}/${opts.repeats}`;
    runs.ours.push(await measure('ours', k, `${tag} ours`, () => runTs('run-one.ts', childArgs(n, k))));
    if (withTorch) {
      if (w.torchScript) runs.torch.push(await measure('pytorch', k, `${tag} PyTorch`, () => runTorch(w.torchScript!)));
      else runs.torch.push({ side: 'pytorch', round: k, error: 'no twin', before: readLoad(), after: readLoad(), wallS: 0 });
    }
  }
  all.push(runs);
}

const value = (m: Measured | undefined, unit: string): number | undefined =>
  m?.json && !m.json['unavailable'] ? num(m.json[unit]) : undefined;

/** Per-workload summary: medians, ratio median and spread, load verdict, notes. */
function summarize(r: WorkloadRuns) {
  const w = WORKLOADS[r.name]!;
  const rounds = r.ours.map((o, i) => ({ ours: value(o, w.unit), torch: value(r.torch[i], w.unit) }));
  const s = summarizeRounds(rounds);
  const measured = [...r.ours, ...r.torch].filter((m) => m.error !== 'no twin');
  const verdict = loadVerdict(
    measured.flatMap((m) => [m.before, m.after]),
    opts.maxLoadPerCore,
  );
  const oursJson = r.ours.map((m) => m.json as WorkloadResult | undefined);
  const firstOurs = oursJson.find((j) => j) ?? undefined;
  const stepMs = oursJson.map((j) => num(j?.medianStepMs)).filter((x): x is number => x !== undefined);
  const rss = oursJson.map((j) => num(j?.peakRssMB)).filter((x): x is number => x !== undefined);
  const torchRss = r.torch.map((m) => num(m.json?.['peakRssMB'])).filter((x): x is number => x !== undefined);
  const notes: string[] = [];
  const warning = busyWarning(verdict, opts.compare ? 'ratio' : 'throughput');
  if (warning) notes.push(warning);
  const notIdle = measured.filter((m) => m.wait && !m.wait.idle).length;
  if (notIdle) notes.push(`--wait-idle: load never fell to the threshold before ${notIdle} of ${measured.length} runs`);
  if (opts.workers !== undefined && firstOurs && !firstOurs.unavailable && firstOurs.workers === undefined)
    notes.push(`--workers ${opts.workers} not used by this workload`);
  return { w, s, verdict, warning, notes, firstOurs, stepMs, rss, torchRss, rounds };
}

const maxOf = (xs: number[]) => (xs.length ? Math.max(...xs) : undefined);
const oursCell = (r: WorkloadRuns, median?: number) => {
  const j = r.ours[0]?.json as WorkloadResult | undefined;
  if (median !== undefined) return fmt(median);
  if (j?.unavailable) return `n/a (${j.unavailable})`;
  return r.ours[0]?.error ? `error (${r.ours[0].error})` : '—';
};
const torchCell = (r: WorkloadRuns, median?: number) =>
  median !== undefined ? fmt(median) : r.torch[0]?.error ? `error (${r.torch[0].error})` : '—';

if (opts.json) {
  const r = all[0]!;
  const x = summarize(r);
  if (!x.firstOurs) {
    console.error(r.ours.map((m) => m.error).join('\n'));
    process.exit(1);
  }
  const j = x.firstOurs;
  const cores = { availableParallelism: availableParallelism(), cpus: cpus().length };
  const out: Record<string, unknown> = {
    workload: j.workload,
    backend: j.backend,
    [x.w.unit]: x.s.oursMedian ?? null,
    peakRssMB: maxOf(x.rss) ?? null,
  };
  if (x.stepMs.length) out['medianStepMs'] = median(x.stepMs);
  if (j.unavailable) out['unavailable'] = j.unavailable;
  if (j.profile) out['profile'] = j.profile;
  if (opts.workers !== undefined) out['workersRequested'] = opts.workers;
  if (j.workers !== undefined) out['workers'] = j.workers;
  const all1 = [...r.ours, ...r.torch];
  if (all1.length === 1) out['load'] = { before: all1[0]!.before, after: all1[0]!.after };
  out['loadRange'] = { min: x.verdict.min, max: x.verdict.max };
  out['cores'] = cores;
  out['maxLoadPerCore'] = opts.maxLoadPerCore;
  out['busy'] = x.verdict.busy;
  if (x.warning) out['warning'] = x.warning;
  const notes = x.notes.filter((n) => n !== x.warning);
  if (notes.length) out['notes'] = notes;
  if (opts.compare) {
    out['pytorch'] = withTorch
      ? { [x.w.unit]: x.s.torchMedian ?? null, peakRssMB: maxOf(x.torchRss) ?? null, error: r.torch.find((m) => m.error)?.error }
      : { skipped: noTorch };
    out['ratio'] = { median: x.s.ratioMedian ?? null, min: x.s.ratioMin ?? null, max: x.s.ratioMax ?? null, rounds: x.s.ratios };
  }
  out['runs'] = [...r.ours, ...r.torch]
    .sort((a, b) => a.round - b.round || (a.side === 'ours' ? -1 : 1))
    .map((m) => ({
      side: m.side,
      round: m.round,
      value: value(m, x.w.unit) ?? null,
      ...(m.error ? { error: m.error } : {}),
      before: m.before,
      after: m.after,
      wallS: Math.round(m.wallS * 10) / 10,
      ...(m.wait ? { waitedS: m.wait.waitedS, idleReached: m.wait.idle } : {}),
    }));
  if (x.warning) console.error(x.warning);
  console.log(JSON.stringify(out));
  process.exit(0);
}

for (const r of all) {
  const j = r.ours[0]?.json as WorkloadResult | undefined;
  if (j?.profile) {
    console.log(`\n${r.name}: top kernels of one profiled step`);
    for (const p of j.profile) console.log(`  ${p.kernel.padEnd(52)} ${fmt(p.ms).padStart(8)} ms  ${(p.share * 100).toFixed(1)}%`);
  }
}

const unitName = (u: string) => (u === 'viewsPerSecond' ? 'views/s' : 'ops/s');
const sample = readLoad();
console.log(
  `\nmachine: ${sample.cores} cores available (os.availableParallelism), ${sample.cpus} CPUs (os.cpus); ` +
    `busy above 1-minute load ${(opts.maxLoadPerCore * sample.cores).toFixed(2)} (${opts.maxLoadPerCore} per core, --max-load)`,
);

// Per-round detail whenever a workload ran more than once (ours and PyTorch, or --repeats K > 1).
if (opts.compare || opts.repeats > 1) {
  const header = ['workload', 'round', 'ours', 'load before→after'];
  if (withTorch) header.push('PyTorch', 'load before→after', 'ours/PyTorch');
  const rows: string[][] = [];
  for (const r of all) {
    const u = WORKLOADS[r.name]!.unit;
    r.ours.forEach((o, i) => {
      const t = r.torch[i];
      const row = [r.name, String(o.round), fmt(value(o, u)), loadPair(o.before, o.after)];
      if (withTorch && t) {
        const busy = loadVerdict([o.before, o.after, t.before, t.after], opts.maxLoadPerCore).busy;
        const ov = value(o, u);
        const tv = value(t, u);
        row.push(fmt(tv), t.error === 'no twin' ? '—' : loadPair(t.before, t.after), ratioCell(ov && tv ? ov / tv : undefined, busy));
      }
      rows.push(row);
    });
  }
  console.log(`\nrounds (${withTorch ? 'ours then PyTorch, ' : ''}each a fresh process)\n${formatTable(header, rows)}`);
}

const header = ['workload', 'backend', opts.repeats > 1 ? 'ours (median)' : 'ours', 'unit', 'ms/step', 'peak RSS MB'];
if (withTorch) header.push(opts.repeats > 1 ? 'PyTorch (median)' : 'PyTorch', 'PyTorch MB', 'ours/PyTorch', 'ratio min–max');
const single = !withTorch && opts.repeats === 1;
header.push(single ? 'load before→after' : 'load range', 'note');
const rows: string[][] = [];
const verdicts: { name: string; v: LoadVerdict }[] = [];
for (const r of all) {
  const x = summarize(r);
  verdicts.push({ name: r.name, v: x.verdict });
  const row = [
    r.name,
    x.firstOurs?.backend ?? '—',
    oursCell(r, x.s.oursMedian),
    unitName(x.w.unit),
    fmt(x.stepMs.length ? median(x.stepMs) : undefined),
    fmt(maxOf(x.rss), 0),
  ];
  if (withTorch) {
    row.push(
      torchCell(r, x.s.torchMedian),
      fmt(maxOf(x.torchRss), 0),
      ratioCell(x.s.ratioMedian, x.verdict.busy),
      x.s.ratioMin !== undefined ? `${x.s.ratioMin.toFixed(2)}–${x.s.ratioMax!.toFixed(2)}x` : '—',
    );
  }
  row.push(single ? loadPair(r.ours[0]!.before, r.ours[0]!.after) : loadRange(x.verdict), x.notes.join('; '));
  rows.push(row);
}
console.log(`\n${formatTable(header, rows)}`);

const busy = verdicts.filter((b) => b.v.busy);
if (busy.length) {
  const worst = busy.reduce((a, b) => (b.v.worst.load1 / b.v.worst.cores > a.v.worst.load1 / a.v.worst.cores ? b : a)).v.worst;
  console.log(
    `\nwarning: machine busy (load ${worst.load1.toFixed(2)} on ${worst.cores} cores) during ${busy.length} of ${verdicts.length} ` +
      `workloads (${busy.map((b) => b.name).join(', ')}): ${withTorch ? 'ratios' : 'numbers'} not comparable; ` +
      're-run on an idle machine (--wait-idle S waits for one)',
  );
} else {
  const lo = Math.min(...verdicts.map((b) => b.v.min));
  const hi = Math.max(...verdicts.map((b) => b.v.max));
  console.log(
    `\nload stayed at or below ${opts.maxLoadPerCore} per core for every measurement (1-minute load ${lo.toFixed(2)}–${hi.toFixed(2)})`,
  );
}
