// Trace files: the four formats, how a trace is shaped (cut, rescaled, scaled in time), and the
// errors bad traces get (file, line and field named).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectTraceFormat, readTrace } from '../../src/config/trace.ts';
import { loadScenarioSet, ScenarioFileError } from '../../src/config/scenarios.ts';

const NATIVE_JSONL = ['{"arrival_s": 10, "input_tokens": 100, "output_tokens": 20}', '{"arrival_s": 10.5, "input_tokens": 200, "output_tokens": 30}', '{"arrival_s": 12, "input_tokens": 300, "output_tokens": 40}'].join('\n');
const NATIVE_CSV = 'arrival_s,input_tokens,output_tokens\n0,100,20\n0.5,200,30\n2,300,40\n';
const BURSTGPT = [
  'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type',
  '5,ChatGPT,100,20,120,Conversation log',
  '5.5,GPT-4,200,30,230,Conversation log',
  '6,ChatGPT,150,0,150,Conversation log',
  '7,ChatGPT,300,40,340,API log',
].join('\n');
const MOONCAKE = ['{"timestamp": 0, "input_length": 6955, "output_length": 52, "hash_ids": [0, 1]}', '{"timestamp": 500, "input_length": 100, "output_length": 5, "hash_ids": [2]}', '{"timestamp": 2000, "input_length": 70, "output_length": 9, "hash_ids": []}'].join('\n');

test('the four formats are told apart by their first line and read to the same shape', () => {
  assert.equal(detectTraceFormat(NATIVE_JSONL, 'a'), 'jsonl');
  assert.equal(detectTraceFormat(NATIVE_CSV, 'a'), 'csv');
  assert.equal(detectTraceFormat(BURSTGPT, 'a'), 'burstgpt');
  assert.equal(detectTraceFormat(MOONCAKE, 'a'), 'mooncake');
  const want = [
    { atMs: 0, inputTokens: 100, outputTokens: 20 },
    { atMs: 500, inputTokens: 200, outputTokens: 30 },
    { atMs: 2000, inputTokens: 300, outputTokens: 40 },
  ];
  assert.deepEqual(readTrace(NATIVE_JSONL, 't.jsonl', { timeScale: 1 }).requests, want);
  assert.deepEqual(readTrace(NATIVE_CSV, 't.csv', { timeScale: 1 }).requests, want);
  // BurstGPT: the failed row (0 response tokens) is left out and counted.
  const burst = readTrace(BURSTGPT, 'b.csv', { timeScale: 1 });
  assert.equal(burst.skipped, 1);
  assert.deepEqual(burst.requests, [
    { atMs: 0, inputTokens: 100, outputTokens: 20 },
    { atMs: 500, inputTokens: 200, outputTokens: 30 },
    { atMs: 2000, inputTokens: 300, outputTokens: 40 },
  ]);
  const gpt4 = readTrace(BURSTGPT, 'b.csv', { timeScale: 1, model: 'ChatGPT' });
  assert.deepEqual(gpt4.requests.map((r) => r.inputTokens), [100, 300]);
  assert.equal(gpt4.skipped, 2);
  // Mooncake: timestamps in milliseconds.
  assert.deepEqual(readTrace(MOONCAKE, 'm.jsonl', { timeScale: 1 }).requests.map((r) => [r.atMs, r.inputTokens, r.outputTokens]), [[0, 6955, 52], [500, 100, 5], [2000, 70, 9]]);
});

test('shaping: first N, rescaled to a rate, scaled in time, lengths cut', () => {
  const rated = readTrace(NATIVE_CSV, 't.csv', { timeScale: 1, rate: 4 }).requests;
  // Three requests at 4 req/s: the last at (3 − 1) / 4 s, gaps in the trace's proportions.
  assert.deepEqual(rated.map((r) => r.atMs), [0, 125, 500]);
  const scaled = readTrace(NATIVE_CSV, 't.csv', { timeScale: 0.5, rate: 4 }).requests;
  assert.deepEqual(scaled.map((r) => r.atMs), [0, 62.5, 250]);
  const cut = readTrace(MOONCAKE, 'm.jsonl', { timeScale: 1, requests: 2, maxInputTokens: 4096, maxOutputTokens: 8 }).requests;
  assert.deepEqual(cut.map((r) => [r.inputTokens, r.outputTokens]), [[4096, 8], [100, 5]]);
});

