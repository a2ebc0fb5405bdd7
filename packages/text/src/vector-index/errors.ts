/**
 * The typed errors of the vector stores (browser-safe). Each carries a stable `code` and the values it names as
 * fields, so the CLI or a script can react to the class rather than parse the message.
 */
import type { IndexInfo } from './vector-index.js';

/**
 * An index folder or one of its files that cannot be used: missing, malformed, sizes that disagree with
 * `index.json`, or a folder that exists where a save was asked not to overwrite. `file` names the file or folder.
 */
export class IndexFileError extends Error {
  /** Always `'EINDEXFILE'`. */
  readonly code = 'EINDEXFILE';
  /** The file or folder at fault. */
  readonly file: string;
  constructor(file: string, problem: string, options: { cause?: unknown } = {}) {
    super(`${file}: ${problem}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IndexFileError';
    this.file = file;
  }
}

/**
 * An index whose vectors do not fit the encoder about to use it: another width (`field: 'dim'`), or built by
 * another encoder (`field: 'encoder'`: inner products between two encoders' vectors mean nothing). `where` names
 * the index (a folder, or a database table); `found` is what the index records, `expected` what the caller has.
 */
export class IndexMismatchError extends Error {
  /** Always `'EINDEXMISMATCH'`. */
  readonly code = 'EINDEXMISMATCH';
  readonly where: string;
  readonly field: 'dim' | 'encoder';
  readonly found: IndexInfo;
  readonly expected: IndexInfo;
  constructor(where: string, field: 'dim' | 'encoder', found: IndexInfo, expected: IndexInfo) {
    super(
      field === 'dim'
        ? `${where} holds ${found.dim}-d vectors, but ${expected.dim}-d vectors were given (dimension mismatch: the index was built by another encoder${found.encoder === undefined ? '' : ` (${found.encoder})`}); rebuild the index with this encoder or use a new one`
        : `${where} was built by encoder '${found.encoder}', not by '${expected.encoder}': their vectors are not comparable; rebuild the index with '${expected.encoder}' or search it with '${found.encoder}'`,
    );
    this.name = 'IndexMismatchError';
    this.where = where;
    this.field = field;
    this.found = found;
    this.expected = expected;
  }
}

/** Why a database-backed store failed; see {@link VectorDatabaseError}. */
export type VectorDatabaseProblem =
  /** The server cannot be reached (down, wrong host or port, timeout) or closed the connection. */
  | 'unreachable'
  /** The server refused the credentials. */
  | 'auth'
  /** The database named in the connection string does not exist. */
  | 'no-database'
  /** The pgvector extension is not installed on the server, or this role may not create it. */
  | 'no-extension'
  /** `create: false` and the table does not exist. */
  | 'no-table'
  /** The table exists but was not made by this store (no metadata row), so it is not touched. */
  | 'not-an-index'
  /** Any other error the server reported (the message is the server's). */
  | 'query';

/**
 * A database-backed vector store (PostgreSQL + pgvector, or PGlite) failed. `where` names the server
 * (`host:port/database`, or `pglite:<dataDir>`); `problem` says why; the driver's error is the `cause`.
 */
export class VectorDatabaseError extends Error {
  /** Always `'EVECTORDB'`. */
  readonly code = 'EVECTORDB';
  readonly where: string;
  readonly problem: VectorDatabaseProblem;
  constructor(where: string, problem: VectorDatabaseProblem, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VectorDatabaseError';
    this.where = where;
    this.problem = problem;
  }
}

/**
 * Throws {@link IndexMismatchError} when an index recording `found` cannot serve vectors described by `expected`:
 * different `dim`, or both name an encoder and the names differ. An index or a caller that does not know its
 * encoder (`encoder` undefined) is not refused on that ground: there is nothing to compare.
 */
export function checkIndexInfo(where: string, found: IndexInfo, expected: IndexInfo): void {
  if (found.dim !== expected.dim) throw new IndexMismatchError(where, 'dim', found, expected);
  if (found.encoder !== undefined && expected.encoder !== undefined && found.encoder !== expected.encoder)
    throw new IndexMismatchError(where, 'encoder', found, expected);
}
