import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bhAdjust,
  holmAdjust,
  lnGamma,
  pooledTTest,
  regularizedIncompleteBeta,
  runsTest,
  trimmedMean,
  studentTCdf,
  studentTQuantile,
  studentTTwoSided,
  welchTTest,
} from '../../src/compare/stats.ts';
import { estimate } from '../../src/compare/estimation.ts';

// Every literal below was produced with SciPy 1.17.1 (python3, numpy float64); the call that gave
// it is written next to it.

function close(actual: number, expected: number, rel = 1e-12, what = ''): void {
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
  assert.ok(err <= rel, `${what} ${actual} differs from ${expected} by ${err.toExponential(2)} (relative), allowed ${rel}`);
}

test('lnGamma matches scipy.special.gammaln', () => {
  close(lnGamma(0.1), 2.252712651734206, 1e-14, 'gammaln(0.1)');
  close(lnGamma(3.7), 1.428072326665388, 1e-14, 'gammaln(3.7)');
  close(lnGamma(100), 359.1342053695754, 1e-14, 'gammaln(100)');
  assert.throws(() => lnGamma(0), /x > 0/);
});

test('regularized incomplete beta matches scipy.special.betainc(a, b, x)', () => {
  close(regularizedIncompleteBeta(0.3, 2, 5), 0.5798250000000003, 1e-13, 'betainc(2, 5, 0.3)');
  close(regularizedIncompleteBeta(0.999, 0.5, 0.5), 0.9798649583666235, 1e-13, 'betainc(0.5, 0.5, 0.999)');
  // Deep in the tail: relative, not absolute, precision is what a tiny p-value needs.
  close(regularizedIncompleteBeta(0.01, 100, 200), 3.827816088845001e-120, 1e-11, 'betainc(100, 200, 0.01)');
  assert.equal(regularizedIncompleteBeta(0, 2, 3), 0);
  assert.equal(regularizedIncompleteBeta(1, 2, 3), 1);
  assert.throws(() => regularizedIncompleteBeta(1.5, 2, 3), /0 ≤ x ≤ 1/);
});

test('Student t CDF matches scipy.stats.t.cdf(t, df), including fractional df', () => {
  close(studentTCdf(0.5, 1), 0.6475836176504333, 1e-14, 't.cdf(0.5, 1)');
  close(studentTCdf(-3, 2.5), 0.036288047774515914, 1e-14, 't.cdf(-3, 2.5)');
  close(studentTCdf(1.96, 30), 0.9703288435519748, 1e-14, 't.cdf(1.96, 30)');
  close(studentTCdf(10, 3), 0.9989358004707929, 1e-14, 't.cdf(10, 3)');
  close(studentTCdf(-0.1, 1000), 0.46018218451180204, 1e-12, 't.cdf(-0.1, 1000)');
  close(studentTCdf(4, 7.3), 0.9976188164178365, 1e-14, 't.cdf(4, 7.3)');
  assert.equal(studentTCdf(0, 4), 0.5);
  assert.throws(() => studentTCdf(1, 0), /degrees of freedom > 0/);
});

test('two-sided tail keeps relative precision for tiny p (2 * scipy.stats.t.sf(|t|, df))', () => {
  close(studentTTwoSided(1.96, 30), 0.05934231289605049, 1e-13, '2*t.sf(1.96, 30)');
  close(studentTTwoSided(4, 7.3), 0.004762367164327108, 1e-13, '2*t.sf(4, 7.3)');
  close(studentTTwoSided(8, 100), 2.2728648077280694e-12, 1e-12, '2*t.sf(8, 100)');
  close(studentTTwoSided(-10, 3), 0.0021283990584141503, 1e-13, '2*t.sf(10, 3)');
});

