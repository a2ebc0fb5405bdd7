/**
 * Vector stores side by side: build time, queries per second and recall@k against the exact FlatIndex, for the
 * exact FlatIndex, usearch (in-process HNSW), PostgreSQL + pgvector (a throwaway cluster from
 * tools/pgvector/cluster.sh, or --database-url) and optionally PGlite, at several corpus sizes.
 *
 *   node --import tsx packages/text/bench/vector-stores.ts                       # 1e3, 1e4, 1e5 × 512-d (slow: minutes)
 *   node --import tsx packages/text/bench/vector-stores.ts --sizes 1000,10000 --queries 100
 *   node --import tsx packages/text/bench/vector-stores.ts --vectors use-lite.f32 --dim 512   # real vectors
 *
 * Flags: --sizes N,N,… (default 1000,10000,100000) --dim D (512) --queries Q (200) --k K (10) --seed S (1)
 *   --clusters C (100) --spread X (1.5): the synthetic mixture (see clusteredUnitVectors)
 *   --vectors FILE: real vectors, row-major little-endian float32 (`rows × dim`); the last Q rows are the queries,
 *     the corpus is the first N of the others
 *   --stores flat,usearch,pgvector[,pglite] (default flat,usearch,pgvector) --threads T (usearch, default 1)
 *   --database-url URL: an existing PostgreSQL with pgvector (tables vs_bench_<n> are replaced) instead of a
 *     throwaway cluster; --pg-maintenance-work-mem 1GB: memory for pgvector's HNSW build (default the server's
 *     64MB, which 1e5 × 512-d outgrows); --json FILE: also write the JSON there
 * stdout: a markdown table, then one JSON object (the machine, the flags, one row per store and size).
 * Build time = all adds (and pgvector's HNSW build); QPS = Q / time of one search call over all queries; recall@k
 * vs the exact top-k. Run it on an idle machine: everything here is CPU-bound.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { createRng } from '@contrastive/core';
import { FlatIndex } from '../src/vector-index/flat-index.js';
import { PgliteIndex } from '../src/vector-index/node/pglite-index.js';
import { PgvectorIndex } from '../src/vector-index/node/pgvector-index.js';
import { UsearchIndex } from '../src/vector-index/node/usearch-index.js';
import { recallAtK } from '../src/vector-index/recall.js';
import { clusteredUnitVectors } from '../src/vector-index/synthetic.js';
import { type Cluster, startCluster } from '../src/vector-index/test-utils/cluster.js';
import type { SearchHit, VectorIndex } from '../src/vector-index/vector-index.js';

const STORES = ['flat', 'usearch', 'pgvector', 'pglite'] as const;
type Store = (typeof STORES)[number];

function parseArgs(argv: string[]) {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (!a.startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad argument '${a}' (flags take a value: --name value)`);
    flags.set(a.slice(2), argv[++i]!);
  }
  const int = (name: string, def: number): number => {
    const v = flags.get(name);
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got '${v}'`);
    return n;
  };
  const known = [
    ...['sizes', 'dim', 'queries', 'k', 'seed', 'clusters', 'spread', 'vectors', 'stores', 'threads'],
    ...['database-url', 'pg-maintenance-work-mem', 'json'],
  ];
  for (const f of flags.keys())
    if (!known.includes(f)) throw new Error(`unknown flag --${f} (known: ${known.map((k) => `--${k}`).join(' ')})`);
  const sizes = (flags.get('sizes') ?? '1000,10000,100000').split(',').map((s) => {
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--sizes: '${s}' is not a positive integer`);
    return n;
  });
  const stores = (flags.get('stores') ?? 'flat,usearch,pgvector').split(',') as Store[];
  for (const s of stores) if (!STORES.includes(s)) throw new Error(`--stores: '${s}' is not one of ${STORES.join(', ')}`);
  const spread = Number(flags.get('spread') ?? 1.5);
  if (!(spread >= 0)) throw new Error(`--spread must be a number >= 0, got '${flags.get('spread')}'`);
  return {
    sizes,
    dim: int('dim', 512),
    queries: int('queries', 200),
    k: int('k', 10),
    seed: int('seed', 1),
    clusters: int('clusters', 100),
    spread,
    vectors: flags.get('vectors'),
    stores,
    threads: int('threads', 1),
    databaseUrl: flags.get('database-url'),
    pgMaintenanceWorkMem: flags.get('pg-maintenance-work-mem'),
    json: flags.get('json'),
  };
}

type Options = ReturnType<typeof parseArgs>;

/** The corpus (the largest size) and the queries: synthetic, or read from --vectors. */
async function loadData(o: Options): Promise<{ corpus: Float32Array; queries: Float32Array; source: string }> {
  const max = Math.max(...o.sizes);
  if (o.vectors === undefined) {
    const rng = createRng(o.seed);
    const { vectors, centres } = clusteredUnitVectors({ count: max, dim: o.dim, clusters: o.clusters, spread: o.spread }, rng);
    const queries = clusteredUnitVectors({ count: o.queries, dim: o.dim, clusters: o.clusters, spread: o.spread, centres }, rng).vectors;
    return { corpus: vectors, queries, source: `synthetic: ${o.clusters} clusters, spread ${o.spread}, seed ${o.seed}` };
  }
  const bytes = await readFile(o.vectors);
  const rowBytes = o.dim * 4;
  if (bytes.length % rowBytes !== 0)
    throw new Error(`${o.vectors}: ${bytes.length} bytes is not a whole number of ${o.dim}-d float32 rows`);
  const rows = bytes.length / rowBytes;
  if (rows < o.queries + max)
    throw new Error(`${o.vectors}: ${rows} rows; need ${o.queries} queries + ${max} corpus rows (lower --sizes or --queries)`);
  const all = new Float32Array(rows * o.dim);
  new Uint8Array(all.buffer).set(bytes);
  for (let i = 0; i < all.length; i++)
    if (!Number.isFinite(all[i]!)) throw new Error(`${o.vectors}: row ${Math.floor(i / o.dim)} has a non-finite value`);
  return { corpus: all.subarray(0, max * o.dim), queries: all.slice((rows - o.queries) * o.dim), source: `${o.vectors} (${rows} rows)` };
}

