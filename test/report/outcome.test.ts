import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gateOutcome } from '../../src/report/outcome.ts';
import type { Comparison, MetricComparison } from '../../src/types.ts';
import { comparison, runResult } from '../helpers/fixtures.ts';

// Release mode: what a release must prove is the suite intervals (non-inferiority). A release that
// proved it passes, whatever per-scenario cells stay undecided; one that did not prove it is never
// ✅, even where fail-on never kept the check green.

/** The fixture in release mode, every cell regression-free and inconclusive, each one's bad side held within tolerance or not. */
function release(holds: boolean, passed: boolean): Comparison {
  const base = comparison();
  const cell = (m: MetricComparison): MetricComparison => ({ ...m, verdict: 'inconclusive', worstPlausible: m.ci![1], nonInferior: holds });
  return {
    ...base,
    mode: 'release',
    engines: base.engines.map((e) => ({ ...e, verdict: 'inconclusive', metrics: e.metrics.map(cell) })),
    gate: passed ? { passed: true, verdict: 'inconclusive', reasons: [] } : { passed: false, verdict: 'inconclusive', reasons: ['not shown within tolerance'] },
  };
}

test('a release that proved non-inferiority passes, though cells it need not decide stay inconclusive', () => {
  const o = gateOutcome({ run: runResult(), comparison: release(true, true), failOn: 'inconclusive' });
  assert.deepEqual([o.outcome, o.icon, o.failed, o.verdict], ['passed', '✅', false, 'no-change']);
});

test('a release not shown within tolerance is inconclusive: failed under fail-on inconclusive, ⚠️ under fail-on never', () => {
  const failing = gateOutcome({ run: runResult(), comparison: release(false, false), failOn: 'inconclusive' });
  assert.deepEqual([failing.outcome, failing.icon, failing.failed], ['inconclusive', '❌', true]);
  assert.match(failing.headline, /^failed — inconclusive — /);
  const reportOnly = gateOutcome({ run: runResult(), comparison: release(false, true), failOn: 'never' });
  assert.deepEqual([reportOnly.outcome, reportOnly.icon, reportOnly.failed], ['inconclusive', '⚠️', false]);
  assert.match(reportOnly.headline, /^inconclusive — \d+ cells undecided; .* \(not failing: fail-on never\)$/);
});

test('a drift beyond tolerance (schedule) or an exceeded limit (release) under fail-on never is a regression under ⚠️, never ✅', () => {
  const base = comparison();
  const passing = { passed: true, verdict: 'no-change', reasons: [] } as const;
  const drift: Comparison = {
    ...base,
    mode: 'schedule',
    gate: passing,
    changePoints: [{ engine: 'vllm', scenario: 'chat-short', metric: 'tpot_p50', index: 3, sha: 'd319e2dc0ffee3', createdAt: '2026-05-29T03:00:00.000Z', before: 18.9, after: 24.4, pValue: 0.004 }],
  };
  const d = gateOutcome({ run: runResult(), comparison: drift, failOn: 'never' });
  assert.deepEqual([d.outcome, d.icon, d.failed, d.verdict], ['regression', '⚠️', false, 'regression']);
  assert.match(d.headline, /change point.*\(not failing: fail-on never\)$/);
  // Within tolerance (+2%), a change point is no regression.
  const small = gateOutcome({ run: runResult(), comparison: { ...drift, changePoints: [{ ...drift.changePoints[0], after: 19.3 }] }, failOn: 'never' });
  assert.equal(small.outcome, 'passed');
  const limit: Comparison = { ...base, mode: 'release', gate: passing, sloViolations: [{ engine: 'vllm', scenario: 'chat-short', metric: 'ttft_p95', value: 900, limit: 500 }] };
  const l = gateOutcome({ run: runResult(), comparison: limit, failOn: 'never' });
  assert.deepEqual([l.outcome, l.icon, l.failed], ['regression', '⚠️', false]);
});