test('Student t quantile matches scipy.stats.t.ppf(p, df) from the centre to far tails', () => {
  close(studentTQuantile(0.975, 2), 4.302652729749462, 1e-13, 't.ppf(0.975, 2)');
  close(studentTQuantile(0.975, 31), 2.039513446396408, 1e-13, 't.ppf(0.975, 31)');
  close(studentTQuantile(0.9999, 4.5), 11.02099636861251, 1e-13, 't.ppf(0.9999, 4.5)');
  close(studentTQuantile(1 - 1e-8, 2.1), 4786.487637433866, 1e-12, 't.ppf(1 - 1e-8, 2.1)');
  close(studentTQuantile(0.025, 10), -2.2281388519862753, 1e-13, 't.ppf(0.025, 10)');
  close(studentTQuantile(1e-12, 1), -318309886183.7907, 1e-12, 't.ppf(1e-12, 1)');
  close(studentTQuantile(0.6, 0.7), 0.35603136523468015, 1e-13, 't.ppf(0.6, 0.7)');
  close(studentTQuantile(0.7, 3), 0.5843897274398182, 1e-13, 't.ppf(0.7, 3)');
  assert.equal(studentTQuantile(0.5, 3), 0);
  assert.equal(studentTQuantile(1, 3), Infinity);
  assert.throws(() => studentTQuantile(1.2, 3), /0 ≤ p ≤ 1/);
});

test('quantile inverts the CDF', () => {
  for (const df of [1, 2.5, 9, 40]) {
    for (const p of [0.001, 0.2, 0.5001, 0.9, 0.99999]) close(studentTCdf(studentTQuantile(p, df), df), p, 1e-12, `cdf(ppf(${p}, ${df}))`);
  }
});

// A baseline of 10 repetitions and a current run of 3 about 3.7% higher.
const BASE = [101.2, 99.1, 100.4, 98.7, 100.9, 99.8, 101.5, 100.2, 99.4, 100.6];
const CUR = [103.9, 104.8, 103.1];
const log = (xs: number[]): number[] => xs.map(Math.log);

test("Welch's t-test on logs matches scipy.stats.ttest_ind(log(cur), log(base), equal_var=False)", () => {
  const r = welchTTest(log(BASE), log(CUR));
  close(r.t, 6.632553430657366, 1e-12, 'statistic');
  close(r.df, 3.6882776367499424, 1e-12, 'df');
  close(r.pTwoSided, 0.0035554547681132032, 1e-11, 'pvalue');
  close(r.pGreater, 0.0017777273840566016, 1e-11, "alternative='greater'");
  close(r.pLess, 0.9982222726159434, 1e-12, "alternative='less'");
  assert.throws(() => welchTTest([1], [1, 2]), /at least 2 values/);
});

test('pooled t-test on logs matches scipy.stats.ttest_ind(log(cur), log(base), equal_var=True)', () => {
  const r = pooledTTest(log(BASE), log(CUR));
  close(r.t, 6.1935315049636355, 1e-12, 'statistic');
  assert.equal(r.df, 11);
  close(r.pTwoSided, 6.77752952053286e-5, 1e-11, 'pvalue');
  close(r.pGreater, 3.38876476026643e-5, 1e-11, "alternative='greater'");
  close(r.pLess, 0.9999661123523973, 1e-12, "alternative='less'");
});

test('ratio of geometric means with its interval: exp of ttest_ind(...).confidence_interval(level)', () => {
  const w = estimate([BASE], [CUR], 0.05, 0.95, 'welch')!;
  close(w.ratio, 1.03748225729001, 1e-13, 'ratio = exp(mean(log cur) - mean(log base))');
  close(w.ci[0], 1.0210853324988352, 1e-12, 'welch 95% low');
  close(w.ci[1], 1.0541424893034612, 1e-12, 'welch 95% high');
  const w99 = estimate([BASE], [CUR], 0.05, 0.99, 'welch')!;
  close(w99.ci[0], 1.0097651012533622, 1e-12, 'welch 99% low');
  close(w99.ci[1], 1.0659602246656577, 1e-12, 'welch 99% high');
  const p = estimate([BASE], [CUR], 0.05, 0.95, 'pooled')!;
  close(p.ci[0], 1.0240039945206112, 1e-12, 'pooled 95% low');
  close(p.ci[1], 1.0511379251947923, 1e-12, 'pooled 95% high');
});

