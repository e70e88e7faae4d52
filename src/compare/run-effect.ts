import type { Direction } from '../metrics/catalog.ts';
import { median } from './stats.ts';

// The run effect: a run's speed (a slow card, a neighbour, the server start) moves every metric of
// an engine together, slower throughput and longer latencies alike, and is most of a whole-set
// metric's run-to-run noise. Reading it from the engine's other metrics and dividing it out leaves
// a change confined to a few metrics (throughput alone, TTFT alone) clear of that noise, while a
// change of most metrics alike cancels there and is left to the plain comparison. The change-point
// series of a scheduled run (series.ts) and the whole-set cells' contrasts of every comparison
// (cells.ts) read it here.

/** One metric's positive values, a column each (a run, or a repetition), aligned across metrics. */
export interface MetricRow {
  readonly direction: Direction;
  readonly values: readonly number[];
}

/** Fewest metrics the shared factor is read from: with two, each would be the other's whole factor. */
export const MIN_METRICS = 3;

/**
 * Each row's values net of the factor the other rows share, column by column: the median over the
 * other metrics of the column's log value, oriented so worse is higher, less that metric's median
 * over the columns (a median, so a change of one metric does not leak into the others). Each net
 * value is a function of its own column and of medians symmetric in the columns, so columns stay
 * exchangeable where nothing changed and the tests on them keep their level. Null with fewer than
 * MIN_METRICS rows or rows of unequal length; every value must be positive (the caller leaves out
 * a metric that can be 0, as goodput can).
 */
export function netOfSharedFactor(rows: readonly MetricRow[]): number[][] | null {
  const n = rows[0]?.values.length ?? 0;
  if (rows.length < MIN_METRICS || n === 0 || rows.some((r) => r.values.length !== n)) return null;
  const sign = (r: MetricRow): number => (r.direction === 'higher-is-better' ? -1 : 1);
  const worse = rows.map((r) => {
    const logs = r.values.map((v) => sign(r) * Math.log(v));
    const mid = median(logs);
    return logs.map((x) => x - mid);
  });
  return rows.map((r, m) =>
    r.values.map((v, i) => {
      const shared = median(worse.filter((_, k) => k !== m).map((w) => w[i]));
      // Dividing out a slowdown raises throughput and lowers latency: the factor's sign follows the metric's direction.
      return v * Math.exp(-sign(r) * shared);
    }),
  );
}
