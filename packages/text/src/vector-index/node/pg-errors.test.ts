import { describe, expect, it } from 'vitest';
import { VectorDatabaseError } from '../errors.js';
import { describePgError } from './pg-errors.js';

const where = 'db.example:5433/app';
const netErr = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.1:5433`), { code });

describe('describePgError', () => {
  it('network failures, including Node’s AggregateError for a name with two addresses, become one line naming host:port', () => {
    const agg = Object.assign(new AggregateError([netErr('ECONNREFUSED'), netErr('ECONNREFUSED')], ''), { code: 'ECONNREFUSED' });
    for (const e of [netErr('ECONNREFUSED'), agg, new AggregateError([netErr('ECONNREFUSED')], '')]) {
      const d = describePgError(e, where);
      expect(d).toBeInstanceOf(VectorDatabaseError);
      expect(d.message).toBe(
        'cannot reach the PostgreSQL server at db.example:5433/app: connection refused: is the server running on that host and port?',
      );
      expect(d.cause).toBe(e);
    }
    expect(describePgError(netErr('ENOTFOUND'), where).message).toMatch(/at db\.example:5433\/app: host not found$/);
    expect(describePgError(new Error('timeout expired'), where)).toMatchObject({ problem: 'unreachable' });
    expect(describePgError(new Error('Connection terminated unexpectedly'), where)).toMatchObject({ problem: 'unreachable' });
  });

  it('server states: shutdown, login refused, unknown database, other SQL errors (long messages cut)', () => {
    const pgErr = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(describePgError(pgErr('57P01', 'terminating connection due to administrator command'), where).message).toMatch(
      /^cannot reach the PostgreSQL server at db\.example:5433\/app: the server is shutting down/,
    );
    expect(describePgError(pgErr('28P01', 'password authentication failed for user "x"'), where)).toMatchObject({ problem: 'auth' });
    expect(describePgError(pgErr('3D000', 'database "app" does not exist'), where)).toMatchObject({ problem: 'no-database' });
    const long = describePgError(pgErr('22P02', `malformed array literal: "${'9'.repeat(5000)}"`), where);
    expect(long).toMatchObject({ problem: 'query' });
    expect(long.message.length).toBeLessThan(400);
    expect(long.message).toMatch(/^db\.example:5433\/app: malformed array literal: "9{270}.*… \(5027 characters\)$/);
  });

  it('leaves other errors alone', () => {
    const bug = new TypeError('x is not a function');
    expect(describePgError(bug, where)).toBe(bug);
    const done = new VectorDatabaseError(where, 'no-table', 'gone');
    expect(describePgError(done, where)).toBe(done);
  });
});
