import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookConfidence, plannedLooks, settledBy } from '../../src/sequential.ts';
import { pursued } from '../../src/compare/advice.ts';
import type { Comparison, MetricComparison, SequentialRecord, Verdict } from '../../src/types.ts';

// The sequential design's stop rules on the cells of a look: which undecided cells are worth
// another run, by fail-on, by where their estimate lies and by their own forecast.

function cell(metric: string, verdict: Verdict, ratio: number, runsToSettle: number | null): MetricComparison {
  return { engine: 'e', scenario: 's', metric, baseline: [], current: [], ratio, ci: null, pValue: null, adjustedP: null, tolerance: 0.03, verdict, runsToSettle };
}

function look(...metrics: MetricComparison[]): Comparison {
  return { engines: [{ engine: 'e', metrics }] } as unknown as Comparison;
}

const plan = { maxRuns: 8, failOn: 'regression' } as const;

/** The stop rule where the look and the last look's α judge alike (a cell's forecast is its own). */
const settled = (c: Comparison, p: Parameters<typeof settledBy>[2] = plan): ReturnType<typeof settledBy> => settledBy(c, () => c, p);

test('a regression ends the job whatever else is open; no open cell is decided', () => {
  assert.equal(settled(look(cell('output_throughput', 'regression', 0.9, null), cell('ttft_p95', 'inconclusive', 1.2, 3))), 'regression');
  assert.equal(settled(look(cell('output_throughput', 'no-change', 1, null), cell('ttft_p95', 'improvement', 0.8, null))), 'decided');
});

test('under fail-on regression only a cell past its tolerance on the bad side, forecast to settle within max-runs, buys a run', () => {
  // Throughput 5% lower (bad side, past 3%), settles at 6 runs: worth a run.
  assert.equal(settled(look(cell('output_throughput', 'inconclusive', 0.95, 6))), null);
  // The same cell forecast beyond max-runs (or never): futile.
  assert.equal(settled(look(cell('output_throughput', 'inconclusive', 0.95, 12))), 'futile');
  assert.equal(settled(look(cell('output_throughput', 'inconclusive', 0.95, null))), 'futile');
  // Within the tolerance, or on the good side (TTFT lower is better): it can only end no change or an improvement.
  assert.equal(settled(look(cell('output_throughput', 'inconclusive', 0.98, 4))), 'futile');
  assert.equal(settled(look(cell('ttft_p95', 'inconclusive', 0.9, 4))), 'futile');
  assert.equal(settled(look(cell('ttft_p95', 'inconclusive', 1.1, 4))), null);
  // Under fail-on inconclusive every open cell fails the gate, so any settling one is worth a run.
  assert.equal(settled(look(cell('ttft_p95', 'inconclusive', 0.9, 4)), { ...plan, failOn: 'inconclusive' }), null);
});

test('a cell the look cannot settle but the last look could is worth a run; the last look is asked only where the look settles nothing', () => {
  // Inconclusive at this look's α, forecast to settle at the last look's (or already a regression there).
  const atLook = look(cell('output_throughput', 'inconclusive', 0.95, null));
  assert.equal(settledBy(atLook, () => look(cell('output_throughput', 'inconclusive', 0.95, 6)), plan), null);
  assert.equal(settledBy(atLook, () => look(cell('output_throughput', 'regression', 0.95, null)), plan), null);
  assert.equal(settledBy(atLook, () => look(cell('output_throughput', 'inconclusive', 0.95, 12)), plan), 'futile');
  const never = (): Comparison => assert.fail('the last look is not asked where the look settles the job');
  assert.equal(settledBy(look(cell('output_throughput', 'regression', 0.9, null)), never, plan), 'regression');
  assert.equal(settledBy(look(cell('output_throughput', 'no-change', 1, null)), never, plan), 'decided');
});

test('a cell whose contrast already shows the regression at the last look\'s α is worth a run while its own estimate, on the bad side, has not passed the tolerance', () => {
  const withContrast = (ratio: number, contrast: { ratio: number; adjustedP: number }): MetricComparison => ({ ...cell('output_throughput', 'inconclusive', ratio, null), contrast: { ...contrast, ci: [contrast.ratio - 0.01, contrast.ratio + 0.01], decided: false } });
  const at = (m: MetricComparison): Comparison => ({ ...look(m), confidence: 0.995 }) as Comparison;
  // Contrast −5%, significant at 0.005; own −2% (within the 3% tolerance, no forecast): worth a run.
  assert.equal(settled(at(withContrast(0.98, { ratio: 0.95, adjustedP: 0.001 }))), null);
  // Not significant at the last look's α, within the tolerance, or the own estimate on the good side: futile.
  assert.equal(settled(at(withContrast(0.98, { ratio: 0.95, adjustedP: 0.01 }))), 'futile');
  assert.equal(settled(at(withContrast(0.98, { ratio: 0.98, adjustedP: 0.001 }))), 'futile');
  assert.equal(settled(at(withContrast(1.01, { ratio: 0.95, adjustedP: 0.001 }))), 'futile');
  // The report then says the design pursued it (its runs were spent by max-runs), judged at the α of the look the job stopped at.
  const record = (lookConfidence: number) => ({ runs: 8, looks: 7, plannedLooks: 7, lookConfidence, stopped: 'max-runs', maxRuns: 8, budgetS: null, failOn: 'regression' }) as SequentialRecord;
  const pending = withContrast(0.98, { ratio: 0.95, adjustedP: 0.001 });
  assert.equal(pursued(pending, record(0.995)), true);
  assert.equal(pursued(pending, record(0.9999)), false);
  assert.equal(pursued(pending, undefined), false);
});

test('the looks split 1 − confidence: a quarter to the first, half to the last, a quarter over the looks between; the shares sum to it', () => {
  assert.equal(plannedLooks({ firstRuns: 2, maxRuns: 16 }), 15);
  assert.equal(plannedLooks({ firstRuns: 2, maxRuns: 2 }), 1);
  const near = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-15, `${a} vs ${b}`);
  near(lookConfidence(0.99, 1, 15), 1 - 0.01 / 4);
  near(lookConfidence(0.99, 2, 15), 1 - 0.01 / 4 / 13);
  near(lookConfidence(0.99, 14, 15), 1 - 0.01 / 4 / 13);
  near(lookConfidence(0.99, 15, 15), 1 - 0.01 / 2);
  // Two looks: no look between, so first and last share 1 : 2; one look: the whole confidence.
  near(lookConfidence(0.99, 1, 2), 1 - 0.01 / 3);
  near(lookConfidence(0.99, 2, 2), 1 - 0.02 / 3);
  near(lookConfidence(0.99, 1, 1), 0.99);
  for (const looks of [2, 3, 15, 99]) {
    const spent = Array.from({ length: looks }, (_, i) => 1 - lookConfidence(0.99, i + 1, looks)).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(spent - 0.01) < 1e-12, `${looks} looks spend ${spent}`);
  }
});
