import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookConfidence, plannedLooks, settledBy } from '../../src/sequential.ts';
import type { Comparison, MetricComparison, Verdict } from '../../src/types.ts';

// The sequential design's stop rules on the cells of a look: which undecided cells are worth
// another run, by fail-on, by where their estimate lies and by their own forecast.

function cell(metric: string, verdict: Verdict, ratio: number, runsToSettle: number | null): MetricComparison {
  return { engine: 'e', scenario: 's', metric, baseline: [], current: [], ratio, ci: null, pValue: null, adjustedP: null, tolerance: 0.03, verdict, runsToSettle };
}

function look(...metrics: MetricComparison[]): Comparison {
  return { engines: [{ engine: 'e', metrics }] } as unknown as Comparison;
}

const plan = { maxRuns: 8, failOn: 'regression' } as const;

test('a regression ends the job whatever else is open; no open cell is decided', () => {
  assert.equal(settledBy(look(cell('output_throughput', 'regression', 0.9, null), cell('ttft_p95', 'inconclusive', 1.2, 3)), plan), 'regression');
  assert.equal(settledBy(look(cell('output_throughput', 'no-change', 1, null), cell('ttft_p95', 'improvement', 0.8, null)), plan), 'decided');
});

test('under fail-on regression only a cell past its tolerance on the bad side, forecast to settle within max-runs, buys a run', () => {
  // Throughput 5% lower (bad side, past 3%), settles at 6 runs: worth a run.
  assert.equal(settledBy(look(cell('output_throughput', 'inconclusive', 0.95, 6)), plan), null);
  // The same cell forecast beyond max-runs (or never): futile.
  assert.equal(settledBy(look(cell('output_throughput', 'inconclusive', 0.95, 12)), plan), 'futile');
  assert.equal(settledBy(look(cell('output_throughput', 'inconclusive', 0.95, null)), plan), 'futile');
  // Within the tolerance, or on the good side (TTFT lower is better): it can only end no change or an improvement.
  assert.equal(settledBy(look(cell('output_throughput', 'inconclusive', 0.98, 4)), plan), 'futile');
  assert.equal(settledBy(look(cell('ttft_p95', 'inconclusive', 0.9, 4)), plan), 'futile');
  assert.equal(settledBy(look(cell('ttft_p95', 'inconclusive', 1.1, 4)), plan), null);
  // Under fail-on inconclusive every open cell fails the gate, so any settling one is worth a run.
  assert.equal(settledBy(look(cell('ttft_p95', 'inconclusive', 0.9, 4)), { ...plan, failOn: 'inconclusive' }), null);
});

test('the looks split 1 − confidence by Bonferroni', () => {
  assert.equal(plannedLooks({ firstRuns: 2, maxRuns: 16 }), 15);
  assert.equal(plannedLooks({ firstRuns: 2, maxRuns: 2 }), 1);
  assert.ok(Math.abs(lookConfidence(0.99, 15) - (1 - 0.01 / 15)) < 1e-15);
});
