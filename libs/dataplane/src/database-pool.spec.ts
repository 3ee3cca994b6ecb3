import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PostgresBusy, PostgresToolError, PostgresUnavailable } from '@gatehouse/connectors';
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
  ])('%s is the refusal of a database that is alive', (_, err) => {
    expect(classifyDatabaseError(err)).toEqual({ code: 'upstream_rejected', breaker: 'alive' });
  });

  it('a bad argument, refused before the database was asked, says nothing about it (it neither closes nor resets the breaker)', () => {
    expect(classifyDatabaseError(new PostgresToolError('argument "sql" must be a non-empty string'))).toEqual({ code: 'upstream_rejected', breaker: 'unknown' });
  });

  it("a statement timeout is the agent's query on a database that is alive", () => {
    expect(classifyDatabaseError(serverError('57014', 'canceling statement due to statement timeout'))).toEqual({ code: 'upstream_timeout', breaker: 'alive' });
  });

  it.each([
    ['a session ended by an agent (pg_terminate_backend)', serverError('57P01', 'terminating connection due to administrator command')],
    ['a connection failure midway', serverError('08006')],
    ['the connection dropped', new Error('Connection terminated unexpectedly')],
  ])('%s says nothing about the database', (_, err) => {
    expect(classifyDatabaseError(err)).toEqual({ code: 'upstream_error', breaker: 'unknown' });
  });

  it.each([
    ['no connection', new PostgresUnavailable('connect ECONNREFUSED 10.0.0.1:5432')],
    ['a database that does not exist', new PostgresUnavailable('database "gone" does not exist')],
    ['the server out of connections', new PostgresUnavailable('sorry, too many clients already')],
  ])('%s counts against the database', (_, err) => {
    expect(classifyDatabaseError(err)).toEqual({ code: 'upstream_unreachable', breaker: 'failure' });
  });

  it.each([
    ['a full disk', serverError('53100')],
    ['the server out of memory', serverError('53200')],
    ['an I/O error', serverError('58030')],
    ['an internal error', serverError('XX000')],
  ])('%s is the trouble of the server, and counts', (_, err) => {
    expect(classifyDatabaseError(err)).toEqual({ code: 'upstream_error', breaker: 'failure' });
  });

  it.each([
    ['no connection in time', new PostgresUnavailable('Connection terminated due to connection timeout')],
    ['the client giving up on a silent server', new Error('Query read timeout')],
  ])('%s is a timeout of the database, and counts', (_, err) => {
    expect(classifyDatabaseError(err)).toEqual({ code: 'upstream_timeout', breaker: 'failure' });
  });

  it("a call refused by this replica's own limit on the connector says nothing about the database", () => {
    expect(classifyDatabaseError(new PostgresBusy('10 calls to this database are already running on this replica'))).toEqual({ code: 'upstream_busy', breaker: 'unknown' });
  });
});
