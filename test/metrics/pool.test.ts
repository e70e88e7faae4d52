import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capacityReading } from '../../src/capacity.ts';
import { poolRepetitions } from '../../src/metrics/pool.ts';
import { summarize } from '../../src/metrics/summary.ts';
import type { CapacityResult, RepetitionResult } from '../../src/types.ts';
import { scenarioDef } from '../helpers/make-run.ts';

// The pooled capacity of a run is what the report, the exports and the dashboard show: a
// repetition whose search missed even its lowest load makes it a bound, never nothing and never a value.

const SCENARIO = scenarioDef('headroom', { input: { kind: 'fixed', tokens: 100 }, output: { kind: 'fixed', tokens: 10 } });

const search = (capacity: number | null, firstMiss: number | null): CapacityResult => ({ over: 'rate', capacity, firstMiss, probes: [], searchS: 30 });

function pooled(...searches: CapacityResult[]): CapacityResult {
  const reps: RepetitionResult[] = searches.map((c, index) => ({ index, order: [SCENARIO.name], scenarios: [summarize([], SCENARIO, 1, 0, undefined, c)] }));
  return poolRepetitions(reps, [], [SCENARIO])[0].capacity!;
}

const close = (a: number | null, b: number): void => assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${a} != ${b}`);

test('repetitions that all found a capacity pool to the geometric means of capacities and first misses', () => {
  const p = pooled(search(2, 4), search(8, 16));
  close(p.capacity, 4);
  close(p.firstMiss, 8);
  assert.equal(p.searchS, 60);
});

test('one repetition below its lowest load makes the pooled capacity a bound: the geometric mean with that bound in its place', () => {
  const p = pooled(search(4, 8), search(null, 1));
  assert.equal(p.capacity, null);
  close(p.firstMiss, 2);
  assert.deepEqual(capacityReading(p), { value: p.firstMiss, below: true });
});

test('one repetition below its lowest load and one past its highest still give a bound, not nothing', () => {
  const p = pooled(search(null, 0.5), search(32, null));
  assert.equal(p.capacity, null);
  close(p.firstMiss, 4);
  assert.deepEqual(capacityReading(p), { value: p.firstMiss, below: true });
});

test('a repetition past its highest load leaves the pooled first miss unknown', () => {
  const p = pooled(search(4, 8), search(32, null));
  close(p.capacity, Math.sqrt(128));
  assert.equal(p.firstMiss, null);
});
