// PgvectorIndex against a REAL PostgreSQL 15 + pgvector server: throwaway clusters started by
// tools/pgvector/cluster.sh (pgvector built by tools/pgvector/build.sh, which CI runs first). Not skipped when the
// server is missing: startCluster fails, saying to run build.sh.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexMismatchError, VectorDatabaseError } from './errors.js';
import { PgvectorIndex } from './node/pgvector-index.js';
import { recallAtK } from './recall.js';
import { type Cluster, startCluster } from './test-utils/cluster.js';
import { clusteredCorpus } from './test-utils/data.js';

let server: Cluster;
let plain: Cluster;
beforeAll(async () => {
  [server, plain] = await Promise.all([startCluster(), startCluster({ vector: false })]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), plain?.stop()]);
});

async function sql(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('PgvectorIndex on a real PostgreSQL + pgvector server', () => {
  it('recall@10 against the exact FlatIndex is >= 0.95 at the defaults, through the HNSW index', async () => {
    const { keys, vectors, queries, exact } = clusteredCorpus(5000, 200, 64, 11, 2); // as usearch's test
    const index = await PgvectorIndex.open({ connectionString: server.url, table: 'recall_t', dim: 64, encoder: 'enc' });
    await index.add(keys, vectors);
    expect(await index.size()).toBe(5000);
    const [{ extversion }] = (await sql(server.url, `SELECT extversion FROM pg_extension WHERE extname = 'vector'`)) as [
      { extversion: string },
    ];
    expect(extversion).toBe('0.8.0');
    const plan = await sql(
      server.url,
      `EXPLAIN SELECT key FROM recall_t ORDER BY embedding <#> (SELECT embedding FROM recall_t LIMIT 1) LIMIT 10`,
    );
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan using recall_t_embedding_hnsw/);
    const truth = await exact.search(queries, 10);
    const got = await index.search(queries, 10);
    const recall = recallAtK(got, truth, 10);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    // Scores are inner products: <#> is the negative inner product, negated back.
    const top = got[0]![0]!;
    expect(top.score).toBeCloseTo(truth[0]!.find((h) => h.key === top.key)?.score ?? Number.NaN, 5);
    // The recall test can fail: a starved search (ef_search 1 on a graph of m 4) misses neighbours.
    const weak = await PgvectorIndex.open({ connectionString: server.url, table: 'recall_t', dim: 64, hnsw: { efSearch: 1 } });
    expect(recallAtK(await weak.search(queries.subarray(0, 20 * 64), 10), truth.slice(0, 20), 10)).toBeLessThan(recall - 0.1);
    await weak.close();
    await index.close();
  });

  it('upserts, removes and counts; a repeated key keeps its last vector', async () => {
    const dim = 4;
    const e = (i: number) => Float32Array.from({ length: dim }, (_, j) => (i === j ? 1 : 0));
    const index = await PgvectorIndex.open({ connectionString: server.url, table: 'crud_t', dim, batchSize: 2 });
    await index.add([1, 2, 3], new Float32Array([...e(0), ...e(1), ...e(2)]));
    expect(await index.size()).toBe(3);
    expect((await index.search(e(1), 1))[0]).toEqual([{ key: 2, score: 1 }]);
    await index.add([2, 4, 4], new Float32Array([...e(3), ...e(0), ...e(1)]));
    expect(await index.size()).toBe(4);
    expect((await index.search(e(3), 1))[0]![0]).toEqual({ key: 2, score: 1 });
    expect((await index.search(e(1), 1))[0]![0]).toEqual({ key: 4, score: 1 });
    await index.remove([1, 3, 77]);
    expect(await index.size()).toBe(2);
    expect((await index.search(e(0), 10))[0]!.map((h) => h.key).sort()).toEqual([2, 4]);
    await index.close();
    await expect(index.size()).rejects.toThrow(/closed/);
  });

  it('refuses another dim or another encoder for an existing table, naming both', async () => {
    const index = await PgvectorIndex.open({ connectionString: server.url, table: 'enc_t', dim: 8, encoder: 'use-lite@abc' });
    await index.add([1], new Float32Array(8).fill(0.1));
    await index.close();
    const dimErr = await PgvectorIndex.open({ connectionString: server.url, table: 'enc_t', dim: 16, encoder: 'use-lite@abc' }).catch(
      (e: unknown) => e,
    );
    expect(dimErr).toBeInstanceOf(IndexMismatchError);
    expect((dimErr as Error).message).toMatch(
      new RegExp(`table enc_t in 127\\.0\\.0\\.1:${server.port}/postgres holds 8-d vectors, but 16-d vectors were given`),
    );
    const encErr = await PgvectorIndex.open({ connectionString: server.url, table: 'enc_t', dim: 8, encoder: 'bert@xyz' }).catch(
      (e: unknown) => e,
    );
    expect(encErr).toMatchObject({ code: 'EINDEXMISMATCH', field: 'encoder', found: { dim: 8, encoder: 'use-lite@abc' } });
    expect((encErr as Error).message).toMatch(/was built by encoder 'use-lite@abc', not by 'bert@xyz'/);
    expect(await sql(server.url, 'SELECT count(*)::int AS n FROM enc_t')).toEqual([{ n: 1 }]); // untouched
  });

  it('a failed batch leaves the table as it was (one transaction per add)', async () => {
    const dim = 4;
    const index = await PgvectorIndex.open({ connectionString: server.url, table: 'atomic_t', dim, batchSize: 3 });
    await index.add([1, 2], new Float32Array(2 * dim).fill(0.5));
    // The server refuses key 108, in the third batch of 3, after two batches were inserted.
    await sql(server.url, 'ALTER TABLE atomic_t ADD CONSTRAINT no_108 CHECK (key <> 108)');
    const keys = Array.from({ length: 10 }, (_, i) => 100 + i);
    const err = await index.add(keys, new Float32Array(keys.length * dim).fill(0.2)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EVECTORDB', problem: 'query' });
    expect((err as Error).message).toMatch(/violates check constraint "no_108"/);
    expect(await sql(server.url, 'SELECT key::int FROM atomic_t ORDER BY key')).toEqual([{ key: 1 }, { key: 2 }]);
    // An upsert of existing keys that fails is rolled back too: key 1 keeps its vector.
    const replace = new Float32Array(2 * dim).fill(0.9);
    await expect(index.add([1, 108], replace)).rejects.toThrow(/no_108/);
    expect((await index.search(new Float32Array(dim).fill(0.5), 1))[0]![0]!.score).toBeCloseTo(4 * 0.25, 5);
    // A NaN never reaches the server.
    const nan = new Float32Array(2 * dim).fill(0.1);
    nan[5] = Number.NaN;
    await expect(index.add([5, 6], nan)).rejects.toThrow(/vector 1 \(key 6\) has a non-finite value/);
    expect(await index.size()).toBe(2);
    await index.close();
    // The bulk path (>= 1,000 rows into an empty table drops the HNSW index, loads, rebuilds it) rolls back whole:
    // the rows are gone and the index is still there.
    const bulk = await PgvectorIndex.open({ connectionString: server.url, table: 'bulk_t', dim });
    await sql(server.url, 'ALTER TABLE bulk_t ADD CONSTRAINT no_1999 CHECK (key <> 1999)');
    const many = Array.from({ length: 1000 }, (_, i) => 1000 + i);
    await expect(bulk.add(many, new Float32Array(many.length * dim).fill(0.3))).rejects.toThrow(/no_1999/);
    expect(await bulk.size()).toBe(0);
    expect(await sql(server.url, `SELECT indexname FROM pg_indexes WHERE tablename = 'bulk_t' AND indexname LIKE '%hnsw'`)).toEqual([
      { indexname: 'bulk_t_embedding_hnsw' },
    ]);
    await bulk.close();
  });

  it('a server without pgvector: "the database has no pgvector extension", and the same for a role that may not create it', async () => {
    const err = await PgvectorIndex.open({ connectionString: plain.url, table: 't', dim: 4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VectorDatabaseError);
    expect(err).toMatchObject({ problem: 'no-extension', where: `127.0.0.1:${plain.port}/postgres` });
    expect((err as Error).message).toMatch(/^the database has no pgvector extension: extension "vector" is not available/);
    // pgvector is installed on `server`, but it is not a trusted extension: an ordinary role cannot create it.
    await sql(server.url, 'CREATE ROLE app LOGIN');
    await sql(server.url, 'CREATE DATABASE app_db OWNER app');
    const appUrl = server.url.replace('postgres@', 'app@').replace(/\/postgres$/, '/app_db');
    const denied = await PgvectorIndex.open({ connectionString: appUrl, table: 't', dim: 4 }).catch((e: unknown) => e);
    expect(denied).toMatchObject({ problem: 'no-extension' });
    expect((denied as Error).message).toMatch(
      /no pgvector extension, and this role may not create it: permission denied to create extension "vector"/,
    );
    // Once an administrator created it, the same role can use it.
    await sql(server.url.replace(/\/postgres$/, '/app_db'), 'CREATE EXTENSION vector');
    const ok = await PgvectorIndex.open({ connectionString: appUrl, table: 't', dim: 4 });
    expect(await ok.size()).toBe(0);
    await ok.close();
  });

  it('other refusals: no such database, create: false without a table, a table this store did not make', async () => {
    const noDb = await PgvectorIndex.open({ connectionString: server.url.replace(/\/postgres$/, '/nope'), table: 't', dim: 4 }).catch(
      (e: unknown) => e,
    );
    expect(noDb).toMatchObject({ problem: 'no-database' });
    expect((noDb as Error).message).toMatch(/database "nope" does not exist/);
    await expect(PgvectorIndex.open({ connectionString: server.url, table: 'absent_t', dim: 4, create: false })).rejects.toMatchObject({
      problem: 'no-table',
    });
    await sql(server.url, 'CREATE TABLE users_t (key bigint, embedding vector(4))');
    await expect(PgvectorIndex.open({ connectionString: server.url, table: 'users_t', dim: 4, overwrite: true })).rejects.toThrow(
      /exists but was not made by this store/,
    );
  });

  it('a database that is down (or goes down mid-session): a clear error naming host:port', async () => {
    const gone = await startCluster();
    const index = await PgvectorIndex.open({ connectionString: gone.url, table: 'down_t', dim: 4, connectTimeoutMs: 5000 });
    await index.add([1], new Float32Array([1, 0, 0, 0]));
    await gone.stop(); // the server dies under an open index
    const mid = await index.search(new Float32Array([1, 0, 0, 0]), 1).catch((e: unknown) => e);
    expect(mid).toMatchObject({ code: 'EVECTORDB', problem: 'unreachable' });
    expect((mid as Error).message).toMatch(new RegExp(`^cannot reach the PostgreSQL server at 127\\.0\\.0\\.1:${gone.port}/postgres: `));
    await index.close();
    const down = await PgvectorIndex.open({ connectionString: gone.url, table: 'down_t', dim: 4 }).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(VectorDatabaseError);
    expect((down as Error).message).toBe(
      `cannot reach the PostgreSQL server at 127.0.0.1:${gone.port}/postgres: connection refused: is the server running on that host and port?`,
    );
    // 'localhost' resolves to two addresses: Node throws an AggregateError of two ECONNREFUSED; still one clear line.
    const local = await PgvectorIndex.open({ connectionString: gone.url.replace('127.0.0.1', 'localhost'), table: 't', dim: 4 }).catch(
      (e: unknown) => e,
    );
    expect((local as Error).message).toBe(
      `cannot reach the PostgreSQL server at localhost:${gone.port}/postgres: connection refused: is the server running on that host and port?`,
    );
  });
});
