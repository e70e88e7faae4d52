import { studentTCdf, studentTQuantile, studentTSf, studentTTwoSided } from './stats.ts';
import type { Estimate } from './estimation.ts';

// Empirical-Bayes moderated variances (Smyth 2004, limma's squeezeVar): a cell's run-to-run
// variance, estimated from a handful of runs, is shrunk towards a prior fitted to the cells that
// measure the same kind of thing (one metric over the scenarios of an engine), and its degrees of
// freedom grow by the prior's. A short history then has usable degrees of freedom: with 10 stored
// runs a cell's own variance has ~10, and the one-sided t quantile at a family's per-cell α
// (≈ 1e-4) is 5.6 there against 3.8 with many. The prior's degrees of freedom d0 come from how
// much the cells' variances spread beyond what sampling alone explains: cells whose noise truly
// differs (real GPUs: one scenario's TTFT 16% between runs, another's 2%) give a small d0 and little
// shrinkage, so a noisy cell is not judged by its quiet neighbours' spread. A trend prior
// (fitTrendPriors) does better where the cells' noise differs: each cell's prior scale is κ times
// its own within-run variance, so the spread that remains is only in the ratio run/within.
//
// Under the model (each cell's true variance drawn from a scaled inverse χ² with d0 degrees of
// freedom around s0²), the moderated t has a Student t distribution with d0 + d degrees of freedom
// exactly, which is what keeps the family correction's level.

/** ψ(x), the digamma function, for x > 0 (recurrence up to 6, then the asymptotic series). */
export function digamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`digamma needs x > 0, got ${x}`);
  let r = 0;
  for (; x < 6; x++) r -= 1 / x;
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** ψ′(x), the trigamma function, for x > 0. */
export function trigamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`trigamma needs x > 0, got ${x}`);
  let r = 0;
  for (; x < 6; x++) r += 1 / (x * x);
  const f = 1 / (x * x);
  return r + 1 / x + f / 2 + (f / x) * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f / 30)));
}

/** ψ″(x), the tetragamma function, for x > 0. */
function tetragamma(x: number): number {
  let r = 0;
  for (; x < 6; x++) r -= 2 / (x * x * x);
  const f = 1 / (x * x);
  return r - f - f / x - (f * f) / 2 + (f * f * f) / 6 - f ** 4 / 6 + (3 * f ** 5) / 10 - (5 * f ** 6) / 6;
}

/** The x with ψ′(x) = y (y > 0): limma's Newton iteration, which converges monotonically from x = 0.5 + 1/y. */
export function trigammaInverse(y: number): number {
  if (!(y > 0)) throw new RangeError(`trigammaInverse needs y > 0, got ${y}`);
  if (y > 1e7) return 1 / Math.sqrt(y);
  if (y < 1e-6) return 1 / y;
  let x = 0.5 + 1 / y;
  for (let i = 0; i < 50; i++) {
    const tri = trigamma(x);
    const dif = (tri * (1 - tri / y)) / tetragamma(x);
    x += dif;
    if (-dif / x < 1e-8) break;
  }
  return x;
}

/** The prior of a group of cells' variances: scale s0² and degrees of freedom d0 (Infinity: all alike). */
export interface VariancePrior {
  readonly scale: number;
  readonly df: number;
}

export interface SampleVariance {
  readonly variance: number;
  readonly df: number;
}

const usable = (c: SampleVariance): boolean => c.variance > 0 && Number.isFinite(c.variance) && c.df > 0 && Number.isFinite(c.df);

/**
 * Fits one prior per group (limma's fitFDist with the group as a factor covariate): within a group
 * log s² has mean log s0² + ψ(d/2) − log(d/2) and variance ψ′(d/2) + ψ′(d0/2). Each group gets its
 * own scale (metrics differ in noise), and the spread of the logs about their group's mean beyond
 * ψ′(d/2), over every group at once, gives one d0 — estimated from many cells, not from the handful
 * of one group. Null for a group with fewer than 2 usable variances, or when fewer than 3 groups'
 * worth of spread is left to estimate d0 from.
 */
