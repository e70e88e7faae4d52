import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import {
  LOAD_GENERATION,
  ScenarioFileError,
  canonicalJson,
  loadScenarioSet,
  parseScenarioSet,
  scenarioHash,
} from '../../src/config/scenarios.ts';

const FILE = 'scenarios/x.yml';

/** A valid file with one scenario; `extra` lines are appended to the scenario (two-space indented). */
const withScenario = (...extra: string[]): string =>
  [
    'version: 1',
    'scenarios:',
    '  - name: chat-8',
    '    description: eight users',
    '    input: 256',
    '    output: 64',
    '    requests: 16',
    ...extra.map((l) => `    ${l}`),
  ].join('\n') + '\n';

function problems(text: string): readonly string[] {
  try {
    parseScenarioSet(text, FILE);
  } catch (err) {
    assert.ok(err instanceof ScenarioFileError, `expected ScenarioFileError, got ${String(err)}`);
    assert.equal(err.file, FILE);
    assert.equal(err.message, err.problems.join('\n'));
    return err.problems;
  }
  assert.fail('expected the file to be rejected');
}

test('a valid file gives normalised scenarios with defaults filled in', () => {
  const set = parseScenarioSet(withScenario('load: {concurrency: 8}'), FILE);
  assert.equal(set.file, FILE);
  assert.match(set.hash, /^[0-9a-f]{64}$/);
  assert.deepEqual(set.scenarios, [
    {
      name: 'chat-8',
      description: 'eight users',
      api: 'completions',
      input: { kind: 'fixed', tokens: 256 },
      output: { kind: 'fixed', tokens: 64 },
      sharedPrefixTokens: 0,
      requests: 16,
      warmupRequests: 0,
      load: { kind: 'concurrency', concurrency: 8 },
      seed: 0,
      slo: {},
      timeoutS: 300,
      limits: {},
      tolerances: {},
    },
  ]);
  assert.ok(Object.isFrozen(set.scenarios[0].load), 'the result is immutable');
});

test('every length and load form is parsed into its typed shape', () => {
  const set = parseScenarioSet(
    withScenario(
      'api: chat',
      'load: {poisson: {rate: 2.5, max-concurrency: 16}}',
      'shared-prefix-tokens: 32',
      'slo: {ttft-ms: 500, tpot-ms: 50, e2el-ms: 9000}',
      'limits: {ttft_p95: 800, output_throughput: 100}',
      'tolerances: {tpot_p50: 0.02}',
      'timeout-s: 12.5',
      'warmup-requests: 3',
      'seed: 4294967295',
    ).replace('input: 256', 'input: {uniform: [64, 512]}').replace('output: 64', 'output: {normal: {mean: 100, stddev: 20, min: 10, max: 300}}'),
    FILE,
  );
  const s = set.scenarios[0];
  assert.deepEqual(s.input, { kind: 'uniform', min: 64, max: 512 });
  assert.deepEqual(s.output, { kind: 'normal', mean: 100, stddev: 20, min: 10, max: 300 });
  assert.deepEqual(s.load, { kind: 'poisson', rate: 2.5, burstiness: 1, maxConcurrency: 16 });
  assert.deepEqual(s.slo, { ttftMs: 500, tpotMs: 50, e2elMs: 9000 });
  assert.deepEqual(s.limits, { ttft_p95: 800, output_throughput: 100 });
  assert.deepEqual(s.tolerances, { tpot_p50: 0.02 });
  assert.equal(s.api, 'chat');
  assert.equal(s.sharedPrefixTokens, 32);
  assert.equal(s.timeoutS, 12.5);
  assert.equal(s.warmupRequests, 3);
  assert.equal(s.seed, 4294967295);
  assert.deepEqual(parseScenarioSet(withScenario('load: burst'), FILE).scenarios[0].load, { kind: 'burst' });
});

test('wrong type: names file, scenario and field, what was expected and what was found', () => {
  assert.deepEqual(problems(withScenario('load: {concurrency: eight}')), [
    'scenarios/x.yml: scenario "chat-8" field load.concurrency: expected a whole number from 1 to 10000, got "eight"',
  ]);
  assert.deepEqual(problems(withScenario('load: burst', 'api: grpc')), [
    'scenarios/x.yml: scenario "chat-8" field api: expected "completions" or "chat", got "grpc"',
  ]);
  assert.deepEqual(problems(withScenario('load: burst', 'slo: 500')), [
    'scenarios/x.yml: scenario "chat-8" field slo: expected a mapping {ttft-ms?, tpot-ms?, e2el-ms?}, got 500',
  ]);
  assert.deepEqual(problems(withScenario('load: burst', 'description: ~').replace('    description: eight users\n', '')), [
    'scenarios/x.yml: scenario "chat-8" field description: expected a non-empty text (at most 500 characters), got null (an empty value)',
  ]);
});

