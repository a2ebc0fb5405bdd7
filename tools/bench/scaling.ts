/**
 * `pnpm bench --scaling`: throughput against the number of data-parallel workers (core's `WorkerGroup`, what
 * `train({ workers })` and every CLI's `--workers` use) for the small CNN, ResNet-18 width 0.25 and GIN.
 * Each (workload, workers) runs in a fresh child process (`run-one.ts --workers N`); 1 worker is the plain
 * one-thread workload. Rounds interleave the worker counts (1, 2, …, 1, 2, …) and report the median.
 *
 *   pnpm bench --scaling [--workload a,b] [--workers-list 1,2,4] [--repeats K] [--steps N] [--max-load L] [--json]
 *
 * Reported per row: median throughput, its ratio to the 1-worker median, the process's peak RSS (all threads:
 * each worker holds a replica and its own wasm heap) and that divided by the workers, and the load before and
 * after (a busy machine — load above L per core before a run — is flagged; the runs' own threads raise the
 * `after` reading by up to one per worker).
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable, type LoadSample, loadVerdict, median, spread } from './stats.js';
import { CATALOG } from './workloads/catalog.js';
import type { WorkloadResult } from './workloads/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const argv = process.argv.slice(2);
const flag = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const DEFAULT_WORKLOADS = ['vision-small-cnn-28px', 'resnet18-w025-28px', 'gin-graphs'];
const workloads = flag('--workload')?.split(',') ?? DEFAULT_WORKLOADS;
for (const w of workloads) {
  if (!CATALOG[w]) {
    console.error(`unknown workload '${w}'; valid: ${Object.keys(CATALOG).join(', ')}`);
    process.exit(2);
  }
}
const cores = availableParallelism();
const counts = (flag('--workers-list') ?? [...new Set([1, 2, cores])].join(','))
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n >= 1);
const repeats = Number(flag('--repeats') ?? '3');
const maxLoad = Number(flag('--max-load') ?? '0.5');
const steps = flag('--steps');
const readLoad = (): LoadSample => ({ load1: loadavg()[0]!, cores, cpus: cpus().length });

interface Run {
  value?: number;
  rssMB?: number;
  before: LoadSample;
  after: LoadSample;
  error?: string;
}

function runOne(workload: string, workers: number): Run {
  const before = readLoad();
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(here, 'run-one.ts'),
      workload,
      '--backend',
      'wasm',
      '--workers',
      String(workers),
      ...(steps ? ['--steps', steps] : []),
    ],
    { cwd: root, env: { ...process.env, TSX_TSCONFIG_PATH: join(here, 'tsconfig.json') }, encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const after = readLoad();
  try {
    const j = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as WorkloadResult;
    if (j.unavailable) return { before, after, error: j.unavailable };
    if (workers > 1 && j.workers !== workers)
      return { before, after, error: `the workload ran with ${j.workers ?? 1} workers, not ${workers}` };
    return { value: j[CATALOG[workload]!.unit] as number, rssMB: j.peakRssMB, before, after };
  } catch {
    return { before, after, error: `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}` };
  }
}

const results: Record<string, Record<number, Run[]>> = {};
for (const w of workloads) {
  results[w] = {};
  for (let k = 0; k < repeats; k++) {
    for (const n of counts) {
      const run = runOne(w, n);
      const list = results[w]![n] ?? [];
      list.push(run);
      results[w]![n] = list;
      console.error(
        `${w} workers ${n} round ${k + 1}: ${run.value?.toFixed(1) ?? run.error} (load ${run.before.load1.toFixed(2)}→${run.after.load1.toFixed(2)})`,
      );
    }
  }
}

const rows: string[][] = [];
const json: Record<string, unknown>[] = [];
for (const w of workloads) {
  const unit = CATALOG[w]!.unit === 'viewsPerSecond' ? 'views/s' : 'ops/s';
  const ok = (n: number) => results[w]![n]!.filter((r) => r.value !== undefined);
  const base = ok(1).length > 0 ? median(ok(1).map((r) => r.value!)) : undefined;
  for (const n of counts) {
    const runs = results[w]![n]!;
    const good = ok(n);
    const verdict = loadVerdict(
      runs.map((r) => r.before),
      maxLoad,
    );
    const value = good.length > 0 ? median(good.map((r) => r.value!)) : undefined;
    const rss = good.length > 0 ? Math.max(...good.map((r) => r.rssMB!)) : undefined;
    const s = good.length > 0 ? spread(good.map((r) => r.value!)) : undefined;
    const speedup = value !== undefined && base !== undefined ? value / base : undefined;
    const loads = `${Math.min(...runs.map((r) => r.before.load1)).toFixed(2)}–${Math.max(...runs.map((r) => r.after.load1)).toFixed(2)}`;
    rows.push([
      w,
      String(n),
      value === undefined ? `error (${runs.find((r) => r.error)?.error ?? '?'})` : `${value.toFixed(1)} ${unit}`,
      s ? `${s.min.toFixed(1)}–${s.max.toFixed(1)}` : '—',
      speedup === undefined ? '—' : `${speedup.toFixed(2)}x${verdict.busy ? ' (busy)' : ''}`,
      rss === undefined ? '—' : rss.toFixed(0),
      rss === undefined ? '—' : (rss / n).toFixed(0),
      loads,
    ]);
    json.push({
      workload: w,
      workers: n,
      value,
      unit,
      spread: s,
      speedup,
      peakRssMB: rss,
      loadBefore: runs.map((r) => r.before.load1),
      loadAfter: runs.map((r) => r.after.load1),
      busy: verdict.busy,
    });
  }
}
if (argv.includes('--json')) console.log(JSON.stringify({ cores, cpus: cpus().length, repeats, results: json }));
else {
  console.log(
    `\n${formatTable(['workload', 'workers', `median of ${repeats}`, 'range', 'vs 1 worker', 'peak RSS MB', 'RSS/worker MB', 'load before–after'], rows)}`,
  );
  console.log(`\ncores ${cores} (os.availableParallelism), cpus ${cpus().length}; busy = load above ${maxLoad} per core before a run`);
}
