// Realistic, deterministic data for renderer and publisher tests: a RunResult of vLLM and
// Transformers on six scenarios with three repetitions and telemetry, and a Comparison of it with a
// baseline history that holds one regression, one improvement and one inconclusive result.
// Figures follow the reference host in DESIGN.md (RTX 3090, Qwen2.5-7B-Instruct, bf16).

import { METRICS } from '../../src/metrics/catalog.ts';
import {
  COMPARISON_SCHEMA,
  RESULTS_SCHEMA,
  type Comparison,
  type Distribution,
  type EngineComparison,
  type EngineResult,
  type Fingerprint,
  type MetricComparison,
  type RepetitionResult,
  type RunResult,
  type Scenario,
  type ScenarioSummary,
  type ScenarioTelemetry,
} from '../../src/types.ts';

export const SCENARIOS = ['chat-short', 'chat-concurrent-16', 'long-prompt', 'shared-prefix', 'poisson-4rps', 'burst-64'] as const;
export const REPETITIONS = 3;

interface Shape {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** Output tokens/s of the whole scenario. */
  throughput: number;
  ttftP50: number;
  tpotP50: number;
  running: number;
}

// Per engine and scenario: what a healthy run looks like on the reference host.
const SHAPES: Record<string, Record<string, Shape>> = {
  vllm: {
    'chat-short': { requests: 32, inputTokens: 256, outputTokens: 128, throughput: 52.4, ttftP50: 31, tpotP50: 18.9, running: 1 },
    'chat-concurrent-16': { requests: 128, inputTokens: 512, outputTokens: 256, throughput: 702, ttftP50: 88, tpotP50: 21.7, running: 16 },
    'long-prompt': { requests: 32, inputTokens: 3072, outputTokens: 128, throughput: 161, ttftP50: 412, tpotP50: 22.4, running: 4 },
    'shared-prefix': { requests: 64, inputTokens: 1024, outputTokens: 128, throughput: 388, ttftP50: 54, tpotP50: 20.1, running: 8 },
    'poisson-4rps': { requests: 120, inputTokens: 512, outputTokens: 128, throughput: 497, ttftP50: 61, tpotP50: 20.6, running: 9 },
    'burst-64': { requests: 64, inputTokens: 512, outputTokens: 256, throughput: 1511, ttftP50: 1840, tpotP50: 36.2, running: 64 },
  },
  transformers: {
    'chat-short': { requests: 32, inputTokens: 256, outputTokens: 128, throughput: 38.7, ttftP50: 58, tpotP50: 25.6, running: 1 },
    'chat-concurrent-16': { requests: 128, inputTokens: 512, outputTokens: 256, throughput: 141, ttftP50: 1930, tpotP50: 74.8, running: 16 },
    'long-prompt': { requests: 32, inputTokens: 3072, outputTokens: 128, throughput: 27.3, ttftP50: 2210, tpotP50: 41.3, running: 4 },
    'shared-prefix': { requests: 64, inputTokens: 1024, outputTokens: 128, throughput: 83.2, ttftP50: 940, tpotP50: 52.8, running: 8 },
    'poisson-4rps': { requests: 120, inputTokens: 512, outputTokens: 128, throughput: 96.4, ttftP50: 3120, tpotP50: 60.3, running: 16 },
    'burst-64': { requests: 64, inputTokens: 512, outputTokens: 256, throughput: 173, ttftP50: 21400, tpotP50: 88.1, running: 32 },
  },
};

/** Deterministic noise in [-1, 1] from a string, so every figure is reproducible. */
function jitter(key: string): number {
  let h = 2166136261;
  for (const c of key) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  // murmur3's finaliser: FNV alone leaves keys that differ in the last character close together.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return ((h >>> 0) / 0xffffffff) * 2 - 1;
}

function dist(n: number, p50: number, spread: number): Distribution {
  return {
    n,
    mean: p50 * (1 + spread * 0.3),
    p50,
    p90: p50 * (1 + spread),
    p95: p50 * (1 + spread * 1.4),
    p99: p50 * (1 + spread * 2.2),
    min: p50 * (1 - spread * 0.5),
    max: p50 * (1 + spread * 3),
  };
}

function telemetry(engine: string, scenario: string, shape: Shape): ScenarioTelemetry {
  if (engine === 'vllm') {
    return {
      peakGpuMemoryMiB: 22_310,
      meanGpuUtilPct: 71 + shape.running / 2,
      peakKvCacheUsage: Math.min(0.97, 0.02 * shape.running + (shape.inputTokens / 40_000) * shape.running),
      maxRunningRequests: shape.running,
      maxWaitingRequests: scenario === 'burst-64' ? 11 : 0,
      preemptions: scenario === 'burst-64' ? 3 : 0,
      prefixCacheHitRate: scenario === 'shared-prefix' ? 0.83 : 0.04,
      ...(scenario === 'burst-64' ? { throttleReasons: ['sw-thermal-slowdown'], busyThrottleReasons: ['sw-thermal-slowdown'] } : {}),
    };
  }
  // transformers serve exposes no KV-cache or scheduler metrics: only the GPU sampler's figures.
  return { peakGpuMemoryMiB: 17_020 + shape.running * 96, meanGpuUtilPct: 58 };
}