test('out of range values are rejected with the allowed range', () => {
  assert.deepEqual(problems(withScenario('load: burst').replace('requests: 16', 'requests: 0')), [
    'scenarios/x.yml: scenario "chat-8" field requests: expected a whole number from 1 to 100000, got 0',
  ]);
  assert.deepEqual(problems(withScenario('load: burst', 'seed: -1')), [
    'scenarios/x.yml: scenario "chat-8" field seed: expected a whole number from 0 to 4294967295, got -1',
  ]);
  assert.deepEqual(problems(withScenario('load: burst').replace('input: 256', 'input: 2.5')), [
    'scenarios/x.yml: scenario "chat-8" field input: expected a whole number of tokens from 1 to 1048576, {uniform: [min, max]} or {normal: {mean, stddev, min, max}}, got 2.5',
  ]);
  assert.deepEqual(problems(withScenario('load: {poisson: {rate: 0}}')), [
    'scenarios/x.yml: scenario "chat-8" field load.poisson.rate: expected a number from 0.001 to 1000000, got 0',
  ]);
  assert.deepEqual(problems(withScenario('load: burst', 'tolerances: {goodput: 1}')), [
    'scenarios/x.yml: scenario "chat-8" field tolerances.goodput: expected a number from 0 to 0.99 (a fraction: 0.05 = 5%), got 1',
  ]);
  assert.deepEqual(problems(withScenario('load: burst', 'timeout-s: .inf')), [
    'scenarios/x.yml: scenario "chat-8" field timeout-s: expected a number from 0.1 to 86400 seconds, got Infinity',
  ]);
});

test('length forms: uniform needs [min ≤ max], normal needs min ≤ mean ≤ max, unknown forms are named', () => {
  assert.deepEqual(problems(withScenario('load: burst').replace('input: 256', 'input: {uniform: [512, 64]}')), [
    'scenarios/x.yml: scenario "chat-8" field input.uniform: expected [min, max]: two whole numbers from 1 to 1048576 with min ≤ max, got [512,64]',
  ]);
  assert.deepEqual(
    problems(withScenario('load: burst').replace('output: 64', 'output: {normal: {mean: 5, stddev: 1, min: 10, max: 20}}')),
    ['scenarios/x.yml: scenario "chat-8" field output.normal: expected min ≤ mean ≤ max, got min 10, mean 5, max 20'],
  );
  assert.deepEqual(problems(withScenario('load: burst').replace('output: 64', 'output: {normal: {mean: 5, min: 1, max: 20}}')), [
    'scenarios/x.yml: scenario "chat-8" field output.normal.stddev: expected a number from 0 to 1048576, got nothing',
  ]);
  assert.deepEqual(problems(withScenario('load: burst').replace('input: 256', 'input: {unifrom: [1, 2]}')), [
    'scenarios/x.yml: scenario "chat-8" field input.unifrom: unknown length form (did you mean "uniform"?); expected one of: uniform, normal',
  ]);
});

test('unknown fields are errors, with a suggestion for likely typos', () => {
  assert.deepEqual(problems(withScenario('lod: {concurrency: 8}', 'load: burst')), [
    'scenarios/x.yml: scenario "chat-8" field lod: unknown field (did you mean "load"?); expected one of: name, description, api, input, output, shared-prefix-tokens, requests, warmup-requests, load, seed, slo, timeout-s, limits, tolerances',
  ]);
  assert.deepEqual(problems(withScenario('load: burst', 'slo: {ttft: 500}')), [
    'scenarios/x.yml: scenario "chat-8" field slo.ttft: unknown field (did you mean "ttft-ms"?); expected one of: ttft-ms, tpot-ms, e2el-ms',
  ]);
  assert.deepEqual(problems(withScenario('load: {poisson: {rate: 1, burst: 0.5}}')), [
    'scenarios/x.yml: scenario "chat-8" field load.poisson.burst: unknown field (did you mean "burstiness"?); expected one of: rate, burstiness, max-concurrency',
  ]);
  assert.deepEqual(problems(`${withScenario('load: burst')}verison: 1\n`), [
    'scenarios/x.yml: field verison: unknown field (did you mean "version"?); expected one of: version, defaults, scenarios',
  ]);
  // camelCase spellings are typos in a kebab-case file, not synonyms.
  assert.match(problems(withScenario('load: burst', 'timeoutS: 5'))[0], /field timeoutS: unknown field \(did you mean "timeout-s"\?\)/);
});

