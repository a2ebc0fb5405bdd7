/**
 * The `cg3-nodes` workload at several sizes, ours and the PyTorch twin, with the memory columns `pnpm bench`
 * does not show (wasm heap, RSS growth while training):
 *
 *   TSX_TSCONFIG_PATH=tools/bench/tsconfig.json node --import tsx tools/bench/workloads/cg3-nodes-sweep.ts \
 *     [--sizes 1000,10000,100000] [--steps 5] [--backend wasm] [--no-torch]
 *
 * Each size runs ours first (a fresh `run-one.ts cg3-nodes` child with BENCH_NODES, which also writes the
 * graph), then the twin on that graph, one process at a time. Prints a markdown table as rows finish and a
 * JSON array at the end (stdout); children's logs are dropped. Load average is sampled before each run.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bench = join(here, '..');
const argv = process.argv.slice(2);
const flag = (f: string) => {
  const i = argv.indexOf(f);
  return i >= 0 ? argv[i + 1] : undefined;
};
const sizes = (flag('--sizes') ?? '1000,10000,100000').split(',').map(Number);
const steps = flag('--steps');
const python = process.env['BENCH_PYTHON'] ?? '/usr/bin/python3';

function lastJson(stdout: string): Record<string, unknown> | null {
  try {
    return JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
  } catch {
    return null;
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const load = loadavg()[0]!;
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const error = `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`;
  return { json: lastJson(r.stdout), stderr: r.stderr, error, load, wallSeconds: (performance.now() - t0) / 1000 };
}

const num = (v: unknown, d = 1) => (typeof v === 'number' ? v.toFixed(d) : '—');
const rows: Record<string, unknown>[] = [];
console.log(
  '| nodes | directed edges | ours epochs/s | ours ms/epoch | ours peak RSS MB | wasm heap MB | ours RSS growth MB | PyTorch epochs/s | PyTorch ms/epoch | PyTorch peak RSS MB | PyTorch RSS growth MB | ours/PyTorch | load |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const n of sizes) {
  const env = { ...process.env, BENCH_NODES: String(n), TSX_TSCONFIG_PATH: join(bench, 'tsconfig.json') };
  const oursArgs = [
    '--import',
    'tsx',
    join(bench, 'run-one.ts'),
    'cg3-nodes',
    ...(flag('--backend') ? ['--backend', flag('--backend')!] : []),
  ];
  if (steps) oursArgs.push('--steps', steps);
  const ours = run(process.execPath, oursArgs, env, join(bench, '..', '..'));
  const infoLine = ours.stderr.split('\n').find((l) => l.startsWith('cg3-nodes: '));
  const info = infoLine ? (JSON.parse(infoLine.slice('cg3-nodes: '.length)) as Record<string, unknown>) : {};
  const o = ours.json;
  const row: Record<string, unknown> = { nodes: n, ours: o ?? { error: ours.error }, oursInfo: info, oursLoad: ours.load };
  let t: Record<string, unknown> | null = null;
  if (!argv.includes('--no-torch') && o && !o['unavailable']) {
    const twin = run(
      python,
      [join(bench, 'torch', 'cg3_nodes.py'), '--nodes', String(n), ...(steps ? ['--steps', steps] : [])],
      env,
      join(bench, 'torch'),
    );
    t = twin.json;
    row['pytorch'] = t ?? { error: twin.error };
    row['pytorchLoad'] = twin.load;
  }
  rows.push(row);
  const ov = o?.['opsPerSecond'] as number | undefined;
  const tv = t?.['opsPerSecond'] as number | undefined;
  console.log(
    `| ${n} | ${info['directedEdges'] ?? '—'} | ${o?.['unavailable'] ? `n/a (${String(o['unavailable'])})` : num(ov, 2)} | ${num(o?.['medianStepMs'], 0)} | ` +
      `${num(o?.['peakRssMB'], 0)} | ${info['wasmHeapMB'] ?? '—'} | ${info['trainingRssGrowthMB'] ?? '—'} | ${num(tv, 2)} | ` +
      `${num(t?.['medianStepMs'], 0)} | ${num(t?.['peakRssMB'], 0)} | ${num(t?.['peakRssDeltaMB'], 0)} | ` +
      `${ov && tv ? `${(ov / tv).toFixed(2)}x` : '—'} | ${ours.load.toFixed(2)} |`,
  );
}
console.log(JSON.stringify(rows));
