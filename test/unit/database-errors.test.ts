import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/db/errors';

/** Errors as node-postgres and knex raise them (SQLSTATE in `code`, socket errors' errno codes). */
const pg = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('a database that is not there', () => {
  it('is told apart from a query the database refused', () => {
    for (const err of [
      pg('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      pg('57P01', 'terminating connection due to administrator command'),
      pg('57P03', 'the database system is starting up'),
      pg('08006', 'connection failure'),
      pg('53300', 'sorry, too many clients already'),
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('Knex: Timeout acquiring a connection. The pool is probably full.'),
    ])
      expect(isDatabaseUnavailable(err), err.message).toBe(true);
    for (const err of [
      pg('23505', 'duplicate key value violates unique constraint'),
      pg('22P02', 'invalid input syntax for type bigint'),
      pg('57014', 'canceling statement due to statement timeout'),
      new Error('something else'),
      null,
      'ECONNREFUSED',
    ])
      expect(isDatabaseUnavailable(err), String(err)).toBe(false);
  });
});
