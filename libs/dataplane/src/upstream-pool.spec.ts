import { describe, expect, it } from '@jest/globals';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { STREAM_ENDED } from '@gatehouse/connectors';
import { classify } from './upstream-pool.js';

describe('classify (how a tools/call that threw ended)', () => {
  const live = new AbortController().signal;
  const aborted = AbortSignal.abort();

  it('a cancelled call is cancelled, whatever it threw', () => {
    expect(classify(new McpError(ErrorCode.RequestTimeout, 'x', { timeout: 1 }), aborted, false)).toBe('cancelled');
  });

  it('the SDK’s own timeout (timeout in data) is a timeout; an upstream’s -32001 is its answer', () => {
    expect(classify(new McpError(ErrorCode.RequestTimeout, 'Request timed out', { timeout: 1000 }), live, false)).toBe('timeout');
    expect(classify(new McpError(ErrorCode.RequestTimeout, 'the upstream says so'), live, false)).toBe('answered');
  });

  it('ConnectionClosed is the transport only once the client has lost it, or when the answer’s stream ended', () => {
    expect(classify(new McpError(ErrorCode.ConnectionClosed, 'Connection closed'), live, true)).toBe('transport');
    expect(classify(new McpError(ErrorCode.ConnectionClosed, 'stream ended', STREAM_ENDED), live, false)).toBe('transport');
    expect(classify(new McpError(ErrorCode.ConnectionClosed, 'a server error of the upstream'), live, false)).toBe('answered');
  });

  it('any other JSON-RPC error is the upstream’s answer; anything else is the transport', () => {
    expect(classify(new McpError(ErrorCode.InvalidParams, 'bad'), live, false)).toBe('answered');
    expect(classify(new McpError(ErrorCode.InternalError, 'boom'), live, false)).toBe('answered');
    expect(classify(new TypeError('fetch failed'), live, false)).toBe('transport');
    expect(classify(Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' }), live, false)).toBe('transport');
  });
});
