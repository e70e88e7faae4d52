// The report over real measurements: four runs of scenarios/default.yml with vLLM 0.22 on an H200
// (test/fixtures/h200-vllm-0.22). Runs 1–3 are recorded as the baseline history and run 4 is the
// pull request, as `llm-perf-gate compare --mode baseline` three times and then `--mode pr` would.

import { readFileSync } from 'node:fs';
import { recordRun, type BaselineDoc } from '../../src/baseline/history.ts';
import { readInputs } from '../../src/config/inputs.ts';
import { judge } from '../../src/pipeline.ts';
import type { Comparison, EngineResult, RunResult, ScenarioSummary } from '../../src/types.ts';

const DIR = new URL('../fixtures/h200-vllm-0.22/', import.meta.url);

export function realRun(n: 1 | 2 | 3 | 4): RunResult {
  return JSON.parse(readFileSync(new URL(`run${n}.json`, DIR), 'utf8')) as RunResult;
}

/** The CLI's defaults for a comparison in `mode` (the engines input does not matter to a comparison). */
function config(mode: string) {
  return readInputs((name) => ({ mode, engines: 'sim', 'baseline-store': 'file' })[name] ?? '');
}

export function realHistory(): BaselineDoc {
  let doc: BaselineDoc | null = null;
  for (const n of [1, 2, 3] as const) doc = recordRun(doc, realRun(n), config('baseline').historyKeep);
  return doc!;
}

export async function comparePr(run: RunResult, history = realHistory(), mode: 'pr' | 'release' = 'pr'): Promise<Comparison> {
  return judge(run, { config: config(mode), history, store: null, trusted: false, missing: null });
}

/** A scenario's figures with its decode slower by `factor` (TPOT, ITL and E2E latency up; throughput down). */
function slower(s: ScenarioSummary, factor: number): ScenarioSummary {
  const scale = <T extends object>(d: T): T => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, k === 'n' ? v : (v as number) * factor])) as T;
  return {
    ...s,
    tpotMs: scale(s.tpotMs),
    itlMs: scale(s.itlMs),
    e2elMs: scale(s.e2elMs),
    durationS: s.durationS * factor,
    outputThroughput: s.outputThroughput / factor,
    requestThroughput: s.requestThroughput / factor,
    totalTokenThroughput: s.totalTokenThroughput / factor,
    goodput: s.goodput / factor,
  };
}

function slowEngine(e: EngineResult, scenario: string, factor: number): EngineResult {
  const at = (s: ScenarioSummary): ScenarioSummary => (s.scenario === scenario ? slower(s, factor) : s);
  return { ...e, pooled: e.pooled.map(at), repetitions: e.repetitions.map((r) => ({ ...r, scenarios: r.scenarios.map(at) })) };
}

/**
 * A pull request on the default set with both engines and one regression: vLLM from run 4 with
 * chat-8 decoding 15% slower, Transformers as measured in run 1 (its only baseline run). Run 4's
 * two repetitions stand for a job of two runs (`runs: 2`, one repetition each): the run is the
 * unit the gate compares, and one current run against three stored ones has too few degrees of
 * freedom to call anything at the family correction's α.
 */
export function twoEngineRegression(): RunResult {
  const measured = realRun(4).engines.find((e) => e.engine === 'vllm')!;
  const vllm = { ...measured, repetitions: measured.repetitions.map((r, i) => ({ ...r, run: i })) };
  const transformers = realRun(1).engines.find((e) => e.engine === 'transformers')!;
  return { ...realRun(4), engines: [slowEngine(vllm, 'chat-8', 1.15), transformers] };
}
