import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { packageRoot } from '../../src/paths.ts';
import { loadScenarioSet, parseScenarioSet, ScenarioFileError } from '../../src/config/scenarios.ts';
import { scenarioFileJsonSchema, shortest } from '../../src/config/schema.ts';
import type { LengthSpec, Scenario, ScenarioSet } from '../../src/types.ts';
import { schemaErrors } from './json-schema-subset.ts';

const root = packageRoot();
const SHIPPED = ['scenarios/default.yml', 'scenarios/smoke.yml'];
const SIX = ['single-stream', 'chat-8', 'poisson', 'burst', 'long-context', 'shared-prefix'];

const load = (file: string): ScenarioSet => loadScenarioSet(join(root, file));
const longest = (spec: LengthSpec): number => (spec.kind === 'fixed' ? spec.tokens : spec.max);
const byName = (set: ScenarioSet): Map<string, Scenario> => new Map(set.scenarios.map((s) => [s.name, s]));

function assertSixShapes(set: ScenarioSet): Map<string, Scenario> {
  const s = byName(set);
  assert.deepEqual([...s.keys()].sort(), [...SIX].sort(), `${set.file}: the six scenario shapes, by name`);
  assert.deepEqual(s.get('single-stream')!.load, { kind: 'concurrency', concurrency: 1 });
  assert.deepEqual(s.get('chat-8')!.load, { kind: 'concurrency', concurrency: 8 });
  assert.equal(s.get('chat-8')!.api, 'chat');
  assert.equal(s.get('poisson')!.load.kind, 'poisson');
  assert.deepEqual(s.get('burst')!.load, { kind: 'burst' });
  assert.ok(s.get('shared-prefix')!.sharedPrefixTokens > 0);
  // Long context: its shortest prompt is longer than any prompt of the other scenarios.
  const others = set.scenarios.filter((x) => x.name !== 'long-context');
  assert.ok(shortest(s.get('long-context')!.input) > Math.max(...others.map((x) => longest(x.input))));
  for (const x of set.scenarios) {
    assert.ok(Object.keys(x.slo).length > 0, `${set.file}: ${x.name} has SLOs for goodput`);
    assert.ok(x.requests >= 1 && x.description.length > 0);
  }
  assert.equal(new Set(set.scenarios.map((x) => x.seed)).size, set.scenarios.length, `${set.file}: distinct seeds`);
  return s;
}

test('default.yml: the six shapes, sized for Qwen2.5-7B on a 24 GB GPU', () => {
  const s = assertSixShapes(load('scenarios/default.yml'));
  assert.ok(shortest(s.get('long-context')!.input) >= 8192, 'long context means at least 8k input tokens');
  // Enough requests for a p95 that does not rest on one request, where requests differ.
  for (const name of ['chat-8', 'poisson', 'burst', 'shared-prefix']) assert.ok(s.get(name)!.requests >= 24, name);
});

test('smoke.yml: the same names and load patterns, tiny', () => {
  const smoke = assertSixShapes(load('scenarios/smoke.yml'));
  const full = byName(load('scenarios/default.yml'));
  for (const [name, sc] of smoke) {
    assert.equal(sc.load.kind, full.get(name)!.load.kind, name);
    assert.equal(sc.api, full.get(name)!.api, name);
    assert.ok(sc.requests <= 16 && longest(sc.output) <= 16, `${name} is tiny`);
  }
  // The tiny model has 4096 positions.
  assert.ok(Math.max(...[...smoke.values()].map((x) => longest(x.input) + longest(x.output))) <= 4096);
});

test('shipped files point editors at the schema', () => {
  for (const file of SHIPPED) {
    assert.equal(readFileSync(join(root, file), 'utf8').split('\n')[0], '# yaml-language-server: $schema=./schema.json', file);
  }
});

test('scenarios/schema.json is the schema generated from the validator rules', () => {
  const onDisk = JSON.parse(readFileSync(join(root, 'scenarios/schema.json'), 'utf8')) as unknown;
  assert.deepEqual(
    onDisk,
    scenarioFileJsonSchema(),
    'scenarios/schema.json is stale; regenerate it with: node -e "import(\'./src/config/schema.ts\').then((m) => ' +
      'process.stdout.write(JSON.stringify(m.scenarioFileJsonSchema(), null, 2) + \'\\n\'))" > scenarios/schema.json',
  );
});

test('the JSON Schema and the validator agree on the shipped files', () => {
  const schema = JSON.parse(readFileSync(join(root, 'scenarios/schema.json'), 'utf8')) as Record<string, unknown>;
  for (const file of SHIPPED) {
    const text = readFileSync(join(root, file), 'utf8');
    assert.deepEqual(schemaErrors(schema, parse(text)), [], `${file} against schema.json`);
    assert.doesNotThrow(() => parseScenarioSet(text, file));
  }
});

test('the JSON Schema and the validator agree on other valid and invalid files', () => {
  const schema = scenarioFileJsonSchema();
  const base = { name: 'a', description: 'd', input: 64, output: 8, requests: 2, load: 'burst' };
  const doc = (scenario: Record<string, unknown>, top: Record<string, unknown> = {}): string =>
    stringify({ version: 1, ...top, scenarios: [{ ...base, ...scenario }] });
  const valid = [
    doc({ api: 'chat' }),
    doc({ input: { uniform: [8, 16] }, output: { normal: { mean: 8, stddev: 2, min: 1, max: 20 } } }),
    doc({ load: { poisson: { rate: 0.5, burstiness: 0.5, 'max-concurrency': 3 } } }),
    doc({ load: { concurrency: 2 }, 'shared-prefix-tokens': 63, 'warmup-requests': 0 }),
    doc({ slo: { 'ttft-ms': 1, 'tpot-ms': 0.5, 'e2el-ms': 100 }, limits: { goodput: 0 }, tolerances: { itl_p95: 0.99 } }),
    doc({ seed: 0, 'timeout-s': 0.5 }, { defaults: { api: 'chat', slo: { 'ttft-ms': 5 } } }),
  ];
  const invalid = [
    doc({ load: { concurrency: 'eight' } }),
    doc({ load: { concurrency: 0 } }),
    doc({ load: 'bursts' }),
    doc({ load: { poisson: { burstiness: 1 } } }),
    doc({ load: { concurrency: 1, poisson: { rate: 1 } } }),
    doc({ api: 'grpc' }),
    doc({ input: 0 }),
    doc({ input: { uniform: [8] } }),
    doc({ output: { normal: { mean: 8 } } }),
    doc({ requests: 1.5 }),
    doc({ seed: -1 }),
    doc({ seed: 4294967296 }),
    doc({ lod: 3 }),
    doc({ slo: { ttft: 5 } }),
    doc({ limits: { ttft_p99: 5 } }),
    doc({ tolerances: { goodput: -0.1 } }),
    doc({ tolerances: { goodput: 1 } }),
    doc({ name: 'Not_OK' }),
    doc({ 'timeout-s': 0 }),
    doc({ description: '' }),
    doc({}, { defaults: { name: 'x' } }),
    doc({}, { extra: 1 }),
    doc({}, { version: 2 }),
  ];
  for (const text of valid) {
    assert.deepEqual(schemaErrors(schema, parse(text)), [], text);
    assert.doesNotThrow(() => parseScenarioSet(text, 'valid.yml'), text);
  }
  for (const text of invalid) {
    assert.notDeepEqual(schemaErrors(schema, parse(text)), [], `schema should reject: ${text}`);
    assert.throws(() => parseScenarioSet(text, 'invalid.yml'), ScenarioFileError, text);
  }
});
