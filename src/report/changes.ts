import { mean } from '../compare/stats.ts';
import { METRICS } from '../metrics/catalog.ts';
import type { Comparison, MetricComparison, Verdict } from '../types.ts';
import { details, join, table } from './blocks.ts';
import { codeCell, escapeCell, escapeInline } from './escape.ts';
import { formatChange, formatInterval, formatNumber, formatP, geometricMean, MISSING, shortSha } from './format.ts';
import { metricHeading } from './metric-label.ts';

// The comparison with the baseline: what changed, how sure we are, and what the gate did with it.

/** Order in which verdicts are shown (and counted in the headline): the ones that need a look first. */
const VERDICT_ORDER: readonly Verdict[] = ['regression', 'error', 'inconclusive', 'improvement', 'not-comparable', 'no-baseline', 'no-change'];

const VERDICT_WORDS: Record<Verdict, readonly [string, string]> = {
  regression: ['regression', 'regressions'],
  error: ['error', 'errors'],
  inconclusive: ['inconclusive', 'inconclusive'],
  improvement: ['improvement', 'improvements'],
  'not-comparable': ['not comparable', 'not comparable'],
  'no-baseline': ['without baseline', 'without baseline'],
  'no-change': ['no change', 'no change'],
};

const VERDICT_LABEL: Record<Verdict, string> = {
  regression: '🔴 regression',
  error: '⛔ error',
  inconclusive: '🟡 inconclusive',
  improvement: '🟢 improvement',
  'not-comparable': '🟠 not comparable',
  'no-baseline': '⚪ no baseline',
  'no-change': '⚪ no change',
};

/** Verdicts that get a row in the visible table; the rest are collapsed. */
const SHOWN = new Set<Verdict>(['regression', 'error', 'inconclusive', 'improvement']);

/** "1 regression · 2 inconclusive · 105 no change": each verdict that occurs, in VERDICT_ORDER. */
export function verdictCounts(comparison: Comparison): string {
  const counts = new Map<Verdict, number>();
  for (const e of comparison.engines) for (const m of e.metrics) counts.set(m.verdict, (counts.get(m.verdict) ?? 0) + 1);
  const parts = VERDICT_ORDER.filter((v) => counts.has(v)).map((v) => {
    const n = counts.get(v)!;
    return `${n} ${VERDICT_WORDS[v][n === 1 ? 0 : 1]}`;
  });
  return parts.length ? parts.join(' · ') : 'nothing compared';
}

// Values are shown as geometric means, the statistic the ratio is taken of. Zeros (an idle
// queue) have no geometric mean; the arithmetic mean stands in there.
function centre(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : (geometricMean(xs) ?? mean(xs));
}

// runsToSettle counts repetitions of one run. Where whole runs differ, or the noise is large,
// no number of them settles it: more runs in the baseline history (or the tolerance) must.
function verdictCell(m: MetricComparison): string {
  const label = VERDICT_LABEL[m.verdict];
  if (m.verdict !== 'inconclusive') return label;
  return m.runsToSettle !== null ? `${label} (≈${m.runsToSettle} repetitions would settle it)` : `${label} (more repetitions alone would not settle it)`;
}

function metricTable(rows: readonly MetricComparison[], confidence: number): string {
  const header = ['Engine', 'Scenario', 'Metric', 'Baseline', 'Current', `Change [${formatNumber(confidence * 100)}% CI]`, 'p (adj.)', 'Tolerance', 'Verdict'];
  return table(
    header,
    rows.map((m) => [
      escapeCell(m.engine),
      escapeCell(m.scenario),
      metricHeading(m.metric),
      formatNumber(centre(m.baseline)),
      formatNumber(centre(m.current)),
      `${formatChange(m.ratio)} ${formatInterval(m.ci)}`,
      formatP(m.adjustedP),
      `±${formatNumber(m.tolerance * 100)}%`,
      verdictCell(m),
    ]),
    ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
  );
}

function lexicographic(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function sortRows(comparison: Comparison, scenarioOrder: readonly string[]): MetricComparison[] {
  const engineRank = new Map(comparison.engines.map((e, i) => [e.engine, i]));
  const metricRank = new Map(METRICS.map((m, i) => [m.name, i]));
  const rank = (m: MetricComparison): number[] => [
    VERDICT_ORDER.indexOf(m.verdict),
    engineRank.get(m.engine) ?? 0,
    scenarioOrder.indexOf(m.scenario),
    metricRank.get(m.metric) ?? METRICS.length,
  ];
  return comparison.engines
    .flatMap((e) => e.metrics)
    .map((m) => ({ m, r: rank(m) }))
    .sort((x, y) => lexicographic(x.r, y.r))
    .map((x) => x.m);
}

/** The regression table: regressions, errors, inconclusive and improvements shown; the rest collapsed. */
export function renderChanges(comparison: Comparison, scenarioOrder: readonly string[]): string {
  const rows = sortRows(comparison, scenarioOrder);
  const shown = rows.filter((m) => SHOWN.has(m.verdict));
  const rest = rows.filter((m) => !SHOWN.has(m.verdict));
  const engines = comparison.engines.map((e) => {
    const env = e.fingerprintDiffs.length ? ` · environment differs from the baseline (${e.fingerprintDiffs.length} field${e.fingerprintDiffs.length === 1 ? '' : 's'})` : '';
    return `- **${escapeInline(e.engine)}**: ${e.baselineRuns} baseline run${e.baselineRuns === 1 ? '' : 's'} · ${VERDICT_LABEL[e.verdict]}${env}`;
  });
  const method =
    `Baseline and current are geometric means over repetitions; the change is their ratio with a ` +
    `${formatNumber(comparison.confidence * 100)}% confidence interval; p-values are adjusted (${comparison.correction === 'holm' ? 'Holm' : 'Benjamini–Hochberg'}) ` +
    `over all ${rows.length} comparisons. A regression needs significance and a change beyond the tolerance.`;
  return join(
    '### Changes against the baseline',
    engines.join('\n'),
    shown.length ? metricTable(shown, comparison.confidence) : 'No metric changed beyond its tolerance with significance.',
    rest.length ? details(`${rest.length} other comparison${rest.length === 1 ? '' : 's'} (${[...new Set(rest.map((m) => VERDICT_WORDS[m.verdict][1]))].join(', ')})`, metricTable(rest, comparison.confidence)) : null,
    method,
  );
}

/** Absolute limits exceeded (release mode), or null when none were. */
export function renderSloViolations(comparison: Comparison): string | null {
  if (comparison.sloViolations.length === 0) return null;
  return join(
    '### Limits exceeded',
    table(
      ['Engine', 'Scenario', 'Metric', 'Limit', 'Value'],
      comparison.sloViolations.map((v) => [escapeCell(v.engine), escapeCell(v.scenario), metricHeading(v.metric), formatNumber(v.limit), formatNumber(v.value)]),
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
        escapeCell(c.scenario),
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
