import type { MetricComparison, Verdict } from '../types.ts';

// Capacity values below the lowest load tried (catalog.ts censoredBound: "< 0.5 req/s") are known
// only from above. They are kept and tested at their bound, and a test's outcome is read only in
// the direction the bound supports; the bound is never read as a measurement, nor as 0:
//   current censored, baseline measured   the bound overstates the current capacity, so the ratio
//        at the bound is the most the true ratio can be: a regression found there holds (the true
//        drop is larger still); no change or an improvement is only what the bound allows:
//        inconclusive. A baseline of 76 req/s and a current "< 0.5" is a regression.
//   baseline censored, current measured   the mirror: the ratio at the bound is the least the true
//        one can be, so an improvement holds and anything else is inconclusive.
//   both sides censored, every value below the same load   neither side carried the lowest load
//        tried: no change, with no ratio (two "< 0.5"s are not "±0%" of anything).
//   both sides partly censored   the bounds cut both ways: inconclusive, untested.

/** Which values of a cell are bounds rather than measurements, per repetition. */
export interface Censoring {
  readonly baseline: readonly boolean[];
  readonly current: readonly boolean[];
}

/**
 * How a cell's censoring bounds its ratio: 'at-most' (only the current is censored), 'at-least'
 * (only the baseline), 'below-both' (every value on both sides is below one load), 'unbounded'
 * (both sides partly censored); null when no value is censored.
 */
export type CensoredKind = NonNullable<MetricComparison['censored']>['kind'];

export function censoredKind(c: Censoring, baseline: readonly number[], current: readonly number[]): CensoredKind | null {
  const some = (xs: readonly boolean[]): boolean => xs.some((x) => x);
  if (!some(c.current) && !some(c.baseline)) return null;
  if (!some(c.baseline)) return 'at-most';
  if (!some(c.current)) return 'at-least';
  const all = c.current.every((x) => x) && c.baseline.every((x) => x);
  return all && [...baseline, ...current].every((x) => x === current[0]) ? 'below-both' : 'unbounded';
}

/** Whether the cell's values support a test at the bounds (one side censored only). */
export const testable = (kind: CensoredKind | null): boolean => kind === null || kind === 'at-most' || kind === 'at-least';

/** The verdict a censored cell supports, from the test at its bounds (the test's own verdict; ignored where it ran none). */
export function censoredVerdict(kind: CensoredKind, tested: Verdict): Verdict {
  if (!['regression', 'improvement', 'no-change', 'inconclusive'].includes(tested)) return tested;
  if (kind === 'below-both') return 'no-change';
  if (kind === 'at-most') return tested === 'regression' ? 'regression' : 'inconclusive';
  if (kind === 'at-least') return tested === 'improvement' ? 'improvement' : 'inconclusive';
  return 'inconclusive';
}
