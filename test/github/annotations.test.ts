import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gateAnnotations, MAX_REGRESSION_ANNOTATIONS } from '../../src/github/annotations.ts';
import { gateOutcome } from '../../src/report/outcome.ts';
import type { Comparison, MetricComparison } from '../../src/types.ts';
import { comparison, runResult } from '../helpers/fixtures.ts';

// Annotations of a gate run: one per regressed engine × scenario, with the level the outcome
// gives (error when the check fails, warning when a policy keeps it green), capped with a note.

/** The fixture's comparison with `n` regressed scenarios on vllm, 2 metrics each. */
function regressed(n: number, passed: boolean): Comparison {
  const c = comparison();
  const template = c.engines[0].metrics.find((m) => m.verdict === 'regression')!;
  const cells: MetricComparison[] = Array.from({ length: n }, (_, i) => [
    { ...template, scenario: `scenario-${i}`, metric: 'tpot_p50' },
    { ...template, scenario: `scenario-${i}`, metric: 'e2el_p50' },
  ]).flat();
  return {
    ...c,
    engines: [{ ...c.engines[0], verdict: 'regression', metrics: cells }, c.engines[1]],
    gate: passed ? { passed: true, verdict: 'regression', reasons: [] } : c.gate,
  };
}

test('one annotation per regressed engine × scenario, its metrics with change, interval and tolerance', () => {
  const c = regressed(2, false);
  const out = gateAnnotations(c, gateOutcome({ run: runResult(), comparison: c, failOn: 'regression' }));
  assert.deepEqual(out.map((a) => [a.level, a.title]), [['error', 'Regression: vllm / scenario-0'], ['error', 'Regression: vllm / scenario-1']]);
  assert.match(out[0].message, /^2 regressions:\nTPOT p50 \+[\d.]+% \[\+[\d.]+%, \+[\d.]+%\] \(tolerance ±[\d.]+%\)\nE2E latency p50 /);
});

test('regressions that do not fail the check are warnings that say why; past the cap one note counts the rest', () => {
  const c = regressed(MAX_REGRESSION_ANNOTATIONS + 3, true);
  const outcome = gateOutcome({ run: runResult(), comparison: c, failOn: 'never' });
  assert.equal(outcome.icon, '⚠️');
  const out = gateAnnotations(c, outcome);
  assert.ok(out.every((a) => a.level === 'warning'));
  assert.equal(out.length, MAX_REGRESSION_ANNOTATIONS + 1);
  assert.match(out[0].message, /^2 regressions \(not failing: fail-on never\):\n/);
  assert.deepEqual(out.at(-1), {
    level: 'warning',
    title: 'Regression: 3 more',
    message: '3 more engine × scenario pairs regressed (6 cells), not annotated one by one: see the job summary',
  });
});

test('a finding with no regressed cell (a drift under fail-on never) still gets a warning beside the green check', () => {
  const c: Comparison = {
    ...comparison(),
    mode: 'schedule',
    engines: comparison().engines.map((e) => ({ ...e, verdict: 'no-change', metrics: e.metrics.map((m) => ({ ...m, verdict: 'no-change' })) })),
    gate: { passed: true, verdict: 'no-change', reasons: [] },
    changePoints: [{ engine: 'vllm', scenario: 'chat-short', metric: 'tpot_p50', index: 3, sha: null, createdAt: '2026-05-29T03:00:00.000Z', before: 18.9, after: 24.4, pValue: 0.004 }],
  };
  const outcome = gateOutcome({ run: runResult(), comparison: c, failOn: 'never' });
  assert.deepEqual(gateAnnotations(c, outcome), [{ level: 'warning', title: 'LLM performance: regression', message: outcome.headline }]);
  assert.match(outcome.headline, /\(not failing: fail-on never\)$/);
});
