import { BUSY_UTILISATION_PCT } from '../metrics/gpu.ts';
import { sequencesThatFit } from '../metrics/kv-cache.ts';
import type { EngineResult, KvCacheSize, RunResult, ScenarioTelemetry } from '../types.ts';
import { details, table, type Align } from './blocks.ts';
import { codeSpan, escapeCell, escapeHtml, escapeInline } from './escape.ts';
import { formatFraction, formatMiB, formatNumber, formatTimes, geometricMean } from './format.ts';

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

/** The sequence length the memory line counts whole sequences of: the default set's long context. */
const LONG_SEQUENCE = 8192;

interface KvFigures {
  readonly engine: string;
  /** Per engine start that reported its cache. */
  readonly tokens: readonly number[];
  readonly kv: KvCacheSize;
  readonly budgetMiB: number | undefined;
  readonly peakMiB: number | undefined;
}

function kvFigures(e: EngineResult): KvFigures | null {
  const sizes = (e.kvCache ?? []).filter((k): k is KvCacheSize => k !== null);
  if (sizes.length === 0) return null;
  const peaks = e.pooled.map((s) => s.telemetry.peakGpuMemoryMiB).filter((v): v is number => typeof v === 'number');
  return { engine: e.engine, tokens: sizes.map((k) => k.tokens), kv: sizes[0], budgetMiB: e.memoryBudgetMiB, peakMiB: peaks.length > 0 ? Math.max(...peaks) : undefined };
}

const SOURCE = { metrics: 'its /metrics', arguments: 'its paged-cache arguments', log: 'its log' } as const;

const overBudget = (f: KvFigures): boolean => f.budgetMiB !== undefined && f.peakMiB !== undefined && f.peakMiB > f.budgetMiB;

function kvText(f: KvFigures): string {
  const tokens = geometricMean(f.tokens)!;
  const spread = Math.min(...f.tokens) === Math.max(...f.tokens) ? '' : `${formatNumber(Math.min(...f.tokens))}–${formatNumber(Math.max(...f.tokens))} over ${f.tokens.length} starts; `;
  const perGiB = f.budgetMiB === undefined ? '' : `, ${formatNumber(tokens / (f.budgetMiB / 1024))} tokens per GiB of budget`;
  // A size from the arguments is what the engine was asked for; only the GPU's own memory says it fit.
  const unchecked = f.kv.source === 'arguments' ? '; not checked: no GPU memory telemetry' : '';
  const peak = f.peakMiB === undefined ? unchecked : `; peak GPU memory ${formatMiB(f.peakMiB)}${overBudget(f) ? ` — **over the ${formatMiB(f.budgetMiB!)} budget**` : ''}`;
  return (
    `${escapeInline(f.engine)} ${formatNumber(tokens)} tokens of KV (${spread}${SOURCE[f.kv.source]}: ${f.kv.blocks} blocks of ${f.kv.blockSize}${perGiB}; ` +
    `${sequencesThatFit(f.kv, LONG_SEQUENCE)} sequences of ${formatNumber(LONG_SEQUENCE)} tokens at once${peak})`
  );
}

/**
 * "vllm fits ×3.12 the KV cache of transformers in 21.6 GiB" for the two engines with the largest
 * and the smallest cache: the ratio of their geometric means over engine starts, with its range
 * over every pair of starts (each engine's cache can differ from start to start: vLLM sizes it by
 * profiling memory). "In the budget" only where both had the same one and neither's GPU memory
 * peaked over it; otherwise the line says which did not hold.
 */
function ratioText(found: readonly KvFigures[]): string {
  const [a, b] = [...found].sort((x, y) => geometricMean(y.tokens)! - geometricMean(x.tokens)!);
  const pairs = a.tokens.flatMap((x) => b.tokens.map((y) => x / y));
  const [lo, hi] = [Math.min(...pairs), Math.max(...pairs)];
  const starts = `${a.tokens.length} × ${b.tokens.length} pairs of engine starts`;
  const range = pairs.length === 1 ? ' (one start each: no range)' : lo === hi ? ` (the same over the ${starts})` : ` (${formatTimes(lo)}–${formatTimes(hi)}: the range over the ${starts})`;
  const budget = a.budgetMiB !== undefined && a.budgetMiB === b.budgetMiB ? a.budgetMiB : undefined;
  const over = [a, b].filter(overBudget);
  const where =
    budget === undefined
      ? ', not in one stated budget'
      : over.length === 0
        ? ` in ${formatMiB(budget)}`
        : `, but not within ${formatMiB(budget)}: ${over.map((f) => `${escapeInline(f.engine)} peaked at ${formatMiB(f.peakMiB)}`).join(', ')}`;
  return ` — ${escapeInline(a.engine)} fits ${formatTimes(geometricMean(a.tokens)! / geometricMean(b.tokens)!)} the KV cache of ${escapeInline(b.engine)}${where}${range}`;
}

/** The KV cache each engine set aside inside its memory budget, and how many times one holds the other's; null when no engine said. */
export function renderKvCapacity(run: RunResult): string | null {
  const found = run.engines.map(kvFigures).filter((f): f is KvFigures => f !== null);
  if (found.length === 0) return null;
  const budgets = [...new Set(found.map((f) => f.budgetMiB))];
  const budget = budgets.length === 1 ? budgets[0] : undefined;
  return `**KV cache${budget !== undefined ? ` in a ${formatMiB(budget)} budget` : ''}**: ${found.map(kvText).join('; ')}${found.length >= 2 ? ratioText(found) : ''}.`;
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
