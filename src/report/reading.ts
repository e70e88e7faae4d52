import type { Comparison, InconclusiveReason, MetricComparison } from '../types.ts';

// How a reviewer should read one comparison. The verdict decides (compare/verdict.ts) and says why
// an inconclusive cell is inconclusive and how many runs per job would settle it; the report adds
// only what is about wording:
//   within tolerance  the verdict is "no change" but the interval excludes zero: the change is real
//                     and smaller than the tolerance (+5.5% [+4.5%, +6.6%] at ±8% is not "no change")
//   halfWidth         how wide an inconclusive interval is, so that one wider than the tolerance
//                     band is shown as "too noisy to tell (±x%)" rather than as a figure

export type Reading =
  | { readonly kind: 'regression' | 'improvement' | 'error' | 'no-baseline' | 'not-comparable' | 'no-change' | 'within-tolerance' }
  | {
      readonly kind: 'inconclusive';
      /** The verdict's reason; null in comparisons of older versions, which did not record it. */
      readonly why: InconclusiveReason | null;
      /** Half the interval's width as a fraction of the baseline (0.12 = ±12%); null without an interval. */
      readonly halfWidth: number | null;
    };

export function readComparison(m: MetricComparison): Reading {
  if (m.verdict === 'no-change') {
    const real = m.ci !== null && (m.ci[0] > 1 || m.ci[1] < 1);
    return { kind: real ? 'within-tolerance' : 'no-change' };
  }
  if (m.verdict !== 'inconclusive') return { kind: m.verdict };
  return { kind: 'inconclusive', why: m.why ?? null, halfWidth: m.ci ? (m.ci[1] - m.ci[0]) / 2 : null };
}

/** An inconclusive interval wider than the tolerance band: shown as "too noisy to tell (±x%)", never as the largest change. */
export function tooWideToInform({ m, reading }: ReadComparison): boolean {
  return reading.kind === 'inconclusive' && reading.halfWidth !== null && reading.halfWidth > m.tolerance;
}

export interface ReadComparison {
  readonly m: MetricComparison;
  readonly reading: Reading;
}

/** Every comparison of the document with its reading, engine by engine. */
export function readAll(comparison: Comparison): Map<string, ReadComparison[]> {
  return new Map(comparison.engines.map((e) => [e.engine, e.metrics.map((m) => ({ m, reading: readComparison(m) }))]));
}
