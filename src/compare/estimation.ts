import type { MetricDef } from '../metrics/catalog.ts';
import type { InconclusiveReason, NoiseSplit, Verdict } from '../types.ts';
import { mean, pooledStandardError, runsTest, studentTQuantile, tTest, variance, welchStandardError, type RunNoise, type TTest, type VarianceModel } from './stats.ts';

// One cell's estimate (engine × scenario × metric): the effect current / baseline with its interval
// and p-value, the verdict it supports once the family's p-values are adjusted, and, when it is
// inconclusive, why and how many runs would settle it.
//
// The default model ('runs') takes the run — one engine start with its repetitions — as the unit
// (stats.ts runsTest): repetitions of a run share its conditions, so only runs average a run
// effect out, and a test whose variance comes from how whole runs spread stays calibrated at the
// tiny per-cell α of the family correction with or without a run effect. Values are compared on
// logs (a ratio of geometric means); metrics that can be zero (goodput) on their own scale.

export type EffectRule = 'estimate' | 'interval';

/** runsToSettle is null when even this many runs would not settle a result. */
export const RUNS_TO_SETTLE_MAX = 100;

export interface Estimate {
  readonly ratio: number;
  readonly ci: readonly [number, number];
  readonly pValue: number;
  /** One-sided p-values: H1 the current values are larger / smaller. */
  readonly pGreater: number;
  readonly pLess: number;
  /** The effect on the scale the test ran on: log ratio, or change relative to the baseline mean. */
  readonly effect: number;
  /** The tolerance on that scale. */
  readonly bounds: readonly [number, number];
  readonly se: number;
  readonly df: number;
  /** Turns a value on the test's scale back into a ratio. */
  readonly toRatio: (x: number) => number;
  /** Standard error and degrees of freedom the test would have with r current runs. */
  readonly predict: (r: number) => { readonly se: number; readonly df: number };
  /** The two levels of noise on the test's scale ('runs' model only). */
  readonly noise: RunNoise | null;
  /**
   * The variance of one run's summary the test used, on its scale: se² / (1/k + 1/R) for k stored
   * and R current runs. What empirical-Bayes moderation shrinks (moderation.ts).
   */
  readonly unitVariance: number;
  /** The moderation's prior (scale on the test's scale, degrees of freedom added), null when unmoderated. */
  readonly prior: { readonly scale: number; readonly df: number } | null;
}

export const positive = (v: number): boolean => v > 0 && Number.isFinite(v);

/** The rep-level alternatives ('pooled', 'welch'): every repetition taken as independent. */
function repetitionTest(b: readonly number[], c: readonly number[], model: 'pooled' | 'welch', reps: number): { t: TTest; predict: Estimate['predict'] } | null {
  const feasible = model === 'welch' ? b.length >= 2 && c.length >= 2 : b.length + c.length >= 3;
  if (!feasible) return null;
  const t = tTest(b, c, model);
  const sd = (xs: readonly number[]): number => (xs.length < 2 ? 0 : variance(xs));
  const predict = (r: number): { se: number; df: number } => {
    const n = r * reps;
    if (model === 'welch') return welchStandardError(sd(b), b.length, sd(c), n);
    const pooled = ((b.length - 1) * sd(b) + (c.length - 1) * sd(c)) / (b.length + c.length - 2);
    return { se: pooledStandardError(pooled, b.length, n), df: b.length + n - 2 };
  };
  return { t, predict };
}

/**
 * The estimate of one cell from the baseline's runs and the current job's runs (each: its
 * repetitions' values), or null when the data cannot bound the noise (fewer than two runs on both
 * sides under 'runs').
 */
