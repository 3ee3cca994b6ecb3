import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { SseParser } from './sse-parser.js';

describe('SseParser', () => {
  it('parses events, multi-line data, comments, ids and event names', () => {
    const p = new SseParser();
    expect(p.feed(': keep-alive\n\nevent: message\nid: 7\ndata: {"a":1}\n\ndata: one\ndata:two\n\n')).toEqual([
      { event: 'message', data: '{"a":1}', id: '7' },
      { event: 'message', data: 'one\ntwo', id: '7' },
    ]);
    expect(p.feed('event: ping\ndata\n\nevent: x\n\n')).toEqual([{ event: 'ping', data: '', id: '7' }]);
  });

  it('gives the same events however the stream is chunked and whichever line ending it uses', () => {
    const message = fc.record({
      event: fc.constantFrom('', 'message', 'other'),
      data: fc.array(fc.string({ unit: 'grapheme' }).filter((s) => !/[\r\n]/.test(s)), { minLength: 1, maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(message, { maxLength: 5 }), fc.constantFrom('\n', '\r\n', '\r'), fc.array(fc.nat(), { maxLength: 8 }), (events, eol, cuts) => {
        const text = events.map((e) => `${e.event ? `event: ${e.event}${eol}` : ''}${e.data.map((d) => `data: ${d}${eol}`).join('')}${eol}`).join('');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const p = new SseParser();
        const got = [];
        let from = 0;
        for (const at of [...points, text.length]) {
          got.push(...p.feed(text.slice(from, at)));
          from = at;
        }
        expect(got).toEqual(events.map((e) => ({ event: e.event || 'message', data: e.data.join('\n'), id: undefined })));
      }),
    );
  });
});
