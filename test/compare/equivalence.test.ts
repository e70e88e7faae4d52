import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimate, judge, runsToSettle, withinTolerance, type Estimate } from '../../src/compare/estimation.ts';
import { studentTQuantile } from '../../src/compare/stats.ts';
import { metricDef } from '../../src/metrics/catalog.ts';

// "No change" is Schuirmann's equivalence test: two one-sided tests at α, i.e. the (1 − 2α)
// interval inside ±tolerance. The two-sided interval at the confidence level a row shows tests at
// α / 2 a side; between the two quantiles lies what this test decides and that interval did not.

const ALPHA = 0.01;
const E2EL = metricDef('e2el_p50'); // lower is better, tolerance 3%
const NO_SIGNIFICANCE = { worse: 1, better: 1 };

/** Ten stored runs and two current ones of E2E latency (ms), the current shifted by the log `shift`. */
function e2elEstimate(shift: number): Estimate {
  const spread = [-0.9, -0.6, -0.4, -0.2, 0, 0.1, 0.3, 0.5, 0.6, 0.8];
  const base = spread.map((s, i) => [500 * Math.exp(0.01 * s), 500 * Math.exp(0.01 * (s + (i % 2 ? 0.3 : -0.3)))]);
  const cur = [-0.5, 0.5].map((s) => [500 * Math.exp(0.01 * s + shift), 500 * Math.exp(0.01 * (s + 0.2) + shift)]);
  const est = estimate(base, cur, E2EL.tolerance, 1 - ALPHA, 'runs');
  assert.ok(est, 'ten stored and two current runs give an estimate');
  return est;
}

/** The shift that puts the upper bound `q` standard errors past the estimate just at the tolerance. */
function shiftAt(q: number): number {
  const { se, df, effect } = e2elEstimate(0);
  assert.ok(df >= 4 && se > 0, `df ${df}, se ${se}`);
  return Math.log1p(E2EL.tolerance) - q * se - effect;
}

test('no change: both one-sided bounds at the confidence level within the tolerance, where the two-sided interval reaches past it', () => {
  const { df } = e2elEstimate(0);
  const oneSided = studentTQuantile(1 - ALPHA, df);
  const twoSided = studentTQuantile(1 - ALPHA / 2, df);
  const est = e2elEstimate(shiftAt((oneSided + twoSided) / 2));
  assert.ok(est.ci[1] > 1 + E2EL.tolerance, `the 99% interval ${est.ci} reaches past +3%`);
  assert.ok(est.ratio < 1 + E2EL.tolerance && est.ratio > 1);
  assert.equal(withinTolerance(est, ALPHA), true);
  assert.equal(judge(E2EL, E2EL.tolerance, est, NO_SIGNIFICANCE, ALPHA, 'estimate'), 'no-change');
});

test('inconclusive where one one-sided bound at the confidence level reaches past the tolerance; runsToSettle forecasts the equivalence test', () => {
  const { df } = e2elEstimate(0);
  const est = e2elEstimate(shiftAt(0.9 * studentTQuantile(1 - ALPHA, df)));
  assert.equal(withinTolerance(est, ALPHA), false);
  assert.equal(judge(E2EL, E2EL.tolerance, est, NO_SIGNIFICANCE, ALPHA, 'estimate'), 'inconclusive');
  const r = runsToSettle(est, 'estimate', ALPHA, 1 / 126, 2);
  assert.ok(r !== null && r > 2, `runs to settle ${r}`);
  // At r runs the forecast passes the test, at r − 1 it does not.
  const passes = (runs: number): boolean => {
    const { se, df: d } = est.predict(runs);
    return withinTolerance({ ...est, se, df: d }, ALPHA);
  };
  assert.equal(passes(r), true);
  assert.equal(passes(r - 1), false);
});

test('an estimate beyond the tolerance is never no change, however tight', () => {
  const est = e2elEstimate(Math.log(1.04));
  assert.equal(withinTolerance(est, ALPHA), false);
  assert.equal(withinTolerance({ ...est, se: 0 }, ALPHA), false);
  assert.equal(withinTolerance({ ...est, effect: 0, se: 0 }, ALPHA), true);
});
