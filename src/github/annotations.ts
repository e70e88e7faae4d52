import { capacityFigures, formatNumber, changeWithContrast } from '../report/format.ts';
import { metricLabel } from '../report/metric-label.ts';
import { missingBaselineText, type GateOutcome } from '../report/outcome.ts';
import type { Comparison, MetricComparison } from '../types.ts';

// The annotations of a gate run, so the Checks UI says what the job summary says: one per regressed
// engine × scenario (an error when the gate fails, a warning when a policy keeps it from failing),
// one for a missing baseline, and a warning for any outcome that did not pass without failing
// (inconclusive, no baseline, a drift or a limit under fail-on never) so a green check never hides it. GitHub shows at most 10 annotations
// of each level per step: the regressions are capped with a note that says how many were left out.

export interface Annotation {
  readonly level: 'error' | 'warning';
  readonly title: string;
  readonly message: string;
}

/** Regression annotations shown before the note "and N more": one error is setFailed's own. */
export const MAX_REGRESSION_ANNOTATIONS = 8;

function regressionLine(m: MetricComparison): string {
  return `${metricLabel(m.metric).label} ${changeWithContrast(m)}${capacityFigures(m, (t) => t)} (tolerance ±${formatNumber(m.tolerance * 100)}%)`;
}

export function gateAnnotations(comparison: Comparison | null, outcome: GateOutcome): Annotation[] {
  const out: Annotation[] = [];
  const level = outcome.failed ? 'error' : 'warning';
  if (outcome.missing) out.push({ level, title: 'LLM performance: no baseline', message: missingBaselineText(outcome.missing) });
  const groups = new Map<string, MetricComparison[]>();
  for (const e of comparison?.engines ?? []) {
    for (const m of e.metrics.filter((x) => x.verdict === 'regression')) groups.set(`${e.engine} / ${m.scenario}`, [...(groups.get(`${e.engine} / ${m.scenario}`) ?? []), m]);
  }
  const pairs = [...groups.entries()];
  for (const [where, cells] of pairs.slice(0, MAX_REGRESSION_ANNOTATIONS)) {
    const why = outcome.notFailing ? ` (not failing: ${outcome.notFailing})` : '';
    out.push({ level, title: `Regression: ${where}`, message: `${cells.length === 1 ? '1 regression' : `${cells.length} regressions`}${why}:\n${cells.map(regressionLine).join('\n')}` });
  }
  if (pairs.length > MAX_REGRESSION_ANNOTATIONS) {
    const rest = pairs.slice(MAX_REGRESSION_ANNOTATIONS);
    out.push({
      level,
      title: `Regression: ${rest.length} more`,
      message: `${rest.length} more engine × scenario pairs regressed (${rest.reduce((n, [, c]) => n + c.length, 0)} cells), not annotated one by one: see the job summary`,
    });
  }
  // A finding that did not fail the check still shows beside the green check.
  if (!outcome.failed && !outcome.missing && outcome.outcome !== 'passed' && outcome.outcome !== 'measured' && pairs.length === 0) {
    out.push({ level: 'warning', title: `LLM performance: ${outcome.outcome}`, message: outcome.headline });
  }
  return out;
}
