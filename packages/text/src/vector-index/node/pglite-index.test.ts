// The SQL store's mechanics on PGlite (PostgreSQL + pgvector 0.8 in WASM, in-process): the same SQL the real
// server runs in pgvector.int.test.ts, with no server. Small sizes: PGlite is single-threaded WASM.
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import pgvector from 'pgvector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexMismatchError, VectorDatabaseError } from '../errors.js';
import { clusteredCorpus } from '../test-utils/data.js';
import { PgliteIndex } from './pglite-index.js';
import { META_TABLE, vectorLiteral } from './sql-vector-index.js';

let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create({ extensions: { vector } });
  await db.query('CREATE EXTENSION IF NOT EXISTS vector');
});
afterAll(() => db.close());

const dim = 8;
const open = (table: string, extra: Partial<Parameters<typeof PgliteIndex.open>[0]> = {}) =>
  PgliteIndex.open({ db, table, dim, encoder: 'enc-a', ...extra });

describe('PgliteIndex (the SQL of PgvectorIndex, in-process)', () => {
  it('writes vectors exactly as pgvector-node does, and reads them back bit-exact', async () => {
    const v = new Float32Array([0.1, -1 / 3, 1e-8, 123.456, 0, -2.5e-38, 2 ** -30, 7]); // (-0 prints as 0: harmless for dot products)
    expect(vectorLiteral(v)).toBe(pgvector.toSql(Array.from(v)));
    const [r] = (await db.query<{ v: string }>('SELECT $1::vector::text AS v', [vectorLiteral(v)])).rows;
    expect(new Float32Array(pgvector.fromSql(r!.v) as number[])).toEqual(v);
  });

  it('exact mode (hnsw: false) gives the FlatIndex results; add upserts, remove deletes, size counts', async () => {
    const { keys, vectors, queries, exact } = clusteredCorpus(300, 10, dim, 3);
    const index = await open('exact_t', { hnsw: false, batchSize: 64 });
    await index.add(keys, vectors);
    expect(await index.size()).toBe(300);
    const got = await index.search(queries, 5);
    const want = await exact.search(queries, 5);
    expect(got.map((hits) => hits.map((h) => h.key))).toEqual(want.map((hits) => hits.map((h) => h.key)));
    got.flat().forEach((h, i) => expect(h.score).toBeCloseTo(want.flat()[i]!.score, 5)); // -(a <#> b) = a·b
    // Upsert: key 7 (row 0) gets row 1's vector; a repeated key in one call keeps its last vector.
    await index.add(
      [keys[0]!, 999, 999],
      new Float32Array([...vectors.subarray(dim, 2 * dim), ...queries.subarray(0, dim), ...vectors.subarray(0, dim)]),
    );
    expect(await index.size()).toBe(301);
    const [hits] = await index.search(vectors.subarray(0, dim), 1);
    expect(hits![0]!.key).toBe(999);
    await index.remove([999, keys[5]!, 123456]);
    expect(await index.size()).toBe(299);
    await index.close();
    await expect(index.size()).rejects.toThrow(/closed/);
  });

  it('HNSW mode returns the exact neighbours on a small set, and more than ef_search when k asks for it', async () => {
    const { keys, vectors, queries, exact } = clusteredCorpus(400, 5, dim, 4);
    const index = await open('hnsw_t', { hnsw: { m: 8, efConstruction: 32, efSearch: 40 } });
    await index.add(keys, vectors);
    const plan = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT key FROM hnsw_t ORDER BY embedding <#> '${vectorLiteral(queries.subarray(0, dim))}' LIMIT 5`,
    );
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan using hnsw_t_embedding_hnsw/);
    const got = await index.search(queries, 10);
    const want = await exact.search(queries, 10);
    const overlap = got.reduce((s, hits, q) => s + hits.filter((h) => want[q]!.some((w) => w.key === h.key)).length, 0);
    expect(overlap / 50).toBeGreaterThanOrEqual(0.9);
    expect((await index.search(queries.subarray(0, dim), 60))[0]).toHaveLength(60); // ef_search raised to k
    await index.close();
  });

  it('refuses another dim or encoder for an existing table, naming both; keeps the table', async () => {
    const index = await open('mismatch_t');
    await index.add([1, 2], new Float32Array(2 * dim).fill(0.25));
    await index.close();
    const dimErr = await open('mismatch_t', { dim: 16 }).catch((e: unknown) => e);
    expect(dimErr).toBeInstanceOf(IndexMismatchError);
    expect((dimErr as Error).message).toMatch(/table mismatch_t in pglite:given instance holds 8-d vectors, but 16-d vectors were given/);
    await expect(open('mismatch_t', { encoder: 'enc-b' })).rejects.toThrow(/was built by encoder 'enc-a', not by 'enc-b'/);
    const again = await open('mismatch_t', { encoder: undefined }); // unknown encoder: accepted, the table's is reported
    expect(again.encoder).toBe('enc-a');
    expect(await again.size()).toBe(2);
    await again.close();
    const replaced = await open('mismatch_t', { dim: 16, encoder: 'enc-b', overwrite: true });
    expect(await replaced.size()).toBe(0);
    expect(replaced.dim).toBe(16);
    await replaced.close();
  });

  it('an add is all or nothing: a server error in a later batch leaves the table as it was', async () => {
    const index = await open('atomic_t', { batchSize: 2 });
    await index.add([1, 2], new Float32Array(2 * dim).fill(0.5));
    // Keys 10..15 in three batches; the server refuses key 14 (third batch) after two batches went in.
    await db.query('ALTER TABLE atomic_t ADD CONSTRAINT no_14 CHECK (key <> 14)');
    const keys = [10, 11, 12, 13, 14, 15];
    const err = await index.add(keys, new Float32Array(keys.length * dim).fill(0.1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VectorDatabaseError);
    expect((err as Error).message).toMatch(/violates check constraint "no_14"/);
    expect(await index.size()).toBe(2);
    const rows = await db.query<{ key: number }>('SELECT key FROM atomic_t ORDER BY key');
    expect(rows.rows.map((r) => Number(r.key))).toEqual([1, 2]);
    // A NaN is refused before anything is sent.
    const nan = new Float32Array(2 * dim).fill(0.1);
    nan[dim + 3] = Number.NaN;
    await expect(index.add([20, 21], nan)).rejects.toThrow(/vector 1 \(key 21\) has a non-finite value/);
    expect(await index.size()).toBe(2);
    await index.close();
  });

  it('leaves a table it did not make alone, and create: false does not create', async () => {
    await db.query('CREATE TABLE user_table (key bigint, embedding vector(8))');
    const err = await open('user_table').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EVECTORDB', problem: 'not-an-index' });
    expect((err as Error).message).toMatch(new RegExp(`exists but was not made by this store \\(no row in ${META_TABLE}\\)`));
    await expect(open('no_such_t', { create: false })).rejects.toMatchObject({ problem: 'no-table' });
    await expect(open('Bad-Name')).rejects.toThrow(/is not a lowercase SQL identifier/);
    await expect(open('big_t', { dim: 3000 })).rejects.toThrow(/HNSW index holds at most 2000 dimensions/);
  });
});
