import type { RunResult } from '../types.ts';
import { measuredScenarios, readMetric } from './measured.ts';

// Bencher Metric Format: { "<benchmark>": { "<measure>": { value, lower_value?, upper_value? } } }.
// Bencher creates a measure it does not know from its name or slug (a slug is at most 64
// characters); the direction of each measure is set in Bencher's thresholds, not in the file.
// See https://bencher.dev/docs/reference/bencher-metric-format and
// https://bencher.dev/docs/how-to/track-custom-benchmarks

export interface BmfMetric {
  readonly value: number;
  readonly lower_value?: number;
  readonly upper_value?: number;
}

/** Benchmark name → measure slug → metric. */
export type Bmf = Record<string, Record<string, BmfMetric>>;

/** A catalog metric name as a Bencher measure slug: `ttft_p95` → `ttft-p95`. */
export function measureSlug(metricName: string): string {
  return metricName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The measure of a value known only from above: `capacity` → `capacity-below`. */
export const belowSlug = (metricName: string): string => `${measureSlug(metricName)}-below`;

/**
 * One benchmark per measured `engine/scenario`, one measure per catalog metric: the pooled value,
 * bounded by the lowest and highest repetition.
 *
 * A capacity below the lowest load tried has no value to give: Bencher's thresholds test `value`
 * and keep it as the measure's history, so the bound written there would be compared as a
 * measurement. It goes to a measure of its own, `capacity-below`, whose `upper_value` (BMF's
 * upper end of where the true value lies) is the bound, with `value` — which BMF requires — the
 * same bound; the `capacity` measure has no point for that run.
 */
export function toBmf(run: RunResult): Bmf {
  const bmf: Bmf = {};
  for (const { engine, pooled, repetitions, metrics, bound } of measuredScenarios(run)) {
    const benchmark = `${engine.engine}/${pooled.scenario}`;
    const measures: Record<string, BmfMetric> = {};
    for (const metric of metrics) {
      const value = readMetric(metric, pooled, benchmark);
      const perRep = repetitions.map((s) => readMetric(metric, s, `${benchmark} (one repetition)`));
      // A pooled percentile need not lie inside the repetitions' own range, and the bounds are
      // meant to surround the value, so the value widens them when it falls outside.
      measures[measureSlug(metric.name)] =
        perRep.length === 0 ? { value } : { value, lower_value: Math.min(value, ...perRep), upper_value: Math.max(value, ...perRep) };
    }
    if (bound) measures[belowSlug(bound.metric.name)] = { value: bound.below, upper_value: bound.below };
    // A search that found neither a capacity nor one bound (repetitions at both ends of its range) has no measure.
    if (Object.keys(measures).length > 0) bmf[benchmark] = measures;
  }
  return bmf;
}
