import type { Comparison, HistoryPoint } from '../types.ts';
import { details, join } from './blocks.ts';
import { escapeHtml } from './escape.ts';
import { shortSha } from './format.ts';
import { metricLabel } from './metric-label.ts';

// Key metrics over the baseline history as Mermaid `xychart-beta` line charts (GitHub renders them).
// xychart-beta has no legend, so each chart holds one series: engine × scenario × metric.

// Mermaid reads its own syntax inside quoted strings and labels; keep them to a plain alphabet.
function mermaidText(text: string): string {
  return text.replace(/[^\p{L}\p{N} _.,:/%()·+-]/gu, '').slice(0, 80);
}

function xLabel(p: HistoryPoint): string {
  return mermaidText(shortSha(p.sha) ?? p.createdAt.slice(5, 10));
}

function plotValue(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/** One `xychart-beta` block; the last point is the current run. */
function lineChart(title: string, yAxis: string, points: readonly HistoryPoint[]): string {
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${mermaidText(title)}"`,
    `  x-axis [${points.map((p) => `"${xLabel(p)}"`).join(', ')}]`,
    `  y-axis "${mermaidText(yAxis)}"`,
    `  line [${points.map((p) => plotValue(p.value)).join(', ')}]`,
    '```',
  ].join('\n');
}

/** Collapsed history charts per engine; null when no series has two points to draw. */
export function renderHistory(comparison: Comparison): string | null {
  const blocks = comparison.engines.flatMap((e) => {
    const series = e.history.filter((h) => h.points.length >= 2 && h.points.every((p) => Number.isFinite(p.value)));
    if (series.length === 0) return [];
    const charts = series.map((h) => {
      const m = metricLabel(h.metric);
      return lineChart(`${e.engine} · ${h.scenario} · ${m.label}`, m.unit, h.points);
    });
    return [details(`${escapeHtml(e.engine)}: ${series.length} series over the last ${e.baselineRuns} baseline runs and this one`, join(...charts))];
  });
  return blocks.length ? join('### History', 'Each chart ends with this run.', ...blocks) : null;
}
