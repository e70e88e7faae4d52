import { metricDef, type MetricDef } from '../metrics/catalog.ts';
import type { EngineResult, RunResult, ScenarioSummary } from '../types.ts';
import { table, join } from './blocks.ts';
import { escapeCell, escapeInline } from './escape.ts';
import { formatMiB, formatNumber, formatTimes, geometricMean, MISSING, passesText } from './format.ts';
import { metricHeading } from './metric-label.ts';

// The question the project exists to answer on every run: how do vLLM and Transformers compare
// on latency, throughput and memory, scenario by scenario.

const HEAD_TO_HEAD = ['output_throughput', 'ttft_p50', 'ttft_p95', 'tpot_p50'].map(metricDef);

// Real engines pair with each other, simulated profiles with each other.
const PAIRS: readonly (readonly [string, string])[] = [
  ['vllm', 'transformers'],
  ['sim-vllm', 'sim-transformers'],
];

function usable(e: EngineResult): boolean {
  return e.status === 'ok' && e.pooled.length > 0;
}

/** The engine pairs to compare: the known pairs that both ran, else the only two engines that ran. */
function enginePairs(run: RunResult): [EngineResult, EngineResult][] {
  const ok = run.engines.filter(usable);
  const pairs: [EngineResult, EngineResult][] = [];
  for (const [a, b] of PAIRS) {
    const x = ok.find((e) => e.engine === a);
    const y = ok.find((e) => e.engine === b);
    if (x && y) pairs.push([x, y]);
  }
  if (pairs.length === 0 && ok.length === 2) pairs.push([ok[0], ok[1]]);
  return pairs;
}

/** How many times better `a` is than `b` on this metric (> 1: a is better), or null. */
function advantage(m: MetricDef, a: ScenarioSummary | undefined, b: ScenarioSummary | undefined): number | null {
  if (!a || !b) return null;
  const x = m.read(a);
  const y = m.read(b);
  if (!(x > 0 && y > 0)) return null;
  return m.direction === 'higher-is-better' ? x / y : y / x;
}

function peak(e: EngineResult, read: (s: ScenarioSummary) => number | undefined): number | null {
  const values = e.pooled.map(read).filter((v): v is number => typeof v === 'number');
  return values.length ? Math.max(...values) : null;
}

/** "Memory: peak GPU memory 21.8 GiB vs 19.6 GiB; …", with only the figures at least one engine has; null for none. */
function memoryLine(a: EngineResult, b: EngineResult): string | null {
  const parts = (
    [
      ['peak GPU memory', (s: ScenarioSummary) => s.telemetry.peakGpuMemoryMiB, formatMiB],
      ['most requests running at once', (s: ScenarioSummary) => s.telemetry.maxRunningRequests, formatNumber],
    ] as const
  ).flatMap(([label, read, format]) => {
    const [x, y] = [peak(a, read), peak(b, read)];
    return x === null && y === null ? [] : [`${label} ${format(x)} vs ${format(y)}`];
  });
  return parts.length ? `Memory: ${parts.join('; ')}.` : null;
}

function renderPair(run: RunResult, a: EngineResult, b: EngineResult): string {
  const an = escapeInline(a.engine);
  const bn = escapeInline(b.engine);
  const scenarios = run.scenarioSet.names.filter((s) => a.pooled.some((x) => x.scenario === s) || b.pooled.some((x) => x.scenario === s));
  const ratios = HEAD_TO_HEAD.map(() => [] as number[]);
  const rows = scenarios.map((scenario) => {
    const sa = a.pooled.find((x) => x.scenario === scenario);
    const sb = b.pooled.find((x) => x.scenario === scenario);
    const cells = HEAD_TO_HEAD.map((m, i) => {
      const adv = advantage(m, sa, sb);
      if (adv !== null) ratios[i].push(adv);
      const va = sa ? formatNumber(m.read(sa)) : MISSING;
      const vb = sb ? formatNumber(m.read(sb)) : MISSING;
      return `${va} / ${vb} (${formatTimes(adv)})`;
    });
    return [escapeCell(scenario), ...cells];
  });
  const overall = HEAD_TO_HEAD.map((m, i) => `${m.label} ${formatTimes(geometricMean(ratios[i]))}`).join(', ');
  const memory = memoryLine(a, b);
  return join(
    `### ${an} vs ${bn}`,
    `Cells: ${an} / ${bn} (×: how many times better ${an} is; above 1 favours ${an}). Pooled over ${passesText(run)}.`,
    table(['Scenario', ...HEAD_TO_HEAD.map((m) => metricHeading(m.name))], rows, ['l', 'r', 'r', 'r', 'r']),
    `**Overall** (geometric mean over ${scenarios.length} scenarios): ${overall}.${memory ? ` ${memory}` : ''}`,
  );
}

/** The head-to-head section, or null when fewer than two engines ran. */
export function renderHeadToHead(run: RunResult): string | null {
  const pairs = enginePairs(run);
  return pairs.length ? join(...pairs.map(([a, b]) => renderPair(run, a, b))) : null;
}
