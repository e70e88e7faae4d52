import { capacityReading } from '../capacity.ts';
import { variance } from '../compare/stats.ts';
import { loadUnit } from '../metrics/catalog.ts';
import { summarize } from '../metrics/summary.ts';
import type { Distribution, LoadPattern, RequestRecord, RunResult, Scenario, ScenarioSummary } from '../types.ts';
import { measuredScenarios } from './measured.ts';

// One file per engine × scenario with the fields `vllm bench serve --save-result` writes, so the
// scripts and dashboards people keep for vLLM's bench read ours (field names and meanings from
// `benchmark()` and `main_async()` in
// https://github.com/vllm-project/vllm/blob/main/vllm/benchmarks/serve.py).
//
// Each file describes the pooled summary: all repetitions' requests together, so `num_prompts`,
// `completed` and the token totals cover every repetition and `duration` is the sum of the
// repetitions' durations (the span the throughputs divide by). Percentiles are written as vLLM
// writes them for `--metric-percentiles 50,90,95,99`, for ttft, tpot, itl and e2el (as with
// `--percentile-metrics ttft,tpot,itl,e2el`).
//
// Computed or mapped rather than measured the same way:
// - std_*_ms: vLLM's np.std (population) over the per-request values, written only when the run
//   kept its request records (`--records`) and they cover the whole pooled sample; otherwise omitted.
// - request_goodput: null when the scenario sets no SLO, as vLLM writes it without `--goodput`.
// - request_rate / burstiness / max_concurrency: from the scenario's load pattern (a closed loop of
//   N is vLLM's `--request-rate inf --max-concurrency N`).
// - max_concurrent_requests: the most requests the client had in flight.
// - capacity, capacity_unit (capacity scenarios, as `--metadata` strings): the search's result,
//   "< 1" when even the lowest load tried missed the SLOs. request_rate / max_concurrency then hold
//   the load the figures ran at (the lowest load tried), not a capacity: `capacity` says which.
// Omitted: the per-request arrays (input_lens, output_lens, ttfts, itls, latencies, start_times,
// queue_times, generated_texts, errors: vLLM's arrays follow one run's dispatch order, which pooled
// repetitions do not have), max_output_tokens_per_s (needs vLLM's per-second token buckets),
// rtfx (speech models only), and the client_queue_time_* statistics (vLLM's cover successful
// requests only; our queue distribution covers every request).

/** A `vllm bench serve` result: strings, numbers and nulls under vLLM's key names. */
export type VllmBenchResult = Readonly<Record<string, string | number | null>>;

export interface VllmBenchFile {
  /** `<engine>-<scenario>.json`, a plain file name. */
  readonly file: string;
  readonly data: VllmBenchResult;
}

// Engine labels and scenario names become file names: nothing that could leave the folder.
const FILE_PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const LATENCIES = [
  ['ttft', (s: ScenarioSummary) => s.ttftMs],
  ['tpot', (s: ScenarioSummary) => s.tpotMs],
  ['itl', (s: ScenarioSummary) => s.itlMs],
  ['e2el', (s: ScenarioSummary) => s.e2elMs],
] as const;

type LatencyKey = (typeof LATENCIES)[number][0];

/** One result per measured engine × scenario, in the run's order. */
export function toVllmBench(run: RunResult): VllmBenchFile[] {
  const date = vllmDate(run.createdAt);
  const files = new Set<string>();
  return measuredScenarios(run).map(({ engine, pooled }) => {
    const where = `${engine.engine}/${pooled.scenario}`;
    for (const part of [engine.engine, pooled.scenario]) {
      if (!FILE_PART.test(part)) throw new Error(`export: ${where}: "${part}" cannot be part of a file name; expected letters, digits, '.', '_' or '-'`);
    }
    const file = `${engine.engine}-${pooled.scenario}.json`;
    if (files.has(file)) throw new Error(`export: ${where}: another engine and scenario also map to the file name "${file}"`);
    files.add(file);
    const scenario = run.scenarioSet.definitions.find((d) => d.name === pooled.scenario);
    if (!scenario) throw new Error(`export: ${where}: scenarioSet.definitions has no scenario "${pooled.scenario}"; expected its definition (API, load pattern, SLO)`);
    const backend = scenario.api === 'chat' ? 'openai-chat' : 'openai';
    const samples = engine.records ? perRequestSamples(engine.records, scenario) : null;
    const data: Record<string, string | number | null> = {
      date,
      endpoint_type: backend,
      backend,
      label: engine.engine,
      model_id: run.model,
      tokenizer_id: run.model,
      num_prompts: pooled.requests,
      // What vLLM's `--metadata KEY=VALUE` adds: string values at the top level.
      engine: engine.engine,
      engine_version: engine.fingerprint.engine.version,
      scenario: pooled.scenario,
      repetitions: String(run.repetitions),
      ...capacityMetadata(scenario.load, pooled),
      ...traffic(scenario.load, pooled),
      duration: pooled.durationS,
      completed: pooled.completed,
      failed: pooled.failed,
      total_input_tokens: pooled.inputTokens,
      total_output_tokens: pooled.outputTokens,
      request_throughput: pooled.requestThroughput,
      request_goodput: hasSlo(scenario) ? pooled.goodput : null,
      output_throughput: pooled.outputThroughput,
      total_token_throughput: pooled.totalTokenThroughput,
      max_concurrent_requests: pooled.peakConcurrency,
    };
    for (const [key, pick] of LATENCIES) Object.assign(data, latencyFields(key, pick(pooled), samples?.[key]));
    for (const [field, value] of Object.entries(data)) {
      if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) {
        throw new Error(`export: ${where}: ${field} is ${value}, expected a finite number ≥ 0`);
      }
    }
    return { file, data };
  });
}

