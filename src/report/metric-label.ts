import { ALL_METRICS, type Direction } from '../metrics/catalog.ts';
import { escapeCell } from './escape.ts';

// Comparisons and history series name metrics by catalog name. A report must still render when a
// newer comparison file names a metric this build does not know, so the lookup does not throw.

export interface MetricLabel {
  readonly label: string;
  readonly unit: string;
  readonly direction: Direction | null;
}

export function metricLabel(name: string): MetricLabel {
  const m = ALL_METRICS.find((x) => x.name === name);
  return m ? m : { label: escapeCell(name), unit: '', direction: null };
}

/**
 * "TPOT p50 (ms)", "Goodput (req/s)"; a label that already is a rate ("Output tokens/s") stands
 * alone. `unit`: the metric's unit in its scenario where the comparison states it (a capacity's
 * is its search's: "Capacity at SLO (req/s)").
 */
export function metricHeading(name: string, unit?: string): string {
  const m = metricLabel(name);
  const u = unit === undefined ? m.unit : escapeCell(unit);
  return u && !m.label.endsWith('/s') ? `${m.label} (${u})` : m.label;
}