interface Row {
  store: Store;
  size: number;
  buildSeconds: number;
  queriesPerSecond: number;
  recallAtK: number;
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await fn();
  return [out, (performance.now() - t) / 1000];
}

async function measure(
  store: Store,
  make: () => Promise<VectorIndex>,
  keys: number[],
  corpus: Float32Array,
  o: Options,
  queries: Float32Array,
  truth: SearchHit[][],
): Promise<Row> {
  const index = await make();
  try {
    const [, buildSeconds] = await time(() => index.add(keys, corpus));
    const [hits, searchSeconds] = await time(() => index.search(queries, o.k));
    return { store, size: keys.length, buildSeconds, queriesPerSecond: o.queries / searchSeconds, recallAtK: recallAtK(hits, truth, o.k) };
  } finally {
    await index.close();
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const started = new Date().toISOString();
  const load = loadavg()[0]!;
  const { corpus: all, queries, source } = await loadData(o);
  let cluster: Cluster | undefined;
  const url = async (): Promise<string> => {
    if (o.databaseUrl !== undefined) return o.databaseUrl;
    cluster ??= await startCluster();
    return cluster.url;
  };
  const rows: Row[] = [];
  try {
    for (const n of o.sizes) {
      const keys = Array.from({ length: n }, (_, i) => i);
      const corpus = all.subarray(0, n * o.dim);
      const exact = new FlatIndex(o.dim, n);
      const [, flatBuild] = await time(async () => exact.addSync(keys, corpus));
      const [truth, flatSearch] = await time(async () => exact.searchSync(queries, o.k));
      if (o.stores.includes('flat'))
        rows.push({ store: 'flat', size: n, buildSeconds: flatBuild, queriesPerSecond: o.queries / flatSearch, recallAtK: 1 });
      for (const store of o.stores) {
        if (store === 'flat') continue;
        const table = `vs_bench_${n}`;
        const make: Record<Exclude<Store, 'flat'>, () => Promise<VectorIndex>> = {
          usearch: () => UsearchIndex.create({ dim: o.dim, threads: o.threads }),
          pgvector: async () =>
            PgvectorIndex.open({
              connectionString: await url(),
              table,
              dim: o.dim,
              overwrite: true,
              ...(o.pgMaintenanceWorkMem === undefined ? {} : { maintenanceWorkMem: o.pgMaintenanceWorkMem }),
            }),
          pglite: () => PgliteIndex.open({ table, dim: o.dim }),
        };
        rows.push(await measure(store, make[store], keys, corpus, o, queries, truth));
        const r = rows[rows.length - 1]!;
        process.stderr.write(
          `${store} n=${n}: build ${r.buildSeconds.toFixed(2)} s, ${r.queriesPerSecond.toFixed(0)} q/s, recall@${o.k} ${r.recallAtK.toFixed(3)}\n`,
        );
      }
      await exact.close();
    }
  } finally {
    await cluster?.stop();
  }
  const lines = [
    `| store | corpus | build (s) | queries/s | recall@${o.k} |`,
    '|---|---:|---:|---:|---:|',
    ...rows.map(
      (r) => `| ${r.store} | ${r.size} | ${r.buildSeconds.toFixed(2)} | ${r.queriesPerSecond.toFixed(0)} | ${r.recallAtK.toFixed(3)} |`,
    ),
  ];
  const result = {
    started,
    command: `node --import tsx packages/text/bench/vector-stores.ts ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, loadAverage1m: load },
    data: { source, dim: o.dim, queries: o.queries, k: o.k },
    settings: {
      usearch: { threads: o.threads, params: 'UsearchIndex defaults (connectivity 16, expansion_add 128, expansion_search 128)' },
      pgvector: {
        params: 'PgvectorIndex defaults (m 16, ef_construction 64, ef_search 100); bulk load, then one HNSW build',
        maintenanceWorkMem: o.pgMaintenanceWorkMem ?? 'server default',
        server: o.databaseUrl === undefined ? 'throwaway cluster (tools/pgvector/cluster.sh)' : 'given --database-url',
      },
    },
    rows,
  };
  process.stdout.write(`${lines.join('\n')}\n\n${JSON.stringify(result)}\n`);
  if (o.json !== undefined) await writeFile(o.json, `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`vector-stores: ${(e as Error)?.message ?? String(e)}\n`);
  process.exitCode = 1;
});
