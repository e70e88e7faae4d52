import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_METRICS, netOfSharedFactor } from '../../src/compare/run-effect.ts';

// The run effect read from the other metrics and divided out: exact on a factor every metric
// shares, blind to what one metric does alone, and none with too few metrics to read it from.

const near = (a: number, b: number): boolean => Math.abs(a / b - 1) < 1e-12;

test('a factor every metric shares divides out, oriented by direction; a change of one metric alone stays in it', () => {
  const speed = [1, 1.06, 0.97, 1.02]; // > 1: a slower run
  const rows = [
    { direction: 'higher-is-better' as const, values: speed.map((f, i) => (100 / f) * (i === 3 ? 0.9 : 1)) },
    { direction: 'lower-is-better' as const, values: speed.map((f) => 20 * f) },
    { direction: 'lower-is-better' as const, values: speed.map((f) => 5 * f) },
    { direction: 'higher-is-better' as const, values: speed.map((f) => 3 / f) },
  ];
  const net = netOfSharedFactor(rows)!;
  // The other metrics lose the run's speed entirely: each is constant over the runs.
  for (const m of [1, 2, 3]) for (const v of net[m]) assert.ok(near(v, net[m][0]), `metric ${m}: ${net[m]}`);
  // The first keeps its own 10% loss in the last run, and only that.
  assert.ok(near(net[0][3] / net[0][0], 0.9), `${net[0]}`);
  for (const i of [1, 2]) assert.ok(near(net[0][i], net[0][0]), `${net[0]}`);
});

test('no shared factor from fewer metrics than MIN_METRICS or from rows of unequal length', () => {
  const row = (values: number[]) => ({ direction: 'lower-is-better' as const, values });
  assert.equal(MIN_METRICS, 3);
  assert.equal(netOfSharedFactor([row([1, 2]), row([2, 4])]), null);
  assert.equal(netOfSharedFactor([row([1, 2]), row([2, 4]), row([3])]), null);
  assert.notEqual(netOfSharedFactor([row([1, 2]), row([2, 4]), row([3, 6])]), null);
});
