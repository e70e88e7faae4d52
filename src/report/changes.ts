import { ALL_METRICS } from '../metrics/catalog.ts';
import type { Comparison, InconclusiveReason, SequentialRecord } from '../types.ts';
import { details, join, table, type Align } from './blocks.ts';
import { codeCell, escapeCell, escapeHtml, escapeInline } from './escape.ts';
import { centreText, changeWithContrast, formatChange, formatInterval, formatNumber, formatP, MISSING, shortSha } from './format.ts';
import { metricHeading, metricLabel } from './metric-label.ts';
import type { InputName } from './gist.ts';
import { pursued, runsAdvice } from '../compare/advice.ts';
import { adviceInputs } from './settle.ts';
import { tooWideToInform, type Reading, type ReadComparison } from './reading.ts';

// The comparison with the baseline: what changed, how sure we are, and what the gate did with it.

/** Order in which readings are listed: the ones that need a look first. */
const ORDER: readonly Reading['kind'][] = ['regression', 'error', 'inconclusive', 'within-tolerance', 'improvement', 'not-comparable', 'no-baseline', 'no-change'];

const LABEL: Record<Reading['kind'], string> = {
  regression: '🔴 regression',
  error: '⛔ no result',
  inconclusive: '🟡 inconclusive',
  'within-tolerance': '⚪ within tolerance',
  improvement: '🟢 improvement',
  'not-comparable': '🟠 not comparable',
  'no-baseline': '⚪ no baseline',
  'no-change': '⚪ no change',
};

const WORDS: Record<Reading['kind'], string> = {
  regression: 'regression',
  error: 'without result',
  inconclusive: 'inconclusive',
  'within-tolerance': 'within tolerance',
  improvement: 'improvement',
  'not-comparable': 'not comparable',
  'no-baseline': 'without baseline',
  'no-change': 'no change',
};

/** Why a cell is inconclusive (the verdict's reason), as counted in the summary ("16 too few runs"). */
const WHY: Record<InconclusiveReason, string> = {
  'straddles-tolerance': 'straddle the tolerance',
  'too-few-runs': 'too few runs',
  'too-noisy': 'too noisy',
  censored: 'below the lowest load tried',
};

const pct = (x: number): string => `${formatNumber(x * 100, 2)}%`;

/**
 * The change and its interval, or what the interval says when it is too wide to say anything. An
 * inconclusive row read by its adjusted interval (too noisy, too few runs) whose plain interval
 * leaves out 1 — and so looks significant — shows the adjusted interval beside it, which holds 1;
 * a row that straddles the tolerance shows the plain interval that straddles it.
 */
function changeCell(r: ReadComparison): string {
  if (r.reading.kind !== 'inconclusive') return changeWithContrast(r.m);
  const ci = r.m.ci;
  const byAdjusted = r.reading.why !== 'straddles-tolerance' && r.m.adjustedCi && ci !== null && (ci[0] > 1 || ci[1] < 1);
  const adjusted = byAdjusted ? `; adjusted ${formatInterval(r.m.adjustedCi!)}` : '';
  if (tooWideToInform(r) && r.reading.why !== 'straddles-tolerance') return `too noisy to tell (±${pct(r.reading.halfWidth!)})${adjusted}`;
  return `${changeWithContrast(r.m)}${adjusted}`;
}

/** The reading, and for an inconclusive cell why and what would settle it, from the verdict. */
function readingCell({ m, reading }: ReadComparison, input: InputName, seq: SequentialRecord | undefined): string {
  if (reading.kind !== 'inconclusive') return LABEL[reading.kind];
  const why = reading.why === null ? 'inconclusive' : reading.why === 'straddles-tolerance' ? 'straddles the tolerance' : WHY[reading.why];
  if (m.runsToSettle === null) return `🟡 ${why}`;
  const inputs = adviceInputs(runsAdvice(m.runsToSettle, pursued(m, seq), seq), input);
  return `🟡 ${why}; ${inputs ?? `${m.runsToSettle} runs per job`} settles it`;
}

