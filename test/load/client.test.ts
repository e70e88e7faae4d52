import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStreamClient, PLAIN_OPENAI_DIALECT, streamRequest, type StreamRequest } from '../../src/load/client.ts';
import type { Prompt } from '../../src/types.ts';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { awkwardPieces, fixtureEvents, startReplayServer, type Reply } from './replay-server.ts';

const PROMPT: Prompt = {
  text: 'You are terse.\nList three teas.',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'List three teas.' },
  ],
  promptTokens: 12,
  maxTokens: 8,
};

function request(over: Partial<StreamRequest> = {}): StreamRequest {
  return {
    api: 'completions',
    model: 'Qwen/Qwen2.5-7B-Instruct',
    prompt: PROMPT,
    deadlineMs: 10_000,
    scenario: 'unit',
    repetition: 2,
    index: 5,
    originMs: performance.now(),
    scheduledMs: null,
    queueMs: 0,
    ...over,
  };
}

/** Serves `reply` to every request, runs one streaming request against it and returns both ends. */
async function roundTrip(reply: Reply, over: Partial<StreamRequest> = {}, apiKey?: string) {
  const server = await startReplayServer(() => reply);
  const client = createStreamClient({ baseUrl: server.url, apiKey, connections: 1 });
  try {
    const result = await streamRequest(client, request(over));
    return { ...result, requests: server.requests };
  } finally {
    await client.close();
    await server.close();
  }
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

test('completions: vLLM stream timed per token, and the request asks for a forced length with continuous usage', async () => {
  const events = fixtureEvents('vllm-completions.sse');
  const pieces = events.flatMap((e, i) => (i === 3 ? [': ping\n\n', e] : [e]));
  const { record, requests, sentAt, endedAt } = await roundTrip({ kind: 'sse', pieces, gapMs: 8 }, {}, 'sk-test');

  assert.equal(record.ok, true, record.error ?? '');
  assert.equal(record.error, null);
  assert.equal(record.outputTokens, 8);
  assert.equal(record.maxTokens, PROMPT.maxTokens, 'the record keeps what was asked');
  assert.equal(record.chunkTokensEstimated, false);
  assert.ok(record.ttftMs !== null && record.e2elMs !== null);
  assert.ok(record.ttftMs > 0 && record.ttftMs < record.e2elMs, `ttft ${record.ttftMs} e2el ${record.e2elMs}`);
  assert.ok(record.e2elMs <= endedAt - sentAt);
  assert.equal(record.itlMs.length, 7);
  assert.ok(Math.abs(sum(record.itlMs) - (record.e2elMs - record.ttftMs)) < 1e-6);
  assert.deepEqual([record.scenario, record.repetition, record.index, record.promptTokens], ['unit', 2, 5, 12]);

  assert.equal(requests.length, 1);
  const [req] = requests;
  assert.equal(req.path, '/v1/completions');
  assert.equal(req.headers.authorization, 'Bearer sk-test');
  assert.deepEqual(
    { ...req.body },
    {
      model: 'Qwen/Qwen2.5-7B-Instruct',
      prompt: PROMPT.text,
      max_tokens: 8,
      min_tokens: 8,
      ignore_eos: true,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true, continuous_usage_stats: true },
    },
  );
});

test('chat: a chunk that carries k tokens (continuous usage delta) gives k equal ITL entries', async () => {
  // Chunks carry 1, 1, 3, 1 and 2 tokens after the role chunk.
  const { record, requests } = await roundTrip({ kind: 'sse', pieces: fixtureEvents('vllm-chat-multitoken.sse'), gapMs: 8 }, { api: 'chat' });

  assert.equal(record.ok, true, record.error ?? '');
  assert.equal(record.outputTokens, 8);
  assert.equal(record.chunkTokensEstimated, false);
  // The first content chunk's token opens TTFT; the remaining 7 tokens each get an ITL entry.
  const itl = record.itlMs;
  assert.equal(itl.length, 7);
  assert.equal(itl[1], itl[2]);
  assert.equal(itl[2], itl[3]);
  assert.equal(itl[5], itl[6]);
  assert.ok(Math.abs(3 * itl[1] - 3 * itl[3]) < 1e-9);
  assert.ok(Math.abs(sum(itl) - (record.e2elMs! - record.ttftMs!)) < 1e-6);

  assert.equal(requests[0].path, '/v1/chat/completions');
  assert.deepEqual(requests[0].body.messages, PROMPT.messages);
  assert.equal(requests[0].body.prompt, undefined);
});

test('bytes cut inside characters, fields and CRLF pairs, several events per write, give the same result', async () => {
  const pieces = awkwardPieces(fixtureEvents('vllm-completions.sse'));
  assert.ok(pieces.length >= 3);
  const { record } = await roundTrip({ kind: 'sse', pieces, gapMs: 3 });
  assert.equal(record.ok, true, record.error ?? '');
  assert.equal(record.outputTokens, 8);
  assert.equal(record.chunkTokensEstimated, false);
  assert.equal(record.itlMs.length, 7);
});