export function fitPriors(groups: readonly (readonly SampleVariance[])[]): (VariancePrior | null)[] {
  const fitted = groups.map((g) => {
    const ok = g.filter(usable);
    if (ok.length < 2) return null;
    const e = ok.map((c) => Math.log(c.variance) - digamma(c.df / 2) + Math.log(c.df / 2));
    return { e, mean: e.reduce((a, b) => a + b, 0) / e.length, trigammas: ok.map((c) => trigamma(c.df / 2)) };
  });
  const used = fitted.filter((f) => f !== null);
  const n = used.reduce((a, f) => a + f.e.length, 0);
  const residualDf = n - used.length;
  if (residualDf < 3) return groups.map(() => null);
  const ss = used.reduce((a, f) => a + f.e.reduce((b, x) => b + (x - f.mean) * (x - f.mean), 0), 0);
  const evar = ss / residualDf - used.reduce((a, f) => a + f.trigammas.reduce((b, x) => b + x, 0), 0) / n;
  const df = evar > 0 ? 2 * trigammaInverse(evar) : Infinity;
  return fitted.map((f) => (f === null ? null : { scale: Math.exp(f.mean + (Number.isFinite(df) ? digamma(df / 2) - Math.log(df / 2) : 0)), df }));
}

/**
 * Degrees of freedom the prior may add to a cell at most: the other cells of its group. Its scale
 * is their pooled variance, known no better than they are, so a cell's moderated variance never
 * claims more degrees of freedom than the group holds together (limma's d0 = ∞, "the cells agree
 * more than sampling explains", happens by chance in a group of six).
 */
export function priorDfCap(group: readonly SampleVariance[], cell: SampleVariance): number {
  return group.filter(usable).reduce((a, c) => a + c.df, 0) - cell.df;
}

/** A cell's run-to-run variance and its within-run (repetition) variance, each with its degrees of freedom. */
export interface TwoLevelVariance {
  readonly run: SampleVariance;
  readonly within: SampleVariance;
}

/**
 * Trend priors (limma-trend's idea with the within-run variance as the covariate): a cell's
 * run-to-run variance is expected at κ times its own within-run variance (itself moderated over
 * the group, squeezeVariances, so cells that share a within-run level pool it), κ fitted per group (one
 * metric's cells) from the ratios run/within, and d0 from how much those ratios spread beyond what
 * sampling explains, over every group at once (fitPriors on the ratios). Each cell's prior then has
 * its own scale — κ·within — so cells whose noise differs tenfold (a real GPU's burst against its
 * poisson) are each shrunk towards their own level, not the group's: a single scale pulls the noisy
 * cell's variance down and makes it alarm. The within-run variance is independent of the run means
 * under normal noise, so the prior is independent of what the test judges, as the moderated t
 * needs. d0 never exceeds the cell's within-run degrees of freedom (the prior is known no better
 * than the within-run variance it scales), what the other cells of its group hold, nor the cell's
 * own run degrees of freedom: the prior never outweighs the runs. A cell whose runs vary far more
 * than κ·within says (a real H100 job's burst TPOT p50: 36× its within-run variance, its siblings
 * 0–0.7×) is off the trend, and with 2 stored runs its own variance, 2 degrees of freedom, cannot
 * show it often enough to be told apart: weighted up to 4 to 2, the prior made 1.8% of unchanged
 * jobs of that job's noise alarm (bench:gate's model (j6), history 2, 1,000 jobs); weighted at most
 * 1 to 1, 0.2% (that run also read the job's table at three digits instead of two).
 * Null where a cell has no usable within-run variance, or its group no prior.
 */
export function fitTrendPriors(groups: readonly (readonly TwoLevelVariance[])[]): (VariancePrior | null)[][] {
  const within = squeezeVariances(groups.map((g) => g.map((c) => c.within)));
  const ratios = groups.map((g, k) => g.map((c, j) => (usable(within[k][j]) && usable(c.run) ? { variance: c.run.variance / within[k][j].variance, df: c.run.df } : { variance: 0, df: 0 })));
  const priors = fitPriors(ratios);
  return groups.map((g, k) =>
    g.map((_, j) => {
      const prior = priors[k];
      if (!prior || !usable(ratios[k][j])) return null;
      return { scale: prior.scale * within[k][j].variance, df: Math.min(prior.df, within[k][j].df, priorDfCap(ratios[k], ratios[k][j]), ratios[k][j].df) };
    }),
  );
}

/**
 * Each group's variances shrunk towards the group's fitted prior (fitPriors, d0 capped by
 * priorDfCap): (d0·s0² + d·s²) / (d0 + d), with d0 + d degrees of freedom. A group without a prior
 * keeps its own variances.
 */