test('runs test, one current run: the prediction of a new run from the spread of the baseline runs', () => {
  // Baseline runs [1,2] [3,4] [5,6] → summaries 1.5, 3.5, 5.5 (variance 4, 2 df); current run [7,9] → 8.
  // Var = 4·(1/3 + 1/1) = 16/3 with 2 df; the within-run floor 0.875·(0.5/3 + 0.5) is below it.
  const r = runsTest([[1, 2], [3, 4], [5, 6]], [[7, 9]])!;
  close(r.diff, 4.5, 1e-15, 'diff');
  close(r.se, Math.sqrt(16 / 3), 1e-14, 'se');
  close(r.df, 2, 1e-12, 'df');
  close(r.pTwoSided, studentTTwoSided(4.5 / Math.sqrt(16 / 3), 2), 1e-14, 'p');
  close(r.noise.within, 0.875, 1e-15, 'within-run variance pooled over every run');
  close(r.noise.between!, 4 - 0.875 / 2, 1e-15, 'run-to-run variance, untruncated');
  // More current runs shrink only the current side's share, 4·(1/3 + 1/3), and add their 2 df.
  close(r.predict(3).se, Math.sqrt(8 / 3), 1e-14, 'predicted se with 3 runs');
  close(r.predict(3).df, 4, 1e-12, 'predicted df with 3 runs');
});

test('runs test, runs on both sides: summaries pooled over both sides, k + R − 2 degrees of freedom', () => {
  // Summaries 1.5, 3.5, 5.5 (SS 8) and 8, 10 (SS 2): s² = 10/3 on 3 df; Var = s²·(1/3 + 1/2).
  const r = runsTest([[1, 2], [3, 4], [5, 6]], [[7, 9], [9, 11]])!;
  close(r.diff, 9 - 3.5, 1e-15, 'diff');
  close(r.se, Math.sqrt((10 / 3) * (1 / 3 + 1 / 2)), 1e-14, 'se');
  close(r.df, 3, 1e-12, 'df');
});

test("runs test: Welch's form when one side's summaries do not spread at all", () => {
  // Current summaries 8 and 8: a pooled variance would average in that zero spread. Welch: 4/3 + 0, 2 df.
  const r = runsTest([[1, 2], [3, 4], [5, 6]], [[7, 9], [8, 8]])!;
  close(r.se, Math.sqrt(4 / 3), 1e-14, 'se');
  close(r.df, 2, 1e-12, 'df');
  // A baseline of identical runs against a noisy current run: the within-run floor, never "certain".
  const steady = runsTest([[5, 5], [5, 5], [5, 5]], [[5.1, 5.3]])!;
  assert.ok(steady.se > 0 && steady.pTwoSided > 0, `se ${steady.se}, p ${steady.pTwoSided}`);
});

test('runs test: exactly equal samples give p = 1; one run on each side cannot bound run-to-run noise', () => {
  const same = runsTest([[3, 3], [3, 3]], [[3, 3]])!;
  assert.equal(same.pTwoSided, 1);
  assert.equal(runsTest([[1, 2]], [[3, 4]]), null);
  assert.throws(() => runsTest([[1, 2], []], [[3]]), /at least one run with values/);
});

test('a run is summarised by its 20% trimmed mean: one bad repetition of five does not decide it', () => {
  assert.equal(trimmedMean([1, 2, 3, 4, 100]), 3);
  assert.equal(trimmedMean([2, 4]), 3);
  const r = runsTest([[10, 10.1, 9.9, 10, 10.05], [10.1, 10, 9.95, 10, 10.02]], [[10, 10.1, 9.9, 10.05, 30]])!;
  assert.ok(Math.abs(r.diff) < 0.1, `diff ${r.diff}`);
});

