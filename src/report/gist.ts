import type { Comparison, EngineComparison, MetricComparison, RunResult } from '../types.ts';
import { formatChange, formatInterval } from './format.ts';
import { metricLabel } from './metric-label.ts';
import type { ReadComparison } from './reading.ts';

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
  return `${esc(m.scenario)} ${metricLabel(m.metric).label} ${formatChange(m.ratio)} ${formatInterval(m.ci)}`;
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

/** What would settle the inconclusive cells, or null when none are. */
function nextStep(read: readonly ReadComparison[]): string | null {
  const open = read.filter((r) => r.reading.kind === 'inconclusive');
  if (open.length === 0) return null;
  const runs = open.flatMap((r) => (r.reading.kind === 'inconclusive' && r.reading.moreRuns !== null ? [{ m: r.m, more: r.reading.moreRuns }] : []));
  if (runs.length > 0) {
    const more = median(runs.map((x) => x.more));
    const settled = runs.filter((x) => x.more <= more).map((x) => x.m);
    return `${more} more baseline run${more === 1 ? '' : 's'} would settle ${plural(settled.length, 'inconclusive cell')} (${families(settled)})`;
  }
  const repeatable = open.filter((r) => r.m.runsToSettle !== null);
  if (repeatable.length > 0) {
    const reps = median(repeatable.map((r) => r.m.runsToSettle!));
    const settled = repeatable.filter((r) => r.m.runsToSettle! <= reps).map((r) => r.m);
    return `≈${reps} runs per job would settle ${plural(settled.length, 'inconclusive cell')} (${families(settled)})`;
  }
  const oneRun = open.filter((r) => r.reading.kind === 'inconclusive' && r.reading.why === 'few-runs').length;
  if (oneRun > 0) return `more baseline runs are needed to judge ${plural(oneRun, 'inconclusive cell')} (one run cannot show how runs differ)`;
  return `${plural(open.length, 'cell is', 'cells are')} too noisy to tell at ${open.length === 1 ? 'its' : 'their'} tolerance`;
}

function regressionClause(regressions: readonly MetricComparison[], esc: Escape): string {
  const worst = largest(regressions)!;
  const where = regressions.length === 1 ? changeText(worst, esc) : `worst ${changeText(worst, esc)}`;
  return `${plural(regressions.length, 'regression')} (${where})`;
}

function engineSentence(e: EngineComparison, read: readonly ReadComparison[], comparison: Comparison, run: RunResult, esc: Escape): string {
  const name = esc(e.engine);
  if (e.metrics.length === 0) {
    const error = run.engines.find((x) => x.engine === e.engine)?.error;
    return `${name}: failed to run${error ? ` (${esc(error)})` : ''}`;
  }
  if (e.verdict === 'no-baseline') return `${name}: no baseline yet (${plural(e.metrics.length, 'metric')} measured)`;
  if (e.verdict === 'not-comparable') {
    return `${name}: the baseline is not comparable (${e.fingerprintDiffs.map((d) => `${esc(d.field)} ${esc(d.baseline)} → ${esc(d.current)}`).join('; ')})`;
  }
  const of = (kind: string): MetricComparison[] => read.filter((r) => r.reading.kind === kind).map((r) => r.m);
  const regressions = of('regression');
  // "How sure": the largest change whose interval says something (not one too wide to inform).
  const informative = read.filter((r) => r.reading.kind !== 'regression' && !(r.reading.kind === 'inconclusive' && r.reading.why !== 'straddles')).map((r) => r.m);
  const top = largest(informative);
  const head = regressions.length
    ? regressionClause(regressions, esc)
    : `no regression (${plural(e.metrics.length, 'metric')}${top && top.ratio !== null ? `; largest change ${changeText(top, esc)}` : ''})`;
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
    `history of ${plural(e.baselineRuns, 'run')}`,
    nextStep(read),
  ];
  if (!comparison.gate.passed && comparison.gate.verdict === 'inconclusive' && read.some((r) => r.reading.kind === 'inconclusive')) {
    parts.push('the gate fails on inconclusive results');
  }
  return `${name}: ${parts.filter(Boolean).join('; ')}`;
}

/** One sentence per engine of the comparison, in its order. */
export function engineSentences(comparison: Comparison, run: RunResult, readings: ReadonlyMap<string, readonly ReadComparison[]>, esc: Escape): string[] {
  return comparison.engines.map((e) => engineSentence(e, readings.get(e.engine) ?? [], comparison, run, esc));
}

/** The headline's gist: "no regression", "2 regressions", "1 engine failed", … */
export function gateGist(comparison: Comparison, readings: ReadonlyMap<string, readonly ReadComparison[]>): string {
  const all = [...readings.values()].flat();
  const count = (kind: string): number => all.filter((r) => r.reading.kind === kind).length;
  const failedEngines = comparison.engines.filter((e) => e.metrics.length === 0 && e.verdict === 'error').length;
  const parts = [
    failedEngines ? `${plural(failedEngines, 'engine')} failed` : null,
    count('error') ? `${plural(count('error'), 'missing result')}` : null,
    count('regression') ? plural(count('regression'), 'regression') : null,
    comparison.sloViolations.length ? `${plural(comparison.sloViolations.length, 'limit')} exceeded` : null,
    comparison.changePoints.length ? plural(comparison.changePoints.length, 'change point') : null,
  ].filter(Boolean);
  if (parts.length) return parts.join(' · ');
  if (comparison.engines.every((e) => e.verdict === 'no-baseline')) return 'no baseline yet';
  if (comparison.engines.every((e) => e.verdict === 'no-baseline' || e.verdict === 'not-comparable')) return 'no comparable baseline';
  if (!comparison.gate.passed && comparison.gate.verdict === 'inconclusive') return `${count('inconclusive')} inconclusive`;
  if (!comparison.gate.passed && count('no-baseline')) return `${plural(count('no-baseline'), 'metric')} without baseline`;
  return 'no regression';
}
