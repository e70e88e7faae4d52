import { metricDef } from '../metrics/catalog.ts';
import { scenarioOf } from '../baseline/history.ts';
import { mixSeed } from '../load/random.ts';
import type { ChangePoint, EngineComparison, HistoryPoint, RunResult } from '../types.ts';
import type { EnginePlan } from './cells.ts';
import { strongestChangePoint } from './changepoint.ts';
import { adjustPValues, type Correction } from './stats.ts';

// A metric's history over runs: the series the report charts, and the change points a scheduled
// run looks for in it.

/** Key metrics whose history the report charts. */
export const CHART_METRICS: readonly string[] = ['output_throughput', 'ttft_p95', 'tpot_p50'];

export function chartSeries(plan: EnginePlan, run: RunResult): EngineComparison['history'] {
  if (plan.engine.status !== 'ok') return [];
  return run.scenarioSet.names.flatMap((scenario) =>
    CHART_METRICS.map((metric) => {
      const points: HistoryPoint[] = [];
      for (const e of plan.selection.entries) {
        const s = scenarioOf(e, scenario);
        if (s && Object.hasOwn(s.pooled, metric)) points.push({ createdAt: e.createdAt, sha: e.sha, value: s.pooled[metric] });
      }
      const pooled = plan.engine.pooled.find((p) => p.scenario === scenario);
      if (pooled) points.push({ createdAt: run.createdAt, sha: run.source.sha, value: metricDef(metric).read(pooled) });
      return { scenario, metric, points };
    }),
  );
}

interface Series {
  readonly engine: string;
  readonly scenario: string;
  readonly metric: string;
  /** Each stored run, then the current one: when and from which commit, and the repetitions' values. */
  readonly runs: readonly { readonly createdAt: string; readonly sha: string | null; readonly values: readonly number[] }[];
}

function seriesOf(plans: readonly EnginePlan[], run: RunResult): Series[] {
  const out: Series[] = [];
  for (const plan of plans) {
    if (plan.selection.status !== 'ok') continue;
    for (const cell of plan.cells) {
      if (cell.missing) continue;
      const runs = cell.runs.map((r) => ({ createdAt: r.entry.createdAt, sha: r.entry.sha, values: r.values }));
      for (const values of cell.currentRuns) runs.push({ createdAt: run.createdAt, sha: run.source.sha, values });
      out.push({ engine: cell.engine, scenario: cell.scenario, metric: cell.def.name, runs });
    }
  }
  return out;
}

export function changePoints(plans: readonly EnginePlan[], run: RunResult, alpha: number, correction: Correction, seed: number): ChangePoint[] {
  const series = seriesOf(plans, run);
  // Enough permutations that the smallest reachable p-value is well below the first Holm step.
  const permutations = Math.max(999, Math.ceil((10 * series.length) / alpha));
  const found = series.flatMap((s, i) => {
    const r = strongestChangePoint(
      s.runs.map((x) => x.values),
      { seed: mixSeed(seed, i), permutations },
    );
    return r ? [{ s, r }] : [];
  });
  const adjusted = adjustPValues(
    found.map((f) => f.r.pValue),
    correction,
  );
  return found.flatMap(({ s, r }, i) => {
    if (!(adjusted[i] < alpha)) return [];
    const at = s.runs[r.index];
    return [{ engine: s.engine, scenario: s.scenario, metric: s.metric, index: r.index, sha: at.sha, createdAt: at.createdAt, before: r.before, after: r.after, pValue: adjusted[i] }];
  });
}
