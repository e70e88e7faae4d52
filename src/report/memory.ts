import { BUSY_UTILISATION_PCT } from '../metrics/gpu.ts';
import type { RunResult, ScenarioTelemetry } from '../types.ts';
import { details, table, type Align } from './blocks.ts';
import { codeSpan, escapeCell, escapeHtml, escapeInline } from './escape.ts';
import { formatFraction, formatMiB, formatNumber } from './format.ts';

// Memory efficiency (the seed's third axis) and GPU throttling, both from the telemetry gathered
// while each scenario ran. What an engine or machine cannot report (no GPU, no /metrics) gets no
// column and no row, rather than a column of dashes.

const COLUMNS: readonly (readonly [string, (t: ScenarioTelemetry) => number | undefined, (x: number | undefined) => string])[] = [
  ['Peak GPU memory', (t) => t.peakGpuMemoryMiB, formatMiB],
  ['Peak KV cache', (t) => t.peakKvCacheUsage, formatFraction],
  ['Most running at once', (t) => t.maxRunningRequests, formatNumber],
  ['Preemptions', (t) => t.preemptions, formatNumber],
  ['Prefix-cache hits', (t) => t.prefixCacheHitRate, formatFraction],
];

function peakMemory(run: RunResult): string {
  return run.engines
    .flatMap((e) => {
      const peaks = e.pooled.map((s) => s.telemetry.peakGpuMemoryMiB).filter((v): v is number => typeof v === 'number');
      return peaks.length ? [`${e.engine} ${formatMiB(Math.max(...peaks))}`] : [];
    })
    .join(', ');
}

/** Peak GPU memory, KV-cache use, concurrency and preemptions per engine × scenario, collapsed; null without telemetry. */
export function renderMemory(run: RunResult): string | null {
  const rows = run.engines.flatMap((e) => e.pooled.map((s) => ({ engine: e.engine, scenario: s.scenario, t: s.telemetry })));
  const columns = COLUMNS.filter(([, read]) => rows.some((r) => read(r.t) !== undefined));
  const shown = rows.filter((r) => columns.some(([, read]) => read(r.t) !== undefined));
  if (shown.length === 0) return null;
  const peak = peakMemory(run);
  return details(
    escapeHtml(`Memory efficiency${peak ? `: peak GPU memory ${peak}` : ''}`),
    table(
      ['Engine', 'Scenario', ...columns.map(([label]) => label)],
      shown.map(({ engine, scenario, t }) => [escapeCell(engine), escapeCell(scenario), ...columns.map(([, read, format]) => format(read(t)))]),
      ['l', 'l', ...columns.map((): Align => 'r')],
    ),
  );
}

/**
 * One warning line naming where the GPU throttled while it was busy (those figures may be low);
 * null when it never did. Clock-event reasons are also set while a GPU idles between requests, so
 * only a reason active in a busy sample counts.
 */
export function renderThrottling(run: RunResult): string | null {
  const reasons = new Set<string>();
  const where = new Map<string, string[]>();
  let windows = 0;
  let busyWindows = 0;
  for (const e of run.engines) {
    // Per repetition: the pooled union would hide which windows were busy.
    for (const scenario of run.scenarioSet.names) {
      const reps = e.repetitions.flatMap((r) => r.scenarios.filter((s) => s.scenario === scenario));
      windows += reps.length;
      // Recorded per sample by the GPU sampler (metrics/gpu.ts); older results without it say nothing.
      const hit = reps.filter((s) => (s.telemetry.busyThrottleReasons ?? []).length > 0);
      busyWindows += hit.length;
      for (const s of hit) for (const r of s.telemetry.busyThrottleReasons!) reasons.add(r);
      if (hit.length) where.set(e.engine, [...(where.get(e.engine) ?? []), scenario]);
    }
  }
  if (busyWindows === 0) return null;
  return (
    `⚠️ The GPU throttled (${[...reasons].sort().map(codeSpan).join(', ')}) while busy (≥ ${BUSY_UTILISATION_PCT}% utilisation) in ${busyWindows} of ${windows} ` +
    `scenario runs (${[...where.entries()].map(([engine, scenarios]) => `${escapeInline(engine)}: ${scenarios.map(escapeInline).join(', ')}`).join('; ')}); their figures may be low.`
  );
}
