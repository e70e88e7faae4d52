import type { ActionConfig } from './config/inputs.ts';
import { poolRepetitions } from './metrics/pool.ts';
import { contrastPending, worthARun } from './compare/advice.ts';
import type { Comparison, RunResult, SequentialRecord, SequentialStop } from './types.ts';

// The group-sequential design of a gate job (inputs `max-runs`, `time-budget`): the job's first
// `runs` are compared; while cells are undecided and the budget allows, one more run (an engine
// start with its warm-up and repetitions) is measured and everything is compared again. Only a
// regression spends α (stopping because nothing more can be found never raises an alarm), so the
// looks split 1 − confidence by a weighted Bonferroni (WEIGHT): a quarter to the first look, half to
// the last planned one (at max-runs), the last quarter equally over the looks between. A false alarm
// at any look then has probability ≤ the sum of the shares = 1 − confidence whatever the looks'
// correlation; the last look, which sees the most runs, keeps the most α, so a change that needs
// many runs to be told from a run effect is judged where the runs are, while the first look keeps
// enough to end unchanged jobs and clear regressions at once.

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

/**
 * Weights of the looks' shares of 1 − confidence: the first look (where unchanged jobs and clear
 * regressions end), the last (the most runs, where a change a run effect hides can be told), and
 * the looks between, which split their weight equally.
 */
const WEIGHT = { first: 1, between: 1, last: 2 } as const;

/** The confidence look `look` (1-based) of `looks` planned tests at: its share of the job's 1 − confidence. */
export function lookConfidence(confidence: number, look: number, looks: number): number {
  if (looks <= 1) return confidence;
  const between = looks > 2 ? WEIGHT.between : 0;
  const total = WEIGHT.first + between + WEIGHT.last;
  const weight = look <= 1 ? WEIGHT.first : look >= looks ? WEIGHT.last : between / (looks - 2);
  return 1 - ((1 - confidence) * weight) / total;
}

/**
 * Why more runs (up to maxRuns in all) would not change the verdict, or null while they could.
 * `look` is the comparison at this look's confidence; `atFinal` the same runs judged at the last
 * look's, whose α a regression found later would be tested at: its forecasts say what more runs
 * could still settle (asked for only where the look itself settles nothing).
 */
export function settledBy(look: Comparison, atFinal: () => Comparison, plan: Pick<SequentialPlan, 'maxRuns' | 'failOn'>): 'decided' | 'regression' | 'futile' | null {
  const cells = look.engines.flatMap((e) => e.metrics);
  // A regression found at a look is final (the look's α is spent); more runs cannot make the gate pass.
  if (cells.some((m) => m.verdict === 'regression')) return 'regression';
  if (!cells.some((m) => m.verdict === 'inconclusive')) return 'decided';
  // Each undecided cell's own forecast (runs per job that would settle it at the last look's α):
  // where none settles within max-runs, more runs buy nothing but their cost. Under fail-on
  // regression an inconclusive cell passes, so only one that could end a regression (its estimate
  // past the tolerance on the bad side, or already significant at the last look's α) is worth a
  // run; under fail-on inconclusive every one is.
  const atLast = atFinal();
  const final = atLast.engines.flatMap((e) => e.metrics);
  if (final.some((m) => m.verdict === 'regression')) return null;
  const open = final.filter((m) => m.verdict === 'inconclusive');
  // A cell whose contrast already shows the regression waits only for its own estimate (advice.ts contrastPending).
  if (open.some((m) => contrastPending(m, 1 - atLast.confidence))) return null;
  const worth = open.filter((m) => worthARun(m, plan.failOn));
  return worth.some((m) => m.runsToSettle !== null && m.runsToSettle <= plan.maxRuns) ? null : 'futile';
}

/** Runs the sequential job: the measured run (all its runs merged) and the last look's comparison. */
export async function runSequential(plan: SequentialPlan, steps: SequentialSteps): Promise<{ run: RunResult; comparison: Comparison }> {
  const looks = plannedLooks(plan);
  const finalConfidence = lookConfidence(plan.confidence, looks, looks);
  const started = steps.now();
  let run = await steps.measure(0, plan.firstRuns);
  let runs = plan.firstRuns;
  let look = 1;
  let confidence = lookConfidence(plan.confidence, look, looks);
  let comparison = steps.judge(run, confidence);
  let stopped: SequentialStop;
  for (;;) {
    if (runs >= plan.maxRuns) {
      stopped = settledBy(comparison, () => comparison, plan) ?? 'max-runs';
      break;
    }
    const settled = settledBy(comparison, () => steps.judge(run, finalConfidence), plan);
    if (settled) {
      stopped = settled;
      break;
    }
    if (run.partial) {
      stopped = 'partial';
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
    confidence = lookConfidence(plan.confidence, look, looks);
    comparison = steps.judge(run, confidence);
  }
  const record: SequentialRecord = {
    runs,
    looks: look,
    plannedLooks: looks,
    lookConfidence: confidence,
    stopped,
    maxRuns: plan.maxRuns,
    budgetS: plan.budgetS,
    measuredS: steps.now() - started,
    failOn: plan.failOn,
  };
  const measured: RunResult = { ...run, runs, sequential: record };
  // Judged once more with the record: the gate's reasons say what would settle an open cell as the job ran.
  return { run: measured, comparison: { ...steps.judge(measured, confidence), sequential: record } };
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
