import type { Comparison, EngineComparison, MetricComparison, NoiseSplit, RunResult, SequentialRecord } from '../types.ts';
import { MIN_RUN_DF } from '../compare/estimation.ts';
import { capacityFigures, changeWithContrast, formatNumber } from './format.ts';
import { metricLabel } from './metric-label.ts';
import { tooWideToInform, type ReadComparison } from './reading.ts';
import { notShown, releaseClause } from './release.ts';
import { pursued, runsAdvice } from '../compare/advice.ts';
import { otherScenarioSetText } from '../compare/select.ts';
import { adviceInputs } from './settle.ts';

// One sentence per engine that answers what a reviewer asks first: did it regress, by how much,
// how sure, and what to do next. The same sentences head the markdown report and the terminal
// summary, so they are built from plain text; `esc` makes untrusted names (engine labels,
// scenario names, error messages) safe for where they go (escapeInline for markdown, identity
// for a terminal).

export type Escape = (text: string) => string;

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "TTFT p50" → "TTFT": the metric without its percentile, to name groups of cells. */
function family(metric: string): string {
  return metricLabel(metric).label.replace(/ p\d+$/, '');
}

/** "chat-8 TPOT p95 −1.4% [−5.2%, +2.5%]": where, what, by how much and how sure. */
export function changeText(m: MetricComparison, esc: Escape): string {
  return `${esc(m.scenario)} ${metricLabel(m.metric).label} ${changeWithContrast(m)}${capacityFigures(m, esc)}`;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/** The families of some cells, most frequent first, at most three: "TTFT, ITL, …". */
function families(cells: readonly MetricComparison[]): string {
  const counts = new Map<string, number>();
  for (const m of cells) counts.set(family(m.metric), (counts.get(family(m.metric)) ?? 0) + 1);
  const names = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([f]) => f);
  return names.length > 3 ? `${names.slice(0, 3).join(', ')}, …` : names.join(', ');
}

/** The size of a change on the scale of its interval, for "largest change". */
const size = (m: MetricComparison): number => (m.ratio !== null && m.ratio > 0 ? Math.abs(Math.log(m.ratio)) : -1);

function largest(cells: readonly MetricComparison[]): MetricComparison | null {
  return cells.reduce<MetricComparison | null>((best, m) => (best === null || size(m) > size(best) ? m : best), null);
}

/** "7 TTFT cells" for one family, "12 cells (TTFT, ITL, …)" for several. */
function cellsOf(cells: readonly MetricComparison[]): string {
  const names = families(cells);
  return names.includes(',') ? `${plural(cells.length, 'cell')} (${names})` : `${cells.length} ${names} cell${cells.length === 1 ? '' : 's'}`;
}

/**
 * Baseline runs to add before a run-level interval has MIN_RUN_DF degrees of freedom (stored runs
 * plus this job's runs, less one per side), the verdicts' "too few runs"; at least one.
 */
function moreBaselineRuns(cells: readonly MetricComparison[]): number {
  return Math.max(1, ...cells.map((m) => MIN_RUN_DF + 2 - (m.runs?.baseline ?? 0) - (m.runs?.current ?? 1)));
}

/** How the report names an input: `runs: 4` in a workflow, `--runs 4` on the command line. */
export type InputName = (name: string, value: number | string) => string;

export const cliFlag: InputName = (name, value) => `--${name} ${value}`;

export interface GistOptions {
  readonly esc: Escape;
  readonly input: InputName;
  /** The history window (input `history`): more baseline runs than it keeps are never compared. */
  readonly window?: number;
}

/**
 * What would settle the inconclusive cells, from the verdicts' own forecasts (runs per job, bought
 * by the input compare/advice.ts names as the job ran: `seq`) and reasons (a history too short to bound
 * run-to-run noise); null when none are open.
 */
