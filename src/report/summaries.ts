import type { Distribution, EngineResult, RunResult, ScenarioSummary } from '../types.ts';
import { details, join, table, type Align } from './blocks.ts';
import { escapeCell, escapeHtml } from './escape.ts';
import { formatNumber } from './format.ts';

// The full figures behind every comparison, pooled over the repetitions: one collapsed table per
// engine with a row per scenario, so a reviewer can check percentiles and totals without the raw
// JSON (per-repetition values are in results.json, and behind each regression).

const PERCENTILES = (d: Distribution): string => `${formatNumber(d.p50)} / ${formatNumber(d.p90)} / ${formatNumber(d.p99)}`;

const COLUMNS: readonly (readonly [string, (s: ScenarioSummary) => string])[] = [
  ['Completed', (s) => `${s.completed}/${s.requests}`],
  ['Tokens in / out', (s) => `${formatNumber(s.inputTokens)} / ${formatNumber(s.outputTokens)}`],
  ['Duration (s)', (s) => formatNumber(s.durationS)],
  ['Output tok/s', (s) => formatNumber(s.outputThroughput)],
  ['Req/s (goodput)', (s) => `${formatNumber(s.requestThroughput)} (${formatNumber(s.goodput)})`],
  ['TTFT p50 / p90 / p99 (ms)', (s) => PERCENTILES(s.ttftMs)],
  ['TPOT p50 / p90 / p99 (ms)', (s) => PERCENTILES(s.tpotMs)],
  ['ITL p50 / p90 / p99 (ms)', (s) => PERCENTILES(s.itlMs)],
  ['E2E p50 / p90 / p99 (ms)', (s) => PERCENTILES(s.e2elMs)],
  ['Queue p99 (ms)', (s) => formatNumber(s.queueMs.p99)],
  ['Most in flight', (s) => formatNumber(s.peakConcurrency)],
];

function engineTable(e: EngineResult): string {
  return table(
    ['Scenario', ...COLUMNS.map(([label]) => label)],
    e.pooled.map((s) => [escapeCell(s.scenario), ...COLUMNS.map(([, read]) => read(s))]),
    ['l', ...COLUMNS.map((): Align => 'r')],
  );
}

/** One collapsed table of pooled figures per engine, a row per scenario; null when nothing was measured. */
export function renderFullSummaries(run: RunResult): string | null {
  const blocks = run.engines
    .filter((e) => e.pooled.length > 0)
    .map((e) => details(escapeHtml(`Full results of ${e.engine}: ${e.pooled.length} scenarios pooled over ${e.repetitions.length} repetitions`), engineTable(e)));
  return blocks.length ? join(...blocks) : null;
}
