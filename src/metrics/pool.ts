import type { CapacityResult, RepetitionResult, RequestRecord, Scenario, ScenarioSummary, ScenarioTelemetry } from '../types.ts';
import { summarize } from './summary.ts';

// The pooled summary of a run: every repetition's requests of a scenario together (the figure the
// report and the exports show next to the per-repetition values the gate tests).

/** Pooled summary per scenario: all repetitions' requests together over the sum of their durations. */
export function poolRepetitions(
  repetitions: readonly RepetitionResult[],
  records: readonly RequestRecord[],
  scenarios: readonly Scenario[],
): ScenarioSummary[] {
  const pooled: ScenarioSummary[] = [];
  for (const scenario of scenarios) {
    const parts = repetitions.flatMap((r) => r.scenarios.filter((s) => s.scenario === scenario.name));
    if (parts.length === 0) continue;
    const mine = records.filter((r) => r.scenario === scenario.name);
    const durationS = parts.reduce((sum, s) => sum + s.durationS, 0);
    const peak = Math.max(...parts.map((s) => s.peakConcurrency));
    pooled.push(summarize(mine, scenario, durationS, peak, mergeTelemetry(parts.map((s) => s.telemetry)), poolCapacity(parts)));
  }
  return pooled;
}

const geometricMean = (xs: readonly number[]): number => Math.exp(xs.reduce((sum, x) => sum + Math.log(x), 0) / xs.length);

/**
 * The repetitions' searches together: the geometric mean of their capacities and of their first
 * misses, every probe in the order run. Where a repetition's capacity is censored (even the lowest
 * load missed) the pooled one is too: the geometric mean with each censored capacity replaced by
 * its bound bounds the true mean from above, so that is the pooled bound (`firstMiss`, capacity
 * null). This holds when another repetition passed its highest load, whose first miss is unknown.
 */
function poolCapacity(parts: readonly ScenarioSummary[]): CapacityResult | undefined {
  const found = parts.map((s) => s.capacity).filter((c): c is CapacityResult => c !== undefined);
  if (found.length === 0) return undefined;
  const pool = (pick: (c: CapacityResult) => number | null): number | null => {
    const xs = found.map(pick);
    return xs.every((x): x is number => x !== null && x > 0) ? geometricMean(xs) : null;
  };
  const censored = found.some((c) => c.capacity === null);
  return {
    over: found[0].over,
    capacity: censored ? null : pool((c) => c.capacity),
    firstMiss: censored ? pool((c) => c.capacity ?? c.firstMiss) : pool((c) => c.firstMiss),
    probes: found.flatMap((c) => c.probes),
    searchS: found.reduce((sum, c) => sum + c.searchS, 0),
  };
}

function mergeTelemetry(parts: readonly ScenarioTelemetry[]): ScenarioTelemetry {
  const max = (pick: (t: ScenarioTelemetry) => number | undefined): number | undefined => {
    const v = parts.map(pick).filter((x): x is number => x !== undefined);
    return v.length > 0 ? Math.max(...v) : undefined;
  };
  const mean = (pick: (t: ScenarioTelemetry) => number | undefined): number | undefined => {
    const v = parts.map(pick).filter((x): x is number => x !== undefined);
    return v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
  };
  const sum = (pick: (t: ScenarioTelemetry) => number | undefined): number | undefined => {
    const v = parts.map(pick).filter((x): x is number => x !== undefined);
    return v.length > 0 ? v.reduce((a, b) => a + b, 0) : undefined;
  };
  const union = (pick: (t: ScenarioTelemetry) => readonly string[] | undefined): string[] | undefined => {
    const v = [...new Set(parts.flatMap((t) => pick(t) ?? []))].sort();
    return v.length > 0 ? v : undefined;
  };
  const merged: Record<string, unknown> = {
    peakGpuMemoryMiB: max((t) => t.peakGpuMemoryMiB),
    meanGpuUtilPct: mean((t) => t.meanGpuUtilPct),
    peakKvCacheUsage: max((t) => t.peakKvCacheUsage),
    maxRunningRequests: max((t) => t.maxRunningRequests),
    maxWaitingRequests: max((t) => t.maxWaitingRequests),
    preemptions: sum((t) => t.preemptions),
    prefixCacheHitRate: mean((t) => t.prefixCacheHitRate),
    throttleReasons: union((t) => t.throttleReasons),
    busyThrottleReasons: union((t) => t.busyThrottleReasons),
  };
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as ScenarioTelemetry;
}
