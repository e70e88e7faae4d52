import { test } from 'node:test';
import assert from 'node:assert/strict';
import { standardDeviation } from 'simple-statistics';
import { toVllmBench } from '../../src/export/vllm-bench.ts';
import { summarize } from '../../src/metrics/summary.ts';
import type { RequestRecord, RunResult } from '../../src/types.ts';
import { SCENARIOS, runResult } from '../helpers/fixtures.ts';
import { vllmBenchProblems } from './formats.ts';
import { withEngine, withFailedEngine } from './runs.ts';

const byFile = (run: RunResult) => new Map(toVllmBench(run).map((f) => [f.file, f.data]));

test('one valid vllm bench result per engine × scenario, named <engine>-<scenario>.json', () => {
  const files = toVllmBench(runResult());
  for (const f of files) assert.deepEqual(vllmBenchProblems(f.data), [], f.file);
  const expected = ['vllm', 'transformers'].flatMap((e) => SCENARIOS.map((s) => `${e}-${s}.json`));
  assert.deepEqual(files.map((f) => f.file).sort(), [...expected].sort());
});

test('figures are the pooled summary under vLLM\'s names', () => {
  const run = runResult();
  const pooled = run.engines.find((e) => e.engine === 'transformers')!.pooled.find((s) => s.scenario === 'burst-64')!;
  const d = byFile(run).get('transformers-burst-64.json')!;
  assert.equal(d.date, '20260604-151208');
  assert.equal(d.model_id, 'Qwen/Qwen2.5-7B-Instruct');
  assert.equal(d.num_prompts, 192);
  assert.equal(d.completed, 186);
  assert.equal(d.failed, 6);
  assert.equal(d.duration, pooled.durationS);
  assert.equal(d.total_input_tokens, pooled.inputTokens);
  assert.equal(d.total_output_tokens, pooled.outputTokens);
  assert.equal(d.request_throughput, pooled.requestThroughput);
  assert.equal(d.output_throughput, pooled.outputThroughput);
  assert.equal(d.total_token_throughput, pooled.totalTokenThroughput);
  assert.equal(d.request_goodput, pooled.goodput);
  assert.equal(d.max_concurrent_requests, pooled.peakConcurrency);
  for (const [key, dist] of [['ttft', pooled.ttftMs], ['tpot', pooled.tpotMs], ['itl', pooled.itlMs], ['e2el', pooled.e2elMs]] as const) {
    assert.equal(d[`mean_${key}_ms`], dist.mean);
    assert.equal(d[`median_${key}_ms`], dist.p50);
    assert.equal(d[`p50_${key}_ms`], dist.p50);
    assert.equal(d[`p90_${key}_ms`], dist.p90);
    assert.equal(d[`p95_${key}_ms`], dist.p95);
    assert.equal(d[`p99_${key}_ms`], dist.p99);
    // The fixture keeps no request records, so there is nothing to take a standard deviation of.
    assert.ok(!(`std_${key}_ms` in d), `std_${key}_ms written without records`);
  }
  assert.ok(Object.values(d).every((v) => !Array.isArray(v)));
});

test('the load pattern maps to request_rate, burstiness and max_concurrency; the API to the backend', () => {
  const files = byFile(runResult());
  const traffic = (f: string) => {
    const d = files.get(f)!;
    return [d.backend, d.request_rate, d.burstiness, d.max_concurrency];
  };
  assert.deepEqual(traffic('vllm-chat-concurrent-16.json'), ['openai-chat', 'inf', 1, 16]);
  assert.deepEqual(traffic('vllm-poisson-4rps.json'), ['openai', 4, 1, null]);
  assert.deepEqual(traffic('vllm-burst-64.json'), ['openai', 'inf', 1, null]);

  const run = runResult();
  const bursty = {
    ...run,
    scenarioSet: {
      ...run.scenarioSet,
      definitions: run.scenarioSet.definitions.map((d) =>
        d.name === 'poisson-4rps' ? { ...d, load: { kind: 'poisson' as const, rate: 4, burstiness: 0.5, maxConcurrency: 8 }, slo: {} } : d,
      ),
    },
  };
  const d = byFile(bursty).get('vllm-poisson-4rps.json')!;
  assert.deepEqual([d.request_rate, d.burstiness, d.max_concurrency], [4, 0.5, 8]);
  // vLLM writes null goodput when no SLO was given.
  assert.equal(d.request_goodput, null);
  assert.deepEqual(vllmBenchProblems(d), []);
});