export function estimate(
  baseRuns: readonly (readonly number[])[],
  curRuns: readonly (readonly number[])[],
  tolerance: number,
  confidence: number,
  model: VarianceModel,
): Estimate | null {
  const logs = baseRuns.every((r) => r.every(positive)) && curRuns.every((r) => r.every(positive));
  const scaleRuns = (runs: readonly (readonly number[])[]): number[][] => runs.map((r) => r.map(logs ? Math.log : (v) => v));
  const b = scaleRuns(baseRuns);
  const c = scaleRuns(curRuns);
  let t: TTest;
  let predict: Estimate['predict'];
  let noise: RunNoise | null = null;
  if (model === 'runs') {
    const r = runsTest(b, c);
    if (!r) return null;
    ({ predict, noise } = r);
    t = r;
  } else {
    const r = repetitionTest(b.flat(), c.flat(), model, mean(c.map((x) => x.length)));
    if (!r) return null;
    ({ t, predict } = r);
  }
  const half = studentTQuantile(1 - (1 - confidence) / 2, t.df) * t.se;
  const units = 1 / baseRuns.length + 1 / curRuns.length;
  if (logs) {
    return {
      ratio: Math.exp(t.diff),
      ci: [Math.exp(t.diff - half), Math.exp(t.diff + half)],
      pValue: t.pTwoSided,
      pGreater: t.pGreater,
      pLess: t.pLess,
      effect: t.diff,
      bounds: [Math.log1p(-tolerance), Math.log1p(tolerance)],
      se: t.se,
      df: t.df,
      toRatio: Math.exp,
      predict,
      noise,
      unitVariance: (t.se * t.se) / units,
      prior: null,
    };
  }
  const base = mean(b.map(mean));
  if (!(base > 0)) {
    // Nothing to scale a change by; only "the same zeros again" can be judged.
    return t.pTwoSided === 1 && t.diff === 0
      ? { ratio: 1, ci: [1, 1], pValue: 1, pGreater: 1, pLess: 1, effect: 0, bounds: [-tolerance, tolerance], se: 0, df: t.df, toRatio: (x) => 1 + x, predict: () => ({ se: 0, df: t.df }), noise, unitVariance: 0, prior: null }
      : null;
  }
  const rel = (s: { se: number; df: number }): { se: number; df: number } => ({ se: s.se / base, df: s.df });
  return {
    ratio: 1 + t.diff / base,
    ci: [1 + (t.diff - half) / base, 1 + (t.diff + half) / base],
    pValue: t.pTwoSided,
    pGreater: t.pGreater,
    pLess: t.pLess,
    effect: t.diff / base,
    bounds: [-tolerance, tolerance],
    se: t.se / base,
    df: t.df,
    toRatio: (x) => 1 + x,
    predict: (r) => rel(predict(r)),
    unitVariance: (t.se * t.se) / (base * base) / units,
    prior: null,
    noise: noise && { ...noise, runVariance: noise.runVariance === null ? null : noise.runVariance / (base * base), within: noise.within / (base * base), between: noise.between === null ? null : noise.between / (base * base) },
  };
}

/**
 * The bad side of the one-sided interval at `confidence` (the lower bound for a higher-is-better
 * metric, the upper for a lower-is-better one), as a ratio: what a release must keep within tolerance.
 */
export function worstPlausible(def: MetricDef, est: Estimate, confidence: number): number {
  const half = studentTQuantile(confidence, est.df) * est.se;
  return est.toRatio(def.direction === 'higher-is-better' ? est.effect - half : est.effect + half);
}

/** Whether an estimate lies beyond the tolerance on the bad and on the good side, under the effect rule. */
function beyond(def: MetricDef, tolerance: number, est: Estimate, rule: EffectRule): { worse: boolean; better: boolean } {
  const [lo, hi] = est.ci;
  const below = rule === 'interval' ? hi < 1 - tolerance : est.ratio < 1 - tolerance;
  const above = rule === 'interval' ? lo > 1 + tolerance : est.ratio > 1 + tolerance;
  return def.direction === 'higher-is-better' ? { worse: below, better: above } : { worse: above, better: below };
}

/**
 * A regression shown by the scenario's contrast with the rest of the set: significant against the
 * rest and beyond the tolerance there, and the scenario's own estimate beyond the tolerance on the
 * same side — so a scenario that merely missed an improvement the others got is not called worse.
 */
export function contrastRegression(def: MetricDef, tolerance: number, est: Estimate, contrast: Estimate, adjustedWorse: number, alpha: number, rule: EffectRule): boolean {
  return adjustedWorse < alpha && beyond(def, tolerance, contrast, rule).worse && beyond(def, tolerance, est, 'estimate').worse;
}

/** adjusted: the one-sided p-values after the family correction, for "worse" and for "better". */
export function judge(def: MetricDef, tolerance: number, est: Estimate, adjusted: { readonly worse: number; readonly better: number }, alpha: number, rule: EffectRule): Verdict {
  const side = beyond(def, tolerance, est, rule);
  if (adjusted.worse < alpha && side.worse) return 'regression';
  if (adjusted.better < alpha && side.better) return 'improvement';
  if (withinTolerance(est, alpha)) return 'no-change';
  return 'inconclusive';
}

