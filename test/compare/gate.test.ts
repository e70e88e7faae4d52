import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, signedPercent, worstVerdict, type GateInput, type GatePolicy } from '../../src/compare/gate.ts';
import type { ChangePoint, EngineComparison, MetricComparison, Verdict } from '../../src/types.ts';

function metric(verdict: Verdict, over: Partial<MetricComparison> = {}): MetricComparison {
  return {
    engine: 'sim-vllm',
    scenario: 'chat-8',
    metric: 'tpot_p50',
    baseline: [20, 20.1, 19.9],
    current: [21, 21.1, 21.05],
    ratio: 1.051,
    ci: [1.039, 1.063],
    pValue: 0.0001,
    adjustedP: 0.004,
    tolerance: 0.03,
    verdict,
    runsToSettle: null,
    ...over,
  };
}

function engine(verdict: Verdict, metrics: MetricComparison[], over: Partial<EngineComparison> = {}): EngineComparison {
  return { engine: 'sim-vllm', verdict, baselineRuns: metrics.length ? 10 : 0, fingerprintDiffs: [], metrics, history: [], ...over };
}

const input = (engines: EngineComparison[], over: Partial<GateInput> = {}): GateInput => ({ engines, changePoints: [], sloViolations: [], ...over });
const policy = (over: Partial<GatePolicy> = {}): GatePolicy => ({ mode: 'pr', failOn: 'regression', failOnMissingBaseline: false, ...over });

test('a regression fails a pr gate, named with scenario, metric, change, interval and tolerance', () => {
  const d = decide(input([engine('regression', [metric('regression'), metric('no-change', { metric: 'ttft_p50' })])]), policy());
  assert.deepEqual(d, { passed: false, verdict: 'regression', reasons: ['sim-vllm / chat-8 / tpot_p50: +5.1% [+3.9%, +6.3%] (tolerance 3%)'] });
});

test('failOn never passes regressions; failOn inconclusive also fails inconclusive results', () => {
  const e = engine('regression', [metric('regression'), metric('inconclusive', { metric: 'ttft_p95', ratio: 0.97, ci: [0.9, 1.045], tolerance: 0.08, runsToSettle: 7 })]);
  assert.deepEqual(decide(input([e]), policy({ failOn: 'never' })), { passed: true, verdict: 'regression', reasons: [] });
  const strict = decide(input([e]), policy({ failOn: 'inconclusive' }));
  assert.equal(strict.passed, false);
  assert.deepEqual(strict.reasons, [
    'sim-vllm / chat-8 / tpot_p50: +5.1% [+3.9%, +6.3%] (tolerance 3%)',
    'sim-vllm / chat-8 / ttft_p95: inconclusive, -3.0% [-10.0%, +4.5%] (tolerance 8%); about 7 runs per job would settle it',
  ]);
  const onlyInconclusive = engine('inconclusive', [metric('inconclusive', { runsToSettle: null })]);
  assert.equal(decide(input([onlyInconclusive]), policy()).passed, true, 'inconclusive passes by default');
  assert.match(decide(input([onlyInconclusive]), policy({ failOn: 'inconclusive' })).reasons[0], /more runs per job than can settle it with this history/);
});

test('under fail-on inconclusive a sequential job\'s reason names the knob that buys the runs as the job ran, as the report does', () => {
  const open = (runsToSettle: number): EngineComparison => engine('inconclusive', [metric('inconclusive', { metric: 'ttft_p95', ratio: 0.97, ci: [0.9, 1.045], tolerance: 0.08, runsToSettle })]);
  const seq = { runs: 16, looks: 15, plannedLooks: 15, lookConfidence: 0.995, stopped: 'max-runs', maxRuns: 16, budgetS: 3600, measuredS: 2400, failOn: 'inconclusive' } as const;
  const reason = (e: EngineComparison, sequential?: GateInput['sequential']): string => decide(input([e], { sequential }), policy({ failOn: 'inconclusive' })).reasons[0];
  // Compared once: `runs` buys them, and the reason says only how many.
  assert.match(reason(open(20)), /; about 20 runs per job would settle it$/);
  // At max-runs: more `runs` would not reach the cell; a larger max-runs would.
  assert.match(reason(open(20), seq), /; about 20 runs per job would settle it, through a larger max-runs$/);
  // Stopped by the budget at 5 runs of 300 s: a longer budget (and max-runs where the forecast lies beyond it).
  const budget = { ...seq, runs: 5, looks: 4, stopped: 'budget', measuredS: 1500 } as const;
  assert.match(reason(open(12), budget), /; about 12 runs per job would settle it, through a longer time-budget$/);
  assert.match(reason(open(20), budget), /; about 20 runs per job would settle it, through a larger max-runs and a longer time-budget$/);
  // Stopped at a regression within max-runs: no input would buy the runs, and the reason says why.
  assert.match(reason(open(9), { ...seq, runs: 5, stopped: 'regression' }), /; about 9 runs per job would settle it \(the job stopped at 5 runs, where a regression was found\)$/);
});

