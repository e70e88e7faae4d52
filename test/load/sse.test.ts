import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser } from '../../src/load/sse.ts';

type Event = [data: string, event: string];

function parse(pieces: readonly (string | Uint8Array)[]): { events: Event[]; incomplete: boolean } {
  const events: Event[] = [];
  const p = new SseParser((data, event) => events.push([data, event]));
  for (const piece of pieces) {
    if (typeof piece === 'string') p.pushText(piece);
    else p.push(piece);
  }
  return { events, incomplete: p.end() };
}

/** Every way of cutting `bytes` into two reads, plus one byte per read. */
function splits(bytes: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 1; i < bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  out.push(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)));
  return out;
}

test('LF, CRLF and lone CR line endings all delimit events', () => {
  for (const eol of ['\n', '\r\n', '\r']) {
    const { events, incomplete } = parse([`data: a${eol}${eol}data: b${eol}${eol}`]);
    assert.deepEqual(events, [['a', 'message'], ['b', 'message']], JSON.stringify(eol));
    assert.equal(incomplete, false);
  }
});

test('a stream cut at every byte boundary gives the same events, multi-byte characters included', () => {
  const text = 'data: {"text":"caf\u00e9 \u65e5\u672c"}\r\n\r\n: ping\r\n\r\nevent: error\ndata: line1\ndata: line2\n\ndata: [DONE]\r\n\r\n';
  const bytes = new TextEncoder().encode(text);
  const expected: Event[] = [['{"text":"caf\u00e9 \u65e5\u672c"}', 'message'], ['line1\nline2', 'error'], ['[DONE]', 'message']];
  // Plain Uint8Arrays take the streaming decoder; Buffers (what undici delivers) the fast path when a
  // read ends on ASCII: both must agree at every cut.
  for (const source of [bytes, Buffer.from(bytes)]) {
    for (const pieces of splits(source)) {
      assert.deepEqual(parse(pieces).events, expected, `${source.constructor.name} split at ${pieces[0].length}`);
    }
  }
});

test('CR at the end of one read and LF at the start of the next are one line ending', () => {
  const { events } = parse(['data: x\r', '\n\r', '\ndata: y\r\n', '\r\n']);
  assert.deepEqual(events, [['x', 'message'], ['y', 'message']]);
});

test('comments and unknown fields are ignored; id and retry do not make an event', () => {
  const { events } = parse([': ping\n\nid: 7\nretry: 100\n\nfoo: bar\ndata:no-space\n\n']);
  assert.deepEqual(events, [['no-space', 'message']]);
});

test('several events in one read, and a field with no colon', () => {
  const { events } = parse(['data: 1\n\ndata: 2\n\ndata\ndata: 3\n\n']);
  assert.deepEqual(events, [['1', 'message'], ['2', 'message'], ['\n3', 'message']]);
});

test('only one leading space is stripped from a value; the event type resets after dispatch', () => {
  const { events } = parse(['event: custom\ndata:  two spaces\n\ndata: plain\n\n']);
  assert.deepEqual(events, [[' two spaces', 'custom'], ['plain', 'message']]);
});

test('an event without its closing blank line is discarded and reported as incomplete', () => {
  const cut = parse(['data: 1\n\ndata: {"partial"']);
  assert.deepEqual(cut.events, [['1', 'message']]);
  assert.equal(cut.incomplete, true);
  const noBlank = parse(['data: 1\n\ndata: 2\n']);
  assert.deepEqual(noBlank.events, [['1', 'message']]);
  assert.equal(noBlank.incomplete, true);
});