function summary(engine: string, scenario: string, rep: number | 'pooled'): ScenarioSummary {
  const shape = SHAPES[engine][scenario];
  const k = 1 + 0.015 * jitter(`${engine}/${scenario}/${rep}`);
  const reps = rep === 'pooled' ? REPETITIONS : 1;
  const requests = shape.requests * reps;
  // Transformers drops a few requests under the burst: its queue outlives the 60 s deadline.
  const failed = engine === 'transformers' && scenario === 'burst-64' ? 2 * reps : 0;
  const completed = requests - failed;
  const throughput = shape.throughput * k;
  const outputTokens = completed * shape.outputTokens;
  const durationS = outputTokens / throughput;
  const tpot = shape.tpotP50 * k;
  return {
    scenario,
    requests,
    completed,
    failed,
    errors: failed ? { timeout: failed } : {},
    durationS,
    inputTokens: completed * shape.inputTokens,
    outputTokens,
    requestThroughput: completed / durationS,
    outputThroughput: throughput,
    totalTokenThroughput: (outputTokens + completed * shape.inputTokens) / durationS,
    goodput: (completed / durationS) * (engine === 'vllm' ? 0.97 : 0.41),
    ttftMs: dist(completed, shape.ttftP50 * k, 0.35),
    tpotMs: dist(completed, tpot, 0.12),
    itlMs: dist(completed * (shape.outputTokens - 1), tpot, 0.45),
    e2elMs: dist(completed, shape.ttftP50 * k + tpot * (shape.outputTokens - 1), 0.2),
    queueMs: dist(completed, 0, 0),
    peakConcurrency: shape.running,
    telemetry: telemetry(engine, scenario, shape),
  };
}

const LOADS: Record<string, Scenario['load']> = {
  'chat-short': { kind: 'concurrency', concurrency: 1 },
  'chat-concurrent-16': { kind: 'concurrency', concurrency: 16 },
  'long-prompt': { kind: 'concurrency', concurrency: 4 },
  'shared-prefix': { kind: 'concurrency', concurrency: 8 },
  'poisson-4rps': { kind: 'poisson', rate: 4, burstiness: 1 },
  'burst-64': { kind: 'burst' },
};

/** The normalised scenario the fixture's figures were measured with. */
function definition(name: string, i: number): Scenario {
  const shape = SHAPES.vllm[name];
  return {
    name,
    description: `Fixture scenario ${name}.`,
    api: name.startsWith('chat') ? 'chat' : 'completions',
    input: { kind: 'fixed', tokens: shape.inputTokens },
    output: { kind: 'fixed', tokens: shape.outputTokens },
    sharedPrefixTokens: name === 'shared-prefix' ? 768 : 0,
    requests: shape.requests,
    warmupRequests: 2,
    load: LOADS[name],
    seed: 1001 + i,
    slo: { ttftMs: 500, tpotMs: 50 },
    timeoutS: 60,
    limits: {},
    tolerances: {},
  };
}

function fingerprint(engine: string): Fingerprint {
  return {
    gpu: { name: 'NVIDIA GeForce RTX 3090', count: 1, memoryMiB: 24_576, driver: '580.82.07', cuda: '13.0' },
    cpu: 'AMD Ryzen 9 5950X 16-Core Processor',
    engine: { name: engine, version: engine === 'vllm' ? '0.11.1' : '5.17.0' },
    torch: '2.8.0+cu128',
    transformers: '5.17.0',
    python: '3.12.11',
    model: { id: 'Qwen/Qwen2.5-7B-Instruct', configHash: 'a1b2c3d4e5f6', tokenizerHash: '0f9e8d7c6b5a' },
    engineArgs: engine === 'vllm' ? ['--dtype=bfloat16', '--gpu-memory-utilization=0.9', '--max-model-len=8192'] : ['--dtype=bfloat16', '--continuous-batching'],
    actionVersion: '0.1.0',
  };
}

function engineResult(engine: 'vllm' | 'transformers'): EngineResult {
  const repetitions: RepetitionResult[] = [];
  for (let index = 0; index < REPETITIONS; index++) {
    const order = [...SCENARIOS].sort((a, b) => jitter(`${index}/${a}`) - jitter(`${index}/${b}`));
    repetitions.push({ index, order, scenarios: order.map((s) => summary(engine, s, index)) });
  }
  return {
    engine,
    kind: engine,
    status: 'ok',
    error: null,
    logTail: null,
    fingerprint: fingerprint(engine),
    startupS: engine === 'vllm' ? 74.2 : 21.8,
    repetitions,
    pooled: SCENARIOS.map((s) => summary(engine, s, 'pooled')),
  };
}

