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
    ['a bad argument', new PostgresToolError('argument "sql" must be a non-empty string')],
  ])('%s is an answer: the database is fine', (_, err) => {
    expect(classifyDatabaseError(err)).toBe('answered');
  });

  it.each([
    ['no connection', new PostgresUnavailable('connect ECONNREFUSED 10.0.0.1:5432')],
    ['a database that does not exist', new PostgresUnavailable('database "gone" does not exist')],
    ['the server shutting down', serverError('57P01', 'terminating connection due to administrator command')],
    ['the server out of connections', serverError('53300')],
    ['a connection failure midway', serverError('08006')],
    ['the connection dropped', new Error('Connection terminated unexpectedly')],
  ])('%s counts against the database', (_, err) => {
    expect(classifyDatabaseError(err)).toBe('unavailable');
  });

  it.each([
    ['the statement timeout', serverError('57014', 'canceling statement due to statement timeout')],
    ['no connection in time', new PostgresUnavailable('timeout exceeded when trying to connect')],
    ['the client giving up on a silent server', new Error('Query read timeout')],
  ])('%s is a timeout', (_, err) => {
    expect(classifyDatabaseError(err)).toBe('timeout');
  });
});
