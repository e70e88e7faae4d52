// Shared data shapes. Every stage of the pipeline (config → plan → engines → load → metrics →
// compare → report → publish) speaks these types; this file imports nothing so any folder may
// depend on it without creating upward imports.

// ---------- scenario file ----------

/** Token length of a prompt or a completion: fixed, or drawn per request from a seeded distribution. */
export type LengthSpec =
  | { readonly kind: 'fixed'; readonly tokens: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly stddev: number; readonly min: number; readonly max: number };

/**
 * How requests are released.
 * - concurrency: closed loop, N requests in flight; a new one starts when one finishes.
 * - poisson: open loop at `rate` req/s; `burstiness` is the gamma shape (1 = Poisson, <1 burstier);
 *   sends follow an absolute schedule; `maxConcurrency` optionally caps requests in flight
 *   (the wait for a slot is client queue time, reported separately).
 * - burst: every request sent at t=0 (maximum throughput).
 */
export type LoadPattern =
  | { readonly kind: 'concurrency'; readonly concurrency: number }
  | { readonly kind: 'poisson'; readonly rate: number; readonly burstiness: number; readonly maxConcurrency?: number }
  | { readonly kind: 'burst' }
  | TraceLoad
  | CapacityLoad;

/** One request of a replayed trace: when it is sent (after scaling) and its token lengths. */
export interface TraceRequest {
  readonly atMs: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * Trace replay: requests sent at the trace's (scaled) arrival times with its input and output
 * lengths. The requests are part of the scenario, so the scenario-set hash covers the trace.
 */
export interface TraceLoad {
  readonly kind: 'trace';
  /** The trace file as the scenario file names it. */
  readonly file: string;
  readonly format: 'jsonl' | 'csv' | 'burstgpt' | 'mooncake';
  /** sha256 of the trace file's bytes. */
  readonly sha256: string;
  /** Factor applied to the trace's gaps (0.5 = twice as fast), after `rate` when that is set. */
  readonly timeScale: number;
  /** Mean request rate the trace was rescaled to (requests/s), when asked. */
  readonly rate?: number;
  readonly maxConcurrency?: number;
  readonly requests: readonly TraceRequest[];
}

/**
 * Capacity search: the highest request rate (Poisson arrivals) or concurrency (closed loop) at
 * which at least `attainment` of the requests meet every SLO of the scenario (and none fails),
 * found by bracketing from `start` (doubling up or halving down within [min, max]) then bisection
 * until the passing and the missing load are within `resolution` of each other.
 */
export interface CapacityLoad {
  readonly kind: 'capacity';
  readonly over: 'rate' | 'concurrency';
  readonly start: number;
  readonly min: number;
  readonly max: number;
  /** Relative width at which bisection stops: hi / lo ≤ 1 + resolution (concurrency: hi − lo = 1 at least). */
  readonly resolution: number;
  /** Share of requests that must meet every SLO for a probe to pass (0.9 = the SLOs hold at p90). */
  readonly attainment: number;
  /** Each probe sends at least the scenario's requests and lasts at least this long (rate × seconds requests). */
  readonly probeS: number;
  /** Gamma shape of the gaps (rate search). */
  readonly burstiness: number;
}

/** Service-level objectives; a request meets them when every given bound holds (goodput). */
export interface Slo {
  readonly ttftMs?: number;
  readonly tpotMs?: number;
  readonly e2elMs?: number;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly api: 'chat' | 'completions';
  readonly input: LengthSpec;
  readonly output: LengthSpec;
  /** Tokens of a system prompt shared by every request of the scenario (prefix caching). 0 = none. */
  readonly sharedPrefixTokens: number;
  readonly requests: number;
  readonly warmupRequests: number;
  readonly load: LoadPattern;
  readonly seed: number;
  readonly slo: Slo;
  /** Per-request deadline (seconds), enforced with an AbortSignal. */
  readonly timeoutS: number;
  /** Absolute limits checked in release mode, keyed by metric name (see metrics/catalog.ts). */
  readonly limits: Readonly<Record<string, number>>;
  /** Per-metric relative tolerances overriding the defaults (0.05 = 5%). */
  readonly tolerances: Readonly<Record<string, number>>;
}

export interface ScenarioSet {
  /** Path the set was read from, as given. */
  readonly file: string;
  /** sha256 of the normalised scenarios (not of the YAML text: comments do not change it). */
  readonly hash: string;
  readonly scenarios: readonly Scenario[];
}

// ---------- load generator output ----------

/** One request as the client saw it. All times are milliseconds from `performance.now()`. */
export interface RequestRecord {
  readonly scenario: string;
  readonly repetition: number;
  readonly index: number;
  /** Planned send time relative to the scenario start (open loop), or null for closed loop. */
  readonly scheduledMs: number | null;
  /** Actual send time relative to the scenario start. */
  readonly sendMs: number;
  /** Time spent waiting client-side for a concurrency slot (never folded into TTFT). */
  readonly queueMs: number;
  readonly promptTokens: number;
  /** The `max_tokens` the request asked for (absent in records of older versions). */
  readonly maxTokens?: number;
  /** Output tokens from the server's `usage`; null when the server sent none. */
  readonly outputTokens: number | null;
  /** First content chunk minus send; null when none arrived. */
  readonly ttftMs: number | null;
  /** Last content chunk minus send; null when none arrived. */
  readonly e2elMs: number | null;
  /** Gaps between successive generated tokens (a k-token chunk's gap split evenly over k). */
  readonly itlMs: readonly number[];
  /** True when the per-chunk token counts were estimated rather than reported by the server. */
  readonly chunkTokensEstimated: boolean;
  /** Content chunks streamed (each carries at least one token); absent in records of older versions. */
  readonly streamedChunks?: number;
  readonly ok: boolean;
  /** Why the request failed: 'timeout', 'http 500: ...', 'stream cut off', ... */
  readonly error: string | null;
}

// ---------- summaries ----------

/**
 * Summary statistics of a sample (percentiles by numpy's default linear interpolation, as vLLM's
 * bench computes them). An empty sample has n 0 and every statistic 0, never NaN: read n first.
 */
export interface Distribution {
  readonly n: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

/** Telemetry gathered while one scenario ran (absent fields: not available for this engine/host). */
export interface ScenarioTelemetry {
  readonly peakGpuMemoryMiB?: number;
  readonly meanGpuUtilPct?: number;
  readonly peakKvCacheUsage?: number;
  readonly maxRunningRequests?: number;
  readonly maxWaitingRequests?: number;
  readonly preemptions?: number;
  readonly prefixCacheHitRate?: number;
  /** Throttle reasons seen (thermal, power) while the scenario ran. */
  readonly throttleReasons?: readonly string[];
  /** Of those, the reasons active in a sample where the GPU was busy (absent in older results). */
  readonly busyThrottleReasons?: readonly string[];
}

export interface ScenarioSummary {
  readonly scenario: string;
  readonly requests: number;
  readonly completed: number;
  readonly failed: number;
  /** Failure counts by error message class. */
  readonly errors: Readonly<Record<string, number>>;
  readonly durationS: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /**
   * Completed requests that generated fewer tokens than their `max_tokens` (the engine stopped at
   * an end-of-sequence token: engines without vLLM's `ignore_eos` cannot be made to go on).
   * Absent in older results.
   */
  readonly shortOutputs?: number;
  /**
   * Completed requests whose server usage count disagreed with what was streamed (below the
   * streamed chunks, or above the request's max_tokens); their streamed count was used instead.
   * Absent in older results.
   */
  readonly usageDisagreements?: number;
  /**
   * Completed requests the server sent no usage for: their output tokens are the content chunks
   * streamed, one token each (an estimate). Absent in older results.
   */
  readonly estimatedCounts?: number;
  readonly requestThroughput: number;
  readonly outputThroughput: number;
  readonly totalTokenThroughput: number;
  /** Requests/s that met every SLO of the scenario. */
  readonly goodput: number;
  readonly ttftMs: Distribution;
  readonly tpotMs: Distribution;
  readonly itlMs: Distribution;
  readonly e2elMs: Distribution;
  readonly queueMs: Distribution;
  /** Most requests in flight at once, as the client saw it. */
  readonly peakConcurrency: number;
  readonly telemetry: ScenarioTelemetry;
  /**
   * Capacity scenarios: what the search found (the summary's other figures are the requests of
   * the last passing probe: the latency at capacity). Absent for every other scenario.
   */
  readonly capacity?: CapacityResult;
}

/** One load level the capacity search tried. */
export interface CapacityProbe {
  /** Requests/s (rate search) or requests in flight (concurrency search). */
  readonly load: number;
  readonly passed: boolean;
  /** The probe ended early: more requests had missed the SLOs than `attainment` allows. */
  readonly stoppedEarly: boolean;
  readonly requests: number;
  /** Share of the sent requests that met every SLO and did not fail. */
  readonly attainment: number;
  readonly ttftP95Ms: number | null;
  readonly tpotP95Ms: number | null;
  readonly e2elP95Ms: number | null;
  readonly outputThroughput: number;
  readonly durationS: number;
}

export interface CapacityResult {
  readonly over: 'rate' | 'concurrency';
  /** The highest load that passed; null when even the lowest allowed load missed. */
  readonly capacity: number | null;
  /** The lowest load that missed; null when even the highest allowed load passed. */
  readonly firstMiss: number | null;
  /** In the order they ran. */
  readonly probes: readonly CapacityProbe[];
  /** Seconds of engine time the search took (all probes, first send to last finish). */
  readonly searchS: number;
}

export interface RepetitionResult {
  readonly index: number;
  /** Which independent engine start of the job (the `runs` input) measured it; absent: 0. */
  readonly run?: number;
  /** Scenario names in the seeded shuffled order they ran in. */
  readonly order: readonly string[];
  readonly scenarios: readonly ScenarioSummary[];
}

// ---------- environment ----------

export interface GpuInfo {
  readonly name: string;
  readonly count: number;
  readonly memoryMiB: number;
  readonly driver: string;
  readonly cuda: string;
}

export interface Fingerprint {
  readonly gpu: GpuInfo | null;
  readonly cpu: string;
  readonly engine: { readonly name: string; readonly version: string };
  readonly torch: string | null;
  readonly transformers: string | null;
  readonly python: string | null;
  readonly model: { readonly id: string; readonly configHash: string | null; readonly tokenizerHash: string | null };
  /** Engine arguments that change performance (tensor parallelism, dtype, ...), normalised. */
  readonly engineArgs: readonly string[];
  readonly actionVersion: string;
  /**
   * How output tokens were counted: all from the server's usage ('exact'), or some estimated from
   * the streamed chunks because the server sent no usage ('estimated'). Absent in older results and
   * where nothing completed.
   */
  readonly tokenCounts?: TokenCounts;
}

export type TokenCounts = 'exact' | 'estimated';

// ---------- results ----------

/** The kind of a registered engine adapter (src/engines/registry.ts): 'vllm', 'sim', 'openai', ... */
export type EngineKind = string;

export interface EngineResult {
  /** Label used as the baseline key part, e.g. 'vllm', 'transformers', 'sim-vllm'. */
  readonly engine: string;
  readonly kind: EngineKind;
  readonly status: 'ok' | 'failed';
  readonly error: string | null;
  readonly logTail: string | null;
  readonly fingerprint: Fingerprint;
  /** Seconds from spawn to ready of the engine's first (cold) start; null if it never got ready. */
  readonly startupS: number | null;
  /**
   * Seconds from spawn to ready of the restart right after it (warm: model files in the OS page
   * cache, engine compile caches filled), which served the measurement; absent or null when the
   * run did not restart (`warm-start: false`) or the restart failed.
   */
  readonly warmStartupS?: number | null;
  /**
   * True when the engine was an endpoint already running (engines: openai): this action did not
   * start it, so there is no start-up time and no GPU memory check before its start.
   */
  readonly external?: boolean;
  readonly repetitions: readonly RepetitionResult[];
  /** All repetitions' requests pooled per scenario. */
  readonly pooled: readonly ScenarioSummary[];
  /** Per-request records, kept when asked for (`--records`). */
  readonly records?: readonly RequestRecord[];
  /**
   * The KV cache each engine start set aside, as the engine says (null: it did not say); absent in
   * older results and for engines without a paged cache.
   */
  readonly kvCache?: readonly (KvCacheSize | null)[];
  /** The memory budget the engine was given (`gpu-memory-utilization` × the card), when one was. */
  readonly memoryBudgetMiB?: number;
}

/** A paged KV cache: `blocks` of `blockSize` tokens, read from the engine's metrics, its arguments or its log. */
export interface KvCacheSize {
  readonly source: 'metrics' | 'arguments' | 'log';
  readonly blocks: number;
  readonly blockSize: number;
  readonly tokens: number;
}

export const RESULTS_SCHEMA = 'llm-perf-gate/results@1';

export interface RunResult {
  readonly schema: typeof RESULTS_SCHEMA;
  readonly createdAt: string;
  readonly actionVersion: string;
  readonly model: string;
  readonly scenarioSet: {
    readonly file: string;
    readonly hash: string;
    readonly promptHash: string;
    readonly names: readonly string[];
    /** The normalised scenarios, so results can be compared and reported without the file. */
    readonly definitions: readonly Scenario[];
  };
  readonly repetitions: number;
  /** Independent engine starts per engine, each with its warm-up and repetitions (absent: 1). */
  readonly runs?: number;
  /** Unrecorded passes over the scenarios after each engine start (absent in older results: 0). */
  readonly warmupRepetitions?: number;
  readonly seed: number;
  /** A run is partial when an engine failed or a scenario could not complete. */
  readonly partial: boolean;
  readonly engines: readonly EngineResult[];
  /** Where this run came from (commit, ref, event), for history charts. */
  readonly source: { readonly sha: string | null; readonly ref: string | null; readonly event: string | null };
  /** Single-stream decode bound of this GPU and model (null without a known GPU or weight files). */
  readonly roofline?: {
    readonly gpu: string;
    readonly bandwidthGBs: number;
    readonly weightBytes: number;
    readonly boundTokensPerS: number;
  } | null;
  /** Present on a shard's results (matrix runs): which part of the plan this run measured. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Present where the job ran the sequential design (max-runs above runs, or a time-budget): how it went. */
  readonly sequential?: SequentialRecord;
}

/**
 * Why a sequential job stopped adding runs: every cell decided; a regression found (final at its
 * look); no undecided cell forecast to settle within max-runs; the time budget would be exceeded
 * by one more run; max-runs reached; an engine failed.
 */
export type SequentialStop = 'decided' | 'regression' | 'futile' | 'budget' | 'max-runs' | 'partial';

export interface SequentialRecord {
  /** Runs (engine starts per engine) the job measured in all. */
  readonly runs: number;
  /** Comparisons made, and the most the plan allowed (1 + max-runs − runs). */
  readonly looks: number;
  readonly plannedLooks: number;
  /** The confidence the last look made tested at: its share of 1 − confidence (src/sequential.ts, lookConfidence). */
  readonly lookConfidence: number;
  readonly stopped: SequentialStop;
  /** The most runs the plan allowed (max(runs, max-runs)); absent in results of earlier versions. */
  readonly maxRuns?: number;
  /** The time budget in seconds (input `time-budget`), null where there was none; absent in results of earlier versions. */
  readonly budgetS?: number | null;
  /** Seconds spent measuring, from the first run's prompts to the last run's end (what the budget counts); absent in results of earlier versions. */
  readonly measuredS?: number;
  /** The fail-on policy, which decides the cells worth a run (compare/advice.ts, worthARun); absent in results of earlier versions. */
  readonly failOn?: 'regression' | 'inconclusive' | 'never';
}

// ---------- prompts ----------

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** One synthesized request body: exact token counts, same bytes for the same scenario, seed and repetition. */
export interface Prompt {
  /** Completions API prompt (system prefix + user text concatenated). */
  readonly text: string;
  /** Chat API messages (system message carries the shared prefix, if any). */
  readonly messages: readonly ChatMessage[];
  /** Tokens of the content (shared prefix included), by the model's tokenizer, before any chat template. */
  readonly promptTokens: number;
  /** Output tokens asked for (sent as max_tokens with ignore_eos / min_tokens so the length is forced). */
  readonly maxTokens: number;
}

// ---------- comparison ----------

export type Verdict =
  | 'regression'
  | 'improvement'
  | 'no-change'
  | 'inconclusive'
  | 'no-baseline'
  | 'not-comparable'
  | 'error';

export interface MetricComparison {
  readonly engine: string;
  readonly scenario: string;
  readonly metric: string;
  /** Per-repetition values of the baseline history (flattened over its runs) and of this run. */
  readonly baseline: readonly number[];
  readonly current: readonly number[];
  /** current / baseline (of geometric means); null without a baseline. */
  readonly ratio: number | null;
  /** Confidence interval of the ratio at the configured level. */
  readonly ci: readonly [number, number] | null;
  /**
   * The interval at the levels the family correction tested at: each bound one-sided at the cell's
   * share of α in its family (the regression family on the bad side, the improvement family on the
   * good). Where it holds 1 the change is not significant after the correction, whatever `ci` shows.
   */
  readonly adjustedCi?: readonly [number, number] | null;
  readonly pValue: number | null;
  /** p-value after family-wise / false-discovery correction over all metrics × scenarios × engines. */
  readonly adjustedP: number | null;
  readonly tolerance: number;
  readonly verdict: Verdict;
  /** For inconclusive results: runs of the current job (the `runs` input) that would likely settle it. */
  readonly runsToSettle: number | null;
  /** For error results: what was wrong (too many failed requests, a value that cannot be a measurement); null when the scenario has no result. */
  readonly error?: string | null;
  /** For inconclusive results: why (absent in comparisons of older versions). */
  readonly why?: InconclusiveReason | null;
  /** Runs compared: stored runs of the baseline and runs of this job. */
  readonly runs?: { readonly baseline: number; readonly current: number };
  /** The metric's unit in this scenario (a capacity's: req/s or concurrent requests); absent in comparisons of older versions. */
  readonly unit?: string;
  /**
   * A capacity cell with values below the lowest load tried (compare/censored.ts): per repetition
   * which of `baseline` and `current` are that bound rather than measurements, and how the bounds
   * bound the ratio ('at-most', 'at-least'; 'below-both' and 'unbounded' have none). Absent when no value is.
   */
  readonly censored?: { readonly baseline: readonly boolean[]; readonly current: readonly boolean[]; readonly kind: 'at-most' | 'at-least' | 'below-both' | 'unbounded' };
  /** Which part of the noise dominates one run's summary, from the history (relative SDs); null when unknown. */
  readonly noise?: NoiseSplit | null;
  /**
   * Suite cells: the bad side of the one-sided interval at the confidence level, as a ratio, and
   * whether it lies within tolerance (the release gate's non-inferiority test); null elsewhere.
   */
  readonly worstPlausible?: number | null;
  readonly nonInferior?: boolean | null;
  /**
   * Scenario cells: the scenario against the rest of the scenario set (its ratio over theirs, with
   * its interval and its adjusted one-sided p-value in the bad direction); `decided` when the
   * verdict is a regression only because of it. Null where the set has one scenario or no data for it.
   */
  readonly contrast?: ContrastComparison | null;
}

export interface ContrastComparison {
  readonly ratio: number;
  readonly ci: readonly [number, number];
  readonly adjustedP: number;
  readonly decided: boolean;
}

/**
 * Read against the row's own intervals (estimation.ts whyInconclusive): too-few-runs: no interval,
 * or fewer than MIN_RUN_DF degrees of freedom (the adjusted interval shows how wide that leaves
 * it); too-noisy: the estimate is beyond the tolerance and the adjusted interval holds 1 (not
 * significant after the correction); straddles-tolerance: the interval at the confidence level
 * reaches across the tolerance.
 */
export type InconclusiveReason = 'too-few-runs' | 'too-noisy' | 'straddles-tolerance' | 'censored';

export interface NoiseSplit {
  /** Run-to-run standard deviation (relative). */
  readonly runToRun: number;
  /** Standard deviation of a run's mean from its repetitions alone (relative). */
  readonly repetition: number;
  readonly dominant: 'run-to-run' | 'repetitions';
}

export interface FingerprintDiff {
  readonly field: string;
  readonly baseline: string;
  readonly current: string;
}

export interface ChangePoint {
  readonly engine: string;
  readonly scenario: string;
  readonly metric: string;
  /** Index into the history (0 = oldest) of the first run after the change. */
  readonly index: number;
  readonly sha: string | null;
  readonly createdAt: string;
  readonly before: number;
  readonly after: number;
  readonly pValue: number;
  /** Found in the whole-set series net of the run effect the engine's other metrics share (src/compare/series.ts). */
  readonly netOfRunEffect?: true;
}

export interface HistoryPoint {
  readonly createdAt: string;
  readonly sha: string | null;
  readonly value: number;
}

/** A stored history of the same engine and model under another scenario set (another file, or another load generation). */
export interface OtherScenarioSet {
  readonly hash: string;
  /** Stored runs of that set for this engine and model, on any GPU. */
  readonly runs: number;
  /** When its newest run was recorded. */
  readonly newest: string;
}

export interface EngineComparison {
  readonly engine: string;
  readonly verdict: Verdict;
  readonly baselineRuns: number;
  readonly fingerprintDiffs: readonly FingerprintDiff[];
  /** With no baseline: the history this engine and model have under another scenario set (absent when none, and in comparisons of older versions). */
  readonly otherScenarioSet?: OtherScenarioSet;
  readonly metrics: readonly MetricComparison[];
  /** Series of key metrics over the baseline history plus this run (for charts). */
  readonly history: readonly { readonly scenario: string; readonly metric: string; readonly points: readonly HistoryPoint[] }[];
}

export type Mode = 'pr' | 'schedule' | 'release' | 'baseline' | 'aggregate';

export interface SloViolation {
  readonly engine: string;
  readonly scenario: string;
  readonly metric: string;
  readonly limit: number;
  readonly value: number;
  /** The value is a bound the true one is below (a capacity below the lowest load tried). */
  readonly below?: boolean;
  /** The metric's unit in this scenario (a capacity's: req/s or concurrent requests); absent in comparisons of older versions. */
  readonly unit?: string;
}

export interface GateDecision {
  readonly passed: boolean;
  /** Overall verdict: the worst engine verdict that the policy acts on. */
  readonly verdict: Verdict;
  /** One line per reason the gate failed (regressions named with scenario, metric and change). */
  readonly reasons: readonly string[];
}

export const COMPARISON_SCHEMA = 'llm-perf-gate/comparison@1';

export interface Comparison {
  readonly schema: typeof COMPARISON_SCHEMA;
  readonly mode: Mode;
  readonly confidence: number;
  readonly correction: 'holm' | 'bh';
  readonly engines: readonly EngineComparison[];
  readonly changePoints: readonly ChangePoint[];
  readonly sloViolations: readonly SloViolation[];
  readonly gate: GateDecision;
  /** Present where the job ran the sequential design: runs taken, looks, and why it stopped. */
  readonly sequential?: SequentialRecord;
}
