import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seriesWeights } from '../../src/compare/series.ts';
import { SUITE } from '../../src/compare/cells.ts';

// The change-point family weighs each whole-scenario-set series as much as its engine × metric's
// scenario series together (as the regression family weighs the whole-set cells), so an
// engine-wide drift, seen with the least noise in the whole-set series, is tested at half its
// metric's α instead of one share among all the series.

test('a whole-set series weighs as much as its engine × metric scenario series together; each scenario series weighs 1', () => {
  const series = [
    ...['a', 'b', 'c'].map((scenario) => ({ engine: 'vllm', scenario, metric: 'output_throughput' })),
    { engine: 'vllm', scenario: SUITE, metric: 'output_throughput' },
    // Another metric of the engine with two scenarios, and another engine: counted apart.
    ...['a', 'b'].map((scenario) => ({ engine: 'vllm', scenario, metric: 'ttft_p95' })),
    { engine: 'vllm', scenario: SUITE, metric: 'ttft_p95' },
    { engine: 'hf', scenario: 'a', metric: 'output_throughput' },
    { engine: 'hf', scenario: SUITE, metric: 'output_throughput' },
  ];
  assert.deepEqual(seriesWeights(series), [1, 1, 1, 3, 1, 1, 2, 1, 1]);
  // With the whole-set series net of the run effect beside the plain one, the two share that weight.
  const net = [...series, { engine: 'vllm', scenario: SUITE, metric: 'output_throughput', net: true as const }];
  assert.deepEqual(seriesWeights(net), [1, 1, 1, 1.5, 1, 1, 2, 1, 1, 1.5]);
  // A whole-set series with no scenario series beside it keeps weight 1 (never 0: every series is tested).
  assert.deepEqual(seriesWeights([{ engine: 'vllm', scenario: SUITE, metric: 'goodput' }]), [1]);
});