test('bad load shapes say which shapes exist', () => {
  const expected = 'expected {concurrency: N}, {poisson: {rate, burstiness?, max-concurrency?}}, "burst", {trace: FILE or {file, ...}} or {capacity: {...}}';
  assert.deepEqual(problems(withScenario('load: 8')), [`scenarios/x.yml: scenario "chat-8" field load: ${expected}, got 8`]);
  assert.deepEqual(problems(withScenario('load: bursts')), [`scenarios/x.yml: scenario "chat-8" field load: ${expected}, got "bursts"`]);
  assert.deepEqual(problems(withScenario('load: {concurrency: 8, burst: true}')), [
    `scenarios/x.yml: scenario "chat-8" field load: ${expected}, got {"concurrency":8,"burst":true}`,
  ]);
  assert.deepEqual(problems(withScenario('load: {threads: 4}')), [
    'scenarios/x.yml: scenario "chat-8" field load.threads: unknown load pattern; expected one of: concurrency, poisson, trace, capacity',
  ]);
});

test('limits and tolerances accept only metric names from the catalog', () => {
  assert.deepEqual(problems(withScenario('load: burst', 'limits: {ttft_p99: 100}')), [
    'scenarios/x.yml: scenario "chat-8" field limits.ttft_p99: unknown metric name (did you mean "ttft_p50" or "ttft_p95"?); expected one of: output_throughput, request_throughput, goodput, ttft_p50, ttft_p95, tpot_p50, tpot_p95, itl_p95, e2el_p50, capacity',
  ]);
  assert.match(
    problems(withScenario('load: burst', 'tolerances: {throughput: 0.1}'))[0],
    /^scenarios\/x\.yml: scenario "chat-8" field tolerances\.throughput: unknown metric name \(did you mean "output_throughput" or "request_throughput"\?\); expected one of: /,
  );
});

test('required fields: missing ones are named; scenarios without a usable name are named by position', () => {
  const text = ['version: 1', 'scenarios:', '  - description: no name', '    input: 8', '    output: 8', '    requests: 1'].join('\n');
  assert.deepEqual(problems(text), [
    'scenarios/x.yml: scenario #1 field name: expected a name of lowercase letters, digits and dashes (at most 64), got nothing',
    'scenarios/x.yml: scenario #1 field load: expected {concurrency: N}, {poisson: {rate, burstiness?, max-concurrency?}}, "burst", {trace: FILE or {file, ...}} or {capacity: {...}}, got nothing',
  ]);
  assert.deepEqual(problems(withScenario('load: burst').replace('name: chat-8', 'name: Chat_8')), [
    'scenarios/x.yml: scenario #1 field name: expected a name of lowercase letters, digits and dashes (at most 64), got "Chat_8"',
  ]);
});

test('duplicate names are reported on the second scenario, by position', () => {
  const text = `${withScenario('load: burst')}  - name: chat-8\n    description: again\n    input: 8\n    output: 8\n    requests: 1\n    load: burst\n`;
  assert.deepEqual(problems(text), [
    'scenarios/x.yml: scenario #2 field name: expected a name no other scenario uses, got "chat-8" (scenario #1 has it too)',
  ]);
});

test('all problems of a file are reported together, in file order', () => {
  const text = [
    'version: 2',
    'defaults:',
    '  requests: many',
    'scenarios:',
    '  - name: a',
    '    description: first',
    '    input: 0',
    '    output: 8',
    '    load: {concurrency: 0}',
    '  - 42',
    '  - name: c',
    '    description: third',
    '    input: 8',
    '    output: 8',
    '    requests: 1',
    '    load: burst',
    '    shared-prefix-tokens: 8',
  ].join('\n');
  assert.deepEqual(problems(text), [
    'scenarios/x.yml: field version: expected 1, got 2',
    'scenarios/x.yml: defaults field requests: expected a whole number from 1 to 100000, got "many"',
    'scenarios/x.yml: scenario "a" field input: expected a whole number of tokens from 1 to 1048576, {uniform: [min, max]} or {normal: {mean, stddev, min, max}}, got 0',
    'scenarios/x.yml: scenario "a" field load.concurrency: expected a whole number from 1 to 10000, got 0',
    'scenarios/x.yml: scenario #2: expected a mapping of scenario fields, got 42',
    'scenarios/x.yml: scenario "c" field shared-prefix-tokens: expected fewer tokens than the shortest input (8), got 8',
  ]);
});

