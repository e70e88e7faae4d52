import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strongestChangePoint } from '../../src/compare/changepoint.ts';
import { createRng, sampleNormal } from '../../src/load/random.ts';

/** `n` runs of `reps` repetitions each, around `level` with relative noise `sd`. */
const runs = (seed: number, n: number, sd: number, level = 100, reps = 3): number[][] => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: reps }, () => level * (1 + sd * sampleNormal(rng))));
};

test('finds the run where a step began, with a p-value small enough to survive a family correction', () => {
  // Sixteen runs at 100, then fifteen at 106, 1% noise per repetition: with whole runs permuted,
  // 31 runs resolve p-values far below what a correction over a hundred series needs.
  const history = [...runs(1, 16, 0.01, 100), ...runs(2, 15, 0.01, 106)];
  const cp = strongestChangePoint(history, { seed: 7, permutations: 20_000 });
  assert.ok(cp);
  assert.equal(cp.index, 16);
  assert.ok(cp.pValue < 0.0001, `p = ${cp.pValue}`);
  assert.ok(Math.abs(cp.before - 100) < 1 && Math.abs(cp.after - 106) < 1, `${cp.before} → ${cp.after}`);
  // Eleven runs cannot: no ordering of them is rarer than 1 in C(11, 5) = 462.
  const short = strongestChangePoint([...runs(1, 6, 0.01, 100), ...runs(2, 5, 0.01, 106)], { seed: 7, permutations: 20_000 });
  assert.ok(short!.pValue > 1 / 462 / 2, `p = ${short!.pValue}`);
});

test('a run effect alone is no change point: whole runs are permuted, not repetitions', () => {
  // Each run shifted by its own 3% factor, repetitions 0.2% apart: shuffling repetitions would call
  // almost every such series a shift; shuffling runs keeps the test at its level.
  let significant = 0;
  for (let seed = 0; seed < 40; seed++) {
    const rng = createRng(500 + seed);
    const series = Array.from({ length: 20 }, () => {
      const day = 100 * (1 + 0.03 * sampleNormal(rng));
      return Array.from({ length: 3 }, () => day * (1 + 0.002 * sampleNormal(rng)));
    });
    if (strongestChangePoint(series, { seed, permutations: 999 })!.pValue < 0.05) significant++;
  }
  assert.ok(significant <= 6, `${significant} of 40 unchanged series with a run effect flagged`);
});

test('flat noise gives no significant change point', () => {
  let significant = 0;
  for (let seed = 0; seed < 40; seed++) {
    const cp = strongestChangePoint(runs(100 + seed, 11, 0.02), { seed, permutations: 999 });
    if (cp!.pValue < 0.05) significant++;
  }
  // About 2 of 40 at the 5% level (a calibrated test); a broken one flags most of them.
  assert.ok(significant <= 6, `${significant} of 40 flat series flagged`);
});

test('one odd run at the end is not a change point of minimum size 2', () => {
  const history = [...runs(3, 10, 0.01), [130, 131, 129]];
  const cp = strongestChangePoint(history, { seed: 1, permutations: 999 });
  assert.ok(cp!.index <= history.length - 2);
});

test('single values per run work as a plain series', () => {
  const series = [100, 101, 99, 100, 100.5, 99.5, 120, 121, 119, 120].map((v) => [v]);
  const cp = strongestChangePoint(series, { seed: 2, permutations: 2000 });
  assert.equal(cp!.index, 6);
  assert.ok(cp!.pValue < 0.02);
});

test('the same seed gives the same result; a constant history has p = 1', () => {
  const history = [...runs(4, 6, 0.02, 100), ...runs(5, 5, 0.02, 103)];
  assert.deepEqual(strongestChangePoint(history, { seed: 9 }), strongestChangePoint(history, { seed: 9 }));
  assert.equal(strongestChangePoint([[5, 5], [5, 5], [5, 5], [5, 5]], { seed: 1 })!.pValue, 1);
});

test('too short a history has no change point; bad input is refused', () => {
  assert.equal(strongestChangePoint([[1], [2], [3]], { seed: 1 }), null);
  assert.throws(() => strongestChangePoint([[1], [2], [NaN], [4]], { seed: 1 }), /finite numbers, got NaN/);
  assert.throws(() => strongestChangePoint([[1], [], [3], [4]], { seed: 1 }), /every run needs at least one value/);
  assert.throws(() => strongestChangePoint([[1], [2], [3], [4]], { seed: 1, minSize: 0 }), /minSize must be a whole number ≥ 1/);
});
