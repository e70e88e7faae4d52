import { metricDef } from '../metrics/catalog.ts';
import { scenarioOf } from '../baseline/history.ts';
import { mixSeed } from '../load/random.ts';
import type { ChangePoint, EngineComparison, HistoryPoint, RunResult } from '../types.ts';
import { SUITE, type EnginePlan } from './cells.ts';
import { strongestChangePoint } from './changepoint.ts';
import { netOfSharedFactor } from './run-effect.ts';
import { adjustPValues, trimmedMean, type Correction } from './stats.ts';

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
  /** The whole-set series net of the run effect the engine's other metrics share (netOfRunEffect). */
  readonly net?: true;
}

function seriesOf(plans: readonly EnginePlan[], run: RunResult): Series[] {
  const out: Series[] = [];
  for (const plan of plans) {
    if (plan.selection.status !== 'ok') continue;
    const suite: Series[] = [];
    for (const cell of plan.cells) {
      if (cell.missing) continue;
      const runs = cell.runs.map((r) => ({ createdAt: r.entry.createdAt, sha: r.entry.sha, values: r.values }));
      for (const values of cell.currentRuns) runs.push({ createdAt: run.createdAt, sha: run.source.sha, values });
      const series = { engine: cell.engine, scenario: cell.scenario, metric: cell.def.name, runs };
      out.push(series);
      if (cell.scenario === SUITE) suite.push(series);
    }
    out.push(...netOfRunEffect(suite));
  }
  return out;
}

/**
 * Each whole-set series net of the run effect (run-effect.ts), read per run from the run
 * summaries of the engine's other metrics. Each value is a function of its own run and of medians
 * symmetric in the runs, so runs stay exchangeable without drift and the permutation test keeps
 * its level. Metrics with a value ≤ 0 in some run (goodput 0) neither give nor get the adjustment.
 */
function netOfRunEffect(suite: readonly Series[]): Series[] {
  const n = suite[0]?.runs.length ?? 0;
  const usable = suite.filter((s) => s.runs.length === n && s.runs.every((r) => r.values.every((v) => v > 0)));
  if (n < 2) return [];
  const net = netOfSharedFactor(usable.map((s) => ({ direction: metricDef(s.metric).direction, values: s.runs.map((r) => trimmedMean(r.values)) })));
  if (!net) return [];
  return usable.map((s, m) => ({ engine: s.engine, scenario: s.scenario, metric: s.metric, runs: s.runs.map((r, i) => ({ ...r, values: [net[m][i]] })), net: true }));
}

/**
 * Each series' weight in the family: a whole-scenario-set series weighs as much as its engine ×
 * metric's scenario series together, as the regression family weighs the whole-set cells (half of
 * a metric's α to the whole set, half to its scenarios). Drift is mostly engine-wide, and the
 * whole-set series, averaging the scenarios, shows it with the least noise; a run effect shared by
 * every scenario stays in it, but runs are permuted whole, so it is no drift.
 */
export function seriesWeights(series: readonly Pick<Series, 'engine' | 'scenario' | 'metric' | 'net'>[]): number[] {
  const key = (s: Pick<Series, 'engine' | 'metric'>): string => `${s.engine}\u0000${s.metric}`;
  const scenarios = new Map<string, number>();
  const wholeSet = new Map<string, number>();
  for (const s of series) {
    const into = s.scenario === SUITE ? wholeSet : scenarios;
    into.set(key(s), (into.get(key(s)) ?? 0) + 1);
  }
  // The whole set's weight is shared by its plain series and the one net of the run effect.
  return series.map((s) => (s.scenario === SUITE ? Math.max(1, scenarios.get(key(s)) ?? 0) / wholeSet.get(key(s))! : 1));
}

export function changePoints(plans: readonly EnginePlan[], run: RunResult, alpha: number, correction: Correction, seed: number): ChangePoint[] {
  const series = seriesOf(plans, run);
  const weights = seriesWeights(series);
  // Enough permutations that the smallest reachable p-value is well below the first Holm step of the lightest series.
  const total = weights.reduce((a, b) => a + b, 0);
  const permutations = Math.max(999, Math.ceil((10 * total) / (alpha * Math.min(...weights))));
  const found = series.flatMap((s, i) => {
    const r = strongestChangePoint(
      s.runs.map((x) => x.values),
      { seed: mixSeed(seed, i), permutations },
    );
    return r ? [{ s, r, w: weights[i] }] : [];
  });
  const adjusted = adjustPValues(
    found.map((f) => f.r.pValue),
    correction,
    found.map((f) => f.w),
  );
  return found.flatMap(({ s, r }, i) => {
    if (!(adjusted[i] < alpha)) return [];
    const at = s.runs[r.index];
    return [{ engine: s.engine, scenario: s.scenario, metric: s.metric, index: r.index, sha: at.sha, createdAt: at.createdAt, before: r.before, after: r.after, pValue: adjusted[i], ...(s.net ? { netOfRunEffect: true as const } : {}) }];
  });
}