test('defaults: applied to every scenario, maps merged key by key, name not allowed, errors scoped', () => {
  const text = [
    'version: 1',
    'defaults:',
    '  api: chat',
    '  requests: 10',
    '  slo: {ttft-ms: 500, tpot-ms: 50}',
    '  load: {concurrency: 2}',
    'scenarios:',
    '  - name: a',
    '    description: inherits',
    '    input: 8',
    '    output: 8',
    '  - name: b',
    '    description: overrides',
    '    input: 8',
    '    output: 8',
    '    api: completions',
    '    slo: {tpot-ms: 80}',
  ].join('\n');
  const [a, b] = parseScenarioSet(text, FILE).scenarios;
  assert.equal(a.api, 'chat');
  assert.equal(a.requests, 10);
  assert.deepEqual(a.slo, { ttftMs: 500, tpotMs: 50 });
  assert.equal(b.api, 'completions');
  assert.deepEqual(b.slo, { ttftMs: 500, tpotMs: 80 });
  assert.deepEqual(b.load, { kind: 'concurrency', concurrency: 2 });

  assert.match(problems(text.replace('defaults:', 'defaults:\n  name: x'))[0], /^scenarios\/x\.yml: defaults field name: unknown field; expected one of: description, /);
  assert.deepEqual(problems(text.replace('defaults:\n', 'defaults: 3\nold:\n')), [
    'scenarios/x.yml: field old: unknown field; expected one of: version, defaults, scenarios',
    'scenarios/x.yml: defaults: expected a mapping of scenario fields (all but name), got 3',
  ]);
});

test('document-level mistakes: not a mapping, no scenarios, missing version', () => {
  assert.deepEqual(problems('- a\n- b\n'), ['scenarios/x.yml: expected a mapping with version, defaults and scenarios, got ["a","b"]']);
  assert.deepEqual(problems('version: 1\nscenarios: []\n'), ['scenarios/x.yml: field scenarios: expected a non-empty list of scenarios, got []']);
  assert.deepEqual(problems(withScenario('load: burst').replace('version: 1\n', '')), ['scenarios/x.yml: field version: expected 1, got nothing']);
});

test('YAML syntax errors give the line and column', () => {
  assert.deepEqual(problems('version: 1\nscenarios:\n  - name: a\n    load: {concurrency: 8\n'), [
    'scenarios/x.yml: YAML syntax error at line 5, column 1: Flow map in block collection must be sufficiently indented and end with a }',
  ]);
  assert.deepEqual(problems('version: 1\nversion: 1\n'), ['scenarios/x.yml: YAML syntax error at line 2, column 1: Map keys must be unique']);
});

test('a missing file is named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scenarios-'));
  try {
    const path = join(dir, 'nope.yml');
    assert.throws(() => loadScenarioSet(path), (err: unknown) => {
      assert.ok(err instanceof ScenarioFileError);
      assert.deepEqual(err.problems, [`${path}: cannot read the scenario file: no such file`]);
      return true;
    });
    assert.throws(() => loadScenarioSet(dir), { message: `${dir}: cannot read the scenario file: it is a directory` });
    const file = join(dir, 'ok.yml');
    writeFileSync(file, withScenario('load: burst'));
    assert.equal(loadScenarioSet(file).file, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('YAML anchors and merge keys may share settings', () => {
  const text = [
    'version: 1',
    'scenarios:',
    '  - &base',
    '    name: a',
    '    description: d',
    '    input: 8',
    '    output: 8',
    '    requests: 2',
    '    load: burst',
    '  - <<: *base',
    '    name: b',
  ].join('\n');
  assert.deepEqual(
    parseScenarioSet(text, FILE).scenarios.map((s) => [s.name, s.requests]),
    [['a', 2], ['b', 2]],
  );
});

test('hash: comments, key order, flow style and defaults expansion do not change it; values do', () => {
  const plain = withScenario('load: {concurrency: 8}', 'slo: {ttft-ms: 500}');
  const reshaped = [
    '# a comment',
    'scenarios:',
    '  - requests: 16   # same value, other place',
    '    load:',
    '      concurrency: 8',
    '    output: 64',
    '    slo:',
    '      ttft-ms: 500',
    '    input: 256',
    '    description: eight users',
    '    name: chat-8',
    '    api: completions        # the default, written out',
    '    warmup-requests: 0',
    'version: 1',
  ].join('\n');
  const viaDefaults = [
    'version: 1',
    'defaults: {slo: {ttft-ms: 500}, requests: 16, output: 64}',
    'scenarios:',
    '  - {name: chat-8, description: eight users, input: 256, load: {concurrency: 8}}',
  ].join('\n');
  const h = parseScenarioSet(plain, 'a.yml').hash;
  assert.equal(parseScenarioSet(reshaped, 'b.yml').hash, h);
  assert.equal(parseScenarioSet(viaDefaults, 'c.yml').hash, h);
  assert.notEqual(parseScenarioSet(plain.replace('requests: 16', 'requests: 17'), 'a.yml').hash, h);
  assert.notEqual(parseScenarioSet(plain.replace('ttft-ms: 500', 'ttft-ms: 501'), 'a.yml').hash, h);
  assert.notEqual(parseScenarioSet(plain.replace('eight users', 'eight users!'), 'a.yml').hash, h);
});

test('scenarioHash keys one scenario regardless of its neighbours; canonicalJson sorts keys', () => {
  const one = parseScenarioSet(withScenario('load: burst'), FILE);
  const two = parseScenarioSet(
    `${withScenario('load: burst')}  - {name: other, description: d, input: 8, output: 8, requests: 1, load: burst}\n`,
    FILE,
  );
  assert.equal(scenarioHash(one.scenarios[0]), scenarioHash(two.scenarios[0]));
  assert.notEqual(one.hash, two.hash);
  assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 0, y: 1 }], c: null } }), '{"a":{"c":null,"d":[2,{"y":1,"z":0}]},"b":1}');
});

