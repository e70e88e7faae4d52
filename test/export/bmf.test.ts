import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureSlug, toBmf } from '../../src/export/bmf.ts';
import { METRICS } from '../../src/metrics/catalog.ts';
import { SCENARIOS, runResult } from '../helpers/fixtures.ts';
import { bmfProblems } from './formats.ts';
import { withEngine, withFailedEngine } from './runs.ts';

test('the document is valid BMF: one benchmark per engine/scenario, one measure per catalog metric', () => {
  const bmf = toBmf(runResult());
  assert.deepEqual(bmfProblems(bmf), []);
  const expected = ['vllm', 'transformers'].flatMap((e) => SCENARIOS.map((s) => `${e}/${s}`));
  assert.deepEqual(Object.keys(bmf).sort(), [...expected].sort());
  for (const measures of Object.values(bmf)) assert.deepEqual(Object.keys(measures), METRICS.map((m) => measureSlug(m.name)));
});

test('measure slugs are the metric names in kebab case', () => {
  assert.equal(measureSlug('ttft_p95'), 'ttft-p95');
  assert.equal(measureSlug('output_throughput'), 'output-throughput');
  assert.equal(measureSlug('goodput'), 'goodput');
  // Distinct metrics must stay distinct measures.
  assert.equal(new Set(METRICS.map((m) => measureSlug(m.name))).size, METRICS.length);
});

test('value is the pooled figure; lower and upper are the repetitions\' extremes around it', () => {
  const run = runResult();
  const bmf = toBmf(run);
  const engine = run.engines.find((e) => e.engine === 'vllm')!;
  for (const scenario of SCENARIOS) {
    const pooled = engine.pooled.find((s) => s.scenario === scenario)!;
    const reps = engine.repetitions.map((r) => r.scenarios.find((s) => s.scenario === scenario)!);
    for (const m of METRICS) {
      const got = bmf[`vllm/${scenario}`][measureSlug(m.name)];
      const values = reps.map((s) => m.read(s));
      assert.equal(got.value, m.read(pooled), `${scenario} ${m.name}`);
      assert.equal(got.lower_value, Math.min(got.value, ...values));
      assert.equal(got.upper_value, Math.max(got.value, ...values));
      assert.ok(got.lower_value! < got.upper_value!, `${scenario} ${m.name}: the fixture's repetitions differ, so the bounds must`);
    }
  }
});

test('without repetitions to bound it a measure carries only its value', () => {
  const bmf = toBmf(withEngine('vllm', (e) => ({ ...e, repetitions: [] })));
  assert.deepEqual(bmfProblems(bmf), []);
  assert.deepEqual(Object.keys(bmf['vllm/chat-short']['ttft-p50']), ['value']);
  assert.ok('lower_value' in bmf['transformers/chat-short']['ttft-p50']);
});

test('a failed engine is skipped', () => {
  const bmf = toBmf(withFailedEngine('vllm'));
  assert.deepEqual(Object.keys(bmf).sort(), SCENARIOS.map((s) => `transformers/${s}`).sort());
});
