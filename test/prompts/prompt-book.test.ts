import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePromptBook } from '../../src/load/prompt-book.ts';
import { loadTokenizer } from '../../src/load/tokenizer.ts';
import { scenarioDef } from '../helpers/make-run.ts';

test('synthesis that takes longer than a slice tells its progress: prompts made of all, rising to the total', async () => {
  const tokenizer = await loadTokenizer();
  const scenarios = [scenarioDef('long', { input: { kind: 'fixed', tokens: 2000 }, requests: 60, warmupRequests: 4 })];
  const seen: [number, number][] = [];
  const book = await makePromptBook(scenarios, 2, tokenizer, undefined, (done, total) => seen.push([done, total]));
  assert.ok(seen.length > 0, 'told at least once');
  assert.ok(seen.every(([, total]) => total === 2 * 64), 'the total counts warm-up prompts and every repetition');
  assert.ok(seen.every(([done], i) => done > 0 && done <= 128 && (i === 0 || done > seen[i - 1][0])), JSON.stringify(seen));
  assert.equal(book.get(scenarios[0], 1).measure.length, 60);
});

test('a book of some passes (the runs of a sequential look) holds exactly those, each the same prompts the whole book holds', async () => {
  const tokenizer = await loadTokenizer();
  const scenarios = [scenarioDef('chat', { input: { kind: 'fixed', tokens: 64 }, requests: 3, warmupRequests: 1 })];
  const whole = await makePromptBook(scenarios, 8, tokenizer);
  const some = await makePromptBook(scenarios, [2, 3, 7], tokenizer);
  for (const r of [2, 3, 7]) assert.deepEqual(some.get(scenarios[0], r), whole.get(scenarios[0], r));
  assert.throws(() => some.get(scenarios[0], 0), /no prompts for scenario "chat" repetition 1/);
});
