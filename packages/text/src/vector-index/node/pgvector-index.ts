/**
 * PostgreSQL + pgvector as a {@link VectorIndex}, for corpora beyond one machine's memory or shared between
 * processes: the SQL of `sql-vector-index.ts` over a `pg` connection pool (optional peers `pg`; the server needs
 * the pgvector extension, created on first open when the role may).
 *
 *     const index = await PgvectorIndex.open({ connectionString: process.env.DATABASE_URL!, table: 'passages', dim: 512, encoder: 'use-lite' });
 *     await index.add(keys, vectors);
 *     const hits = await index.search(queries, 10);
 *     await index.close();
 */
import { type SqlDriver, type SqlIndexOptions, type SqlRunner, SqlVectorIndex } from './sql-vector-index.js';
import { describePgError } from './pg-errors.js';
import { importStorePackage } from './optional-deps.js';

/** Options of {@link PgvectorIndex.open}. */
export interface PgvectorIndexOptions extends SqlIndexOptions {
  /**
   * A libpq connection URL, `postgresql://user:password@host:port/database` (parameters such as `sslmode` and
   * `options=-c search_path=…` are honoured by `pg`). The environment's PGHOST, PGPORT… fill what it leaves out.
   */
  connectionString: string;
  /** Pool size (concurrent searches and adds); default 4. */
  maxConnections?: number;
  /** Time allowed for a new connection before it counts as unreachable, in ms; default 10,000. */
  connectTimeoutMs?: number;
}

interface PgClientLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  release(error?: Error | boolean): void;
}
interface PgPoolLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  connect(): Promise<PgClientLike>;
  on(event: 'error', listener: (e: Error) => void): unknown;
  end(): Promise<void>;
}
interface PgModule {
  Pool: new (config: Record<string, unknown>) => PgPoolLike;
  Client: new (config: Record<string, unknown>) => { host: string; port: number; database?: string };
}

const FEATURE = 'PgvectorIndex (PostgreSQL + pgvector)';

/** `host:port/database` of a connection string as `pg` resolves it (environment defaults included), no password. */
export async function describeConnection(connectionString: string): Promise<string> {
  const { Client } = await importStorePackage<PgModule>('pg', FEATURE);
  let probe: { host: string; port: number; database?: string };
  try {
    probe = new Client({ connectionString });
  } catch (e) {
    throw new RangeError(`connectionString is not a PostgreSQL URL (postgresql://user@host:port/database): ${(e as Error).message}`);
  }
  return `${probe.host}:${probe.port}/${probe.database ?? ''}`;
}

/** A {@link SqlVectorIndex} on a PostgreSQL server through a `pg` pool. */
export class PgvectorIndex extends SqlVectorIndex {
  /**
   * Connects, makes sure the `vector` extension exists (creating it when allowed), creates or checks the table
   * (dim and encoder against its metadata row) and returns the index. Errors: {@link VectorDatabaseError}
   * (server unreachable — naming host:port —, login refused, no such database, no pgvector extension, a table not
   * made by this store, `create: false` and no table), {@link IndexMismatchError} (dim or encoder), RangeError
   * (bad options), `OptionalDependencyError` (`pg` not installed).
   */
  static async open(options: PgvectorIndexOptions): Promise<PgvectorIndex> {
    const { connectionString, maxConnections = 4, connectTimeoutMs = 10_000 } = options;
    if (typeof connectionString !== 'string' || connectionString === '')
      throw new RangeError('connectionString is required (postgresql://user@host:port/database)');
    if (!Number.isSafeInteger(maxConnections) || maxConnections < 1)
      throw new RangeError(`maxConnections must be a positive integer, got ${maxConnections}`);
    if (!Number.isSafeInteger(connectTimeoutMs) || connectTimeoutMs < 1)
      throw new RangeError(`connectTimeoutMs must be a positive integer, got ${connectTimeoutMs}`);
    const where = await describeConnection(connectionString);
    const { Pool } = await importStorePackage<PgModule>('pg', FEATURE);
    const pool = new Pool({ connectionString, max: maxConnections, connectionTimeoutMillis: connectTimeoutMs });
    // An idle connection the server dropped: the next query reports it; without a listener Node would crash.
    pool.on('error', () => undefined);
    const runner = (c: { query: PgPoolLike['query'] }): SqlRunner => ({ query: async (sql, params) => (await c.query(sql, params)).rows });
    const driver: SqlDriver = {
      where,
      ...runner(pool),
      async transaction(fn) {
        const client = await pool.connect();
        let broken: Error | undefined;
        try {
          await client.query('BEGIN');
          const result = await fn(runner(client));
          await client.query('COMMIT');
          return result;
        } catch (e) {
          await client.query('ROLLBACK').catch((r: Error) => {
            broken = r; // the connection is unusable: the pool discards it
          });
          throw e;
        } finally {
          client.release(broken);
        }
      },
      describe: (e) => describePgError(e, where),
      close: () => pool.end(),
    };
    return SqlVectorIndex.openOn((...a) => new PgvectorIndex(...a), driver, options);
  }
}