test('runs test keeps its false-positive rate when whole runs vary; the pooled test does not', () => {
  // 10 baseline runs and a current run of 5 repetitions; run effect and repetition noise of equal
  // size, no change. At α = 0.05 (and at 0.005, further in the tail) a calibrated test rejects at α.
  let state = 12345;
  const uniform = (): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) + 0.5) / 2 ** 32;
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const run = (): number[] => {
    const effect = normal();
    return Array.from({ length: 4 }, () => effect + normal());
  };
  let runsRejects = 0;
  let tailRejects = 0;
  let pooledRejects = 0;
  const trials = 4000;
  for (let i = 0; i < trials; i++) {
    const baseline = Array.from({ length: 10 }, run);
    const current = [run()];
    const p = runsTest(baseline, current)!.pTwoSided;
    if (p < 0.05) runsRejects++;
    if (p < 0.005) tailRejects++;
    if (pooledTTest(baseline.flat(), current.flat()).pTwoSided < 0.05) pooledRejects++;
  }
  const rate = runsRejects / trials;
  assert.ok(rate > 0.04 && rate < 0.062, `runs test rejected ${(rate * 100).toFixed(1)}% of null trials at 0.05`);
  assert.ok(tailRejects / trials < 0.009, `runs test rejected ${((tailRejects / trials) * 100).toFixed(2)}% at 0.005`);
  assert.ok(pooledRejects / trials > 0.2, `pooled t-test rejected only ${((pooledRejects / trials) * 100).toFixed(1)}%`);
});

test('identical constant samples give p = 1; different constant samples give p = 0', () => {
  const same = pooledTTest([2, 2, 2], [2, 2]);
  assert.equal(same.pTwoSided, 1);
  const apart = pooledTTest([2, 2, 2], [3, 3]);
  assert.equal(apart.t, Infinity);
  assert.equal(apart.pTwoSided, 0);
  assert.equal(apart.pGreater, 0);
});

const PS = [0.01, 0.04, 0.03, 0.005, 0.2, 0.04];

test('Holm adjustment equals the step-down values computed by hand', () => {
  // Sorted: 0.005·6 = 0.03; 0.01·5 = 0.05; 0.03·4 = 0.12; 0.04·3 = 0.12; max(0.04·2, 0.12); 0.2·1.
  // (statsmodels.stats.multitest.multipletests(PS, method='holm') gives the same.)
  const adj = holmAdjust(PS);
  const want = [0.05, 0.12, 0.12, 0.03, 0.2, 0.12];
  adj.forEach((a, i) => close(a, want[i], 1e-14, `holm[${i}]`));
  assert.deepEqual(holmAdjust([0.9, 0.8]), [1, 1]);
});

test('Benjamini–Hochberg matches scipy.stats.false_discovery_control(PS, method="bh")', () => {
  const adj = bhAdjust(PS);
  const want = [0.03, 0.048, 0.048, 0.03, 0.2, 0.048];
  adj.forEach((a, i) => close(a, want[i], 1e-14, `bh[${i}]`));
  assert.deepEqual(bhAdjust([]), []);
  assert.throws(() => bhAdjust([0.1, 1.2]), /\[0, 1\], got 1.2/);
});

test('weighted Holm and BH: by hand, equal weights give the plain procedures, bad weights are refused', () => {
  // Holm: p / w = 0.002, 0.02, 0.0267; steps: 3·0.001/0.5 = 0.006; 2.5·0.02/1 = 0.05; 1.5·0.04/1.5 = 0.04 → 0.05.
  const ps = [0.001, 0.02, 0.04];
  const ws = [0.5, 1, 1.5];
  holmAdjust(ps, ws).forEach((a, i) => close(a, [0.006, 0.05, 0.05][i], 1e-14, `weighted holm[${i}]`));
  // BH on p / w (weights average 1): 3·0.002 = 0.006; min(1.5·0.02, 0.0267) = 0.0267; 0.0267.
  bhAdjust(ps, ws).forEach((a, i) => close(a, [0.006, 0.04 / 1.5, 0.04 / 1.5][i], 1e-14, `weighted bh[${i}]`));
  // Weights scaled together change nothing; equal weights are the unweighted procedures.
  assert.deepEqual(holmAdjust(ps, ws.map((w) => w * 4)), holmAdjust(ps, ws));
  assert.deepEqual(holmAdjust(PS, PS.map(() => 0.25)), holmAdjust(PS));
  bhAdjust(PS, PS.map(() => 3)).forEach((a, i) => close(a, bhAdjust(PS)[i], 1e-14, `bh equal weights[${i}]`));
  assert.throws(() => holmAdjust(ps, [1, 1]), /one weight per p-value expected, got 2 weights for 3 p-values/);
  assert.throws(() => bhAdjust(ps, [1, 0, 1]), /weights must be positive and finite, got 0/);
});
