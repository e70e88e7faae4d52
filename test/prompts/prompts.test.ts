import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer, type Tokenizer } from '../../src/load/tokenizer.ts';
import { generatePrompts, promptHash } from '../../src/load/prompts.ts';
import type { LengthSpec, Prompt, Scenario } from '../../src/types.ts';
import { scenarioDef } from '../helpers/make-run.ts';

const qwen = await loadTokenizer();

/** The prompts generatePrompts yields, all at once. */
const synthesizePrompts = (...args: Parameters<typeof generatePrompts>): Prompt[] => [...generatePrompts(...args)];

function scenario(over: Partial<Scenario> = {}): Scenario {
  return scenarioDef('prompts-test', {
    api: 'completions',
    input: { kind: 'fixed', tokens: 64 },
    output: { kind: 'fixed', tokens: 16 },
    requests: 4,
    warmupRequests: 0,
    load: { kind: 'burst' },
    seed: 7,
    timeoutS: 30,
    ...over,
  });
}

const fixed = (tokens: number): LengthSpec => ({ kind: 'fixed', tokens });

function assertExact(prompts: readonly Prompt[], tok: Tokenizer): void {
  for (const p of prompts) {
    const ids = tok.encode(p.text);
    assert.equal(ids.length, p.promptTokens, `re-encoded count of ${JSON.stringify(p.text.slice(0, 60))}`);
    assert.equal(tok.decode(ids), p.text, 'text round-trips through encode/decode');
  }
}

test('prompts have exactly the requested number of tokens (1, 7, 512, 8192)', () => {
  for (const n of [1, 7, 512, 8192]) {
    const prompts = synthesizePrompts(scenario({ input: fixed(n) }), qwen, 0, 3, 'measure');
    assert.equal(prompts.length, 3);
    for (const p of prompts) assert.equal(p.promptTokens, n);
    assertExact(prompts, qwen);
    // (A 1-token prompt is one word: a few hundred choices, so repeats are allowed there.)
    if (n > 1) assert.equal(new Set(prompts.map((p) => p.text)).size, 3, `${n}: every request has its own text`);
  }
});

test('the text is plain prose from the word list', () => {
  const [p] = synthesizePrompts(scenario({ input: fixed(400) }), qwen, 0, 1, 'measure');
  assert.match(p.text, /^[A-Z][a-z]*( [A-Za-z]+)*(\.( [A-Z][a-z]*( [a-z]+)*)|\.\n\n[A-Z][a-z]*( [a-z]+)*)*$/);
  assert.ok(p.text.includes('. '), 'sentences');
  assert.ok(p.text.includes('.\n\n'), 'paragraphs');
});

test('lengths are drawn from uniform and normal specs, within bounds, and every count is exact', () => {
  const sc = scenario({
    input: { kind: 'uniform', min: 40, max: 90 },
    output: { kind: 'normal', mean: 30, stddev: 10, min: 5, max: 45 },
  });
  const prompts = synthesizePrompts(sc, qwen, 0, 60, 'measure');
  const inputs = prompts.map((p) => p.promptTokens);
  const outputs = prompts.map((p) => p.maxTokens);
  assert.ok(inputs.every((n) => n >= 40 && n <= 90));
  assert.ok(outputs.every((n) => Number.isInteger(n) && n >= 5 && n <= 45));
  assert.ok(new Set(inputs).size > 20, 'uniform draws spread over the range');
  const mean = outputs.reduce((a, b) => a + b, 0) / outputs.length;
  assert.ok(mean > 25 && mean < 35, `normal draws centre on the mean (got ${mean})`);
  assertExact(prompts, qwen);
  assert.deepEqual(
    synthesizePrompts(scenario({ output: fixed(123) }), qwen, 0, 2, 'measure').map((p) => p.maxTokens),
    [123, 123],
  );
});

