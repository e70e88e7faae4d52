import type { MetricDef } from '../metrics/catalog.ts';
import type { Verdict } from '../types.ts';
import {
  geometricMeanRatio,
  mean,
  pooledStandardError,
  RUN_EFFECT_ALPHA,
  runComponents,
  runsStandardError,
  runTest,
  studentTQuantile,
  variance,
  welchStandardError,
  type RunComponents,
  type VarianceModel,
} from './stats.ts';

// One cell's estimate (engine × scenario × metric): the effect current / baseline with its interval
// and p-value, the verdict it supports once the family's p-values are adjusted, and how many
// repetitions would settle it when it is inconclusive.

export type EffectRule = 'estimate' | 'interval';

/** runsToSettle is null when even this many repetitions would not settle a result. */
export const RUNS_TO_SETTLE_MAX = 100;

export interface Estimate {
  readonly ratio: number;
  readonly ci: readonly [number, number];
  readonly pValue: number;
  /** The effect on the scale the test ran on: log ratio, or change relative to the baseline mean. */
  readonly effect: number;
  /** The tolerance on that scale. */
  readonly bounds: readonly [number, number];
  /** Standard error and degrees of freedom the test would have with n current repetitions. */
  readonly predict: (n: number) => { readonly se: number; readonly df: number };
}

const sd = (xs: readonly number[]): number => (xs.length < 2 ? 0 : Math.sqrt(variance(xs)));

/** Variance components for the 'runs' model, on the scale the test runs on; null where it cannot have them. */
function componentsFor(runs: readonly (readonly number[])[], c: readonly number[], requested: VarianceModel): RunComponents | null {
  if (requested !== 'runs' || runs.length < 2 || runs.some((r) => r.length === 0) || c.length === 0) return null;
  return runComponents(runs, c);
}

/**
 * The 'runs' model keeps the run-to-run part only where the runs show one: with a single stored run
 * it cannot be seen, and where the run means vary no more than their repetitions imply (F test at
 * RUN_EFFECT_ALPHA) the pooled test, with its far more degrees of freedom, stands in.
 */
function effectiveModel(requested: VarianceModel, components: RunComponents | null): VarianceModel {
  if (requested !== 'runs') return requested;
  return components !== null && components.runEffectP < RUN_EFFECT_ALPHA ? 'runs' : 'pooled';
}

function feasible(runs: readonly (readonly number[])[], nc: number, model: VarianceModel): boolean {
  if (model === 'runs') return runs.length >= 2 && nc >= 1;
  const nb = runs.reduce((n, r) => n + r.length, 0);
  return model === 'welch' ? nb >= 2 && nc >= 2 : nb >= 1 && nc >= 1 && nb + nc >= 3;
}

/**
 * Predicted standard error of the effect for n current repetitions, on a scale multiplied by
 * `scale`. The sample spreads are computed on first use: only inconclusive results need them.
 */
function predictor(runs: readonly (readonly number[])[], c: readonly number[], model: VarianceModel, scale: number, components: RunComponents | null): Estimate['predict'] {
  if (model === 'runs' && components !== null) {
    return (n) => {
      const { se, df } = runsStandardError(components, n);
      return { se: se * scale, df };
    };
  }
  const b = runs.flat();
  const nb = b.length;
  let spread: { sb: number; sc: number } | null = null;
  const spreads = (): { sb: number; sc: number } => (spread ??= { sb: sd(b), sc: sd(c) });
  if (model === 'welch') {
    return (n) => {
      const { sb, sc } = spreads();
      const { se, df } = welchStandardError(sb * sb, nb, sc * sc, n);
      return { se: se * scale, df };
    };
  }
  return (n) => {
    const { sb, sc } = spreads();
    // The spread pooled over the samples as they are; the prediction scales only the current size.
    const pooled = ((nb - 1) * sb * sb + (c.length - 1) * sc * sc) / (nb + c.length - 2);
    return { se: pooledStandardError(pooled, nb, n) * scale, df: nb + n - 2 };
  };
}

