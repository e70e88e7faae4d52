// Builds RunResults whose per-repetition metric values are exactly the numbers a test asks for,
// so statistics, history and gate tests (and the gate benchmark) can state their data directly.

import { METRICS } from '../../src/metrics/catalog.ts';
import {
  RESULTS_SCHEMA,
  type Distribution,
  type EngineResult,
  type Fingerprint,
  type RunResult,
  type Scenario,
  type ScenarioSummary,
} from '../../src/types.ts';

export interface Cell {
  readonly engine: string;
  readonly scenario: string;
  readonly metric: string;
  /** Repetition index (0-based, over every run of the job). */
  readonly rep: number;
  /** Which run (independent engine start) of the job the repetition belongs to (0-based). */
  readonly run: number;
}

export interface MakeRunOptions {
  readonly engines?: readonly string[];
  readonly scenarios?: readonly string[];
  /** Repetitions per run. */
  readonly repetitions?: number;
  /** Independent engine starts in the job, each with `repetitions` repetitions (default 1). */
  readonly runs?: number;
  /** Value of a metric in one repetition; default: a fixed healthy figure per metric. */
  readonly values?: (cell: Cell) => number;
  readonly failed?: readonly string[];
  readonly partial?: boolean;
  readonly createdAt?: string;
  readonly sha?: string | null;
  readonly model?: string;
  readonly scenarioHash?: string;
  readonly fingerprint?: (engine: string) => Partial<Fingerprint>;
  /** Changes to a scenario's definition (limits, tolerances ...). */
  readonly definition?: (scenario: string) => Partial<Scenario>;
}

/** A plausible scenario definition. */
export function scenarioDef(name: string, over: Partial<Scenario> = {}): Scenario {
  return {
    name,
    description: `test scenario ${name}`,
    api: 'chat',
    input: { kind: 'fixed', tokens: 512 },
    output: { kind: 'fixed', tokens: 128 },
    sharedPrefixTokens: 0,
    requests: 64,
    warmupRequests: 4,
    load: { kind: 'concurrency', concurrency: 8 },
    seed: 1,
    slo: {},
    timeoutS: 60,
    limits: {},
    tolerances: {},
    ...over,
  };
}

/** A typical healthy value per metric (output tok/s, req/s, ms ...). */
export const NOMINAL: Readonly<Record<string, number>> = {
  output_throughput: 1000,
  request_throughput: 8,
  goodput: 7.5,
  ttft_p50: 80,
  ttft_p95: 150,
  tpot_p50: 20,
  tpot_p95: 24,
  itl_p95: 30,
  e2el_p50: 2600,
};

function dist(p50: number, p95: number): Distribution {
  return { n: 64, mean: p50, p50, p90: p95, p95, p99: p95 * 1.1, min: p50 / 2, max: p95 * 1.3 };
}

function summary(scenario: string, valueOf: (metric: string) => number): ScenarioSummary {
  // Each value is asked for once: callers may draw them at random.
  const values = Object.fromEntries(METRICS.map((m) => [m.name, valueOf(m.name)]));
  const v = (metric: string): number => values[metric];
  const s: ScenarioSummary = {
    scenario,
    requests: 64,
    completed: 64,
    failed: 0,
    errors: {},
    durationS: 8,
    inputTokens: 64 * 512,
    outputTokens: 64 * 128,
    requestThroughput: v('request_throughput'),
    outputThroughput: v('output_throughput'),
    totalTokenThroughput: v('output_throughput') * 5,
    goodput: v('goodput'),
    ttftMs: dist(v('ttft_p50'), v('ttft_p95')),
    tpotMs: dist(v('tpot_p50'), v('tpot_p95')),
    itlMs: dist(v('tpot_p50'), v('itl_p95')),
    e2elMs: dist(v('e2el_p50'), v('e2el_p50') * 1.2),
    queueMs: dist(0, 0),
    peakConcurrency: 8,
    telemetry: {},
  };
  for (const m of METRICS) {
    if (!Object.is(m.read(s), v(m.name))) throw new Error(`make-run: does not know how to set metric ${m.name}; teach summary() about it`);
  }
  return s;
}

export function fingerprint(engine: string, over: Partial<Fingerprint> = {}): Fingerprint {
  return {
    gpu: { name: 'NVIDIA H100 80GB HBM3', count: 1, memoryMiB: 81_559, driver: '570.124.06', cuda: '12.8' },
    cpu: 'Intel Xeon Platinum 8480+',
    engine: { name: engine, version: '1.0.0' },
    torch: '2.8.0',
    transformers: '4.57.0',
    python: '3.12.3',
    model: { id: 'sim-qwen2.5-7b', configHash: 'c0ffee', tokenizerHash: 'beef00' },
    engineArgs: ['--dtype=bfloat16'],
    actionVersion: '0.1.0',
    ...over,
  };
}

export function makeRun(o: MakeRunOptions = {}): RunResult {
  const engines = o.engines ?? ['sim-vllm'];
  const scenarios = o.scenarios ?? ['chat', 'burst'];
  const perRun = o.repetitions ?? 3;
  const runs = o.runs ?? 1;
  const reps = perRun * runs;
  const values = o.values ?? ((c: Cell) => NOMINAL[c.metric]);
  const failed = new Set(o.failed ?? []);
  const engineResult = (engine: string): EngineResult => {
    const repetitions = Array.from({ length: reps }, (_, rep) => ({
      index: rep,
      ...(runs > 1 ? { run: Math.floor(rep / perRun) } : {}),
      order: [...scenarios],
      scenarios: scenarios.map((scenario) => summary(scenario, (metric) => values({ engine, scenario, metric, rep, run: Math.floor(rep / perRun) }))),
    }));
    const pooled = scenarios.map((scenario) =>
      summary(scenario, (metric) => {
        let sum = 0;
        for (let rep = 0; rep < reps; rep++) sum += values({ engine, scenario, metric, rep, run: Math.floor(rep / perRun) });
        return sum / reps;
      }),
    );
    const isFailed = failed.has(engine);
    return {
      engine,
      kind: 'sim',
      status: isFailed ? 'failed' : 'ok',
      error: isFailed ? 'server exited with code 1 before it was ready' : null,
      logTail: null,
      fingerprint: fingerprint(engine, o.fingerprint?.(engine)),
      startupS: 1.5,
      repetitions: isFailed ? [] : repetitions,
      pooled: isFailed ? [] : pooled,
    };
  };
  return {
    schema: RESULTS_SCHEMA,
    createdAt: o.createdAt ?? '2026-06-01T00:00:00.000Z',
    actionVersion: '0.1.0',
    model: o.model ?? 'sim-qwen2.5-7b',
    scenarioSet: {
      file: 'scenarios/test.yml',
      hash: o.scenarioHash ?? 'hash-1',
      promptHash: 'prompts-1',
      names: [...scenarios],
      definitions: scenarios.map((name) => scenarioDef(name, o.definition?.(name))),
    },
    repetitions: perRun,
    ...(runs > 1 ? { runs } : {}),
    seed: 1,
    partial: o.partial ?? failed.size > 0,
    engines: engines.map(engineResult),
    source: { sha: o.sha === undefined ? 'a'.repeat(40) : o.sha, ref: 'refs/heads/main', event: 'push' },
  };
}