test('transformers-style stream: no per-chunk usage and no [DONE]; the usage total is spread over the chunks', async () => {
  // Six content chunks, final usage says 12 tokens: two per chunk, estimated.
  // The capture asked for 12 tokens.
  const { record, requests } = await roundTrip(
    { kind: 'sse', pieces: fixtureEvents('transformers-chat.sse'), gapMs: 5 },
    { api: 'chat', dialect: PLAIN_OPENAI_DIALECT, prompt: { ...PROMPT, maxTokens: 12 } },
  );
  assert.equal(record.ok, true, record.error ?? '');
  assert.equal(record.outputTokens, 12);
  assert.equal(record.chunkTokensEstimated, true);
  assert.equal(record.itlMs.length, 10);
  for (let i = 0; i < 10; i += 2) assert.equal(record.itlMs[i], record.itlMs[i + 1]);
  const body = requests[0].body;
  for (const field of ['stream_options', 'ignore_eos', 'min_tokens']) assert.equal(field in body, false, field);
  assert.equal(body.max_tokens, 12);
});

test('a stream that ends before [DONE] or a finish reason is recorded as cut off, with what arrived', async () => {
  const events = fixtureEvents('vllm-completions.sse').slice(0, 4);
  const { record } = await roundTrip({ kind: 'sse', pieces: events, gapMs: 2 });
  assert.equal(record.ok, false);
  assert.equal(record.error, 'stream cut off');
  assert.equal(record.outputTokens, 4);
  assert.notEqual(record.ttftMs, null);
});

test('a connection torn down mid-stream is recorded as cut off', async () => {
  const events = fixtureEvents('vllm-completions.sse').slice(0, 3);
  const { record } = await roundTrip({ kind: 'sse', pieces: events, ending: 'destroy' });
  assert.equal(record.ok, false);
  assert.match(record.error ?? '', /^stream cut off: /);
  assert.equal(record.outputTokens, 3);
});

test('HTTP 500 is recorded with its status and message, and not retried', async () => {
  const { record, requests } = await roundTrip({
    kind: 'json',
    status: 500,
    body: { error: { message: 'CUDA out of memory', type: 'InternalServerError', code: 500 } },
  });
  assert.equal(record.ok, false);
  assert.equal(record.error, 'http 500: CUDA out of memory');
  assert.equal(record.ttftMs, null);
  assert.equal(record.outputTokens, null);
  assert.equal(requests.length, 1);
});

test('`data: null` (or any JSON that is no object) in a stream is a bad chunk, not a crash', async () => {
  const events = fixtureEvents('vllm-completions.sse').slice(0, 2);
  for (const bad of ['null', '3', '"x"', '[1]']) {
    const { record } = await roundTrip({ kind: 'sse', pieces: [...events, `data: ${bad}\n\n`, 'data: [DONE]\n\n'] });
    assert.equal(record.ok, false);
    assert.equal(record.error, `bad chunk: ${bad}`);
  }
});

test('an error event inside the stream fails the request', async () => {
  const events = fixtureEvents('vllm-completions.sse').slice(0, 2);
  const error = 'data: {"error":{"object":"error","message":"engine dead","type":"InternalServerError","code":500}}\n\n';
  const { record } = await roundTrip({ kind: 'sse', pieces: [...events, error, 'data: [DONE]\n\n'] });
  assert.equal(record.ok, false);
  assert.equal(record.error, 'server error: engine dead');
});

test('a stream that stalls past the deadline is aborted and recorded as timeout, soon after the deadline', async () => {
  const deadlineMs = 300;
  const events = fixtureEvents('vllm-completions.sse').slice(0, 2);
  const { record, sentAt, endedAt } = await roundTrip({ kind: 'sse', pieces: events, ending: 'hang' }, { deadlineMs });
  assert.equal(record.ok, false);
  assert.equal(record.error, 'timeout');
  assert.notEqual(record.ttftMs, null);
  const took = endedAt - sentAt;
  // Slack for a loaded 2-core machine; the point is that the stall did not hold the request open.
  assert.ok(took >= deadlineMs - 1 && took < deadlineMs + 3000, `took ${took} ms`);
});

test('a server that never sends headers is recorded as timeout too', async () => {
  const { record, sentAt, endedAt } = await roundTrip({ kind: 'hang' }, { deadlineMs: 200 });
  assert.equal(record.error, 'timeout');
  assert.equal(record.ttftMs, null);
  assert.ok(endedAt - sentAt < 200 + 3000);
});