/** vLLM's `date` field: `%Y%m%d-%H%M%S` (here in UTC, from the run's creation time). */
function vllmDate(createdAt: string): string {
  const t = new Date(createdAt);
  if (Number.isNaN(t.getTime())) throw new Error(`export: createdAt is "${createdAt}", expected an ISO 8601 date-time`);
  const iso = t.toISOString(); // 2026-06-04T15:12:08.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

function traffic(load: LoadPattern, pooled: ScenarioSummary): { request_rate: number | 'inf'; burstiness: number; max_concurrency: number | null } {
  switch (load.kind) {
    case 'trace': {
      const n = load.requests.length;
      const spanS = n > 1 ? load.requests[n - 1].atMs / 1000 : 0;
      return { request_rate: spanS > 0 ? (n - 1) / spanS : 'inf', burstiness: 1, max_concurrency: load.maxConcurrency ?? null };
    }
    case 'capacity': {
      // The figures are the requests of the last passing probe (or, below the lowest load tried, of that lowest probe): the load it ran at.
      const at = pooled.capacity ? (capacityReading(pooled.capacity)?.value ?? null) : null;
      if (load.over === 'rate') return { request_rate: at ?? 'inf', burstiness: load.burstiness, max_concurrency: null };
      return { request_rate: 'inf', burstiness: 1, max_concurrency: at };
    }
    case 'concurrency':
      return { request_rate: 'inf', burstiness: 1, max_concurrency: load.concurrency };
    case 'poisson':
      return { request_rate: load.rate, burstiness: load.burstiness, max_concurrency: load.maxConcurrency ?? null };
    case 'burst':
      return { request_rate: 'inf', burstiness: 1, max_concurrency: null };
  }
}

/** A capacity search's result as vLLM's metadata strings: "5", or "< 1" for a value below the lowest load tried. */
function capacityMetadata(load: LoadPattern, pooled: ScenarioSummary): Record<string, string> {
  const r = load.kind === 'capacity' && pooled.capacity ? capacityReading(pooled.capacity) : null;
  if (load.kind !== 'capacity' || r === null) return {};
  return { capacity: `${r.below ? '< ' : ''}${r.value}`, capacity_unit: loadUnit(load.over) };
}

function hasSlo(scenario: Scenario): boolean {
  const { ttftMs, tpotMs, e2elMs } = scenario.slo;
  return ttftMs !== undefined || tpotMs !== undefined || e2elMs !== undefined;
}

function latencyFields(key: LatencyKey, d: Distribution, sample: readonly number[] | undefined): Record<string, number> {
  return {
    [`mean_${key}_ms`]: d.mean,
    [`median_${key}_ms`]: d.p50,
    // A partial record set would give the spread of a different sample than the other figures.
    ...(sample !== undefined && sample.length === d.n ? { [`std_${key}_ms`]: populationStd(sample) } : {}),
    [`p50_${key}_ms`]: d.p50,
    [`p90_${key}_ms`]: d.p90,
    [`p95_${key}_ms`]: d.p95,
    [`p99_${key}_ms`]: d.p99,
  };
}

/**
 * Each completed request's values of one scenario. The definitions (TPOT's token count when the
 * server sent no usage, no TPOT for single-token replies) live in summarize, so each request is
 * summarised alone rather than re-deriving them here.
 */
function perRequestSamples(records: readonly RequestRecord[], scenario: Scenario): Record<LatencyKey, number[]> {
  const samples: Record<LatencyKey, number[]> = { ttft: [], tpot: [], itl: [], e2el: [] };
  for (const r of records) {
    if (r.scenario !== scenario.name || !r.ok) continue;
    const one = summarize([r], scenario, 0, 0);
    for (const [key, pick] of LATENCIES) {
      if (key === 'itl') samples.itl.push(...r.itlMs);
      else if (pick(one).n === 1) samples[key].push(pick(one).mean);
    }
  }
  return samples;
}

/** numpy's default std (ddof 0), as vLLM writes it; 0 below two values, as np.std gives for one. */
function populationStd(xs: readonly number[]): number {
  return xs.length < 2 ? 0 : Math.sqrt((variance(xs) * (xs.length - 1)) / xs.length);
}