test('a shared prefix is identical across requests and warm-up, counted in the input, and new per repetition', () => {
  const sc = scenario({ api: 'chat', input: { kind: 'uniform', min: 300, max: 340 }, sharedPrefixTokens: 256 });
  const measured = synthesizePrompts(sc, qwen, 0, 12, 'measure');
  const warmup = synthesizePrompts(sc, qwen, 0, 2, 'warmup');
  const prefix = measured[0].messages[0].content;
  assert.equal(qwen.encode(prefix).length, 256);
  for (const p of [...measured, ...warmup]) {
    assert.equal(p.messages[0].role, 'system');
    assert.equal(p.messages[0].content, prefix);
    assert.ok(p.text.startsWith(prefix));
    // The join does not merge: prefix tokens + the request's own tokens = the whole prompt.
    assert.equal(qwen.encode(p.messages[1].content).length, p.promptTokens - 256);
  }
  assertExact(measured, qwen);
  assert.equal(new Set(measured.map((p) => p.messages[1].content)).size, 12, 'the rest differs per request');
  const next = synthesizePrompts(sc, qwen, 1, 1, 'measure')[0].messages[0].content;
  assert.notEqual(next, prefix, 'repetition 2 does not reuse repetition 1 prefix (no cross-repetition cache hits)');
  assert.equal(qwen.encode(next).length, 256);
  // The smallest possible prefix still counts exactly.
  assertExact(synthesizePrompts(scenario({ input: fixed(2), sharedPrefixTokens: 1 }), qwen, 0, 2, 'measure'), qwen);
});

test('chat and completions forms carry the same content', () => {
  const [plain] = synthesizePrompts(scenario(), qwen, 0, 1, 'measure');
  assert.deepEqual(plain.messages, [{ role: 'user', content: plain.text }]);
  const [withPrefix] = synthesizePrompts(scenario({ sharedPrefixTokens: 16 }), qwen, 0, 1, 'measure');
  assert.deepEqual(
    withPrefix.messages.map((m) => m.role),
    ['system', 'user'],
  );
  assert.equal(withPrefix.messages.map((m) => m.content).join(''), withPrefix.text);
  // The api field picks the endpoint, not the content: the same key gives the same bytes.
  assert.deepEqual(
    synthesizePrompts(scenario({ api: 'chat' }), qwen, 0, 3, 'measure'),
    synthesizePrompts(scenario({ api: 'completions' }), qwen, 0, 3, 'measure'),
  );
});

test('the same scenario, seed, repetition and stream always give byte-identical prompts', () => {
  const sc = scenario({ input: { kind: 'normal', mean: 100, stddev: 30, min: 20, max: 200 }, sharedPrefixTokens: 10 });
  const a = synthesizePrompts(sc, qwen, 2, 8, 'measure');
  const b = synthesizePrompts({ ...sc }, qwen, 2, 8, 'measure');
  assert.deepEqual(a, b);
  assert.equal(promptHash(a), promptHash(b));
  assert.deepEqual(synthesizePrompts(sc, qwen, 2, 3, 'measure'), a.slice(0, 3), 'the first prompts do not depend on the count');
});

test('repetitions, streams, seeds and scenario names give different prompts', () => {
  const sc = scenario();
  const texts = (p: readonly Prompt[]) => new Set(p.map((x) => x.text));
  const base = synthesizePrompts(sc, qwen, 0, 6, 'measure');
  const others = [
    synthesizePrompts(sc, qwen, 1, 6, 'measure'),
    synthesizePrompts(sc, qwen, 0, 6, 'warmup'),
    synthesizePrompts(scenario({ seed: 8 }), qwen, 0, 6, 'measure'),
    synthesizePrompts(scenario({ name: 'other' }), qwen, 0, 6, 'measure'),
  ];
  for (const other of others) {
    assert.equal([...texts(other)].filter((t) => texts(base).has(t)).length, 0);
    assert.notEqual(promptHash(other), promptHash(base));
  }
});

test('every repetition sends the same request lengths with texts of its own; another stream or seed draws other lengths', () => {
  const sc = scenario({ input: { kind: 'uniform', min: 20, max: 200 }, output: { kind: 'uniform', min: 4, max: 64 } });
  const lengths = (p: readonly Prompt[]) => p.map((x) => [x.promptTokens, x.maxTokens]);
  const first = synthesizePrompts(sc, qwen, 0, 12, 'measure');
  const later = synthesizePrompts(sc, qwen, 5, 12, 'measure');
  assert.deepEqual(lengths(later), lengths(first), 'repetition 5 offers repetition 0 its load, token for token');
  assert.equal(new Set(first.map((x) => x.promptTokens)).size > 3, true, 'the lengths are drawn, not one value');
  assert.equal(later.filter((p, i) => p.text === first[i].text).length, 0, 'no text is sent twice');
  assert.notDeepEqual(lengths(synthesizePrompts(sc, qwen, 0, 12, 'warmup')), lengths(first));
  assert.notDeepEqual(lengths(synthesizePrompts(scenario({ ...sc, seed: 8 }), qwen, 0, 12, 'measure')), lengths(first));
});