function rec(index: number, ok: boolean, ttftMs: number | null, e2elMs: number | null, outputTokens: number | null, itlMs: number[]): RequestRecord {
  return {
    scenario: 'chat-short',
    repetition: 0,
    index,
    scheduledMs: null,
    sendMs: index * 100,
    queueMs: 0,
    promptTokens: 256,
    outputTokens,
    ttftMs,
    e2elMs,
    itlMs,
    chunkTokensEstimated: false,
    ok,
    error: ok ? null : 'http 500: boom',
  };
}

test('with request records kept, std_*_ms is numpy\'s population std of the per-request values', () => {
  // TTFT 10..40 ms; 11 output tokens over E2EL − TTFT = 10·TPOT; every ITL equals the request's TPOT.
  const records = [
    rec(0, true, 10, 110, 11, Array(10).fill(10)),
    rec(1, true, 20, 220, 11, Array(10).fill(20)),
    // No usage from the server: the token count comes from the chunks, as summarize counts it.
    rec(2, true, 30, 330, null, Array(10).fill(30)),
    rec(3, true, 40, 440, 11, Array(10).fill(40)),
    rec(4, false, null, null, null, []),
  ];
  const run = withEngine('vllm', (e) => {
    const def = runResult().scenarioSet.definitions.find((d) => d.name === 'chat-short')!;
    const summary = summarize(records, def, 2, 1);
    return { ...e, records, repetitions: [{ index: 0, order: ['chat-short'], scenarios: [summary] }], pooled: [summary] };
  });
  const d = byFile(run).get('vllm-chat-short.json')!;
  assert.deepEqual(vllmBenchProblems(d), []);
  // np.std([10, 20, 30, 40]) = 11.180339887...; repeating each value ten times leaves it unchanged.
  const expected = standardDeviation([10, 20, 30, 40]);
  for (const key of ['ttft', 'tpot', 'itl']) assert.ok(Math.abs((d[`std_${key}_ms`] as number) - expected) < 1e-9, `std_${key}_ms = ${d[`std_${key}_ms`]}`);
  assert.ok(Math.abs((d.std_e2el_ms as number) - standardDeviation([110, 220, 330, 440])) < 1e-9);
  assert.equal(d.mean_tpot_ms, 25);
  assert.deepEqual([d.completed, d.failed, d.num_prompts], [4, 1, 5]);

  // Records that cover only part of the pooled sample describe another sample: no std then.
  const partial = withEngine('vllm', (e) => {
    const def = runResult().scenarioSet.definitions.find((x) => x.name === 'chat-short')!;
    const summary = summarize(records, def, 2, 1);
    return { ...e, records: records.slice(1), pooled: [summary], repetitions: [] };
  });
  const p = byFile(partial).get('vllm-chat-short.json')!;
  assert.ok(!('std_ttft_ms' in p) && !('std_itl_ms' in p));
});

test('a failed engine is skipped', () => {
  const files = toVllmBench(withFailedEngine('transformers')).map((f) => f.file);
  assert.equal(files.length, SCENARIOS.length);
  assert.ok(files.every((f) => f.startsWith('vllm-')));
});

test('bad input fails with the field and what was expected', () => {
  assert.throws(() => toVllmBench({ ...runResult(), createdAt: 'yesterday' }), /createdAt is "yesterday", expected an ISO 8601 date-time/);
  assert.throws(() => toVllmBench(withEngine('vllm', (e) => ({ ...e, engine: '../vllm' }))), /"\.\.\/vllm" cannot be part of a file name/);
  const run = runResult();
  const missing = { ...run, scenarioSet: { ...run.scenarioSet, definitions: run.scenarioSet.definitions.filter((d) => d.name !== 'long-prompt') } };
  assert.throws(() => toVllmBench(missing), /vllm\/long-prompt: scenarioSet.definitions has no scenario "long-prompt"/);
  const negative = withEngine('vllm', (e) => ({ ...e, pooled: e.pooled.map((s) => ({ ...s, durationS: -1 })) }));
  assert.throws(() => toVllmBench(negative), /vllm\/chat-short: duration is -1, expected a finite number ≥ 0/);
});
