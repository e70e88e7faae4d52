import { METRICS } from '../metrics/catalog.ts';
import type { Distribution, EngineResult, RunResult, ScenarioSummary } from '../types.ts';
import { details, join, table } from './blocks.ts';
import { escapeHtml } from './escape.ts';
import { formatNumber } from './format.ts';
import { metricHeading } from './metric-label.ts';

// The full figures behind every comparison, one collapsed block per engine × scenario, so a
// reviewer can check percentiles and repetition-to-repetition spread without the raw JSON.

const DISTRIBUTIONS: readonly (readonly [string, (s: ScenarioSummary) => Distribution])[] = [
  ['TTFT (ms)', (s) => s.ttftMs],
  ['TPOT (ms)', (s) => s.tpotMs],
  ['ITL (ms)', (s) => s.itlMs],
  ['E2E latency (ms)', (s) => s.e2elMs],
  ['Client queue (ms)', (s) => s.queueMs],
];

const STATS: readonly (keyof Distribution)[] = ['n', 'mean', 'p50', 'p90', 'p95', 'p99', 'min', 'max'];

function totals(s: ScenarioSummary): string {
  return [
    `${s.completed}/${s.requests} completed in ${formatNumber(s.durationS)} s`,
    `${formatNumber(s.inputTokens)} input and ${formatNumber(s.outputTokens)} output tokens`,
    `${formatNumber(s.requestThroughput)} req/s, ${formatNumber(s.outputThroughput)} output tok/s, ${formatNumber(s.totalTokenThroughput)} total tok/s`,
    `goodput ${formatNumber(s.goodput)} req/s`,
    `at most ${s.peakConcurrency} in flight`,
  ].join(' · ');
}

function perRepetition(e: EngineResult, scenario: string): string | null {
  const reps = [...e.repetitions].sort((a, b) => a.index - b.index);
  const cols = reps.map((r) => r.scenarios.find((s) => s.scenario === scenario));
  if (!cols.some(Boolean)) return null;
  return table(
    ['Metric', ...reps.map((r) => `Rep ${r.index + 1}`)],
    METRICS.map((m) => [metricHeading(m.name), ...cols.map((s) => formatNumber(s ? m.read(s) : null))]),
    ['l', ...reps.map((): 'r' => 'r')],
  );
}

function scenarioBlock(e: EngineResult, s: ScenarioSummary): string {
  const summary = escapeHtml(`${e.engine} · ${s.scenario}: ${formatNumber(s.outputThroughput)} output tok/s, TTFT p50 ${formatNumber(s.ttftMs.p50)} ms, ${s.failed} failed`);
  return details(
    summary,
    join(
      totals(s),
      table(['Distribution', ...STATS], DISTRIBUTIONS.map(([label, read]) => [label, ...STATS.map((k) => formatNumber(read(s)[k]))]), ['l', ...STATS.map((): 'r' => 'r')]),
      perRepetition(e, s.scenario),
    ),
  );
}

/** One collapsed block of full figures per engine × scenario (pooled percentiles, then each repetition). */
export function renderFullSummaries(run: RunResult): string | null {
  const blocks = run.engines.flatMap((e) => e.pooled.map((s) => scenarioBlock(e, s)));
  return blocks.length ? join('### Full results', `Pooled over all repetitions; one column per repetition below.`, ...blocks) : null;
}
