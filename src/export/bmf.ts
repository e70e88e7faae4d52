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

/**
 * One benchmark per measured `engine/scenario`, one measure per catalog metric: the pooled value,
 * bounded by the lowest and highest repetition.
 */
export function toBmf(run: RunResult): Bmf {
  const bmf: Bmf = {};
  for (const { engine, pooled, repetitions, metrics } of measuredScenarios(run)) {
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
    bmf[benchmark] = measures;
  }
  return bmf;
}
