import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PostgresToolError, PostgresUnavailable } from '@gatehouse/connectors';
import { classifyDatabaseError } from './database-pool.js';

function serverError(code: string, message = 'refused'): pg.DatabaseError {
  const err = new pg.DatabaseError(message, message.length, 'error');
  err.code = code;
  return err;
}

describe('classifyDatabaseError', () => {
  it.each([
    ['a syntax error', serverError('42601')],
    ['a write in the read-only transaction', serverError('25006')],
    ['a missing table', serverError('42P01')],
    ['a permission refused', serverError('42501')],
    ['a division by zero', serverError('22012')],
    ['a query over temp_file_limit', serverError('53400', 'temporary file size exceeds temp_file_limit')],
    ['a bad argument', new PostgresToolError('argument "sql" must be a non-empty string')],
  ])('%s is the refusal of a database that is fine', (_, err) => {
    expect(classifyDatabaseError(err)).toEqual({ code: 'upstream_rejected', counts: false });
  });

  it("a statement timeout is the agent's query, not the database failing", () => {
    expect(classifyDatabaseError(serverError('57014', 'canceling statement due to statement timeout'))).toEqual({ code: 'upstream_timeout', counts: false });
  });

  it.each([
    ['no connection', new PostgresUnavailable('connect ECONNREFUSED 10.0.0.1:5432')],
    ['a database that does not exist', new PostgresUnavailable('database "gone" does not exist')],
    ['the server shutting down', serverError('57P01', 'terminating connection due to administrator command')],
    ['the server out of connections', new PostgresUnavailable('sorry, too many clients already')],
    ['a connection failure midway', serverError('08006')],
    ['the connection dropped', new Error('Connection terminated unexpectedly')],
  ])('%s counts against the database', (_, err) => {
    expect(classifyDatabaseError(err)).toEqual({ code: 'upstream_unreachable', counts: true });
  });

  it.each([
    ['no connection in time', new PostgresUnavailable('Connection terminated due to connection timeout')],
    ['the client giving up on a silent server', new Error('Query read timeout')],
  ])('%s is a timeout of the database, and counts', (_, err) => {
    expect(classifyDatabaseError(err)).toEqual({ code: 'upstream_timeout', counts: true });
  });
});
