// A long baseline history for dashboard tests and the dashboard bench, built entry by entry (what
// recordRun stores) and checked by parseBaselineDoc, so it is a history the action could have written.
// Noise: per run and metric a lognormal factor of CV `cv` around the NOMINAL figures; a fingerprint
// epoch (vLLM upgrade) from job `epochAt`; a step change (slower decode) from job `stepAt`.

import { baselineKey, BASELINE_SCHEMA, parseBaselineDoc, serializeBaselineDoc, type BaselineDoc, type BaselineEntry } from '../../src/baseline/history.ts';
import { createRng, sampleNormal } from '../../src/load/random.ts';
import { METRICS } from '../../src/metrics/catalog.ts';
import type { EngineResult, RunResult } from '../../src/types.ts';
import { fingerprint, NOMINAL } from './make-run.ts';

export interface HistoryOptions {
  readonly jobs: number;
  /** Runs (engine starts) per job. */
  readonly runsPerJob?: number;
  readonly repetitions?: number;
  readonly engines?: readonly string[];
  readonly scenarios?: readonly string[];
  /** First job of the second fingerprint epoch (engine version 1.0.0 → 1.1.0); none when absent. */
  readonly epochAt?: number;
  /** First job whose decode is `stepFactor` slower (TPOT, ITL, E2E up; throughput down). */
  readonly stepAt?: number;
  readonly stepFactor?: number;
  /** Only this engine steps (default: every engine). */
  readonly stepEngine?: string;
  /** Only this scenario's metric steps (default: every decode and throughput metric of every scenario). */
  readonly stepCell?: { readonly scenario: string; readonly metric: string };
  readonly cv?: number;
  readonly seed?: number;
}

export const SIX_SCENARIOS = ['single-stream', 'chat-8', 'poisson', 'burst', 'long-context', 'shared-prefix'];
const DECODE = new Set(['tpot_p50', 'tpot_p95', 'itl_p95', 'e2el_p50']);
const THROUGHPUT = new Set(['output_throughput', 'request_throughput', 'goodput']);

export function syntheticHistory(o: HistoryOptions): BaselineDoc {
  const rng = createRng(o.seed ?? 7);
  const engines = o.engines ?? ['sim-vllm', 'sim-transformers'];
  const scenarios = o.scenarios ?? SIX_SCENARIOS;
  const runsPerJob = o.runsPerJob ?? 2;
  const reps = o.repetitions ?? 2;
  const cv = o.cv ?? 0.02;
  const entries: BaselineEntry[] = [];
  const start = Date.parse('2026-01-01T02:00:00Z');
  for (let j = 0; j < o.jobs; j++) {
    const createdAt = new Date(start + j * 6 * 3600_000).toISOString();
    const sha = (j * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(5);
    for (const engine of engines) {
      const fp = fingerprint(engine, { engine: { name: engine, version: o.epochAt !== undefined && j >= o.epochAt ? '1.1.0' : '1.0.0' } });
      const key = baselineKey({ engine, fingerprint: fp } as EngineResult, { model: 'sim-qwen2.5-7b', scenarioSet: { hash: 'set1' } } as RunResult);
      const stepped = o.stepAt !== undefined && j >= o.stepAt && (o.stepEngine === undefined || o.stepEngine === engine);
      const factor = stepped ? (o.stepFactor ?? 1.2) : 1;
      const speed = engine.includes('transformers') ? 0.4 : 1;
      for (let r = 0; r < runsPerJob; r++) {
        const sc: BaselineEntry['scenarios'] = {};
        for (const s of scenarios) {
          const values: Record<string, number[]> = {};
          const pooled: Record<string, number> = {};
          for (const m of METRICS) {
            const f = o.stepCell && (o.stepCell.scenario !== s || o.stepCell.metric !== m.name) ? 1 : factor;
            const base = NOMINAL[m.name] * (THROUGHPUT.has(m.name) ? speed / f : DECODE.has(m.name) ? f / speed : 1 / speed);
            const runLevel = Math.exp(cv * sampleNormal(rng));
            values[m.name] = Array.from({ length: reps }, () => base * runLevel * Math.exp((cv / 2) * sampleNormal(rng)));
            pooled[m.name] = values[m.name].reduce((a, b) => a + b, 0) / reps;
          }
          (sc as Record<string, unknown>)[s] = { values, pooled };
        }
        entries.push({ key, engine, model: 'sim-qwen2.5-7b', scenarioSetHash: 'set1', createdAt, sha, ref: 'refs/heads/main', fingerprint: fp, scenarios: sc });
      }
    }
  }
  const doc: BaselineDoc = { schema: BASELINE_SCHEMA, entries };
  return parseBaselineDoc(serializeBaselineDoc(doc), 'synthetic history');
}

/**
 * The history with a rate-search capacity scenario, `headroom`, in every entry: 6–6.5 req/s per
 * repetition, except in the newest `below` entries, which missed even the lowest rate tried
 * (0.5 req/s): stored as that bound and marked, as recordRun stores them.
 */
export function withCapacityBelow(doc: BaselineDoc, below: number): BaselineDoc {
  const entries = doc.entries.map((e, i) => {
    const bound = i >= doc.entries.length - below;
    const headroom = { values: { capacity: bound ? [0.5, 0.5] : [6, 6.5] }, pooled: { capacity: bound ? 0.5 : 6.2 }, units: { capacity: 'req/s' }, ...(bound ? { below: { capacity: [true, true] } } : {}) };
    return { ...e, scenarios: { ...e.scenarios, headroom } };
  });
  return parseBaselineDoc(serializeBaselineDoc({ ...doc, entries }), 'capacity history');
}
