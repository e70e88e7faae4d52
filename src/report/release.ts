import { releaseCells } from '../compare/gate.ts';
import type { Comparison, EngineComparison, MetricComparison } from '../types.ts';
import { details, table } from './blocks.ts';
import { escapeCell, escapeHtml } from './escape.ts';
import { formatChange, formatInterval, formatNumber } from './format.ts';
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

const bound = (m: MetricComparison): string => (m.worstPlausible == null ? 'no estimate' : `could be ${formatChange(m.worstPlausible)}`);

/** "release: 2 of 10 metrics not shown within tolerance (Output tokens/s could be −5.7% at ±3%, …)"; null when nothing was judged. */
export function releaseClause(e: EngineComparison): string | null {
  const cells = judged(e);
  if (cells.length === 0) return null;
  const failed = cells.filter((m) => m.nonInferior === false);
  if (failed.length === 0) return `release: all ${cells.length} suite metrics shown within tolerance`;
  const named = failed.slice(0, 3).map((m) => `${metricLabel(m.metric).label} ${bound(m)} at ±${formatNumber(m.tolerance * 100)}%`);
  return `release: ${failed.length} of ${cells.length} suite metrics not shown within tolerance (${named.join(', ')}${failed.length > 3 ? ', …' : ''})`;
}

/** Every judged cell with its bound, collapsed; null outside release mode or without estimates. */
export function renderRelease(comparison: Comparison): string | null {
  if (comparison.mode !== 'release') return null;
  const withEngine = comparison.engines.length > 1;
  const rows = comparison.engines.flatMap((e) => judged(e));
  if (rows.length === 0) return null;
  const failed = rows.filter((m) => m.nonInferior === false).length;
  const level = formatNumber(comparison.confidence * 100);
  return details(
    escapeHtml(`Release check (non-inferiority): ${failed === 0 ? `all ${rows.length} suite metrics shown within tolerance` : `${failed} of ${rows.length} suite metrics not shown within tolerance`}`),
    table(
      [...(withEngine ? ['Engine'] : []), 'Metric', `Change [${level}% CI]`, `Worst plausible (${level}%, one-sided)`, 'Tolerance', 'Within'],
      rows.map((m) => [
        ...(withEngine ? [escapeCell(m.engine)] : []),
        metricHeading(m.metric),
        `${formatChange(m.ratio)} ${formatInterval(m.ci)}`,
        m.worstPlausible == null ? 'no estimate' : formatChange(m.worstPlausible),
        `±${formatNumber(m.tolerance * 100)}%`,
        m.nonInferior ? '✅' : '❌',
      ]),
      [...(withEngine ? ['l' as const] : []), 'l', 'r', 'r', 'r', 'l'],
    ),
  );
}
