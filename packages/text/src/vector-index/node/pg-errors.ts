/**
 * Turns what `pg` throws into errors a user can act on: a server that is down is "cannot reach the PostgreSQL
 * server at host:port (connection refused)", not an `AggregateError` of ECONNREFUSED stacks.
 */
import { VectorDatabaseError } from '../errors.js';

const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'connection refused: is the server running on that host and port?',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed (temporarily)',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  ENOENT: 'no Unix socket there: is the server running?',
};

/** SQLSTATEs that mean the server is going away or not ready: as good as unreachable. */
const SERVER_GONE: Record<string, string> = {
  '57P01': 'the server is shutting down',
  '57P02': 'the server crashed',
  '57P03': 'the server is starting up or shutting down',
};

function networkCode(e: unknown): string | undefined {
  const err = e as { code?: unknown; errors?: unknown };
  if (typeof err?.code === 'string' && err.code in NETWORK) return err.code;
  // Node's happy-eyeballs connect (a name with IPv4 and IPv6 addresses) throws an AggregateError holding one per address.
  if (Array.isArray(err?.errors)) for (const inner of err.errors) if (networkCode(inner) !== undefined) return networkCode(inner);
  return undefined;
}

/**
 * Maps a `pg` error to a {@link VectorDatabaseError} naming `where` (`host:port/database`): unreachable (network
 * errors, a connect timeout, a connection closed mid-query, shutdown), authentication, missing database; other
 * server errors (they carry a SQLSTATE `code`) become problem `'query'` with the server's message. Anything else
 * (a bug, a RangeError) is returned unchanged.
 */
export function describePgError(e: unknown, where: string): Error {
  if (e instanceof VectorDatabaseError) return e;
  const err = (e ?? {}) as { code?: unknown; message?: unknown };
  // A server message may quote a whole parameter (a batch of vectors): keep the start.
  const full = typeof err.message === 'string' ? err.message : String(e);
  const message = full.length > 300 ? `${full.slice(0, 300)}… (${full.length} characters)` : full;
  const net = networkCode(e);
  const unreachable = (why: string): VectorDatabaseError =>
    new VectorDatabaseError(where, 'unreachable', `cannot reach the PostgreSQL server at ${where}: ${why}`, { cause: e });
  if (net !== undefined) return unreachable(NETWORK[net]!);
  if (/timeout expired|Connection terminated|connection timeout/i.test(message)) return unreachable(message);
  if (typeof err.code === 'string') {
    if (err.code in SERVER_GONE) return unreachable(`${SERVER_GONE[err.code]} (${message})`);
    if (err.code === '28P01' || err.code === '28000')
      return new VectorDatabaseError(where, 'auth', `the PostgreSQL server at ${where} refused the login: ${message}`, { cause: e });
    if (err.code === '3D000')
      return new VectorDatabaseError(
        where,
        'no-database',
        `${message} on the PostgreSQL server at ${where} (create it, or fix the connection string)`,
        {
          cause: e,
        },
      );
    if (/^[0-9A-Z]{5}$/.test(err.code)) return new VectorDatabaseError(where, 'query', `${where}: ${message}`, { cause: e });
  }
  return e instanceof Error ? e : new Error(message);
}
