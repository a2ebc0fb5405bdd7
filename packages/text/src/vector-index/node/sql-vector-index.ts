/**
 * The SQL of the PostgreSQL + pgvector stores, written once for two thin drivers: `pg` against a server
 * ({@link PgvectorIndex}) and PGlite in-process ({@link PgliteIndex}). One table per index, `(key bigint primary
 * key, embedding vector(dim))`, an HNSW index with `vector_ip_ops`, and a row in `contrastive_vector_index`
 * recording the dim and the encoder, checked on every open.
 *
 * pgvector's `<#>` operator is the NEGATIVE inner product (so that ascending order is best first, which an index
 * scan needs); a hit's score is `-(embedding <#> query)`.
 */
import { checkIndexInfo, VectorDatabaseError } from '../errors.js';
import { checkAdd, checkSearch, type SearchHit, type VectorIndex } from '../vector-index.js';

/** Runs one statement; rows come back as plain objects (int8 may be a string or a bigint: use Number()). */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
}

/** What a driver gives the SQL layer. */
export interface SqlDriver extends SqlRunner {
  /** The database in messages: `host:port/database`, or `pglite:<dataDir>`. */
  readonly where: string;
  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** Turns a driver error into a clear one ({@link VectorDatabaseError} for the known causes). */
  describe(error: unknown): Error;
  close(): Promise<void>;
}

/** HNSW parameters of pgvector. */
export interface HnswOptions {
  /** Graph neighbours per node; pgvector's default 16. Used when the table is created. */
  m?: number;
  /** Candidate list while building; pgvector's default 64. Used when the table is created. */
  efConstruction?: number;
  /**
   * Candidate list while searching (`hnsw.ef_search`, at least `k` is used); default 100 (pgvector's own 40 is
   * tuned for speed; 100 keeps recall@10 ≥ 0.95 on the test data: see `pgvector.int.test.ts`).
   */
  efSearch?: number;
}

/** Options shared by the SQL stores. */
export interface SqlIndexOptions {
  /**
   * The table holding this index: a lowercase SQL identifier (`[a-z_][a-z0-9_]*`, at most 40 characters), in the
   * connection's default schema. Other tables are never touched.
   */
  table: string;
  /** Vector width; must match the table's when it exists. */
  dim: number;
  /** The encoder that produces the vectors; an existing table recorded with another is refused. */
  encoder?: string;
  /** Create the table (and the extension) when it does not exist; default true. */
  create?: boolean;
  /**
   * Drop and recreate the table (an index table made by this store only, in one transaction) even when it
   * exists; default false.
   */
  overwrite?: boolean;
  /**
   * HNSW parameters, or `false` for no ANN index (every search is an exact scan; also the only choice above
   * pgvector's 2,000-dimension HNSW limit). Default: an HNSW index with the defaults of {@link HnswOptions}.
   */
  hnsw?: HnswOptions | false;
  /** Rows per INSERT statement inside an `add` transaction; default 500. */
  batchSize?: number;
  /**
   * `maintenance_work_mem` for the HNSW build of a bulk load (e.g. `'1GB'`); default the server's (64MB unless
   * configured). pgvector builds fastest when the graph fits (roughly `rows × (4·dim + 8·m) bytes`); past it,
   * the build goes on more slowly with a NOTICE.
   */
  maintenanceWorkMem?: string;
}

/** The table recording each index's dim and encoder. */
export const META_TABLE = 'contrastive_vector_index';
/** pgvector's HNSW limit for `vector` columns. */
export const HNSW_MAX_DIM = 2000;
/** An `add` of at least this many rows into an empty table builds the HNSW index after loading the rows. */
export const BULK_MIN_ROWS = 1000;
/** pgvector's largest `hnsw.ef_search`. */
const MAX_EF_SEARCH = 1000;

const TABLE_RE = /^[a-z_][a-z0-9_]{0,39}$/;

/** The text form pgvector reads (`[v0,v1,…]`), exact for float32 values (the same as `pgvector`'s `toSql`). */
export function vectorLiteral(values: Float32Array): string {
  return `[${values.join(',')}]`;
}

/**
 * Array parameters travel as array literals we build (`{1,2}`, `{"[…]","[…]"}`): pg and PGlite serialise JS
 * arrays differently (PGlite leaves vector elements unquoted, which PostgreSQL cannot parse).
 */