function nextStep(open: readonly MetricComparison[], baselineRuns: number, seq: SequentialRecord | undefined, opts: GistOptions): string | null {
  if (open.length === 0) return null;
  const steps: string[] = [];
  const byRuns = open.filter((m) => m.runsToSettle !== null);
  // Cells a sequential job spends runs on and cells it does not are settled by different inputs: a step each.
  for (const isPursued of [true, false]) {
    const group = byRuns.filter((m) => pursued(m, seq) === isPursued);
    if (group.length === 0) continue;
    const runs = median(group.map((m) => m.runsToSettle!));
    const advice = runsAdvice(runs, isPursued, seq);
    const inputs = adviceInputs(advice, opts.input);
    steps.push(`${runs} runs per job${inputs ? ` (${inputs})` : ''} would settle ${cellsOf(group.filter((m) => m.runsToSettle! <= runs))}${advice.note ? ` (${advice.note})` : ''}`);
  }
  const rest = open.filter((m) => m.runsToSettle === null);
  const short = rest.filter((m) => m.why === 'too-few-runs');
  if (short.length > 0) {
    const more = moreBaselineRuns(short);
    const needed = baselineRuns + more;
    steps.push(
      opts.window !== undefined && needed > opts.window
        ? `the history window is too short to bound the run-to-run noise of ${cellsOf(short)}: ${opts.input('history', needed)} would`
        : `${plural(more, 'more baseline run')} would bound the run-to-run noise of ${cellsOf(short)}`,
    );
  }
  const noisy = rest.filter((m) => m.why !== 'too-few-runs');
  if (noisy.length > 0) steps.push(`${cellsOf(noisy)} too noisy to settle at ${noisy.length === 1 ? 'its' : 'their'} tolerance`);
  return steps.join('; ');
}

/**
 * Which part of the noise dominates, metric family by family, from the history (the verdicts'
 * split of a run's noise): run-to-run noise only more runs per job average out, repetition noise
 * more repetitions per run do too. Null when the verdicts do not say (fewer than two runs).
 */
export function noiseLine(e: EngineComparison): string | null {
  const byFamily = new Map<string, NoiseSplit[]>();
  for (const m of e.metrics) if (m.noise) byFamily.set(family(m.metric), [...(byFamily.get(family(m.metric)) ?? []), m.noise]);
  if (byFamily.size === 0) return null;
  const pct = (x: number): string => `±${formatNumber(x * 100, 2)}%`;
  const side = (dominant: NoiseSplit['dominant'], words: string): string | null => {
    const fams = [...byFamily.entries()].filter(([, xs]) => xs.filter((n) => n.dominant === 'run-to-run').length * 2 > xs.length === (dominant === 'run-to-run'));
    if (fams.length === 0) return null;
    const xs = fams.flatMap(([, v]) => v);
    return `${words} ${fams.map(([f]) => f).join(', ')} (${pct(median(xs.map((n) => n.runToRun)))} between runs, ${pct(median(xs.map((n) => n.repetition)))} from repetitions)`;
  };
  return `noise: ${[side('run-to-run', 'run-to-run dominates'), side('repetitions', 'repetitions dominate')].filter(Boolean).join('; ')}`;
}

function regressionClause(regressions: readonly MetricComparison[], esc: Escape): string {
  const worst = largest(regressions)!;
  const where = regressions.length === 1 ? changeText(worst, esc) : `worst ${changeText(worst, esc)}`;
  return `${plural(regressions.length, 'regression')} (${where})`;
}