test('bad traces: the file, the line and the field, and what was expected', () => {
  const fails = (text: string, pattern: RegExp, shape = {}): void => assert.throws(() => readTrace(text, 'x.trace', { timeScale: 1, ...shape }), pattern);
  fails('', /x\.trace: the trace is empty/);
  fails('time,in,out\n1,2,3', /x\.trace: line 1: expected a CSV header "arrival_s,input_tokens,output_tokens" or BurstGPT's/);
  fails('arrival_s,input_tokens,output_tokens\n0,10,5\n1,ten,5', /x\.trace: line 3: field input_tokens: expected a whole number ≥ 1, got "ten"/);
  fails('arrival_s,input_tokens,output_tokens\n0,10,5\n1,10', /line 3: expected 3 comma-separated fields, got 2/);
  fails('{"arrival_s": 1, "input_tokens": 10, "output_tokens": 0}', /line 1: field output_tokens: expected a whole number ≥ 1, got 0/);
  fails('{"arrival_s": 1, "input_tokens": 10, "output_tokens": 2}\n[1]', /line 2: expected a JSON object/);
  fails('arrival_s,input_tokens,output_tokens\n2,10,5\n1,10,5', /line 3: expected requests in arrival order, got 1 s after 2 s \(line 2\)/);
  fails(NATIVE_CSV, /requests: expected at most the 3 requests the trace holds, got 5/, { requests: 5 });
  fails(NATIVE_CSV, /model: only BurstGPT traces name a model/, { model: 'GPT-4' });
  fails(BURSTGPT, /no requests to replay for model "Claude" \(4 rows left out\)/, { model: 'Claude' });
});

test('a trace scenario: requests and lengths from the trace, its bytes in the scenario-set hash, errors naming the scenario file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trace-'));
  writeFileSync(join(dir, 't.csv'), NATIVE_CSV);
  const yml = (load: string, extra = '') => `version: 1\nscenarios:\n  - name: replay\n    description: d\n    load: ${load}\n${extra}`;
  writeFileSync(join(dir, 's.yml'), yml('{trace: t.csv}'));
  const a = loadScenarioSet(join(dir, 's.yml'));
  const s = a.scenarios[0];
  assert.equal(s.requests, 3);
  assert.deepEqual(s.input, { kind: 'uniform', min: 100, max: 300 });
  assert.deepEqual(s.output, { kind: 'uniform', min: 20, max: 40 });
  assert.equal(s.load.kind, 'trace');
  writeFileSync(join(dir, 's.yml'), yml('{trace: t.csv}', '    requests: 2\n'));
  assert.equal(loadScenarioSet(join(dir, 's.yml')).scenarios[0].requests, 2);
  // Same scenario file, other trace bytes: another scenario set.
  writeFileSync(join(dir, 's.yml'), yml('{trace: t.csv}'));
  writeFileSync(join(dir, 't.csv'), NATIVE_CSV.replace('2,300,40', '2,301,40'));
  assert.notEqual(loadScenarioSet(join(dir, 's.yml')).hash, a.hash);

  const problems = (text: string): readonly string[] => {
    writeFileSync(join(dir, 's.yml'), text);
    try {
      loadScenarioSet(join(dir, 's.yml'));
    } catch (e) {
      if (e instanceof ScenarioFileError) return e.problems;
      throw e;
    }
    assert.fail('expected a ScenarioFileError');
  };
  const file = join(dir, 's.yml');
  assert.deepEqual(problems(yml('{trace: missing.csv}')), [`${file}: scenario "replay" field load.trace: missing.csv: cannot read the trace: no such file (${join(dir, 'missing.csv')})`]);
  assert.deepEqual(problems(yml('{trace: t.csv}', '    input: 10\n')), [`${file}: scenario "replay" field input: expected no input in a trace scenario: the trace gives every request's lengths`]);
  assert.deepEqual(problems(yml('{trace: {file: t.csv, speed: 2}}')), [`${file}: scenario "replay" field load.trace.speed: unknown field; expected one of: file, rate, time-scale, max-concurrency, max-input-tokens, max-output-tokens, model`]);
});
