import type { RunResult, ScenarioTelemetry } from '../types.ts';
import { join, table } from './blocks.ts';
import { escapeCell, escapeInline } from './escape.ts';
import { formatFraction, formatMiB, formatNumber } from './format.ts';

// Memory efficiency (the seed's third axis) and GPU throttling, both from the telemetry gathered
// while each scenario ran. Fields an engine cannot report stay empty rather than zero.

const MEMORY_FIELDS: readonly (keyof ScenarioTelemetry)[] = ['peakGpuMemoryMiB', 'peakKvCacheUsage', 'maxRunningRequests', 'preemptions', 'prefixCacheHitRate'];

/** Peak GPU memory, KV-cache use, concurrency and preemptions per engine × scenario; null without telemetry. */
export function renderMemory(run: RunResult): string | null {
  const rows = run.engines.flatMap((e) => e.pooled.map((s) => ({ engine: e.engine, scenario: s.scenario, t: s.telemetry })));
  if (!rows.some((r) => MEMORY_FIELDS.some((f) => r.t[f] !== undefined))) return null;
  return join(
    '### Memory efficiency',
    table(
      ['Engine', 'Scenario', 'Peak GPU memory', 'Peak KV cache', 'Most running at once', 'Preemptions', 'Prefix-cache hits'],
      rows.map(({ engine, scenario, t }) => [
        escapeCell(engine),
        escapeCell(scenario),
        formatMiB(t.peakGpuMemoryMiB),
        formatFraction(t.peakKvCacheUsage),
        formatNumber(t.maxRunningRequests),
        formatNumber(t.preemptions),
        formatFraction(t.prefixCacheHitRate),
      ]),
      ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
}

/** A warning listing where the GPU throttled (its figures are then suspect); null when it never did. */
export function renderThrottling(run: RunResult): string | null {
  const lines: string[] = [];
  for (const e of run.engines) {
    // Pooled telemetry should carry the union, but a throttle seen in one repetition must not be lost.
    const summaries = [...e.pooled, ...e.repetitions.flatMap((r) => r.scenarios)];
    for (const scenario of run.scenarioSet.names) {
      const reasons = new Set(summaries.filter((s) => s.scenario === scenario).flatMap((s) => s.telemetry.throttleReasons ?? []));
      if (reasons.size) lines.push(`> - ${escapeInline(e.engine)} · ${escapeInline(scenario)}: ${[...reasons].map(escapeInline).join(', ')}`);
    }
  }
  if (lines.length === 0) return null;
  return ['> [!WARNING]', '> The GPU throttled while these scenarios ran; their figures may be low.', ...lines].join('\n');
}