function bigintArrayLiteral(keys: readonly number[]): string {
  return `{${keys.join(',')}}`;
}

function posInt(name: string, v: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(v) || v < 1 || v > max) throw new RangeError(`${name} must be an integer in 1..${max}, got ${v}`);
  return v;
}

/** True when a driver error says the extension's files are absent (PostgreSQL ≤ 15: undefined_file; 16+: 0A000). */
function isExtensionMissing(e: unknown): boolean {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  return (code === '58P01' || code === '0A000') && typeof message === 'string' && /extension|control file/i.test(message);
}

/**
 * `CREATE EXTENSION IF NOT EXISTS vector` unless it is there, with a clear error when the server has no pgvector
 * or this role may not create it.
 */
async function ensureExtension(driver: SqlDriver): Promise<void> {
  const have = await driver.query(`SELECT extversion FROM pg_extension WHERE extname = 'vector'`);
  if (have.length > 0) return;
  try {
    await driver.query('CREATE EXTENSION IF NOT EXISTS vector');
  } catch (e) {
    const msg = (e as Error)?.message ?? String(e);
    if (isExtensionMissing(e))
      throw new VectorDatabaseError(
        driver.where,
        'no-extension',
        `the database has no pgvector extension: ${msg} (${driver.where}). Install pgvector on the server (Debian/Ubuntu: ` +
          'postgresql-<version>-pgvector; from source: https://github.com/pgvector/pgvector, or tools/pgvector/build.sh in this ' +
          'repository), then connect again',
        { cause: e },
      );
    if ((e as { code?: unknown })?.code === '42501')
      throw new VectorDatabaseError(
        driver.where,
        'no-extension',
        `the database has no pgvector extension, and this role may not create it: ${msg} (${driver.where}). Ask an administrator ` +
          'to run CREATE EXTENSION vector in this database',
        { cause: e },
      );
    throw driver.describe(e);
  }
}

/**
 * A {@link VectorIndex} in a PostgreSQL table with pgvector. Open one through {@link PgvectorIndex.open} or
 * {@link PgliteIndex.open}; the driver decides where the database is.
 */
export class SqlVectorIndex implements VectorIndex {
  readonly dim: number;
  /** The table name. */
  readonly table: string;
  /** The encoder recorded for the table (the caller's, or the table's when the caller gave none). */
  readonly encoder: string | undefined;
  /** Where the database is (`host:port/database` or `pglite:…`). */
  readonly where: string;
  private readonly driver: SqlDriver;
  private readonly hnsw: Required<HnswOptions> | false;
  private readonly batchSize: number;
  private readonly maintenanceWorkMem: string | undefined;
  private closed = false;

  protected constructor(
    driver: SqlDriver,
    table: string,
    dim: number,
    encoder: string | undefined,
    hnsw: Required<HnswOptions> | false,
    batchSize: number,
    maintenanceWorkMem?: string,
  ) {
    this.driver = driver;
    this.where = driver.where;
    this.table = table;
    this.dim = dim;
    this.encoder = encoder;
    this.hnsw = hnsw;
    this.batchSize = batchSize;
    this.maintenanceWorkMem = maintenanceWorkMem;
  }

  /**
   * Prepares the table on `driver` (extension, metadata, table and index; checks an existing table's dim and
   * encoder) and returns the index. On error the driver is closed.
   */
  protected static async openOn<T extends SqlVectorIndex>(
    make: (
      driver: SqlDriver,
      table: string,
      dim: number,
      encoder: string | undefined,
      hnsw: Required<HnswOptions> | false,
      batch: number,
      maintenanceWorkMem?: string,
    ) => T,
    driver: SqlDriver,
    options: SqlIndexOptions,
  ): Promise<T> {
    try {
      const { table, dim, create = true, overwrite = false } = options;
      if (!TABLE_RE.test(table))
        throw new RangeError(`table '${table}' is not a lowercase SQL identifier of at most 40 characters ([a-z_][a-z0-9_]*)`);
      if (table === META_TABLE) throw new RangeError(`table '${table}' is the metadata table; choose another name`);
      posInt('dim', dim, 16000);
      const batch = posInt('batchSize', options.batchSize ?? 500);
      if (options.maintenanceWorkMem !== undefined && !/^[1-9][0-9]*(kB|MB|GB)$/.test(options.maintenanceWorkMem))
        throw new RangeError(`maintenanceWorkMem must look like '512MB' or '2GB', got '${options.maintenanceWorkMem}'`);
      const hnsw =
        options.hnsw === false
          ? false
          : {
              m: posInt('hnsw.m', options.hnsw?.m ?? 16, 100),
              efConstruction: posInt('hnsw.efConstruction', options.hnsw?.efConstruction ?? 64, 1000),
              efSearch: posInt('hnsw.efSearch', options.hnsw?.efSearch ?? 100, MAX_EF_SEARCH),
            };
      if (hnsw !== false && dim > HNSW_MAX_DIM)
        throw new RangeError(
          `pgvector's HNSW index holds at most ${HNSW_MAX_DIM} dimensions, got dim ${dim}; pass hnsw: false for exact search`,
        );
      const encoder = await SqlVectorIndex.prepare(driver, table, dim, options.encoder, create, overwrite, hnsw);
      return make(driver, table, dim, encoder, hnsw, batch, options.maintenanceWorkMem);
    } catch (e) {
      await driver.close().catch(() => undefined);
      throw e instanceof VectorDatabaseError || e instanceof RangeError || (e as { code?: unknown })?.code === 'EINDEXMISMATCH'
        ? e
        : driver.describe(e);
    }
  }