function engineSentence(e: EngineComparison, read: readonly ReadComparison[], comparison: Comparison, run: RunResult, opts: GistOptions): string {
  const { esc } = opts;
  const name = esc(e.engine);
  if (e.metrics.length === 0) {
    const error = run.engines.find((x) => x.engine === e.engine)?.error;
    return `${name}: failed to run${error ? ` (${esc(error)})` : ''}`;
  }
  if (e.verdict === 'no-baseline') return `${name}: no baseline yet (${plural(e.metrics.length, 'metric')} measured${e.otherScenarioSet ? `; ${otherScenarioSetText(e.otherScenarioSet, esc)}` : ''})`;
  if (e.verdict === 'not-comparable') {
    return `${name}: the baseline is not comparable (${e.fingerprintDiffs.map((d) => `${esc(d.field)} ${esc(d.baseline)} → ${esc(d.current)}`).join('; ')})`;
  }
  const of = (kind: string): MetricComparison[] => read.filter((r) => r.reading.kind === kind).map((r) => r.m);
  const regressions = of('regression');
  // "How sure": the largest change whose interval says something (not one too wide to inform).
  const informative = read.filter((r) => r.reading.kind !== 'regression' && !tooWideToInform(r)).map((r) => r.m);
  const top = largest(informative);
  // A release is judged on its suite intervals (the release clause says how they stand), not on the cells left open.
  const head = regressions.length
    ? regressionClause(regressions, esc)
    : `${of('inconclusive').length && comparison.mode !== 'release' ? 'inconclusive, no regression shown' : 'no regression'} (${plural(e.metrics.length, 'metric')}${top && top.ratio !== null ? `; largest change ${changeText(top, esc)}` : ''})`;
  const errors = of('error');
  const improvements = of('improvement');
  const ownLimits = comparison.sloViolations.filter((v) => v.engine === e.engine);
  const ownShifts = comparison.changePoints.filter((c) => c.engine === e.engine);
  const parts = [
    head,
    errors.length ? `no result for ${plural(new Set(errors.map((m) => m.scenario)).size, 'scenario')} (${[...new Set(errors.map((m) => esc(m.scenario)))].join(', ')})` : null,
    ownLimits.length ? `${plural(ownLimits.length, 'limit')} exceeded` : null,
    ownShifts.length ? `${plural(ownShifts.length, 'change point')} in the history` : null,
    improvements.length ? plural(improvements.length, 'improvement') : null,
    comparison.mode === 'release' ? releaseClause(e) : null,
    `history of ${plural(e.baselineRuns, 'run')}`,
    nextStep(of('inconclusive'), e.baselineRuns, comparison.sequential, opts),
  ];
  if (!comparison.gate.passed && comparison.mode !== 'release' && comparison.gate.verdict === 'inconclusive' && read.some((r) => r.reading.kind === 'inconclusive')) {
    parts.push('the gate fails on inconclusive results');
  }
  return `${name}: ${parts.filter(Boolean).join('; ')}`;
}

/** One sentence per engine of the comparison, in its order. */
export function engineSentences(comparison: Comparison, run: RunResult, readings: ReadonlyMap<string, readonly ReadComparison[]>, opts: GistOptions): string[] {
  return comparison.engines.map((e) => engineSentence(e, readings.get(e.engine) ?? [], comparison, run, opts));
}

/** Engine × scenario pairs with an error cell: one failing scenario is one finding, not one per metric. */
const errorScenarios = (read: readonly ReadComparison[]): number => new Set(read.filter((r) => r.reading.kind === 'error').map((r) => `${r.m.engine}\u0000${r.m.scenario}`)).size;

/** The headline's gist: "no regression", "2 regressions", "1 engine failed", … */
export function gateGist(comparison: Comparison, readings: ReadonlyMap<string, readonly ReadComparison[]>): string {
  const all = [...readings.values()].flat();
  const count = (kind: string): number => all.filter((r) => r.reading.kind === kind).length;
  const failedEngines = comparison.engines.filter((e) => e.metrics.length === 0 && e.verdict === 'error').length;
  const parts = [
    failedEngines ? `${plural(failedEngines, 'engine')} failed` : null,
    errorScenarios(all) ? `${plural(errorScenarios(all), 'scenario')} without result` : null,
    count('regression') ? plural(count('regression'), 'regression') : null,
    comparison.sloViolations.length ? `${plural(comparison.sloViolations.length, 'limit')} exceeded` : null,
    comparison.changePoints.length ? plural(comparison.changePoints.length, 'change point') : null,
    comparison.mode === 'release' && notShown(comparison).length ? `${plural(notShown(comparison).length, 'metric')} not shown within tolerance` : null,
  ].filter(Boolean);
  if (parts.length) return parts.join(' · ');
  if (comparison.engines.every((e) => e.verdict === 'no-baseline')) return 'no baseline yet';
  if (comparison.engines.every((e) => e.verdict === 'no-baseline' || e.verdict === 'not-comparable')) return 'no comparable baseline';
  if (!comparison.gate.passed && comparison.gate.verdict === 'inconclusive') return `${count('inconclusive')} inconclusive`;
  if (!comparison.gate.passed && count('no-baseline')) return `${plural(count('no-baseline'), 'metric')} without baseline`;
  return 'no regression';
}
