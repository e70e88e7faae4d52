import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleStandardDeviation } from 'simple-statistics';
import { toBenchmarkAction } from '../../src/export/benchmark-action.ts';
import { METRICS } from '../../src/metrics/catalog.ts';
import { REPETITIONS, SCENARIOS, runResult } from '../helpers/fixtures.ts';
import { benchmarkActionProblems } from './formats.ts';
import { withEngine, withFailedEngine, withScenario } from './runs.ts';

test('both files are valid custom-tool input with unique engine/scenario/metric names', () => {
  const { smallerIsBetter, biggerIsBetter } = toBenchmarkAction(runResult());
  assert.deepEqual(benchmarkActionProblems(smallerIsBetter), []);
  assert.deepEqual(benchmarkActionProblems(biggerIsBetter), []);
  const names = [...smallerIsBetter, ...biggerIsBetter].map((e) => e.name);
  assert.equal(new Set(names).size, names.length, 'a name appears in both files');
  const expected = ['vllm', 'transformers'].flatMap((e) => SCENARIOS.flatMap((s) => METRICS.map((m) => `${e}/${s}/${m.name}`)));
  assert.deepEqual([...names].sort(), [...expected].sort());
});

test('latencies go to the smaller-is-better file and rates to the bigger-is-better file', () => {
  const { smallerIsBetter, biggerIsBetter } = toBenchmarkAction(runResult());
  // Judged by the unit, not by the catalog's direction field, so a wrong direction there fails too.
  assert.ok(smallerIsBetter.length > 0 && smallerIsBetter.every((e) => e.unit === 'ms'), 'a non-latency in smaller-is-better');
  assert.ok(biggerIsBetter.length > 0 && biggerIsBetter.every((e) => e.unit.endsWith('/s')), 'a non-rate in bigger-is-better');
  for (const m of METRICS) {
    const file = m.unit === 'ms' ? smallerIsBetter : biggerIsBetter;
    assert.equal(file.filter((e) => e.name.endsWith(`/${m.name}`)).length, 2 * SCENARIOS.length, `${m.name} in the wrong file`);
  }
  assert.ok(biggerIsBetter.some((e) => e.name === 'vllm/burst-64/output_throughput'));
  assert.ok(smallerIsBetter.some((e) => e.name === 'vllm/burst-64/ttft_p95'));
});

test('values come from the pooled summary and the range is the spread of the repetitions', () => {
  const run = runResult();
  const { smallerIsBetter, biggerIsBetter } = toBenchmarkAction(run);
  const byName = new Map([...smallerIsBetter, ...biggerIsBetter].map((e) => [e.name, e]));
  const engine = run.engines.find((e) => e.engine === 'transformers')!;
  const pooled = engine.pooled.find((s) => s.scenario === 'long-prompt')!;
  const reps = engine.repetitions.map((r) => r.scenarios.find((s) => s.scenario === 'long-prompt')!);
  for (const m of METRICS) {
    const entry = byName.get(`transformers/long-prompt/${m.name}`)!;
    assert.equal(entry.value, m.read(pooled), m.name);
    assert.equal(entry.unit, m.unit);
    const sd = sampleStandardDeviation(reps.map((s) => m.read(s)));
    const range = Number(/^± (.+)$/.exec(entry.range!)![1]);
    assert.ok(Math.abs(range - sd) <= sd * 0.005, `${m.name}: range ${entry.range} is not ± ${sd}`);
    assert.match(entry.extra!, new RegExp(`^${REPETITIONS} repetitions: `));
  }
  assert.match(byName.get('transformers/burst-64/ttft_p50')!.extra!, /186 of 192 requests completed/);
});

test('one repetition gives no range; a scenario that completed nothing is left out', () => {
  const single = withEngine('vllm', (e) => ({ ...e, repetitions: e.repetitions.slice(0, 1) }));
  const out = toBenchmarkAction(single);
  const vllm = [...out.smallerIsBetter, ...out.biggerIsBetter].filter((e) => e.name.startsWith('vllm/'));
  assert.ok(vllm.length > 0 && vllm.every((e) => e.range === undefined));
  assert.deepEqual(benchmarkActionProblems(out.smallerIsBetter), []);

  const none = withScenario('vllm', 'long-prompt', (s) => ({ ...s, completed: 0, failed: s.requests }));
  const names = Object.values(toBenchmarkAction(none)).flat().map((e) => e.name);
  assert.ok(!names.some((n) => n.startsWith('vllm/long-prompt/')));
  assert.ok(names.includes('transformers/long-prompt/ttft_p50'));
});

test('a failed engine is skipped: its numbers are not real', () => {
  const out = toBenchmarkAction(withFailedEngine('transformers'));
  const names = [...out.smallerIsBetter, ...out.biggerIsBetter].map((e) => e.name);
  assert.equal(names.length, SCENARIOS.length * METRICS.length);
  assert.ok(names.every((n) => n.startsWith('vllm/')));
});

test('a metric that is not a finite number fails, naming engine, scenario and metric', () => {
  const bad = withScenario('vllm', 'shared-prefix', (s) => ({ ...s, ttftMs: { ...s.ttftMs, p95: Number.NaN } }));
  assert.throws(() => toBenchmarkAction(bad), /vllm\/shared-prefix: ttft_p95 is NaN, expected a finite number ≥ 0/);
  assert.throws(() => toBenchmarkAction({ ...runResult(), schema: 'other@9' as never }), /schema is "other@9"/);
});
