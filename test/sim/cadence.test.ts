// Cadence mode: chunks on an exact schedule, each stamped with the server's send time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { post, scrape, serve, sseEvents, timedStream } from './helpers.ts';

const TTFT = 20;
const CADENCE = 3;

test('every chunk carries sim_sent_ms, in order, never before its scheduled time', async (t) => {
  const server = await serve(t, ['--cadence-ms', String(CADENCE), '--ttft-ms', String(TTFT), '--tokens-per-chunk', '2']);
  const runs = await Promise.all(
    Array.from({ length: 32 }, () =>
      timedStream(server, '/v1/completions', { prompt: 'tick', max_tokens: 9, stream: true, stream_options: { include_usage: true, continuous_usage_stats: true } }),
    ),
  );
  for (const { sentAt, events } of runs) {
    const content = events.slice(0, -1);
    // One token first, then chunks of two: 1 + 2 + 2 + 2 + 2 = 9.
    assert.deepEqual(
      content.map((e) => (e.data.usage as { completion_tokens: number }).completion_tokens),
      [1, 3, 5, 7, 9],
    );
    let previous = 0;
    for (const [i, { at, data }] of content.entries()) {
      const sent = data.sim_sent_ms as number;
      assert.equal(typeof sent, 'number');
      assert.ok(sent >= previous, 'chunks are sent in order');
      assert.ok(sent >= sentAt + TTFT + i * CADENCE, `chunk ${i} sent ${sent - sentAt} ms after the request, scheduled at ${TTFT + i * CADENCE} ms`);
      assert.ok(at >= sent, 'received after it was sent (one clock: same process)');
      previous = sent;
    }
    const usage = events.at(-1)!.data;
    assert.deepEqual(usage.choices, []);
    assert.ok((usage.sim_sent_ms as number) >= previous, 'the usage chunk is stamped too');
  }
});

test('256 concurrent streams all complete with exact token counts', async (t) => {
  const server = await serve(t, ['--cadence-ms', '2']);
  const bodies = await Promise.all(
    Array.from({ length: 256 }, () => post(server, '/v1/chat/completions', { messages: [{ role: 'user', content: 'go' }], max_tokens: 20, stream: true, stream_options: { include_usage: true } })),
  );
  for (const res of bodies) {
    const events = sseEvents(res.text);
    assert.equal(events.length, 1 + 20 + 1, 'role chunk, 20 content chunks, usage chunk');
    assert.equal((events.at(-1)!.usage as { completion_tokens: number }).completion_tokens, 20);
    const stamps = events.map((e) => e.sim_sent_ms as number);
    assert.ok(stamps.every((s, i) => i === 0 || s >= stamps[i - 1]));
  }
});

test('cadence mode reports running streams and no KV or noise metrics; non-streaming bodies are stamped', async (t) => {
  const server = await serve(t, ['--cadence-ms', '5']);
  const pending = post(server, '/v1/completions', { prompt: 'x', max_tokens: 40 });
  let running = 0;
  for (let i = 0; i < 100 && running === 0; i++) running = (await scrape(server)).get('vllm:num_requests_running') ?? 0;
  assert.equal(running, 1);
  const body = JSON.parse((await pending).text);
  assert.equal(body.usage.completion_tokens, 40);
  assert.equal(typeof body.sim_sent_ms, 'number');
  const m = await scrape(server);
  assert.equal(m.get('vllm:num_requests_running'), 0);
  assert.equal(m.get('vllm:generation_tokens_total'), 40);
  assert.equal(m.has('vllm:kv_cache_usage_perc'), false);
  assert.equal(m.has('sim:run_multiplier'), false);
});