/**
 * Whether the runs show the change lies within ±tolerance: two one-sided tests, each at α
 * (Schuirmann's equivalence test), i.e. both one-sided bounds at the confidence level — the
 * (1 − 2α) interval — inside the tolerance band. A change just at the tolerance is called no
 * change with chance ≤ α, as a regression is called where there is none; a gate that passes only
 * where every cell holds is an intersection–union test, at level α with no correction over the
 * cells. The two-sided interval at the confidence level (what a row shows) tests at α / 2 a side:
 * at 10 degrees of freedom its half-width is 3.17 SE, the test's 2.76.
 */
export function withinTolerance(est: Estimate, alpha: number): boolean {
  const half = est.se === 0 ? 0 : studentTQuantile(1 - alpha, est.df) * est.se;
  const [lo, hi] = est.bounds;
  return est.effect - half >= lo && est.effect + half <= hi;
}

/**
 * Runs of the current job (the `runs` input, the history as it is) after which, if the estimate and
 * the noise stayed as observed, the result would be decided: an estimate beyond the tolerance
 * would become significant after correction (one-sided, judged at the cell's Bonferroni level
 * α · share, its weight's share of the family, which weighted Holm and BH never need more than), or
 * an estimate within it would pass the equivalence test (withinTolerance). Null when more than
 * RUNS_TO_SETTLE_MAX would be needed.
 */
export function runsToSettle(est: Estimate, rule: EffectRule, alpha: number, share: number, currentRuns: number): number | null {
  const [lo, hi] = est.bounds;
  const e = est.effect;
  const beyond = e < lo || e > hi;
  const settled = (r: number): boolean => {
    const { se, df } = est.predict(r);
    if (beyond) {
      const margin = rule === 'interval' ? (e > hi ? e - hi : lo - e) : Math.abs(e);
      return margin >= studentTQuantile(1 - alpha * share, df) * se;
    }
    return withinTolerance({ ...est, se, df }, alpha);
  };
  let low = currentRuns + 1;
  let high = RUNS_TO_SETTLE_MAX;
  if (low > high || !settled(high)) return null;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (settled(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * The interval at the levels the family correction tests at: each bound one-sided, the one that
 * decides a regression at `badAlpha` (the cell's share of α in the regression family) and the other
 * at `goodAlpha` (its share in the improvement family). A change is significant after the
 * correction only if this interval excludes 1 on its side (Holm and BH never ask for less than the
 * Bonferroni share), so a row can show it beside the plain interval and be read by it.
 */
export function adjustedInterval(def: MetricDef, est: Estimate, badAlpha: number, goodAlpha: number): [number, number] {
  const half = (a: number): number => studentTQuantile(1 - a, est.df) * est.se;
  // A decrease is shown by the upper bound falling below 1, an increase by the lower rising above it.
  const [down, up] = def.direction === 'higher-is-better' ? [goodAlpha, badAlpha] : [badAlpha, goodAlpha];
  return [est.toRatio(est.effect - half(down)), est.toRatio(est.effect + half(up))];
}

/**
 * Why an inconclusive cell is inconclusive, from the intervals its row shows: too few runs to bound
 * the run-to-run noise (no estimate, or fewer than MIN_RUN_DF degrees of freedom, whose t quantiles
 * at a family's α are huge: the row shows the adjusted interval that says so); an estimate beyond
 * the tolerance whose adjusted interval holds 1 — not significant after the correction (too noisy);
 * otherwise the interval at the confidence level reaches across the tolerance (an estimate within
 * it whose interval is not, or, under the 'interval' rule, a significant one whose interval reaches
 * back inside it).
 */
export function whyInconclusive(est: Estimate | null, adjusted: readonly [number, number] | null): InconclusiveReason {
  if (!est || !adjusted || est.df < MIN_RUN_DF) return 'too-few-runs';
  const [lo, hi] = est.bounds;
  const beyond = est.effect < lo || est.effect > hi;
  return beyond && adjusted[0] <= 1 && adjusted[1] >= 1 ? 'too-noisy' : 'straddles-tolerance';
}

/** Degrees of freedom below which the runs cannot bound the run-to-run noise usefully. */
export const MIN_RUN_DF = 4;

/** Which part of the noise of one run's summary dominates, as relative standard deviations. */
export function noiseSplit(est: Estimate | null, repetitions: number): NoiseSplit | null {
  const n = est?.noise;
  if (!n || n.between === null) return null;
  const runToRun = Math.sqrt(Math.max(0, n.between));
  const repetition = Math.sqrt(n.within / repetitions);
  return { runToRun, repetition, dominant: runToRun > repetition ? 'run-to-run' : 'repetitions' };
}
