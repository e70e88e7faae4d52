import { metricDef } from '../metrics/catalog.ts';
import type { MetricComparison, SequentialRecord, SequentialStop } from '../types.ts';

// Which cells are worth another run, and which input buys the runs per job that would settle an
// inconclusive cell, as the job ran. A job that compares once gets them from `runs`. A sequential
// job (max-runs above runs) already adds runs while a cell worth one is undecided, so there `runs`
// is the wrong knob for such a cell: it needs a larger max-runs where its forecast lies beyond it
// (the job stopped as futile, or at max-runs), or a longer time-budget where the budget stopped the
// job first. A cell the design adds no run for (under fail-on regression, one whose estimate is not
// past its tolerance on the bad side and whose contrast shows no regression yet) is settled only
// by more runs at the first look: `runs`. The sequential design, the gate's reasons and the report
// (summary, table, title) all ask this module.

export type FailOn = 'regression' | 'inconclusive' | 'never';

/** Whether `ratio` lies past `tolerance` on the metric's bad side (0 tolerance: merely on the bad side). */
function pastOnBadSide(metric: string, ratio: number, tolerance: number): boolean {
  return metricDef(metric).direction === 'higher-is-better' ? ratio < 1 - tolerance : ratio > 1 + tolerance;
}

/**
 * Whether more runs could change what the gate does with an inconclusive cell: under fail-on
 * inconclusive every one fails the gate until settled; otherwise an inconclusive cell passes, so
 * only one whose estimate lies past its tolerance on the bad side (which more runs could turn
 * into a regression) is worth one. The sequential design adds runs for these, and for the cells
 * contrastPending names.
 */
export function worthARun(m: MetricComparison, failOn: FailOn): boolean {
  if (failOn === 'inconclusive') return true;
  return m.ratio !== null && pastOnBadSide(m.metric, m.ratio, m.tolerance);
}

/**
 * Whether an inconclusive cell's contrast already shows a regression at `alpha` (significant after
 * the correction, past the tolerance on the bad side) while its own estimate lies on the bad side
 * but not yet past the tolerance. A regression through the contrast needs both (estimation.ts
 * contrastRegression), and more runs bring the own estimate to the change the contrast measured,
 * so the sequential design adds runs for such a cell up to max-runs: its own forecast is of its
 * own test's significance, which this path does not need.
 */
export function contrastPending(m: MetricComparison, alpha: number): boolean {
  if (m.verdict !== 'inconclusive' || !m.contrast || m.ratio === null || !(m.contrast.adjustedP < alpha)) return false;
  return pastOnBadSide(m.metric, m.contrast.ratio, m.tolerance) && pastOnBadSide(m.metric, m.ratio, 0);
}

export type RunsKnob = 'runs' | 'max-runs' | 'time-budget';

export interface RunsAdvice {
  /**
   * The inputs to set and their values (time-budget as a duration: `74m`; null where the record
   * cannot size it); empty where no input would buy the runs (the job stopped for another reason).
   */
  readonly set: readonly (readonly [RunsKnob, number | string | null])[];
  /** What the reader should know besides (why the job stopped short, why `runs` is the knob); else null. */
  readonly note: string | null;
}

/** The knobs in words, the same on every surface (a workflow input and a CLI flag alike). */
export const KNOB_WORDS: Readonly<Record<RunsKnob, string>> = {
  runs: 'more runs per job',
  'max-runs': 'a larger max-runs',
  'time-budget': 'a longer time-budget',
};

/**
 * The cell's `n` runs per job would be spent by the sequential design (absent: the job compared
 * once): a cell worth a run, or one whose contrast already shows a regression at the α of the look
 * the job stopped at (the last look's where it ran to max-runs).
 */
export function pursued(m: MetricComparison, seq: SequentialRecord | undefined): boolean {
  return seq !== undefined && (worthARun(m, seq.failOn ?? 'regression') || contrastPending(m, 1 - seq.lookConfidence));
}

/** Mean seconds of one run of the job (every engine's start, warm-up and repetitions), where the record says. */
function meanRunS(seq: SequentialRecord): number | null {
  return seq.measuredS !== undefined && seq.measuredS > 0 && seq.runs > 0 ? seq.measuredS / seq.runs : null;
}

/** The budget that fits `n` runs at the job's mean run time, rounded up, in the input's syntax (`40s`, `74m`). */
function budgetFor(n: number, meanS: number): string {
  const s = n * meanS;
  return s < 120 ? `${Math.ceil(s)}s` : `${Math.ceil(s / 60)}m`;
}

/**
 * What would give `n` runs per job to cells the sequential design would (`isPursued`) or would not
 * spend them on, as this job ran (`seq`: its sequential record, absent where it compared once).
 */
export function runsAdvice(n: number, isPursued: boolean, seq: SequentialRecord | undefined): RunsAdvice {
  if (seq === undefined) return { set: [['runs', n]], note: null };
  if (!isPursued) return { set: [['runs', n]], note: 'the sequential design adds runs only for cells that could end a regression' };
  const maxRuns = seq.maxRuns ?? seq.runs;
  const beyond: RunsAdvice['set'] = n > maxRuns ? [['max-runs', n]] : [];
  if (seq.stopped === 'budget') {
    const mean = meanRunS(seq);
    if (mean === null) return { set: [...beyond, ['time-budget', null]], note: `the time budget stopped the job at ${seq.runs} runs` };
    return { set: [...beyond, ['time-budget', budgetFor(n, mean)]], note: null };
  }
  if (beyond.length > 0) return { set: beyond, note: null };
  // Within max-runs, yet the job stopped: no input buys the runs; say where it stopped.
  return { set: [], note: `the job stopped at ${seq.runs} runs, ${STOPPED_WHERE[seq.stopped]}` };
}

/** Where a job stopped short of a forecast that `max-runs` allowed (the budget's stop names its input instead). */
const STOPPED_WHERE: Readonly<Record<SequentialStop, string>> = {
  regression: 'where a regression was found',
  partial: 'where an engine failed or the run was cancelled',
  'max-runs': 'its max-runs (the forecast is an estimate from the runs so far)',
  futile: 'where no cell worth a run was forecast, at its last look\'s α, to settle within max-runs',
  decided: 'where every cell was decided',
  budget: 'where the time budget stopped it',
};
