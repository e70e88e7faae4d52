import { studentTQuantile } from '../compare/stats.ts';
import type { Comparison, MetricComparison } from '../types.ts';

// How a reviewer should read one comparison, derived from the verdict's own figures (estimate,
// interval, tolerance, adjusted p, number of baseline runs) so the report does not depend on what
// else the statistics layer records:
//   within tolerance  the verdict is "no change" but the interval excludes zero: the change is real
//                     and smaller than the tolerance (+5.5% [+4.5%, +6.6%] at ±8% is not "no change")
//   inconclusive, and why:
//     straddles       the interval is narrower than the tolerance band but crosses one of its bounds;
//                     repetitions of the current run (runsToSettle) may settle it
//     few runs        the interval is too wide, and with more repetitions (the verdict's runsToSettle)
//                     or more baseline runs it would not be: where runs differ, the width is the t
//                     quantile of runs − 1 degrees of freedom times the run-to-run spread, so more
//                     runs shrink it (forecast below); a history of one run cannot show how runs
//                     differ at all
//     noisy           too wide to inform even with a full history window: the metric's noise is
//                     larger than its tolerance ("too noisy to tell (±x%)")
//     no estimate     nothing to estimate from (too few values)

export type InconclusiveWhy = 'straddles' | 'few-runs' | 'noisy' | 'no-estimate';

export type Reading =
  | { readonly kind: 'regression' | 'improvement' | 'error' | 'no-baseline' | 'not-comparable' | 'no-change' | 'within-tolerance' }
  | {
      readonly kind: 'inconclusive';
      readonly why: InconclusiveWhy;
      /** Half the interval's width as a fraction of the baseline (0.12 = ±12%); null without an interval. */
      readonly halfWidth: number | null;
      /** For 'few-runs': how many more baseline runs would likely settle it (null: repetitions would, or the history has one run). */
      readonly moreRuns: number | null;
    };

/** The history window the action keeps by default (input `history`): more runs than this are never compared. */
export const DEFAULT_HISTORY_WINDOW = 10;

export interface ReadingContext {
  readonly confidence: number;
  /** Runs in the baseline history this comparison used. */
  readonly baselineRuns: number;
  /** Most runs a comparison can use (the history window). */
  readonly window: number;
  /** Comparisons in the corrected family (a regression must be significant at α / family, at worst). */
  readonly family: number;
}

export function halfWidth(ci: readonly [number, number] | null): number | null {
  return ci ? (ci[1] - ci[0]) / 2 : null;
}

/**
 * Width of a t interval from k runs (the current run counted once for its own run effect), relative
 * to the width with `from` runs: t(k − 1) · √(1 + 1/k) over the same with `from`.
 */
function widthFactor(from: number, k: number, q: number): number {
  const w = (n: number): number => studentTQuantile(q, n - 1) * Math.sqrt(1 + 1 / n);
  return w(k) / w(from);
}

/**
 * More baseline runs (up to the window) after which the interval, shrunk as widthFactor says around
 * the same estimate, would settle the comparison; null when even a full window would not.
 * A forecast on the log scale of the ratio, like the interval itself.
 */
function moreRunsToSettle(m: MetricComparison, ctx: ReadingContext): number | null {
  if (!m.ci || m.ratio === null || !(m.ci[0] > 0) || !(m.ratio > 0) || ctx.baselineRuns < 2) return null;
  const alpha = 1 - ctx.confidence;
  const e = Math.log(m.ratio);
  const half = (Math.log(m.ci[1]) - Math.log(m.ci[0])) / 2;
  const [lo, hi] = [Math.log1p(-m.tolerance), Math.log1p(m.tolerance)];
  const beyond = e < lo || e > hi;
  const q = 1 - alpha / 2;
  // Beyond the tolerance a regression must still be significant after correction (Bonferroni bound).
  const qBeyond = 1 - alpha / (2 * Math.max(1, ctx.family));
  for (let k = ctx.baselineRuns + 1; k <= ctx.window; k++) {
    const h = half * widthFactor(ctx.baselineRuns, k, q);
    const settled = beyond ? Math.abs(e) >= (h * studentTQuantile(qBeyond, k - 1)) / studentTQuantile(q, k - 1) : e - h >= lo && e + h <= hi;
    if (settled) return k - ctx.baselineRuns;
  }
  return null;
}

export function readComparison(m: MetricComparison, ctx: ReadingContext): Reading {
  if (m.verdict === 'no-change') {
    const real = m.ci !== null && (m.ci[0] > 1 || m.ci[1] < 1);
    return { kind: real ? 'within-tolerance' : 'no-change' };
  }
  if (m.verdict !== 'inconclusive') return { kind: m.verdict };
  const h = halfWidth(m.ci);
  if (h === null) return { kind: 'inconclusive', why: 'no-estimate', halfWidth: null, moreRuns: null };
  if (h <= m.tolerance) return { kind: 'inconclusive', why: 'straddles', halfWidth: h, moreRuns: null };
  // More repetitions of the current run would narrow it enough (the statistics layer's forecast).
  if (m.runsToSettle !== null) return { kind: 'inconclusive', why: 'few-runs', halfWidth: h, moreRuns: null };
  // One stored run cannot show how runs differ: more of them are needed before anything else.
  if (ctx.baselineRuns < 2) return { kind: 'inconclusive', why: 'few-runs', halfWidth: h, moreRuns: null };
  const moreRuns = moreRunsToSettle(m, ctx);
  return { kind: 'inconclusive', why: moreRuns !== null ? 'few-runs' : 'noisy', halfWidth: h, moreRuns };
}

export interface ReadComparison {
  readonly m: MetricComparison;
  readonly reading: Reading;
}

/** Every comparison of the document with its reading, engine by engine. */
export function readAll(comparison: Comparison, window = DEFAULT_HISTORY_WINDOW): Map<string, ReadComparison[]> {
  const family = comparison.engines.reduce((n, e) => n + e.metrics.filter((m) => m.adjustedP !== null).length, 0);
  return new Map(
    comparison.engines.map((e) => {
      const ctx: ReadingContext = { confidence: comparison.confidence, baselineRuns: e.baselineRuns, window: Math.max(window, e.baselineRuns), family };
      return [e.engine, e.metrics.map((m) => ({ m, reading: readComparison(m, ctx) }))];
    }),
  );
}