export function squeezeVariances(groups: readonly (readonly SampleVariance[])[]): SampleVariance[][] {
  const priors = fitPriors(groups);
  return groups.map((g, k) => {
    const prior = priors[k];
    return g.map((c) => {
      // A variance of 0 (repetitions that agreed exactly) takes the prior too: the cap counts it back in.
      const d0 = prior ? Math.min(prior.df, priorDfCap(g, c) + (usable(c) ? 0 : c.df)) : 0;
      return d0 > 0 && c.variance >= 0 && c.df > 0 ? { variance: (d0 * prior!.scale + c.df * c.variance) / (d0 + c.df), df: c.df + d0 } : c;
    });
  });
}

/** The estimate with its run-to-run variance moderated by the prior (its df already capped): the test, interval and prediction redone. */
export function moderate(est: Estimate, prior: VariancePrior, confidence: number): Estimate {
  const u = est.unitVariance;
  const d0 = prior.df;
  if (!(est.se > 0) || !(u > 0) || !(d0 > 0)) return est;
  const moderated = (d0 * prior.scale + est.df * u) / (d0 + est.df);
  const ratio = Math.sqrt(moderated / u);
  return {
    ...retested(est, est.se * ratio, est.df + d0, confidence),
    predict: (r) => {
      const p = est.predict(r);
      return { se: p.se * ratio, df: p.df + d0 };
    },
    prior: { scale: prior.scale, df: d0 },
  };
}

/** The estimate's test and interval redone with another standard error and degrees of freedom. */
function retested(est: Estimate, se: number, df: number, confidence: number): Estimate {
  const t = est.effect / se;
  const half = studentTQuantile(1 - (1 - confidence) / 2, df) * se;
  return {
    ...est,
    ci: [est.toRatio(est.effect - half), est.toRatio(est.effect + half)],
    pValue: studentTTwoSided(t, df),
    pGreater: studentTSf(t, df),
    pLess: studentTCdf(t, df),
    se,
    df,
  };
}

// ---------- heavy tails ----------
//
// The tests take a run's summary as normal. Where the history's runs have heavy tails (a bad
// repetition now and then, which two repetitions per run cannot trim), one outlying run in the
// current job lands far out in the tail that a normal-theory quantile at a family's α (≈ 1e-4)
// calls impossible: 12% of unchanged jobs failed under t₃ noise with 60 stored runs. The history
// says how heavy its tails are: the excess kurtosis of its run summaries, pooled over the engine's
// cells. A Student t with ν degrees of freedom has excess kurtosis 6 / (ν − 4), so the tests use
// at most ν = 4 + 6 / kurtosis — the t whose tails are as heavy as the history's.

/** Pooled excess kurtosis at which the tails count as heavy: a few standard errors above 0 for a short history. */
export const HEAVY_TAIL_KURTOSIS = 1;

/**
 * Excess kurtosis of samples pooled over cells (each cell's unbiased G2, averaged, weighted by its
 * size), or null with no cell of 4 or more values. Each cell is centred and scaled on its own.
 */
export function pooledExcessKurtosis(cells: readonly (readonly number[])[]): number | null {
  let sum = 0;
  let weight = 0;
  for (const xs of cells) {
    const n = xs.length;
    if (n < 4) continue;
    const m = xs.reduce((a, b) => a + b, 0) / n;
    let m2 = 0;
    let m4 = 0;
    for (const x of xs) {
      const d = (x - m) * (x - m);
      m2 += d;
      m4 += d * d;
    }
    m2 /= n;
    m4 /= n;
    if (!(m2 > 0)) continue;
    const g2 = m4 / (m2 * m2) - 3;
    sum += (n * ((n + 1) * g2 + 6) * (n - 1)) / ((n - 2) * (n - 3));
    weight += n;
  }
  return weight > 0 ? sum / weight : null;
}

/** The most degrees of freedom a test may use given the history's tails: Infinity unless they are heavy. */
export function tailDf(kurtosis: number | null): number {
  return kurtosis !== null && kurtosis > HEAVY_TAIL_KURTOSIS ? 4 + 6 / kurtosis : Infinity;
}

/** The estimate judged with at most `maxDf` degrees of freedom (its prediction too). */
export function withTailDf(est: Estimate, maxDf: number, confidence: number): Estimate {
  if (!(est.df > maxDf) || !(est.se > 0)) return est;
  return {
    ...retested(est, est.se, maxDf, confidence),
    predict: (r) => ({ se: est.predict(r).se, df: Math.min(est.predict(r).df, maxDf) }),
  };
}