/** A complete, healthy run of both engines. */
export function runResult(): RunResult {
  return {
    schema: RESULTS_SCHEMA,
    createdAt: '2026-06-04T15:12:08.000Z',
    actionVersion: '0.1.0',
    model: 'Qwen/Qwen2.5-7B-Instruct',
    scenarioSet: { file: 'scenarios/default.yml', hash: '9c1f0e7a', promptHash: '4be1d0aa', names: [...SCENARIOS], definitions: SCENARIOS.map(definition) },
    repetitions: REPETITIONS,
    seed: 20260604,
    partial: false,
    engines: [engineResult('vllm'), engineResult('transformers')],
    source: { sha: '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f', ref: 'refs/pull/42/merge', event: 'pull_request' },
  };
}

const BASELINE_RUNS = 5;

// The three results that are not "no change", keyed engine/scenario/metric.
const SPECIAL: Record<string, Pick<MetricComparison, 'ratio' | 'ci' | 'pValue' | 'adjustedP' | 'verdict' | 'runsToSettle' | 'why'>> = {
  'vllm/chat-concurrent-16/tpot_p50': { ratio: 1.121, ci: [1.083, 1.16], pValue: 0.00021, adjustedP: 0.0227, verdict: 'regression', runsToSettle: null },
  'transformers/long-prompt/output_throughput': { ratio: 1.094, ci: [1.061, 1.128], pValue: 0.00035, adjustedP: 0.0374, verdict: 'improvement', runsToSettle: null },
  'vllm/poisson-4rps/ttft_p95': { ratio: 1.071, ci: [0.974, 1.178], pValue: 0.061, adjustedP: 1, verdict: 'inconclusive', runsToSettle: 8, why: 'straddles-tolerance' },
};

function metricComparison(engine: string, scenario: string, metric: (typeof METRICS)[number]): MetricComparison {
  const key = `${engine}/${scenario}/${metric.name}`;
  const special = SPECIAL[key];
  const ratio = special?.ratio ?? 1 + 0.012 * jitter(key);
  const base = metric.read(summary(engine, scenario, 'pooled'));
  const baseline = Array.from({ length: BASELINE_RUNS * REPETITIONS }, (_, i) => base * (1 + 0.01 * jitter(`${key}/b${i}`)));
  const current = Array.from({ length: REPETITIONS }, (_, i) => base * ratio * (1 + 0.01 * jitter(`${key}/c${i}`)));
  return {
    engine,
    scenario,
    metric: metric.name,
    baseline,
    current,
    ratio,
    ci: special?.ci ?? [ratio - 0.02, ratio + 0.02],
    pValue: special?.pValue ?? 0.31 + 0.3 * jitter(`${key}/p`),
    adjustedP: special?.adjustedP ?? 1,
    tolerance: metric.tolerance,
    verdict: special?.verdict ?? 'no-change',
    runsToSettle: special?.runsToSettle ?? null,
    why: special?.why ?? null,
  };
}

const HISTORY_METRICS = ['output_throughput', 'ttft_p50', 'tpot_p50'];

function engineComparison(engine: 'vllm' | 'transformers'): EngineComparison {
  const metrics = SCENARIOS.flatMap((s) => METRICS.map((m) => metricComparison(engine, s, m)));
  const history = SCENARIOS.flatMap((scenario) =>
    HISTORY_METRICS.map((metric) => {
      const m = metrics.find((x) => x.scenario === scenario && x.metric === metric)!;
      const values = [...Array.from({ length: BASELINE_RUNS }, (_, r) => m.baseline[r * REPETITIONS]), m.current[0]];
      return {
        scenario,
        metric,
        points: values.map((value, i) => ({
          createdAt: `2026-05-${String(20 + i * 3).padStart(2, '0')}T03:00:00.000Z`,
          sha: i === BASELINE_RUNS ? '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f' : `${'abcdef'[i]}${i}19e2d7c0ffee${i}`,
          value,
        })),
      };
    }),
  );
  return {
    engine,
    verdict: metrics.some((m) => m.verdict === 'regression') ? 'regression' : metrics.some((m) => m.verdict === 'inconclusive') ? 'inconclusive' : 'improvement',
    baselineRuns: BASELINE_RUNS,
    fingerprintDiffs:
      engine === 'vllm'
        ? [
            { field: 'engine.version', baseline: '0.11.0', current: '0.11.1' },
            { field: 'gpu.driver', baseline: '580.65.06', current: '580.82.07' },
          ]
        : [],
    metrics,
    history,
  };
}

/** A PR-mode comparison of runResult() with five baseline runs: it fails the gate on one regression. */
export function comparison(): Comparison {
  return {
    schema: COMPARISON_SCHEMA,
    mode: 'pr',
    confidence: 0.95,
    correction: 'holm',
    engines: [engineComparison('vllm'), engineComparison('transformers')],
    changePoints: [],
    sloViolations: [],
    gate: {
      passed: false,
      verdict: 'regression',
      reasons: ['vllm · chat-concurrent-16 · TPOT p50 +12.1% [+8.3%, +16.0%] beyond the 3% tolerance (p = 0.023 after Holm)'],
    },
  };
}