test('a frozen server whose connection queue is full: the deadline covers the connect, not undici\'s 10 s limit', async () => {
  // A listener with a backlog of one, stopped (SIGSTOP) so it never accepts: once its queue is
  // full the kernel drops further SYNs and a connect hangs.
  const frozen = spawn(process.execPath, ['-e', "const s = require('node:net').createServer(); s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => console.log(s.address().port))"], { stdio: ['ignore', 'pipe', 'ignore'] });
  const sockets: Socket[] = [];
  const client = await (async () => {
    const [line] = (await once(frozen.stdout!, 'data')) as [Buffer];
    const port = Number(String(line).trim());
    frozen.kill('SIGSTOP');
    // Fill the accept queue (a backlog of 1 admits a couple of connections).
    for (let i = 0; i < 4; i++) sockets.push(connect(port, '127.0.0.1').on('error', () => {}));
    await new Promise((r) => setTimeout(r, 200));
    return createStreamClient({ baseUrl: `http://127.0.0.1:${port}`, connections: 1 });
  })();
  try {
    const deadlineMs = 500;
    const { record, sentAt, endedAt } = await streamRequest(client, request({ deadlineMs }));
    assert.equal(record.error, 'timeout');
    const took = endedAt - sentAt;
    assert.ok(took < deadlineMs + 2_000, `took ${Math.round(took)} ms against a ${deadlineMs} ms deadline`);
    const closing = performance.now();
    await client.close();
    assert.ok(performance.now() - closing < 2_000, 'closing the client does not wait on the hung connect');
  } finally {
    for (const s of sockets) s.destroy();
    frozen.kill('SIGKILL');
  }
});

test('a refused connection is recorded as a connection error', async () => {
  const server = await startReplayServer(() => ({ kind: 'hang' }));
  const url = server.url;
  await server.close();
  const client = createStreamClient({ baseUrl: `${url}/v1/`, connections: 1 });
  try {
    const { record } = await streamRequest(client, request());
    assert.equal(record.ok, false);
    assert.match(record.error ?? '', /^connection: .*ECONNREFUSED/);
  } finally {
    await client.close();
  }
});

test('a base URL that is not http(s) is rejected with the value named', () => {
  assert.throws(() => createStreamClient({ baseUrl: 'localhost:8000', connections: 1 }), /baseUrl must be an http\(s\) URL.*"localhost:8000"/);
});

// ---------- a server that floods the client ----------
// Each is refused at once as an error saying what the server sent, with memory bounded by the
// request's own max_tokens (PROMPT asks for 8), and the connection is dropped.

const event = (o: unknown): string => `data: ${JSON.stringify(o)}\n\n`;

for (const [what, usage] of [['far above max_tokens (1e7 in a chunk)', 10_000_000], ['1e9 in a chunk', 1e9], ['negative', -3], ['fractional', 2.5]] as const) {
  test(`a usage count ${what} is a refusal naming the count, and nothing is sized by it`, async () => {
    const pieces = [event({ choices: [{ text: 'a' }], usage: { completion_tokens: 1 } }), event({ choices: [{ text: 'b' }], usage: { completion_tokens: usage } }), 'data: [DONE]\n\n'];
    const { record } = await roundTrip({ kind: 'sse', pieces });
    assert.equal(record.ok, false);
    assert.equal(record.error, `bad usage: the server counted ${usage} completion tokens, expected a whole number up to max_tokens 8`);
    assert.ok(record.itlMs.length <= 8, `${record.itlMs.length} ITL entries`);
  });
}

test('more content chunks than max_tokens (each carries a token) is a refusal; what is kept stops at max_tokens', async () => {
  const pieces = Array.from({ length: 50 }, (_, i) => event({ choices: [{ text: `t${i}` }] }));
  const { record } = await roundTrip({ kind: 'sse', pieces, ending: 'hang' }, { dialect: PLAIN_OPENAI_DIALECT });
  assert.equal(record.error, 'too many chunks: the server streamed more content chunks than max_tokens 8');
  assert.equal(record.streamedChunks, 8);
});

test('an event that never ends (2 MiB without a newline) is a refusal, read no further, the connection dropped', async () => {
  const started = performance.now();
  const { record } = await roundTrip({ kind: 'sse', pieces: [`data: {"choices":[{"text":"${'x'.repeat(2 * 2 ** 20)}`], ending: 'hang' });
  assert.match(record.error ?? '', /^oversized event: the server sent over [\d,]+ characters without ending an event \(limit 1,048,576\)$/);
  assert.ok(performance.now() - started < 5_000, 'not held until the 10 s deadline');
});

test('a 200 answer that is an HTML page is "not an event stream" naming its content type, not "stream cut off"', async () => {
  const { record } = await roundTrip({ kind: 'sse', pieces: ['<html><body>Sign in to the proxy</body></html>'], contentType: 'text/html; charset=utf-8', ending: 'hang' });
  assert.equal(record.error, 'not an event stream: HTTP 200 with content-type "text/html; charset=utf-8"');
});
