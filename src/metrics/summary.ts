import { mean, quantileSorted } from 'simple-statistics';
import type { CapacityResult, Distribution, RequestRecord, Scenario, ScenarioSummary, ScenarioTelemetry, Slo, TokenCounts } from '../types.ts';

// Per-scenario metrics from request records, with the definitions of vLLM's
// `benchmarks/serve.py` (calculate_metrics) so the figures line up with `vllm bench serve`:
// latency distributions and token counts come from completed requests only, TPOT only from
// requests with more than one output token, ITL is pooled over every token of every request,
// throughputs divide by the span from first send to last finish.

const EMPTY: Distribution = Object.freeze({ n: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, min: 0, max: 0 });

/**
 * Mean, extremes and p50/p90/p95/p99 by linear interpolation between closest ranks (numpy's
 * default `percentile` method, which vLLM's bench uses; simple-statistics' quantileSorted is that
 * method, R's type 7). No values: n 0 and every statistic 0.
 */
export function distribution(values: readonly number[]): Distribution {
  const n = values.length;
  if (n === 0) return EMPTY;
  const sorted = Array.from(Float64Array.from(values).sort());
  return {
    n,
    // A compensated sum: long ITL samples (10^5 gaps) keep their last digits.
    mean: mean(sorted),
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    min: sorted[0],
    max: sorted[n - 1],
  };
}

/** The class an error is counted under: the text before the first ': ' ('http 500: Internal…' → 'http 500'). */
export function errorClass(error: string): string {
  const cut = error.indexOf(': ');
  return cut === -1 ? error : error.slice(0, cut);
}

/** The error a completed request is counted under when it streamed no token at all. */
export const EMPTY_COMPLETION = 'empty completion';

/** How an engine's output tokens were counted over its summaries; undefined when none completed. */
export function tokenCountsOf(summaries: readonly ScenarioSummary[]): TokenCounts | undefined {
  if (!summaries.some((s) => s.completed > 0)) return undefined;
  return summaries.some((s) => (s.estimatedCounts ?? 0) > 0) ? 'estimated' : 'exact';
}

/**
 * Output tokens of a completed request, and whether the server's `usage` disagreed with the stream:
 * usage below the content chunks streamed (each carries at least one token) or above the request's
 * own max_tokens is impossible, and the streamed count stands in — a usage 1000× too high must not
 * become the throughput. Without usage, the tokens the content chunks implied (one ITL entry per
 * token after the first chunk).
 */
function outputTokensOf(r: RequestRecord): { tokens: number; disagreed: boolean } {
  const streamed = r.streamedChunks ?? (r.ttftMs === null ? 0 : r.itlMs.length + 1);
  if (r.outputTokens === null) return { tokens: r.ttftMs === null ? 0 : r.itlMs.length + 1, disagreed: false };
  const tooLow = r.outputTokens < streamed;
  const tooHigh = r.maxTokens !== undefined && r.outputTokens > r.maxTokens;
  return tooLow || tooHigh ? { tokens: streamed, disagreed: true } : { tokens: r.outputTokens, disagreed: false };
}

/** Whether a completed request's latencies meet every SLO (a request with one token has TPOT 0, as in vLLM). */
function meetsSlo(slo: Slo, ttft: number | null, tpot: number, e2el: number | null): boolean {
  return (
    (slo.ttftMs === undefined || (ttft !== null && ttft <= slo.ttftMs)) &&
    (slo.tpotMs === undefined || tpot <= slo.tpotMs) &&
    (slo.e2elMs === undefined || (e2el !== null && e2el <= slo.e2elMs))
  );
}

/** TPOT of a completed request with `out` output tokens (0 with one token, as in vLLM). */
const tpotOf = (out: number, ttft: number | null, e2el: number | null): number => (out > 1 && ttft !== null && e2el !== null ? (e2el - ttft) / (out - 1) : 0);

/** A request that counts towards goodput: completed, with tokens, within every SLO. */
export function metSlo(r: RequestRecord, slo: Slo): boolean {
  if (!r.ok || r.ttftMs === null) return false;
  const out = outputTokensOf(r).tokens;
  return out > 0 && meetsSlo(slo, r.ttftMs, tpotOf(out, r.ttftMs, r.e2elMs), r.e2elMs);
}

/**
 * Summarises one scenario's records. Records of several repetitions may be passed together (the
 * pooled summary); `durationS` is then the sum of the repetitions' durations.
 */
export function summarize(
  records: readonly RequestRecord[],
  scenario: Scenario,
  durationS: number,
  peakConcurrency: number,
  telemetry?: ScenarioTelemetry,
  capacity?: CapacityResult,
): ScenarioSummary {
  if (!(durationS >= 0) || !Number.isFinite(durationS)) throw new Error(`summarize(${scenario.name}): durationS must be a finite number ≥ 0, got ${durationS}`);
  const errors: Record<string, number> = {};
  const ttfts: number[] = [];
  const tpots: number[] = [];
  const e2els: number[] = [];
  const queues: number[] = [];
  const itls: number[] = [];
  let completed = 0;
  let good = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let shortOutputs = 0;

  let usageDisagreements = 0;
  let estimatedCounts = 0;
  for (const r of records) {
    // Client-side waiting happens whatever the outcome, so every request reports it.
    queues.push(r.queueMs);
    const counted = r.ok ? outputTokensOf(r) : null;
    // A completion that streamed no token (e.g. only `choices: []` and [DONE]) did not complete.
    const error = !r.ok ? (r.error ?? 'unknown error') : r.ttftMs === null || counted!.tokens === 0 ? EMPTY_COMPLETION : null;
    if (error !== null) {
      const cls = errorClass(error);
      errors[cls] = (errors[cls] ?? 0) + 1;
      continue;
    }
    completed++;
    const out = counted!.tokens;
    if (counted!.disagreed) usageDisagreements++;
    if (r.outputTokens === null) estimatedCounts++;
    inputTokens += r.promptTokens;
    outputTokens += out;
    if (r.maxTokens !== undefined && out < r.maxTokens) shortOutputs++;
    for (const gap of r.itlMs) itls.push(gap);
    const ttft = r.ttftMs;
    const e2el = r.e2elMs;
    if (ttft !== null) ttfts.push(ttft);
    if (e2el !== null) e2els.push(e2el);
    // As in vLLM: a request with at most one output token has TPOT 0 for goodput and none in the distribution.
    const tpot = tpotOf(out, ttft, e2el);
    if (out > 1 && ttft !== null && e2el !== null) tpots.push(tpot);
    if (meetsSlo(scenario.slo, ttft, tpot, e2el)) good++;
  }

  const perSecond = (x: number): number => (durationS > 0 ? x / durationS : 0);
  return {
    scenario: scenario.name,
    requests: records.length,
    completed,
    failed: records.length - completed,
    errors,
    durationS,
    inputTokens,
    outputTokens,
    shortOutputs,
    usageDisagreements,
    estimatedCounts,
    requestThroughput: perSecond(completed),
    outputThroughput: perSecond(outputTokens),
    totalTokenThroughput: perSecond(inputTokens + outputTokens),
    goodput: perSecond(good),
    ttftMs: distribution(ttfts),
    tpotMs: distribution(tpots),
    itlMs: distribution(itls),
    e2elMs: distribution(e2els),
    queueMs: distribution(queues),
    peakConcurrency,
    telemetry: telemetry ?? {},
    ...(capacity === undefined ? {} : { capacity }),
  };
}
