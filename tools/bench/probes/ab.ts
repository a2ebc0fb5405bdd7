/**
 * Interleaved A/B of the wasm threads probe: every round runs each mode once, in a fresh process, in
 * turn (so a change in machine load hits all modes alike), and records the 1-minute load average before
 * each run. Prints one JSON line per run to stdout, then per-mode medians and per-round threaded/stock ratios.
 *
 *   node --import tsx tools/bench/probes/ab.ts [--rounds 5] [--modes wasm,threads2,capped,cpu] [--threads 2]
 *
 * Modes: `wasm` stock single-threaded SIMD build; `threads2` threaded build with 2 XNNPACK threads (the
 * number follows --threads); `capped` threaded build without lifting the core cap (reproduces the 1-thread
 * result); `cpu` pure-JS backend (dispatch workloads only); `relaxed` stock build with
 * --experimental-wasm-relaxed-simd.
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
const rounds = Number(flag('rounds', '5'));
const threads = flag('threads', '2');
const modes = flag('modes', 'wasm,threads2').split(',');
const probe = join(dirname(fileURLToPath(import.meta.url)), '..', 'wasm-threads-probe.ts');

const MODES: Record<string, { env: Record<string, string>; node?: string[] }> = {
  wasm: { env: {} },
  threads2: { env: { WASM_THREADS: threads } },
  capped: { env: { WASM_THREADS: threads, NO_CAP_LIFT: '1', ONLY: 'matmul' } },
  cpu: { env: { BACKEND: 'cpu', ONLY: 'adds,tape' } },
  relaxed: { env: {}, node: ['--experimental-wasm-relaxed-simd'] },
};
for (const m of modes) if (!MODES[m]) throw new RangeError(`unknown mode '${m}'; valid: ${Object.keys(MODES).join(', ')}`);

type Run = Record<string, unknown> & { abMode: string; round: number; loadBefore: number };
const runs: Run[] = [];
for (let round = 0; round < rounds; round++) {
  for (const m of modes) {
    const spec = MODES[m]!;
    const loadBefore = loadavg()[0]!;
    const r = spawnSync(process.execPath, [...(spec.node ?? []), '--import', 'tsx', probe], {
      env: { ...process.env, ...spec.env },
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) {
      throw new Error(`mode ${m} round ${round} failed (exit ${r.status}): ${r.stderr.slice(-600)}`);
    }
    const run: Run = { abMode: m, round, loadBefore: Number(loadBefore.toFixed(2)), ...JSON.parse(line) };
    runs.push(run);
    console.log(JSON.stringify(run));
  }
}

// Summary: the medians of the main numbers per mode, and per-round ratios of each mode against `wasm`.
const pick: Record<string, (r: Run) => number | undefined> = {
  matmulMs: (r) => (r['matmul1024'] as { ms: number } | undefined)?.ms,
  convFwdMs: (r) => (r['conv2d'] as { forwardMs: number } | undefined)?.forwardMs,
  convFwdBwdMs: (r) => (r['conv2d'] as { forwardBackwardMs: number } | undefined)?.forwardBackwardMs,
  addUsPerOp: (r) => (r['tinyAdd'] as { usPerOp: number } | undefined)?.usPerOp,
  tapeFwdUsPerOp: (r) => (r['tape100'] as { forwardUsPerOp: number } | undefined)?.forwardUsPerOp,
  tapeGradUsPerChainOp: (r) => (r['tape100'] as { gradUsPerChainOp: number } | undefined)?.gradUsPerChainOp,
};
const med = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
};
const summary: Record<string, unknown> = {
  rounds,
  loadRange: [Math.min(...runs.map((r) => r.loadBefore)), Math.max(...runs.map((r) => r.loadBefore))],
};
for (const m of modes) {
  const mine = runs.filter((r) => r.abMode === m);
  const row: Record<string, unknown> = { xnnpackThreads: mine[0]?.['xnnpackThreads'] };
  for (const [k, f] of Object.entries(pick)) {
    const v = mine.map(f).filter((x): x is number => x !== undefined);
    if (v.length) row[k] = med(v);
    if (m !== 'wasm' && v.length) {
      // stock / this mode per round: > 1 means this mode is faster.
      const ratios = mine
        .map((r) => {
          const base = runs.find((b) => b.abMode === 'wasm' && b.round === r.round);
          const a = base ? f(base) : undefined;
          const b = f(r);
          return a !== undefined && b !== undefined ? Math.round((a / b) * 100) / 100 : undefined;
        })
        .filter((x): x is number => x !== undefined);
      if (ratios.length) row[`${k}SpeedupVsWasm`] = ratios;
    }
  }
  summary[m] = row;
}
console.log(JSON.stringify({ summary }, null, 1));
