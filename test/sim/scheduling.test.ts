// The performance model as clients see it through the real server: wall-clock timing, /metrics
// under load, noise draws. Timing checks compare ratios with wide margins, never absolute times.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRng, drawRunMultiplier } from '../../src/engines/sim/noise.ts';
import { post, scrape, serve, timedStream } from './helpers.ts';
import type { SimServer } from '../../src/engines/sim/server.ts';

const PROMPT = 'Summarise the benefits of paged attention for serving large language models.';

/** Sends `n` streamed requests at once; returns the wall time until all ended and each one's TTFT. */
async function burst(server: SimServer, n: number, maxTokens: number): Promise<{ totalMs: number; ttfts: number[] }> {
  const start = performance.timeOrigin + performance.now();
  const runs = await Promise.all(Array.from({ length: n }, () => timedStream(server, '/v1/completions', { prompt: PROMPT, max_tokens: maxTokens, stream: true })));
  for (const r of runs) assert.equal(r.events.length, maxTokens);
  const end = Math.max(...runs.map((r) => r.events.at(-1)!.at));
  return { totalMs: end - start, ttfts: runs.map((r) => r.events[0].at - r.sentAt) };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

test('8 concurrent requests: vLLM finishes far sooner than Transformers, with far lower TTFT', async (t) => {
  const vllm = await serve(t);
  const hf = await serve(t, ['--profile', 'transformers']);
  const v = await burst(vllm, 8, 12);
  const h = await burst(hf, 8, 12);
  // The model predicts about 9x and 20x; 3x leaves room for a loaded machine.
  assert.ok(h.totalMs > 3 * v.totalMs, `total: transformers ${h.totalMs.toFixed(0)} ms vs vLLM ${v.totalMs.toFixed(0)} ms`);
  assert.ok(mean(h.ttfts) > 3 * mean(v.ttfts), `mean TTFT: transformers ${mean(h.ttfts).toFixed(0)} ms vs vLLM ${mean(v.ttfts).toFixed(0)} ms`);
});

test('--slowdown 2 makes every step about twice as long', async (t) => {
  const base = await serve(t, ['--slowdown', '1']);
  const slow = await serve(t, ['--slowdown', '2']);
  // The median gap between tokens is one decode step (~21 ms, then ~42 ms); a stalled event loop
  // delays a few tokens and the loop then catches up, which the median ignores.
  const medianGapMs = async (server: SimServer): Promise<number> => {
    const { events } = await timedStream(server, '/v1/completions', { prompt: PROMPT, max_tokens: 21, stream: true });
    const gaps = events.slice(1).map((e, i) => e.at - events[i].at).sort((a, b) => a - b);
    return gaps[gaps.length >> 1];
  };
  const ratio = (await medianGapMs(slow)) / (await medianGapMs(base));
  assert.ok(ratio > 1.5 && ratio < 2.7, `slowdown 2 vs 1: step ratio ${ratio.toFixed(2)}`);
});

test('/metrics: running and waiting move under load, a tight KV cache preempts, then all drains', async (t) => {
  // 64 tokens of KV: room for one request of ~17 prompt + 40 output tokens, barely two while short.
  const server = await serve(t, ['--kv-tokens', '64', '--slowdown', '0.3']);
  const idle = await scrape(server);
  assert.equal(idle.get('vllm:num_requests_running'), 0);
  assert.equal(idle.get('vllm:num_requests_waiting'), 0);
  assert.equal(idle.get('vllm:kv_cache_usage_perc'), 0);

  let done = false;
  const load = Promise.all(Array.from({ length: 5 }, () => post(server, '/v1/completions', { prompt: PROMPT, max_tokens: 40 }))).finally(() => {
    done = true;
  });
  let sawRunning = 0;
  let sawWaiting = 0;
  let peakKv = 0;
  while (!done) {
    const m = await scrape(server);
    sawRunning = Math.max(sawRunning, m.get('vllm:num_requests_running') ?? 0);
    sawWaiting = Math.max(sawWaiting, m.get('vllm:num_requests_waiting') ?? 0);
    peakKv = Math.max(peakKv, m.get('vllm:kv_cache_usage_perc') ?? 0);
    await sleep(5);
  }
  for (const res of await load) assert.equal(res.status, 200);
  assert.ok(sawRunning >= 1, 'requests ran');
  assert.ok(sawWaiting >= 1, 'requests beyond the KV capacity waited');
  assert.ok(peakKv > 0.5 && peakKv <= 1, `peak KV usage ${peakKv}`);

  const after = await scrape(server);
  assert.equal(after.get('vllm:num_requests_running'), 0);
  assert.equal(after.get('vllm:num_requests_waiting'), 0);
  assert.equal(after.get('vllm:kv_cache_usage_perc'), 0);
  assert.ok((after.get('vllm:num_preemptions_total') ?? 0) >= 1, 'growing requests preempted one another');
  assert.equal(after.get('vllm:generation_tokens_total'), 5 * 40);
});

test('/metrics counts prefix-cache hits for a repeated prompt', async (t) => {
  const server = await serve(t, ['--slowdown', '0.05']);
  const prompt = PROMPT.repeat(4); // about 60 tokens: three full blocks
  await post(server, '/v1/completions', { prompt, max_tokens: 2 });
  const first = await scrape(server);
  assert.equal(first.get('vllm:prefix_cache_hits_total'), 0);
  await post(server, '/v1/completions', { prompt, max_tokens: 2 });
  const second = await scrape(server);
  const queried = second.get('vllm:prefix_cache_queries_total')!;
  assert.equal(queried, 2 * first.get('vllm:prefix_cache_queries_total')!);
  assert.ok(second.get('vllm:prefix_cache_hits_total')! >= 48, `hits ${second.get('vllm:prefix_cache_hits_total')}`);
});

test('--noise draws a new seeded run multiplier after every idle gap of 200 ms or more', async (t) => {
  const server = await serve(t, ['--noise', '0.3', '--seed', '11', '--slowdown', '0.05']);
  const rng = createRng(11);
  const seen: number[] = [];
  for (let run = 0; run < 3; run++) {
    // A request the engine never ran would leave the multiplier undrawn: say so, not just the draws.
    const res = await post(server, '/v1/completions', { prompt: PROMPT, max_tokens: 3 });
    assert.equal(res.status, 200, res.text);
    seen.push((await scrape(server)).get('sim:run_multiplier')!);
    await sleep(400);
  }
  assert.deepEqual(seen, [0, 1, 2].map(() => drawRunMultiplier(rng, 0.3)));
  assert.equal(new Set(seen).size, 3);
});

test('transformers: a static batch runs until its longest request ends; no KV metrics', async (t) => {
  const server = await serve(t, ['--profile', 'transformers', '--batch', '2', '--slowdown', '0.2']);
  // The two requests share a batch only when both reach the server before it starts one; on a
  // loaded machine the long one can arrive alone, so the pair is sent again until they share one.
  for (let attempt = 1; ; attempt++) {
    const long = timedStream(server, '/v1/completions', { prompt: PROMPT, max_tokens: 30, stream: true });
    const short = timedStream(server, '/v1/completions', { prompt: PROMPT, max_tokens: 2, stream: true });
    const shortRun = await short;
    // Sent after the short one finished, while the long one still decodes: it must wait for the batch.
    const late = await timedStream(server, '/v1/completions', { prompt: PROMPT, max_tokens: 2, stream: true });
    const longRun = await long;
    const shared = shortRun.events[0].at < longRun.events.at(-1)!.at;
    if (!shared && attempt < 5) continue;
    assert.ok(shared, 'in five tries the two requests never shared a batch');
    assert.ok(shortRun.events.at(-1)!.at < longRun.events.at(-1)!.at, 'the short request ended first');
    assert.ok(late.events[0].at >= longRun.events.at(-1)!.at, 'the next request starts only after the whole batch');
    break;
  }
  const m = await scrape(server);
  assert.equal(m.get('vllm:num_requests_running'), 0);
  assert.equal(m.has('vllm:kv_cache_usage_perc'), false);
  assert.equal(m.has('vllm:prefix_cache_hits_total'), false);
});

test('a client that disconnects mid-stream frees its slot and KV blocks', async (t) => {
  const server = await serve(t, ['--slowdown', '0.05']);
  const abort = new AbortController();
  const res = await fetch(server.url + '/v1/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: PROMPT, max_tokens: 5000, stream: true }),
    signal: abort.signal,
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  await reader.read(); // the first token arrived: the request is running
  const during = await scrape(server);
  assert.equal(during.get('vllm:num_requests_running'), 1);
  assert.ok(during.get('vllm:kv_cache_usage_perc')! > 0);
  abort.abort();
  await reader.closed.catch(() => {});
  let after = await scrape(server);
  for (let i = 0; i < 200 && after.get('vllm:num_requests_running') !== 0; i++) {
    await sleep(10);
    after = await scrape(server);
  }
  assert.equal(after.get('vllm:num_requests_running'), 0);
  assert.equal(after.get('vllm:kv_cache_usage_perc'), 0);
  assert.ok(after.get('vllm:generation_tokens_total')! < 5000, 'generation stopped');
});