/** The full table, for regressions: the evidence a reviewer checks before acting. */
function regressionTable(rows: readonly ReadComparison[], confidence: number, withEngine: boolean): string {
  const header = ['Scenario', 'Metric', 'Baseline', 'Current', `Change [${formatNumber(confidence * 100)}% CI]`, 'p (adj.)', 'Tolerance'];
  const body = rows.map((r) => [
    escapeCell(r.m.scenario),
    metricHeading(r.m.metric, r.m.unit),
    `${centreText(r.m.baseline, r.m.censored?.baseline)} (n=${r.m.baseline.length})`,
    `${centreText(r.m.current, r.m.censored?.current)} (n=${r.m.current.length})`,
    changeCell(r),
    formatP(r.m.contrast?.decided ? r.m.contrast.adjustedP : r.m.adjustedP),
    `±${formatNumber(r.m.tolerance * 100)}%`,
  ]);
  return withEngineColumn(header, body, rows, withEngine, ['l', 'l', 'r', 'r', 'r', 'r', 'r']);
}

/** A compact table for everything else: what changed, how sure, and why it did not decide. */
function otherTable(rows: readonly ReadComparison[], comparison: Comparison, withEngine: boolean, input: InputName): string {
  const { confidence } = comparison;
  const header = ['Scenario', 'Metric', 'Baseline → current', `Change [${formatNumber(confidence * 100)}% CI]`, 'Tolerance', 'Reading'];
  const body = rows.map((r) => [
    escapeCell(r.m.scenario),
    metricHeading(r.m.metric, r.m.unit),
    `${centreText(r.m.baseline, r.m.censored?.baseline)} → ${centreText(r.m.current, r.m.censored?.current)}`,
    changeCell(r),
    `±${formatNumber(r.m.tolerance * 100)}%`,
    readingCell(r, input, comparison.sequential),
  ]);
  return withEngineColumn(header, body, rows, withEngine, ['l', 'l', 'r', 'r', 'r', 'l']);
}

function withEngineColumn(header: readonly string[], body: readonly string[][], rows: readonly ReadComparison[], withEngine: boolean, align: readonly Align[]): string {
  if (!withEngine) return table(header, body, align);
  return table(['Engine', ...header], body.map((row, i) => [escapeCell(rows[i].m.engine), ...row]), ['l', ...align]);
}

/** Cells without a change, as one line per engine and scenario rather than a row each. */
function unchangedList(rows: readonly ReadComparison[], withEngine: boolean, confidence: number): string | null {
  const groups = new Map<string, string[]>();
  for (const { m } of rows) {
    const key = withEngine ? `${escapeInline(m.engine)} · ${escapeInline(m.scenario)}` : escapeInline(m.scenario);
    groups.set(key, [...(groups.get(key) ?? []), metricLabel(m.metric).label]);
  }
  if (groups.size === 0) return null;
  return `⚪ No change (both one-sided ${formatNumber(confidence * 100)}% bounds lie within the tolerance): ${[...groups.entries()].map(([k, ms]) => `${k}: ${ms.join(', ')}`).join('; ')}.`;
}