  private static async prepare(
    driver: SqlDriver,
    table: string,
    dim: number,
    encoder: string | undefined,
    create: boolean,
    overwrite: boolean,
    hnsw: Required<HnswOptions> | false,
  ): Promise<string | undefined> {
    const where = `table ${table} in ${driver.where}`;
    if (create || overwrite) {
      await ensureExtension(driver);
      await driver.query(
        `CREATE TABLE IF NOT EXISTS ${META_TABLE} (table_name text PRIMARY KEY, dim integer NOT NULL, encoder text, ` +
          `metric text NOT NULL DEFAULT 'ip', created_at timestamptz NOT NULL DEFAULT now())`,
      );
    }
    const [present] = await driver.query('SELECT to_regclass($1) IS NOT NULL AS present, to_regclass($2) IS NOT NULL AS meta_present', [
      table,
      META_TABLE,
    ]);
    const [meta] =
      present?.meta_present === true ? await driver.query(`SELECT dim, encoder FROM ${META_TABLE} WHERE table_name = $1`, [table]) : [];
    if (present?.present === true) {
      if (meta === undefined)
        throw new VectorDatabaseError(
          driver.where,
          'not-an-index',
          `${where} exists but was not made by this store (no row in ${META_TABLE}); it is left alone: choose another table name`,
        );
      if (!overwrite) {
        const found = { dim: Number(meta.dim), ...(meta.encoder == null ? {} : { encoder: String(meta.encoder) }) };
        checkIndexInfo(where, found, { dim, ...(encoder === undefined ? {} : { encoder }) });
        const [col] = await driver.query(
          `SELECT atttypmod AS typmod FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'embedding'`,
          [table],
        );
        if (Number(col?.typmod) !== dim)
          throw new VectorDatabaseError(
            driver.where,
            'not-an-index',
            `${where}: its embedding column is not vector(${dim}) as ${META_TABLE} records (altered by hand?)`,
          );
        return encoder ?? found.encoder;
      }
    } else if (!create) {
      throw new VectorDatabaseError(driver.where, 'no-table', `${where} does not exist (pass create: true to create it)`);
    }
    await driver.transaction(async (tx) => {
      if (present?.present === true) await tx.query(`DROP TABLE ${table}`);
      await tx.query(`CREATE TABLE ${table} (key bigint PRIMARY KEY, embedding vector(${dim}) NOT NULL)`);
      if (hnsw !== false)
        await tx.query(
          `CREATE INDEX ${table}_embedding_hnsw ON ${table} USING hnsw (embedding vector_ip_ops) ` +
            `WITH (m = ${hnsw.m}, ef_construction = ${hnsw.efConstruction})`,
        );
      await tx.query(
        `INSERT INTO ${META_TABLE} (table_name, dim, encoder) VALUES ($1, $2, $3) ` +
          'ON CONFLICT (table_name) DO UPDATE SET dim = EXCLUDED.dim, encoder = EXCLUDED.encoder, created_at = now()',
        [table, dim, encoder ?? null],
      );
    });
    return encoder;
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new Error(`${this.constructor.name}: the index is closed`);
    try {
      return await fn();
    } catch (e) {
      throw this.driver.describe(e);
    }
  }

