// Shared plumbing for the simulated engine's tests: a real server on an ephemeral port, raw HTTP
// through fetch (undici), and a strict reading of the SSE wire format.

import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { parseSimArgs } from '../../src/engines/sim/options.ts';
import { startSimServer, type SimServer } from '../../src/engines/sim/server.ts';

export async function serve(t: TestContext, args: readonly string[] = []): Promise<SimServer> {
  const server = await startSimServer(parseSimArgs(args));
  t.after(() => server.close());
  return server;
}

export interface RawResponse {
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
}

export async function post(server: SimServer, path: string, body: unknown): Promise<RawResponse> {
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

/**
 * Splits an SSE body that must consist of `data: …\n\n` events only (vLLM's exact framing) and
 * returns the data payloads; the last must be `[DONE]`, which is dropped. The rest are parsed.
 */
export function sseEvents(text: string): Record<string, unknown>[] {
  assert.ok(text.endsWith('\n\n'), 'the stream ends with a blank line');
  const events = text.slice(0, -2).split('\n\n');
  for (const e of events) assert.match(e, /^data: [^\n]+$/, `event is one data line: ${JSON.stringify(e)}`);
  assert.equal(events.at(-1), 'data: [DONE]');
  return events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)) as Record<string, unknown>);
}

/** A stream read chunk by chunk, with the client's arrival time (epoch ms) of every event. */
export async function timedStream(server: SimServer, path: string, body: unknown): Promise<{ sentAt: number; events: { at: number; data: Record<string, unknown> }[] }> {
  const sentAt = performance.timeOrigin + performance.now();
  const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 200);
  const events: { at: number; data: Record<string, unknown> }[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of res.body as AsyncIterable<Uint8Array>) {
    const at = performance.timeOrigin + performance.now();
    buffer += decoder.decode(bytes, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      assert.match(line, /^data: /);
      const payload = line.slice('data: '.length);
      if (payload !== '[DONE]') events.push({ at, data: JSON.parse(payload) as Record<string, unknown> });
    }
  }
  assert.equal(buffer, '');
  return { sentAt, events };
}

/** Prometheus text → value of each `name{labels}` series (labels dropped: the sim exports one series per name). */
export async function scrape(server: SimServer): Promise<Map<string, number>> {
  const res = await fetch(server.url + '/metrics');
  assert.equal(res.status, 200);
  const values = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-z_:]+)\{[^}]*\} (\S+)$/.exec(line);
    if (m) values.set(m[1], Number(m[2]));
  }
  return values;
}

/** Text of a completions or chat stream chunk (empty for role and usage chunks). */
export function chunkText(data: Record<string, unknown>): string {
  const choices = data.choices as { text?: string; delta?: { content?: string } }[];
  if (choices.length === 0) return '';
  return choices[0].text ?? choices[0].delta?.content ?? '';
}
