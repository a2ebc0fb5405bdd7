// `index` / `search` with --store pgvector against a real PostgreSQL + pgvector (a throwaway cluster started by
// tools/pgvector/cluster.sh; fails, never skips, when pgvector is not built: run `bash tools/pgvector/build.sh`).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultCase, faultTitle } from '@contrastive/test-utils';
import { FAULT_CASES } from '../faults/cases.js';
import { type Cluster, startCluster } from '../vector-index/test-utils/cluster.js';
import { main } from './main.js';

const title = (id: string): string => faultTitle(faultCase(FAULT_CASES, id));

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const PASSAGES = [
  'the ferry leaves the harbour at dawn',
  'a recipe for bread with rye flour',
  'the telescope tracked a faint comet',
  'volunteers planted oaks along the river',
  'the orchestra rehearsed the second symphony',
  'a quiet village at the foot of the mountains',
];

describe('contrastive-text index / search with PostgreSQL + pgvector', () => {
  let cluster: Cluster;
  let bare: Cluster;
  let dir: string;
  let model: string;
  let corpus: string;
  beforeAll(async () => {
    process.env.CONTRASTIVE_BACKEND = 'cpu';
    delete process.env.DATABASE_URL; // the refusal below must not reach a developer's own database
    cluster = await startCluster();
    bare = await startCluster({ vector: false });
    dir = mkdtempSync(path.join(os.tmpdir(), 'index-pg-'));
    corpus = path.join(dir, 'corpus.txt');
    writeFileSync(corpus, `${PASSAGES.join('\n')}\n`);
    model = path.join(dir, 'model');
    const r = await run([
      'train',
      '--method',
      'simcse',
      '--corpus',
      corpus,
      '--batch-size',
      '3',
      '--max-length',
      '16',
      '--steps-per-epoch',
      '1',
      '--out',
      model,
      '--no-progress',
    ]);
    expect(r.code, r.err.join('\n')).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
    await bare?.stop();
  });

  it(`indexes into a table, searches it, updates it; ${title('text/pgvector-stale-table')}`, async () => {
    const out = path.join(dir, 'idx');
    const url = cluster.url;
    const r = await run([
      'index',
      '--checkpoint',
      model,
      '--corpus',
      corpus,
      '--out',
      out,
      '--store',
      'pgvector',
      '--database-url',
      url,
      '--table',
      'docs',
      '--json',
      '--no-progress',
    ]);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(JSON.parse(r.out[0]!)).toMatchObject({ store: 'pgvector', count: 6, encoded: 6 });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      expect((await client.query('select count(*)::int as n from docs')).rows[0].n).toBe(6);
      const s = await run(['search', '--index', out, '--query', PASSAGES[2]!, '--k', '2', '--database-url', url]);
      expect(s.code, s.err.join('\n')).toBe(0);
      expect(JSON.parse(s.out[0]!).hits[0]).toMatchObject({ key: 2, text: PASSAGES[2] });

      const changed = path.join(dir, 'changed.txt');
      writeFileSync(changed, `${PASSAGES.slice(0, 4).join('\n')}\n`);
      const u = await run(['index', '--corpus', changed, '--out', out, '--update', '--database-url', url, '--json', '--no-progress']);
      expect(u.code, u.err.join('\n')).toBe(0);
      expect(JSON.parse(u.out[0]!)).toMatchObject({ count: 4, encoded: 0, removed: 2 });
      expect((await client.query('select count(*)::int as n from docs')).rows[0].n).toBe(4);

      // text/pgvector-stale-table: a table whose size disagrees with search.json (an interrupted run) is refused.
      await client.query('delete from docs where key = 0');
      const stale = await run(['search', '--index', out, '--query', 'comet', '--database-url', url]);
      expect(stale.code).toBe(1);
      expect(stale.err.join('\n')).toMatch(/holds 3 vectors but .*search\.json records 4/);
    } finally {
      await client.end();
    }
  }, 180_000);

  it(title('text/pgvector-down-or-bare'), async () => {
    // A server without the extension, and a server that is down: clear errors, no index folder written.
    const noExt = await run([
      'index',
      '--checkpoint',
      model,
      '--corpus',
      corpus,
      '--out',
      path.join(dir, 'x'),
      '--store',
      'pgvector',
      '--database-url',
      bare.url,
      '--no-progress',
    ]);
    expect(noExt.code).toBe(1);
    expect(noExt.err.join('\n')).toMatch(/no pgvector extension/);
    const down = await run([
      'index',
      '--checkpoint',
      model,
      '--corpus',
      corpus,
      '--out',
      path.join(dir, 'y'),
      '--store',
      'pgvector',
      '--database-url',
      'postgresql://postgres@127.0.0.1:1/postgres',
      '--no-progress',
    ]);
    expect(down.code).toBe(1);
    expect(down.err.join('\n')).toMatch(/cannot reach the PostgreSQL server at 127\.0\.0\.1:1/);
    const noUrl = await run(['index', '--checkpoint', model, '--corpus', corpus, '--out', path.join(dir, 'z'), '--store', 'pgvector']);
    expect(noUrl.code).toBe(2);
    expect(existsSync(path.join(dir, 'x')) || existsSync(path.join(dir, 'y')) || existsSync(path.join(dir, 'z'))).toBe(false);
  }, 180_000);
});
