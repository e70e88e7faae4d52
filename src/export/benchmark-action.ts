import { variance } from '../compare/stats.ts';
import { metricUnit } from '../metrics/catalog.ts';
import { formatNumber } from '../report/format.ts';
import type { RunResult } from '../types.ts';
import { measuredScenarios, readMetric } from './measured.ts';

// github-action-benchmark's custom tools (`customSmallerIsBetter`, `customBiggerIsBetter`) read a
// JSON array of { name, unit, value, range?, extra? }; the tool name carries the direction, so the
// two directions go to two files. `range` is free text that the action parses as "±" (or "+-")
// followed by a number. See the "Examples" section of
// https://github.com/benchmark-action/github-action-benchmark#readme and its src/extract.ts.

export interface BenchmarkActionEntry {
  /** `<engine>/<scenario>/<metric>`, e.g. `sim-vllm/chat-8/ttft_p95`. */
  readonly name: string;
  readonly unit: string;
  /** From the pooled summary (all repetitions' requests together). */
  readonly value: number;
  /** `± s`: the sample standard deviation of the per-repetition values; absent with one repetition. */
  readonly range?: string;
  /** Tooltip text: the per-repetition values and the request counts behind the value. */
  readonly extra?: string;
}

export interface BenchmarkActionExport {
  readonly smallerIsBetter: BenchmarkActionEntry[];
  readonly biggerIsBetter: BenchmarkActionEntry[];
}

/**
 * Every catalog metric of every measured scenario, split by the metric's direction.
 *
 * A capacity below the lowest load tried has no value: the action divides each `value` by the
 * previous run's of the same name to alert, and draws it in the chart, so the bound under the
 * metric's own name would be compared and drawn as a measurement. It goes under its own name,
 * `<engine>/<scenario>/capacity_below`, with the bound as its value and the reason in `extra` (the
 * chart's tooltip); it has no `range`, which the action reads as a spread around the value. The
 * `capacity` entry is left out for that run.
 */
export function toBenchmarkAction(run: RunResult): BenchmarkActionExport {
  const smallerIsBetter: BenchmarkActionEntry[] = [];
  const biggerIsBetter: BenchmarkActionEntry[] = [];
  for (const { engine, pooled, repetitions, metrics, scenario, bound } of measuredScenarios(run)) {
    const where = `${engine.engine}/${pooled.scenario}`;
    const context = [`${pooled.completed} of ${pooled.requests} requests completed`, `${engine.fingerprint.engine.name} ${engine.fingerprint.engine.version} · ${run.model}`];
    const perRepLine = (values: readonly string[], unit: string): string => `${values.length} repetition${values.length === 1 ? '' : 's'}: ${values.join(', ')} ${unit}`;
    for (const metric of metrics) {
      const unit = metricUnit(metric, scenario);
      const value = readMetric(metric, pooled, where);
      const perRep = repetitions.map((s) => readMetric(metric, s, `${where} (one repetition)`));
      const entry: BenchmarkActionEntry = {
        name: `${where}/${metric.name}`,
        unit,
        value,
        ...(perRep.length >= 2 ? { range: `± ${Number(Math.sqrt(variance(perRep)).toPrecision(3))}` } : {}),
        extra: [perRepLine(perRep.map((v) => formatNumber(v)), unit), ...context].join('\n'),
      };
      (metric.direction === 'lower-is-better' ? smallerIsBetter : biggerIsBetter).push(entry);
    }
    if (bound) {
      const entry: BenchmarkActionEntry = {
        name: `${where}/${bound.metric.name}_below`,
        unit: bound.unit,
        value: bound.below,
        extra: [
          `${bound.metric.label} below ${formatNumber(bound.below)} ${bound.unit}: even the lowest load tried missed the SLOs. This value is that bound, not a measurement; ${bound.metric.name} has no value in this run.`,
          perRepLine(bound.repetitions, bound.unit),
          ...context,
        ].join('\n'),
      };
      (bound.metric.direction === 'lower-is-better' ? smallerIsBetter : biggerIsBetter).push(entry);
    }
  }
  return { smallerIsBetter, biggerIsBetter };
}