test('promptHash covers every byte and the order', () => {
  const prompts = synthesizePrompts(scenario(), qwen, 0, 3, 'measure');
  const h = promptHash(prompts);
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.notEqual(promptHash([prompts[1], prompts[0], prompts[2]]), h);
  assert.notEqual(promptHash([{ ...prompts[0], maxTokens: prompts[0].maxTokens + 1 }, ...prompts.slice(1)]), h);
  const text = `${prompts[0].text.slice(0, -1)}X`;
  assert.notEqual(promptHash([{ ...prompts[0], text }, ...prompts.slice(1)]), h);
  assert.equal(promptHash([]), promptHash([]));
});

test('impossible requests are refused with the scenario named', () => {
  const sc = scenario({ input: fixed(10), sharedPrefixTokens: 10 });
  assert.throws(() => synthesizePrompts(sc, qwen, 0, 1, 'measure'), {
    message: 'scenario "prompts-test": input of 10 tokens leaves no room after the 10-token shared prefix',
  });
  assert.throws(() => synthesizePrompts(scenario(), qwen, -1, 1, 'measure'), /repetition must be a whole number ≥ 0, got -1/);
  assert.deepEqual(synthesizePrompts(scenario(), qwen, 0, 0, 'measure'), []);
});

// GPT-2's byte-to-character table, which byte-level BPE vocabularies are written in.
function byteLevelAlphabet(): string[] {
  const printable = [...range(33, 126), ...range(161, 172), ...range(174, 255)];
  let extra = 0;
  return range(0, 255).map((b) => String.fromCharCode(printable.includes(b) ? b : 256 + extra++));
}
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** A byte-level BPE tokenizer folder with the given merges; `split` = pre-tokenize at word boundaries. */
async function byteLevelTokenizer(dir: string, merges: readonly string[], split: boolean): Promise<Tokenizer> {
  const vocab: Record<string, number> = {};
  byteLevelAlphabet().forEach((c, i) => (vocab[c] = i));
  for (const m of merges) vocab[m.replace(' ', '')] ??= Object.keys(vocab).length;
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: split };
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: null,
    decoder: byteLevel,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, vocab, merges },
  };
  mkdirSync(dir);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
  return loadTokenizer(dir);
}

test('exact counts with another tokenizer, where words cost several tokens', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tok-bytes-'));
  try {
    // A handful of merges: most words cost many tokens, "the" one.
    const bytes = await byteLevelTokenizer(join(dir, 'split'), ['Ġ t', 'h e', 'Ġt he', 'e r', 'a n', 'Ġ a', 'o n'], true);
    assert.ok(bytes.encode(' market').length > 1, 'words cost several tokens here');
    assert.equal(bytes.encode(' the').length, 1);
    for (const n of [1, 2, 7, 50, 333]) {
      assertExact(synthesizePrompts(scenario({ input: fixed(n) }), bytes, 0, 4, 'measure'), bytes);
    }
    assertExact(synthesizePrompts(scenario({ input: fixed(120), sharedPrefixTokens: 40 }), bytes, 0, 4, 'measure'), bytes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('exact counts when tokens merge across the joins between words', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tok-joins-'));
  try {
    // No pre-tokenizer split, and merges that span a word end and the next space: piece costs
    // measured one by one overestimate the whole, so the count must be corrected.
    const joined = await byteLevelTokenizer(join(dir, 'joined'), ['e Ġ', 'd Ġ', 'r Ġ', 'eĠ t', '. Ġ'], false);
    assert.ok(joined.encode('the river').length < joined.encode('the').length + joined.encode(' river').length, 'a join merges');
    for (const n of [1, 7, 64, 300]) {
      assertExact(synthesizePrompts(scenario({ input: fixed(n) }), joined, 0, 4, 'measure'), joined);
    }
    assertExact(synthesizePrompts(scenario({ input: fixed(150), sharedPrefixTokens: 60 }), joined, 0, 3, 'measure'), joined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
