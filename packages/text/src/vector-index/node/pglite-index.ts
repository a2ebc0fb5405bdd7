/**
 * PGlite (PostgreSQL compiled to WebAssembly, in-process, with pgvector 0.8.0 inside) as a {@link VectorIndex}:
 * the same SQL as {@link PgvectorIndex}, no server. For tests and small embedded use; it is several times slower
 * than a real server (one thread, WASM). Optional peer `@electric-sql/pglite` 0.3.x (0.5 no longer ships
 * `./vector`).
 */
import { type SqlDriver, type SqlIndexOptions, SqlVectorIndex } from './sql-vector-index.js';
import { describePgError } from './pg-errors.js';
import { importStorePackage } from './optional-deps.js';

/** The part of a PGlite instance used here (a caller may pass its own). */
export interface PgliteLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  transaction<T>(fn: (tx: { query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }> }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Options of {@link PgliteIndex.open}. */
export interface PgliteIndexOptions extends SqlIndexOptions {
  /** Where PGlite keeps its files (a folder); default in memory. Ignored when `db` is given. */
  dataDir?: string;
  /**
   * An open PGlite instance to use (created with `extensions: { vector }` from `@electric-sql/pglite/vector`);
   * `close()` then leaves it open. Default: one is created and owned by the index.
   */
  db?: PgliteLike;
}

interface PgliteModule {
  PGlite: { create(options: Record<string, unknown>): Promise<PgliteLike> };
}

const FEATURE = 'PgliteIndex (in-process PGlite + pgvector)';

/** A {@link SqlVectorIndex} in an in-process PGlite database. */
export class PgliteIndex extends SqlVectorIndex {
  /** Opens (or creates) the table as {@link PgvectorIndex.open} does; see it for the errors. */
  static async open(options: PgliteIndexOptions): Promise<PgliteIndex> {
    let db = options.db;
    const owned = db === undefined;
    const where = `pglite:${owned ? (options.dataDir ?? 'memory') : 'given instance'}`;
    if (db === undefined) {
      const { PGlite } = await importStorePackage<PgliteModule>('@electric-sql/pglite', FEATURE);
      const { vector } = await importStorePackage<{ vector: unknown }>('@electric-sql/pglite/vector', FEATURE);
      db = await PGlite.create({ ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }), extensions: { vector } });
    }
    const live = db;
    const rows = async (r: Promise<{ rows: unknown[] }>) => (await r).rows as Record<string, unknown>[];
    const driver: SqlDriver = {
      where,
      query: (sql, params) => rows(live.query(sql, params)),
      transaction: (fn) => live.transaction((tx) => fn({ query: (sql, params) => rows(tx.query(sql, params)) })),
      describe: (e) => describePgError(e, where),
      close: async () => {
        if (owned) await live.close();
      },
    };
    return SqlVectorIndex.openOn((...a) => new PgliteIndex(...a), driver, options);
  }
}