  async size(): Promise<number> {
    return this.run(async () => Number((await this.driver.query(`SELECT count(*) AS n FROM ${this.table}`))[0]!.n));
  }

  /**
   * Upserts in batches of `batchSize` rows inside ONE transaction: all rows are stored, or none. Into an empty
   * table, {@link BULK_MIN_ROWS} rows or more are loaded without the HNSW index, which is then rebuilt with its
   * own definition in the same transaction: pgvector builds a graph ~3× faster in one pass than row by row
   * (5,000 × 64-d: 1.7 s + 0.25 s instead of 6.1 s here).
   */
  async add(keys: readonly number[], vectors: Float32Array): Promise<void> {
    const d = this.dim;
    checkAdd(d, keys, vectors);
    if (keys.length === 0) return;
    // ON CONFLICT cannot touch a row twice in one statement: the last vector of a repeated key wins (as in FlatIndex).
    const last = new Map<number, number>();
    keys.forEach((k, i) => last.set(k, i));
    const rows = [...last.values()].sort((a, b) => a - b);
    const t = this.table;
    await this.run(() =>
      this.driver.transaction(async (tx) => {
        let rebuild: string | undefined;
        if (rows.length >= BULK_MIN_ROWS) {
          const [empty] = await tx.query(`SELECT NOT EXISTS (SELECT 1 FROM ${t}) AS empty`);
          const [index] = await tx.query('SELECT indexdef FROM pg_indexes WHERE tablename = $1 AND indexname = $2', [
            t,
            `${t}_embedding_hnsw`,
          ]);
          if (empty?.empty === true && typeof index?.indexdef === 'string') {
            rebuild = index.indexdef;
            await tx.query(`DROP INDEX ${t}_embedding_hnsw`);
          }
        }
        for (let b = 0; b < rows.length; b += this.batchSize) {
          const part = rows.slice(b, b + this.batchSize);
          await tx.query(
            `INSERT INTO ${t} (key, embedding) SELECT * FROM unnest($1::bigint[], $2::vector[]) ` +
              'ON CONFLICT (key) DO UPDATE SET embedding = EXCLUDED.embedding',
            [
              bigintArrayLiteral(part.map((r) => keys[r]!)),
              `{${part.map((r) => `"${vectorLiteral(vectors.subarray(r * d, (r + 1) * d))}"`).join(',')}}`,
            ],
          );
        }
        if (rebuild !== undefined) {
          if (this.maintenanceWorkMem !== undefined) await tx.query(`SET LOCAL maintenance_work_mem = '${this.maintenanceWorkMem}'`);
          await tx.query(rebuild);
        }
      }),
    );
  }

  /**
   * One query per row of `vectors`, in one read transaction. With HNSW, `hnsw.ef_search` is max(efSearch, k);
   * above pgvector's limit of 1,000 the search is an exact scan instead (an index scan would return fewer).
   */
  async search(vectors: Float32Array, k: number): Promise<SearchHit[][]> {
    const d = this.dim;
    const nq = checkSearch(d, vectors, k);
    if (nq === 0) return [];
    return this.run(() =>
      this.driver.transaction(async (tx) => {
        if (this.hnsw !== false) {
          if (k > MAX_EF_SEARCH) await tx.query('SET LOCAL enable_indexscan = off');
          else await tx.query(`SET LOCAL hnsw.ef_search = ${Math.max(this.hnsw.efSearch, k)}`);
        }
        const out: SearchHit[][] = [];
        for (let q = 0; q < nq; q++) {
          const rows = await tx.query(
            `SELECT key, embedding <#> $1::vector AS d FROM ${this.table} ORDER BY embedding <#> $1::vector LIMIT $2`,
            [vectorLiteral(vectors.subarray(q * d, (q + 1) * d)), k],
          );
          out.push(rows.map((r) => ({ key: Number(r.key), score: -Number(r.d) })));
        }
        return out;
      }),
    );
  }

  async remove(keys: readonly number[]): Promise<void> {
    for (const k of keys)
      if (!Number.isSafeInteger(k) || k < 0) throw new RangeError(`remove: key ${k} is not a non-negative safe integer`);
    if (keys.length === 0) return;
    await this.run(() => this.driver.query(`DELETE FROM ${this.table} WHERE key = ANY($1::bigint[])`, [bigintArrayLiteral(keys)]));
  }

  /** Closes the connections (or the in-process database this index opened). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.driver.close();
  }
}
