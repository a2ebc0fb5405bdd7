/**
 * Interleaved A/B of whole training steps: the bench workloads (tools/bench/run-one.ts) on wasm with
 * CONTRASTIVE_WASM_THREADS=1 and =N in turn, each run in a fresh process, the 1-minute load average
 * recorded before each. Prints one JSON line per run, then per-workload medians and per-round ratios.
 *
 *   node --import tsx tools/bench/probes/ab-steps.ts [--rounds 3] [--threads 2] [--steps 5]
 *        [--workloads simclr-small-cnn,vision-small-cnn-28px,gin-graphs,ntxent-512x128]  (any run-one.ts workload)
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const rounds = Number(flag('rounds', '3'));
const threads = flag('threads', '2');
const steps = flag('steps', '5');
const workloads = flag('workloads', 'simclr-small-cnn,vision-small-cnn-28px,gin-graphs,ntxent-512x128').split(',');
const bench = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Run {
  workload: string;
  threads: string;
  round: number;
  loadBefore: number;
  medianStepMs: number;
  log: string;
}
const runs: Run[] = [];
for (let round = 0; round < rounds; round++) {
  for (const workload of workloads) {
    for (const t of ['1', threads]) {
      const loadBefore = Number(loadavg()[0]!.toFixed(2));
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', join(bench, 'run-one.ts'), workload, '--backend', 'wasm', '--steps', steps],
        {
          env: { ...process.env, CONTRASTIVE_WASM_THREADS: t, TSX_TSCONFIG_PATH: join(bench, 'tsconfig.json') },
          encoding: 'utf8',
          maxBuffer: 1 << 24,
        },
      );
      const line = r.stdout.trim().split('\n').pop() ?? '';
      if (r.status !== 0 || !line.startsWith('{'))
        throw new Error(`${workload} threads ${t} failed (exit ${r.status}): ${r.stderr.slice(-600)}`);
      const out = JSON.parse(line) as { medianStepMs: number };
      const log = r.stderr.split('\n').find((l) => l.startsWith('[contrastive] backend')) ?? '';
      const run: Run = { workload, threads: t, round, loadBefore, medianStepMs: Math.round(out.medianStepMs * 10) / 10, log };
      runs.push(run);
      console.log(JSON.stringify(run));
    }
  }
}
const med = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
};
const summary: Record<string, unknown> = {
  loadRange: [Math.min(...runs.map((r) => r.loadBefore)), Math.max(...runs.map((r) => r.loadBefore))],
};
for (const w of workloads) {
  const one = runs.filter((r) => r.workload === w && r.threads === '1');
  const many = runs.filter((r) => r.workload === w && r.threads === threads);
  summary[w] = {
    stepMs1: med(one.map((r) => r.medianStepMs)),
    [`stepMs${threads}`]: med(many.map((r) => r.medianStepMs)),
    // single / threaded per round: > 1 means the threaded build is faster.
    speedupPerRound: one.map((r, i) => Math.round((r.medianStepMs / many[i]!.medianStepMs) * 100) / 100),
    loadPerRound: one.map((r) => r.loadBefore),
  };
}
console.log(JSON.stringify({ summary }, null, 1));
