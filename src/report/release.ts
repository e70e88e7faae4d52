import { releaseCells } from '../compare/gate.ts';
import { SUITE } from '../compare/cells.ts';
import type { Comparison, EngineComparison, MetricComparison } from '../types.ts';
import { details, table } from './blocks.ts';
import { escapeCell, escapeHtml } from './escape.ts';
import { formatChange, formatInterval, formatNumber, MISSING } from './format.ts';
import { metricHeading, metricLabel } from './metric-label.ts';

// Release mode asks a different question than a pull request: not "did it regress?" but "is it
// shown to be no worse than the tolerance?" (non-inferiority, on the suite cells: the bad side of
// each one-sided interval must lie within tolerance). The verdict records the bound (worstPlausible)
// and whether it holds (nonInferior); this says so per engine, compactly.

/** The cells the release gate judged, in the engine's order. */
function judged(e: EngineComparison): MetricComparison[] {
  const cells = releaseCells(e);
  return e.metrics.filter((m) => cells.has(m) && m.nonInferior != null);
}

/** Cells of every engine that a release could not show within tolerance. */
export function notShown(comparison: Comparison): MetricComparison[] {
  return comparison.engines.flatMap((e) => judged(e).filter((m) => m.nonInferior === false));
}

/** The suite cells are what a release judges; a set of one scenario has none, and every cell stands in. */
const noun = (cells: readonly MetricComparison[]): string => (cells.every((m) => m.scenario === SUITE) ? 'suite metrics' : 'metrics');

/** How far the bad side lies beyond the tolerance: the worst first. */
const excess = (m: MetricComparison): number => Math.abs(m.worstPlausible! - 1) - m.tolerance;

/**
 * "release: 2 of 9 suite metrics not shown within tolerance (Output tokens/s could be −4.5% at ±3%, …)",
 * the worst first; null when nothing was judged.
 */
export function releaseClause(e: EngineComparison): string | null {
  const cells = judged(e);
  if (cells.length === 0) return null;
  const failed = cells.filter((m) => m.nonInferior === false);
  const what = noun(cells);
  if (failed.length === 0) return `release: all ${cells.length} ${what} shown within tolerance`;
  const bounded = failed.filter((m) => m.worstPlausible != null).sort((a, b) => excess(b) - excess(a));
  const named = bounded.slice(0, 3).map((m) => `${metricLabel(m.metric).label} could be ${formatChange(m.worstPlausible!)} at ±${formatNumber(m.tolerance * 100)}%`);
  if (bounded.length > 3) named.push('…');
  const unbounded = failed.length - bounded.length;
  if (unbounded > 0) named.push(`${unbounded} without an estimate`);
  return `release: ${failed.length} of ${cells.length} ${what} not shown within tolerance (${named.join(', ')})${runToRunHint(failed)}`;
}

/**
 * Where whole runs differ more than repetitions do, more runs shrink the bound only slowly (its
 * run-to-run part goes down as 1/√runs and never below the history's): the README's arithmetic
 * says tolerances that fit the runner are what proves a release there, so the clause says so.
 */
function runToRunHint(failed: readonly MetricComparison[]): string {
  const spread = failed.filter((m) => m.noise?.dominant === 'run-to-run').map((m) => m.noise!.runToRun);
  if (spread.length === 0) return '';
  return `; whole runs differ by ±${formatNumber(Math.max(...spread) * 100, 2)}% here, more than repetitions do: release tolerances that fit this runner prove a release where more runs barely help (README, "Release gate")`;
}

/** Every judged cell with its bound, collapsed; null outside release mode or without estimates. */
export function renderRelease(comparison: Comparison): string | null {
  if (comparison.mode !== 'release') return null;
  const withEngine = comparison.engines.length > 1;
  const rows = comparison.engines.flatMap((e) => judged(e));
  if (rows.length === 0) return null;
  const failed = rows.filter((m) => m.nonInferior === false).length;
  const level = formatNumber(comparison.confidence * 100);
  const what = noun(rows);
  return details(
    escapeHtml(`Release check (non-inferiority): ${failed === 0 ? `all ${rows.length} ${what} shown within tolerance` : `${failed} of ${rows.length} ${what} not shown within tolerance`}`),
    table(
      [...(withEngine ? ['Engine'] : []), 'Metric', `Change [${level}% CI]`, `Worst plausible (${level}%, one-sided)`, 'Tolerance', 'Within'],
      rows.map((m) => [
        ...(withEngine ? [escapeCell(m.engine)] : []),
        metricHeading(m.metric, m.unit),
        m.ratio === null ? 'no estimate' : `${formatChange(m.ratio)} ${formatInterval(m.ci)}`,
        m.worstPlausible == null ? MISSING : formatChange(m.worstPlausible),
        `±${formatNumber(m.tolerance * 100)}%`,
        m.nonInferior ? '✅' : '❌',
      ]),
      [...(withEngine ? ['l' as const] : []), 'l', 'r', 'r', 'r', 'l'],
    ),
  );
}