function lexicographic(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function sortRows(rows: readonly ReadComparison[], comparison: Comparison, scenarioOrder: readonly string[]): ReadComparison[] {
  const engineRank = new Map(comparison.engines.map((e, i) => [e.engine, i]));
  const metricRank = new Map(ALL_METRICS.map((m, i) => [m.name, i]));
  const rank = ({ m, reading }: ReadComparison): number[] => [
    ORDER.indexOf(reading.kind),
    engineRank.get(m.engine) ?? 0,
    scenarioOrder.includes(m.scenario) ? scenarioOrder.indexOf(m.scenario) : scenarioOrder.length,
    metricRank.get(m.metric) ?? ALL_METRICS.length,
  ];
  return rows
    .map((r) => ({ r, k: rank(r) }))
    .sort((x, y) => lexicographic(x.k, y.k))
    .map((x) => x.r);
}

const GATING = new Set<Reading['kind']>(['regression', 'error']);

/** Values per repetition; a bound (below the lowest load tried) reads "< x". */
function values(xs: readonly number[], below: readonly boolean[] | undefined): string {
  return xs.map((x, i) => `${below?.[i] ? '< ' : ''}${formatNumber(x)}`).join(', ');
}

/** Baseline values grouped by run ("a, b | c, d") where the runs are of equal length, as recorded. */
function byRun(xs: readonly number[], below: readonly boolean[] | undefined, runs: number): string {
  if (runs < 2 || xs.length % runs !== 0) return values(xs, below);
  const size = xs.length / runs;
  return Array.from({ length: runs }, (_, i) => values(xs.slice(i * size, (i + 1) * size), below?.slice(i * size, (i + 1) * size))).join(' | ');
}

/** Regressions with their evidence (null when there are none): the part of the report that needs action. */
export function renderRegressions(comparison: Comparison, readings: ReadonlyMap<string, readonly ReadComparison[]>, scenarioOrder: readonly string[]): string | null {
  const rows = sortRows([...readings.values()].flat().filter((r) => r.reading.kind === 'regression'), comparison, scenarioOrder);
  if (rows.length === 0) return null;
  const evidence = rows.map(({ m }) => {
    const runs = comparison.engines.find((e) => e.engine === m.engine)?.baselineRuns ?? 0;
    return `- ${escapeInline(m.engine)} · ${escapeInline(m.scenario)} · ${metricHeading(m.metric, m.unit)}: baseline ${byRun(m.baseline, m.censored?.baseline, runs)} → current ${values(m.current, m.censored?.current)}`;
  });
  return join(
    `### 🔴 Regressions`,
    regressionTable(rows, comparison.confidence, comparison.engines.length > 1),
    details('Values per repetition behind each regression (baseline runs separated by |)', evidence.join('\n')),
  );
}

/**
 * Cells without a result, one line per engine × scenario with the verdict's reason (too many failed
 * requests) or the metrics that had no valid value; null when every cell has one. Wrong data fails
 * the gate whatever the policy, so it is on the first screen.
 */
export function renderErrors(comparison: Comparison, readings: ReadonlyMap<string, readonly ReadComparison[]>, scenarioOrder: readonly string[]): string | null {
  const rows = sortRows([...readings.values()].flat().filter((r) => r.reading.kind === 'error'), comparison, scenarioOrder);
  if (rows.length === 0) return null;
  const groups = new Map<string, { engine: string; scenario: string; reason: string | null; metrics: string[] }>();
  for (const { m } of rows) {
    const key = `${m.engine}\u0000${m.scenario}\u0000${m.error ?? ''}`;
    const g = groups.get(key) ?? { engine: m.engine, scenario: m.scenario, reason: m.error ?? null, metrics: [] };
    g.metrics.push(metricLabel(m.metric).label);
    groups.set(key, g);
  }
  const lines = [...groups.values()].map(
    (g) =>
      `- ${escapeInline(g.engine)} · ${escapeInline(g.scenario)}: ${g.reason !== null ? escapeInline(g.reason) : `no valid value for ${g.metrics.join(', ')} (the scenario has no result, or a repetition has a missing, non-finite or negative value)`}`,
  );
  return join('### ⛔ No result', lines.join('\n'));
}

/** "46 inconclusive (40 too noisy, 6 interval straddles the tolerance) · 5 within tolerance · 12 no change". */
export function otherCounts(rows: readonly ReadComparison[]): string {
  const parts: string[] = [];
  for (const kind of ORDER) {
    const of = rows.filter((r) => r.reading.kind === kind);
    if (of.length === 0) continue;
    if (kind !== 'inconclusive') {
      // Only the nouns take a plural "s"; the other words describe.
      parts.push(`${of.length} ${WORDS[kind]}${of.length > 1 && (kind === 'regression' || kind === 'improvement') ? 's' : ''}`);
      continue;
    }
    const why = new Map<InconclusiveReason, number>();
    for (const r of of) if (r.reading.kind === 'inconclusive' && r.reading.why !== null) why.set(r.reading.why, (why.get(r.reading.why) ?? 0) + 1);
    const reasons = (Object.keys(WHY) as InconclusiveReason[]).filter((w) => why.has(w)).map((w) => `${why.get(w)} ${WHY[w]}`);
    parts.push(reasons.length ? `${of.length} inconclusive (${reasons.join(', ')})` : `${of.length} inconclusive`);
  }
  return parts.join(' · ');
}

/** Everything that is not a regression, collapsed, summarised by count and by why; null when nothing else was compared. */
export function renderOtherComparisons(
  comparison: Comparison,
  readings: ReadonlyMap<string, readonly ReadComparison[]>,
  scenarioOrder: readonly string[],
  input: InputName,
): string | null {
  const all = [...readings.values()].flat();
  const rows = sortRows(all.filter((r) => !GATING.has(r.reading.kind)), comparison, scenarioOrder);
  if (rows.length === 0) return null;
  const withEngine = comparison.engines.length > 1;
  const listed = rows.filter((r) => r.reading.kind !== 'no-change');
  const method =
    `Baseline and current are geometric means over repetitions; the change is their ratio with a ` +
    `${formatNumber(comparison.confidence * 100)}% confidence interval; p-values are adjusted (${comparison.correction === 'holm' ? 'Holm' : 'Benjamini–Hochberg'}) ` +
    `over all ${all.length} comparisons, each scenario's contrast with the other scenarios and each whole-set metric's with the engine's other metrics (net of the run effect they share). ` +
    `A regression needs significance and a change beyond the tolerance (or a significant contrast beyond the tolerance while the cell's own change is beyond it too). ` +
    `No change: both one-sided ${formatNumber(comparison.confidence * 100)}% bounds lie within the tolerance (an equivalence test at ${formatNumber((1 - comparison.confidence) * 100)}% a side, so the two-sided interval shown may reach a little past it); within tolerance: the same, for a real change smaller than the tolerance. ` +
    `Too noisy to tell: an interval wider than the tolerance band. Too few runs: the stored runs and this job's runs cannot bound the run-to-run noise yet. ` +
    `A setting that settles a cell (\`runs\`; in a sequential job \`max-runs\`, or \`time-budget\` where the budget stopped it): the runs per job after which it would be decided if its estimate and noise stayed as measured.`;
  return details(
    escapeHtml(`${rows.length} other comparisons: ${otherCounts(rows)}`),
    join(
      listed.length ? otherTable(listed, comparison, withEngine, input) : null,
      unchangedList(
        rows.filter((r) => r.reading.kind === 'no-change'),
        withEngine,
        comparison.confidence,
      ),
      method,
    ),
  );
}

/** Absolute limits exceeded (release mode), or null when none were. */
export function renderSloViolations(comparison: Comparison): string | null {
  if (comparison.sloViolations.length === 0) return null;
  return join(
    '### Limits exceeded',
    table(
      ['Engine', 'Scenario', 'Metric', 'Limit', 'Value'],
      comparison.sloViolations.map((v) => [escapeCell(v.engine), escapeCell(v.scenario), metricHeading(v.metric, v.unit), formatNumber(v.limit), `${v.below ? '< ' : ''}${formatNumber(v.value)}`]),
      ['l', 'l', 'l', 'r', 'r'],
    ),
  );
}

/** Shifts found in the history by change-point detection (schedule mode), or null when none. */
export function renderChangePoints(comparison: Comparison): string | null {
  if (comparison.changePoints.length === 0) return null;
  return join(
    '### Change points',
    'Shifts in the recorded history: slow drift that no single comparison flags.',
    table(
      ['Engine', 'Scenario', 'Metric', 'First run after', 'Before', 'After', 'Change', 'p'],
      comparison.changePoints.map((c) => [
        escapeCell(c.engine),
        escapeCell(c.netOfRunEffect ? `${c.scenario}, net of the run effect` : c.scenario),
        metricHeading(c.metric),
        `${c.sha ? codeCell(shortSha(c.sha)!) : MISSING} (${escapeCell(c.createdAt.slice(0, 10))})`,
        formatNumber(c.before),
        formatNumber(c.after),
        formatChange(c.before > 0 ? c.after / c.before : null),
        formatP(c.pValue),
      ]),
      ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'r'],
    ),
  );
}
