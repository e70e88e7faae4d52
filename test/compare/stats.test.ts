import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bhAdjust,
  fSf,
  geometricMeanRatio,
  holmAdjust,
  lnGamma,
  pooledTTest,
  regularizedIncompleteBeta,
  runComponents,
  runsTTest,
  studentTCdf,
  studentTQuantile,
  studentTTwoSided,
  welchTTest,
} from '../../src/compare/stats.ts';

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
  const w = geometricMeanRatio([BASE], CUR, 0.95, 'welch');
  close(w.ratio, 1.03748225729001, 1e-13, 'ratio = exp(mean(log cur) - mean(log base))');
  close(w.ci[0], 1.0210853324988352, 1e-12, 'welch 95% low');
  close(w.ci[1], 1.0541424893034612, 1e-12, 'welch 95% high');
  const w99 = geometricMeanRatio([BASE], CUR, 0.99, 'welch');
  close(w99.ci[0], 1.0097651012533622, 1e-12, 'welch 99% low');
  close(w99.ci[1], 1.0659602246656577, 1e-12, 'welch 99% high');
  const p = geometricMeanRatio([BASE], CUR, 0.95, 'pooled');
  close(p.ci[0], 1.0240039945206112, 1e-12, 'pooled 95% low');
  close(p.ci[1], 1.0511379251947923, 1e-12, 'pooled 95% high');
  assert.throws(() => geometricMeanRatio([[1, 0, 2]], CUR, 0.95, 'pooled'), /positive finite values, got 0/);
  assert.throws(() => geometricMeanRatio([BASE], CUR, 95, 'pooled'), /confidence must be between 0 and 1/);
});

test('F upper tail matches scipy.stats.f.sf(f, d1, d2)', () => {
  close(fSf(1.5, 9, 40), 0.18136992561165483, 1e-12, 'f.sf(1.5, 9, 40)');
  close(fSf(0.8, 2, 5), 0.49953413669564334, 1e-12, 'f.sf(0.8, 2, 5)');
  close(fSf(6.0, 9, 45), 1.7374752431929883e-5, 1e-10, 'f.sf(6.0, 9, 45)');
  close(fSf(3.2, 1, 10), 0.10392052069843785, 1e-12, 'f.sf(3.2, 1, 10)');
  close(fSf(25.0, 4, 3), 0.012209822248298462, 1e-12, 'f.sf(25.0, 4, 3)');
  assert.equal(fSf(0, 3, 3), 1);
});

test('runs t-test: by hand, run-to-run variation counts once per run, not once per repetition', () => {
  // Baseline runs [1,2] [3,4] [5,6], current [7,9]. Within: SS 0.5+0.5+0.5 + 2 over 4 df = 0.875.
  // Run means 1.5, 3.5, 5.5: variance 4 (2 df). Between: 4 − 0.875/2 = 3.5625.
  // Var = 4·(1 + 1/3) + 0.875·(1/2 − 1/2) = 16/3, df = (16/3)² / ((16/3)²/2) = 2. diff = 8 − 3.5.
  const c = runComponents([[1, 2], [3, 4], [5, 6]], [7, 9]);
  close(c.within, 0.875, 1e-15, 'within');
  close(c.meansVariance, 4, 1e-15, 'variance of run means');
  close(c.between, 3.5625, 1e-15, 'between');
  // F = 4 / (0.875 / 2) on (2, 4) degrees of freedom: the run means differ far beyond their repetitions.
  close(c.runEffectP, fSf(4 / 0.4375, 2, 4), 1e-15, 'run effect p');
  assert.ok(c.runEffectP < 0.05);
  const r = runsTTest([[1, 2], [3, 4], [5, 6]], [7, 9]);
  close(r.diff, 4.5, 1e-15, 'diff');
  close(r.se, Math.sqrt(16 / 3), 1e-14, 'se');
  close(r.df, 2, 1e-12, 'df');
  close(r.pTwoSided, studentTTwoSided(4.5 / Math.sqrt(16 / 3), 2), 1e-14, 'p');
  // One value per run: the prediction interval of a new run, s·√(1 + 1/W) with W − 1 df.
  const single = runsTTest([[10], [12], [11], [13]], [15]);
  close(single.se, Math.sqrt((5 / 3) * (1 + 1 / 4)), 1e-14, 'single-value se');
  close(single.df, 3, 1e-12, 'single-value df');
  // Runs that vary no more than their repetitions imply: no between term, the pooled-like variance.
  const steady = runComponents([[1, 3], [2, 4]], [2, 3]);
  assert.equal(steady.between, 0);
  assert.throws(() => runsTTest([[1, 2]], [3]), /at least 2 baseline runs/);
});

test('runs t-test keeps its false-positive rate when whole runs vary; the pooled test does not', () => {
  // 10 baseline runs and a current run of 5 repetitions; run effect and repetition noise of equal
  // size, no change. At α = 0.05 a calibrated test rejects about 5% of the time.
  let state = 12345;
  const uniform = (): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) + 0.5) / 2 ** 32;
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const run = (): number[] => {
    const effect = normal();
    return Array.from({ length: 5 }, () => effect + normal());
  };
  let runsRejects = 0;
  let pooledRejects = 0;
  const trials = 2000;
  for (let i = 0; i < trials; i++) {
    const baseline = Array.from({ length: 10 }, run);
    const current = run();
    if (runsTTest(baseline, current).pTwoSided < 0.05) runsRejects++;
    if (pooledTTest(baseline.flat(), current).pTwoSided < 0.05) pooledRejects++;
  }
  const rate = runsRejects / trials;
  assert.ok(rate > 0.03 && rate < 0.075, `runs t-test rejected ${(rate * 100).toFixed(1)}% of null trials`);
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
