/**
 * Benchmark harness. Each workload runs in a fresh child process (so peak RSS is its own).
 *
 *   pnpm bench                         all workloads, table
 *   pnpm bench --workload NAME --json  one JSON object {workload, backend, viewsPerSecond|opsPerSecond, peakRssMB}
 *   pnpm bench --compare               ours and the PyTorch twin (tools/bench/torch/*.py) per workload, ratio ours/PyTorch
 *   pnpm bench --profile               adds the top kernels of one profiled step
 *   pnpm bench --soak [--steps 1000]   memory soak check (tools/bench/soak.ts)
 *   pnpm bench --list                  workload names
 * Options: --backend wasm|cpu|tensorflow (default: initBackend's choice), --steps N (timed steps),
 * --batch N (resnet18-simclr-32px, default 64, and resnet18-w025-28px, default 256: the specs),
 * env BENCH_PYTHON (default /usr/bin/python3: Debian's python3-torch).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOG as WORKLOADS } from './workloads/catalog.js';
import type { WorkloadResult } from './workloads/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const argv = process.argv.slice(2);
const has = (f: string) => argv.includes(f);
const value = (f: string) => {
  const i = argv.indexOf(f);
  return i >= 0 ? argv[i + 1] : undefined;
};
const python = process.env['BENCH_PYTHON'] ?? '/usr/bin/python3';
const childEnv: NodeJS.ProcessEnv = { ...process.env, TSX_TSCONFIG_PATH: join(here, 'tsconfig.json') };
// --batch N: batch size for workloads that accept one (resnet18-simclr-32px, resnet18-w025-28px), ours and PyTorch alike.
if (value('--batch')) childEnv['BENCH_BATCH'] = value('--batch');

function runTs(script: string, args: string[]): { json?: Record<string, unknown>; error?: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, script), ...args], {
    cwd: root,
    env: childEnv,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return { json: JSON.parse(last) as Record<string, unknown> };
  } catch {
    return { error: `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}` };
  }
}

function torchAvailable(): string | null {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? null : `${python} cannot import torch (install Debian's python3-torch, or set BENCH_PYTHON)`;
}

function runTorch(script: string, steps?: string): { json?: Record<string, unknown>; error?: string } {
  const r = spawnSync(python, [join(here, 'torch', script), ...(steps ? ['--steps', steps] : [])], {
    cwd: join(here, 'torch'),
    env: childEnv,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return { json: JSON.parse(last) as Record<string, unknown> };
  } catch {
    return { error: `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}` };
  }
}

const fmt = (v: unknown, d = 1) => (typeof v === 'number' ? v.toFixed(d) : '—');

if (has('--list')) {
  for (const w of Object.values(WORKLOADS)) console.log(`${w.name.padEnd(22)} ${w.unit.padEnd(15)} ${w.description}`);
  process.exit(0);
}

if (has('--soak')) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'soak.ts'), ...argv.filter((a) => a !== '--soak')], {
    cwd: root,
    env: childEnv,
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}

const names = value('--workload')?.split(',') ?? Object.keys(WORKLOADS);
for (const n of names) {
  if (!WORKLOADS[n]) {
    console.error(`unknown workload '${n}'; valid: ${Object.keys(WORKLOADS).join(', ')}`);
    process.exit(2);
  }
}
const childArgs = (n: string) => [
  n,
  ...(value('--backend') ? ['--backend', value('--backend')!] : []),
  ...(value('--steps') ? ['--steps', value('--steps')!] : []),
  ...(has('--profile') ? ['--profile'] : []),
];

if (has('--json')) {
  if (names.length !== 1) {
    console.error('--json needs exactly one --workload NAME');
    process.exit(2);
  }
  const r = runTs('run-one.ts', childArgs(names[0]!));
  if (!r.json) {
    console.error(r.error);
    process.exit(1);
  }
  const j = r.json as unknown as WorkloadResult;
  const unit = WORKLOADS[names[0]!]!.unit;
  const out: Record<string, unknown> = { workload: j.workload, backend: j.backend, [unit]: j[unit] ?? null, peakRssMB: j.peakRssMB };
  if (j.unavailable) out['unavailable'] = j.unavailable;
  if (j.profile) out['profile'] = j.profile;
  console.log(JSON.stringify(out));
  process.exit(0);
}

const compare = has('--compare');
const noTorch = compare ? torchAvailable() : null;
if (compare && noTorch) console.log(`PyTorch column skipped: ${noTorch}`);
const rows: string[][] = [];
const header = ['workload', 'backend', 'ours', 'unit', 'ms/step', 'peak RSS MB'];
if (compare && !noTorch) header.push('PyTorch', 'PyTorch MB', 'ours/PyTorch');
for (const n of names) {
  const w = WORKLOADS[n]!;
  const ours = runTs('run-one.ts', childArgs(n));
  const j = ours.json as WorkloadResult | undefined;
  const row = [
    n,
    j?.backend ?? '—',
    j?.unavailable ? `n/a (${j.unavailable})` : ours.error ? `error (${ours.error})` : fmt(j?.[w.unit]),
    w.unit === 'viewsPerSecond' ? 'views/s' : 'ops/s',
    fmt(j?.medianStepMs),
    fmt(j?.peakRssMB, 0),
  ];
  if (compare && !noTorch) {
    const t = w.torchScript ? runTorch(w.torchScript, value('--steps')) : { error: 'no twin' };
    const tv = t.json?.[w.unit] as number | undefined;
    const ov = j?.[w.unit];
    row.push(t.error ? `error (${t.error})` : fmt(tv), fmt(t.json?.['peakRssMB'], 0), ov && tv ? `${(ov / tv).toFixed(2)}x` : '—');
  }
  rows.push(row);
  if (j?.profile) {
    console.log(`\n${n}: top kernels of one profiled step`);
    for (const p of j.profile) console.log(`  ${p.kernel.padEnd(52)} ${fmt(p.ms).padStart(8)} ms  ${(p.share * 100).toFixed(1)}%`);
  }
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}`);