test('a passing gate still reports the worst verdict it saw', () => {
  const d = decide(input([engine('improvement', [metric('improvement')]), engine('inconclusive', [metric('inconclusive')], { engine: 'sim-hf' })]), policy());
  assert.deepEqual(d, { passed: true, verdict: 'inconclusive', reasons: [] });
  assert.equal(worstVerdict(['no-change', 'improvement', 'no-baseline']), 'no-baseline');
  assert.equal(worstVerdict([]), null);
});

test('baseline mode records only: regressions pass, a failed engine does not', () => {
  const regressed = engine('regression', [metric('regression')]);
  assert.equal(decide(input([regressed]), policy({ mode: 'baseline' })).passed, true);
  const failed = engine('error', [], { engine: 'sim-hf' });
  const d = decide(input([regressed, failed], { engineErrors: { 'sim-hf': 'timed out waiting for /health' } }), policy({ mode: 'baseline', failOn: 'never' }));
  assert.deepEqual(d, { passed: false, verdict: 'error', reasons: ['sim-hf: the engine failed: timed out waiting for /health'] });
});

test('a scenario without results fails in every mode', () => {
  const e = engine('error', [metric('error', { ratio: null, ci: null, current: [] })]);
  const d = decide(input([e]), policy({ mode: 'baseline', failOn: 'never' }));
  assert.deepEqual(d, { passed: false, verdict: 'error', reasons: ['sim-vllm / chat-8 / tpot_p50: no value (the scenario has no result)'] });
});

test('a missing or non-comparable baseline fails only with failOnMissingBaseline', () => {
  const none = engine('no-baseline', [metric('no-baseline', { ratio: null, ci: null })], { baselineRuns: 0 });
  const other = engine('not-comparable', [metric('not-comparable', { ratio: null, ci: null })], {
    engine: 'sim-hf',
    baselineRuns: 0,
    fingerprintDiffs: [{ field: 'engine.version', baseline: '0.10.2', current: '0.11.0' }],
  });
  assert.equal(decide(input([none, other]), policy()).passed, true);
  assert.deepEqual(decide(input([none, other]), policy({ failOnMissingBaseline: true })), {
    passed: false,
    verdict: 'not-comparable',
    reasons: ['sim-vllm: no baseline recorded yet for this engine, model, scenario set and GPU', 'sim-hf: the baseline is not comparable (engine.version 0.10.2 → 0.11.0)'],
  });
});

test('release mode fails on absolute limits, other modes only report them', () => {
  const slo = [
    { engine: 'sim-vllm', scenario: 'chat-8', metric: 'ttft_p95', limit: 500, value: 612.34 },
    { engine: 'sim-vllm', scenario: 'chat-8', metric: 'output_throughput', limit: 900, value: 871.2 },
  ];
  const ok = engine('no-change', [metric('no-change')]);
  assert.equal(decide(input([ok], { sloViolations: slo }), policy()).passed, true);
  assert.deepEqual(decide(input([ok], { sloViolations: slo }), policy({ mode: 'release' })), {
    passed: false,
    verdict: 'regression',
    reasons: ['sim-vllm / chat-8 / ttft_p95: 612.3 ms is above the limit 500 ms', 'sim-vllm / chat-8 / output_throughput: 871.2 tok/s is below the limit 900 tok/s'],
  });
});

test('schedule mode fails on a change point that is worse beyond the tolerance, not on an improvement or a small one', () => {
  const cp = (over: Partial<ChangePoint>): ChangePoint => ({
    engine: 'sim-vllm',
    scenario: 'chat-8',
    metric: 'tpot_p50',
    index: 6,
    sha: 'abcdef1234567890abcdef1234567890abcdef12',
    createdAt: '2026-05-07T00:00:00.000Z',
    before: 20,
    after: 21.2,
    pValue: 0.004,
    ...over,
  });
  const e = engine('no-change', [metric('no-change')]);
  const d = decide(input([e], { changePoints: [cp({}), cp({ after: 18 }), cp({ after: 20.4 }), cp({ metric: 'output_throughput', before: 1000, after: 900 })] }), policy({ mode: 'schedule' }));
  assert.deepEqual(d.reasons, [
    'sim-vllm / chat-8 / tpot_p50: level shifted +6.0% from run 7 (abcdef1): 20 ms → 21.2 ms (tolerance 3%, p = 0.004)',
    'sim-vllm / chat-8 / output_throughput: level shifted -10.0% from run 7 (abcdef1): 1000 tok/s → 900 tok/s (tolerance 3%, p = 0.004)',
  ]);
  assert.equal(decide(input([e], { changePoints: [cp({})] }), policy()).passed, true, 'pr mode does not act on change points');
});

test('signedPercent rounds to one decimal and never shows -0.0%', () => {
  assert.equal(signedPercent(1.051), '+5.1%');
  assert.equal(signedPercent(0.9), '-10.0%');
  assert.equal(signedPercent(0.99999), '+0.0%');
});