test('hostile sizes are errors naming the field and the range, before any prompt is made', () => {
  const text = withScenario('load: {poisson: {rate: 1.0e-7}}', 'timeout-s: 2200000')
    .replace('input: 256', 'input: 1000000000')
    .replace('requests: 16', 'requests: 1000000000');
  assert.deepEqual(problems(text), [
    'scenarios/x.yml: scenario "chat-8" field input: expected a whole number of tokens from 1 to 1048576, {uniform: [min, max]} or {normal: {mean, stddev, min, max}}, got 1000000000',
    'scenarios/x.yml: scenario "chat-8" field requests: expected a whole number from 1 to 100000, got 1000000000',
    'scenarios/x.yml: scenario "chat-8" field load.poisson.rate: expected a number from 0.001 to 1000000, got 1e-7',
    'scenarios/x.yml: scenario "chat-8" field timeout-s: expected a number from 0.1 to 86400 seconds, got 2200000',
  ]);
  assert.deepEqual(problems(withScenario('load: {concurrency: 1000000}')), [
    'scenarios/x.yml: scenario "chat-8" field load.concurrency: expected a whole number from 1 to 10000, got 1000000',
  ]);
});

test('fields each within their limit whose product is days of work: one error naming the total, the largest scenarios and the budget', () => {
  const text = withScenario('load: burst').replace('input: 256', 'input: 1048576').replace('requests: 16', 'requests: 100000');
  assert.deepEqual(problems(text), [
    'scenarios/x.yml: one pass asks for 104,864,000,000 tokens (requests × (input + output), warm-up included; largest: chat-8 104,864,000,000), over the budget of 20,000,000: fewer requests or shorter prompts',
  ]);
  // 15,000 × (1,200 + 64): large, and within it.
  assert.equal(parseScenarioSet(withScenario('load: burst').replace('input: 256', 'input: 1200').replace('requests: 16', 'requests: 15000'), FILE).scenarios[0].requests, 15_000);
});

test('a YAML bomb is refused with the file named; a 50 MB file is refused before it is parsed', () => {
  const bomb = ['version: 1', 'a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  const found = problems(`${bomb.join('\n')}\nscenarios: []\n`);
  assert.equal(found.length, 1);
  assert.match(found[0], /^scenarios\/x\.yml: cannot expand the YAML: .*alias/i);

  const dir = mkdtempSync(join(tmpdir(), 'perf-gate-big-'));
  try {
    const big = join(dir, 'big.yml');
    writeFileSync(big, `${withScenario('load: burst')}${'# padding\n'.repeat(5_000_000)}`);
    const started = Date.now();
    assert.throws(() => loadScenarioSet(big), (err: Error) => err instanceof ScenarioFileError && err.message === `${big}: the scenario file is 50000131 bytes, over the limit of 1048576 (1 MiB)`);
    assert.ok(Date.now() - started < 1_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the set hash covers the load generation: a history recorded when each pass drew its own lengths and arrivals keys differently', () => {
  const set = parseScenarioSet(withScenario('load: burst'), FILE);
  const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
  assert.equal(LOAD_GENERATION, 2);
  assert.notEqual(set.hash, sha(canonicalJson(set.scenarios)), 'generation 1 hashed the scenarios alone');
  assert.equal(set.hash, sha(canonicalJson({ loadGeneration: LOAD_GENERATION, scenarios: set.scenarios })));
});
