// Variants of the shared fixture run for the export tests.

import { runResult } from '../helpers/fixtures.ts';
import type { EngineResult, RunResult, ScenarioSummary } from '../../src/types.ts';

/** runResult() with one engine changed. */
export function withEngine(engine: string, change: (e: EngineResult) => EngineResult): RunResult {
  const run = runResult();
  if (!run.engines.some((e) => e.engine === engine)) throw new Error(`fixture has no engine ${engine}`);
  return { ...run, engines: run.engines.map((e) => (e.engine === engine ? change(e) : e)) };
}

/** runResult() where `engine` failed after measuring (its summaries are kept, as measure.ts keeps them). */
export function withFailedEngine(engine: string): RunResult {
  return withEngine(engine, (e) => ({ ...e, status: 'failed', error: 'server exited with code 1', logTail: 'CUDA out of memory' }));
}

/** runResult() with one scenario's summaries (pooled and every repetition) of one engine changed. */
export function withScenario(engine: string, scenario: string, change: (s: ScenarioSummary) => ScenarioSummary): RunResult {
  const edit = (s: ScenarioSummary): ScenarioSummary => (s.scenario === scenario ? change(s) : s);
  return withEngine(engine, (e) => ({
    ...e,
    pooled: e.pooled.map(edit),
    repetitions: e.repetitions.map((r) => ({ ...r, scenarios: r.scenarios.map(edit) })),
  }));
}
