import type { ActionConfig } from './config/inputs.ts';
import { poolRepetitions } from './metrics/pool.ts';
import { metricDef } from './metrics/catalog.ts';
import type { Comparison, MetricComparison, RunResult, SequentialRecord, SequentialStop } from './types.ts';

// The group-sequential design of a gate job (inputs `max-runs`, `time-budget`): the job's first
// `runs` are compared; while cells are undecided and the budget allows, one more run (an engine
// start with its warm-up and repetitions) is measured and everything is compared again. Each look
// tests at 1 − (1 − confidence) / K, K the planned maximum number of looks (Bonferroni α-spending):
// a false alarm at any look has probability ≤ (1 − confidence)/K, so the whole sequential gate's
// false-alarm rate stays ≤ 1 − confidence whatever the looks' correlation.

export interface SequentialPlan {
  /** Runs of the first look (the `runs` input). */
  readonly firstRuns: number;
  /** Most runs the job may measure in all (max(runs, max-runs)). */
  readonly maxRuns: number;
  /** Seconds the job may spend measuring; null: no limit but maxRuns. */
  readonly budgetS: number | null;
  readonly confidence: number;
  /** fail-on: under `regression` only cells that could still become regressions are worth a run. */
  readonly failOn: ActionConfig['failOn'];
}

export interface SequentialSteps {
  /** Measures runs [from, to) of the job (engine starts, each with its warm-up and repetitions). */
  readonly measure: (from: number, to: number) => Promise<RunResult>;
  readonly judge: (run: RunResult, confidence: number) => Comparison;
  /** Seconds since some fixed point (the budget is spent from the first measure). */
  readonly now: () => number;
  readonly info?: (message: string) => void;
}

/** Most runs a job of this configuration may measure. */
export function maxRuns(config: Pick<ActionConfig, 'runs' | 'maxRuns'>): number {
  return Math.max(config.runs, config.maxRuns);
}

/** The job's sequential plan, or null where it measures its `runs` and looks once. */
export function sequentialPlan(config: Pick<ActionConfig, 'runs' | 'maxRuns' | 'timeBudgetS' | 'confidence' | 'failOn'>): SequentialPlan | null {
  if (maxRuns(config) <= config.runs) return null;
  return { firstRuns: config.runs, maxRuns: maxRuns(config), budgetS: config.timeBudgetS, confidence: config.confidence, failOn: config.failOn };
}

/** Planned looks: the first after `runs`, then one after each run added up to maxRuns. */
export function plannedLooks(plan: Pick<SequentialPlan, 'firstRuns' | 'maxRuns'>): number {
  return Math.max(1, plan.maxRuns - plan.firstRuns + 1);
}

/** The confidence each look tests at: its share of the job's 1 − confidence. */
export function lookConfidence(confidence: number, looks: number): number {
  return 1 - (1 - confidence) / looks;
}

/** Whether the cell's estimate lies past its tolerance on the bad side (where settling it means a regression). */
function pastTolerance(m: MetricComparison): boolean {
  if (m.ratio === null) return false;
  return metricDef(m.metric).direction === 'higher-is-better' ? m.ratio < 1 - m.tolerance : m.ratio > 1 + m.tolerance;
}

/** Why more runs (up to maxRuns in all) would not change the verdict, or null while they could. */
export function settledBy(c: Comparison, plan: Pick<SequentialPlan, 'maxRuns' | 'failOn'>): 'decided' | 'regression' | 'futile' | null {
  const cells = c.engines.flatMap((e) => e.metrics);
  // A regression found at a look is final (the look's α is spent); more runs cannot make the gate pass.
  if (cells.some((m) => m.verdict === 'regression')) return 'regression';
  const open = cells.filter((m) => m.verdict === 'inconclusive');
  if (open.length === 0) return 'decided';
  // Each undecided cell's own forecast (runs per job that would settle it, from its interval):
  // where none settles within max-runs, more runs buy nothing but their cost. Under fail-on
  // regression an inconclusive cell passes, so only one whose forecast settles it as a regression
  // (its estimate past the tolerance on the bad side) is worth a run; under fail-on inconclusive
  // every one is.
  const worth = plan.failOn === 'inconclusive' ? open : open.filter(pastTolerance);
  return worth.some((m) => m.runsToSettle !== null && m.runsToSettle <= plan.maxRuns) ? null : 'futile';
}

/** Runs the sequential job: the measured run (all its runs merged) and the last look's comparison. */
export async function runSequential(plan: SequentialPlan, steps: SequentialSteps): Promise<{ run: RunResult; comparison: Comparison }> {
  const looks = plannedLooks(plan);
  const confidence = lookConfidence(plan.confidence, looks);
  const started = steps.now();
  let run = await steps.measure(0, plan.firstRuns);
  let comparison = steps.judge(run, confidence);
  let runs = plan.firstRuns;
  let look = 1;
  let stopped: SequentialStop;
  for (;;) {
    const settled = settledBy(comparison, plan);
    if (settled) {
      stopped = settled;
      break;
    }
    if (run.partial) {
      stopped = 'partial';
      break;
    }
    if (runs >= plan.maxRuns) {
      stopped = 'max-runs';
      break;
    }
    // The next run is expected to take as long as the mean one so far (prompt synthesis included).
    const spent = steps.now() - started;
    if (plan.budgetS !== null && spent + spent / runs > plan.budgetS) {
      stopped = 'budget';
      break;
    }
    steps.info?.(`look ${look} of ${looks}: cells undecided after ${runs} run(s); measuring run ${runs + 1} (of at most ${plan.maxRuns}${plan.budgetS !== null ? `, ${Math.round(spent)} of ${plan.budgetS} s spent` : ''})`);
    run = appendRuns(run, await steps.measure(runs, runs + 1));
    runs++;
    look++;
    comparison = steps.judge(run, confidence);
  }
  const record: SequentialRecord = { runs, looks: look, plannedLooks: looks, lookConfidence: confidence, stopped };
  return { run: { ...run, runs, sequential: record }, comparison: { ...comparison, sequential: record } };
}

/** The run with `more`'s repetitions (later runs of the same job, same plan) added engine by engine. */
export function appendRuns(run: RunResult, more: RunResult): RunResult {
  const engines = run.engines.map((e) => {
    const next = more.engines.find((x) => x.engine === e.engine);
    if (!next) return e;
    const repetitions = [...e.repetitions, ...next.repetitions];
    const records = [...(e.records ?? []), ...(next.records ?? [])];
    const failed = e.status !== 'ok' ? e : next.status !== 'ok' ? next : null;
    return {
      ...e,
      status: failed?.status ?? 'ok',
      error: failed?.error ?? null,
      logTail: failed?.logTail ?? null,
      repetitions,
      pooled: poolRepetitions(repetitions, records, run.scenarioSet.definitions),
      ...(e.records || next.records ? { records } : {}),
    };
  });
  return { ...run, createdAt: more.createdAt, partial: run.partial || more.partial || more.engines.length < run.engines.length, engines };
}