export const positive = (v: number): boolean => v > 0 && Number.isFinite(v);

export function estimate(runs: readonly (readonly number[])[], c: readonly number[], tolerance: number, confidence: number, requested: VarianceModel): Estimate | null {
  const b = runs.flat();
  const logs = b.every(positive) && c.every(positive);
  // Whether runs differ is judged on the scale the test runs on.
  const components = logs ? componentsFor(runs.map((r) => r.map(Math.log)), c.map(Math.log), requested) : componentsFor(runs, c, requested);
  const model = effectiveModel(requested, components);
  if (!feasible(runs, c.length, model)) return null;
  if (logs) {
    const r = geometricMeanRatio(runs, c, confidence, model, components ?? undefined);
    return {
      ratio: r.ratio,
      ci: r.ci,
      pValue: r.test.pTwoSided,
      effect: r.test.diff,
      bounds: [Math.log1p(-tolerance), Math.log1p(tolerance)],
      predict: predictor(r.logRuns, r.logCurrent, model, 1, components),
    };
  }
  const base = model === 'runs' ? mean(runs.map(mean)) : mean(b);
  if (!(base > 0)) {
    // Nothing to scale a change by; only "the same zeros again" can be judged.
    const unchanged = b.every((v) => v === b[0]) && c.every((v) => v === b[0]);
    return unchanged ? { ratio: 1, ci: [1, 1], pValue: 1, effect: 0, bounds: [-tolerance, tolerance], predict: () => ({ se: 0, df: 1 }) } : null;
  }
  const t = runTest(runs, c, model, components ?? undefined);
  const effect = t.diff / base;
  const half = (studentTQuantile(1 - (1 - confidence) / 2, t.df) * t.se) / base;
  return {
    ratio: 1 + effect,
    ci: [1 + effect - half, 1 + effect + half],
    pValue: t.pTwoSided,
    effect,
    bounds: [-tolerance, tolerance],
    predict: predictor(runs, c, model, 1 / base, components),
  };
}

export function judge(def: MetricDef, tolerance: number, est: Estimate, adjustedP: number, alpha: number, rule: EffectRule): Verdict {
  const [lo, hi] = est.ci;
  const floor = 1 - tolerance;
  const ceiling = 1 + tolerance;
  const below = rule === 'interval' ? hi < floor : est.ratio < floor;
  const above = rule === 'interval' ? lo > ceiling : est.ratio > ceiling;
  const worse = def.direction === 'higher-is-better' ? below : above;
  const better = def.direction === 'higher-is-better' ? above : below;
  if (adjustedP < alpha && worse) return 'regression';
  if (adjustedP < alpha && better) return 'improvement';
  if (lo >= floor && hi <= ceiling) return 'no-change';
  return 'inconclusive';
}

/**
 * Current repetitions after which, if the estimate and the variance stayed as observed, the result
 * would be decided: an estimate beyond the tolerance would become significant after correction
 * (judged at the Bonferroni level, which Holm and BH never need more than), or an estimate within
 * it would get an interval inside ±tolerance. Null when more than RUNS_TO_SETTLE_MAX would be needed.
 */
export function runsToSettle(est: Estimate, rule: EffectRule, alpha: number, family: number, currentN: number): number | null {
  const [lo, hi] = est.bounds;
  const e = est.effect;
  const beyond = e < lo || e > hi;
  const settled = (n: number): boolean => {
    const { se, df } = est.predict(n);
    if (beyond) {
      const margin = rule === 'interval' ? (e > hi ? e - hi : lo - e) : Math.abs(e);
      return margin >= studentTQuantile(1 - alpha / (2 * family), df) * se;
    }
    return studentTQuantile(1 - alpha / 2, df) * se <= Math.min(hi - e, e - lo);
  };
  let low = currentN + 1;
  let high = RUNS_TO_SETTLE_MAX;
  if (low > high || !settled(high)) return null;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (settled(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}
