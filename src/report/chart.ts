import { SUITE } from '../compare/verdict.ts';
import type { Comparison, EngineComparison, HistoryPoint } from '../types.ts';
import { details, join } from './blocks.ts';
import { escapeHtml } from './escape.ts';
import { geometricMean, shortSha } from './format.ts';
import type { ReadComparison } from './reading.ts';
import { metricLabel } from './metric-label.ts';

// Key metrics over the baseline history as Mermaid `xychart-beta` line charts (GitHub renders them).
// xychart-beta has no legend, so each chart holds one series: per engine, each key metric over the
// whole scenario set, and the scenarios whose cells changed (a chart for every cell would cost the
// comment's length and say nothing the table does not).

// Mermaid reads its own syntax inside quoted strings and labels; keep them to a plain alphabet.
function mermaidText(text: string): string {
  return text.replace(/[^\p{L}\p{N} _.,:/%()·+-]/gu, '').slice(0, 80);
}

/**
 * Runs of one day must be told apart: "run 3 a1b2c3d 12-01" (run number in the chart, commit, day),
 * or with the time of day where there is no commit ("run 3 12-01 09:58"); the last point is this run.
 */
function xLabel(p: HistoryPoint, i: number, last: boolean): string {
  const day = p.createdAt.slice(5, 10);
  const sha = shortSha(p.sha);
  return mermaidText(`${last ? 'this run' : `run ${i + 1}`} ${sha ? `${sha} ${day}` : `${day} ${p.createdAt.slice(11, 16)}`}`);
}

function plotValue(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/** One `xychart-beta` block; the last point is the current run. */
function lineChart(title: string, yAxis: string, points: readonly HistoryPoint[]): string {
  return [
    '```mermaid',
    // Mermaid's default line colour is a pale lavender that hardly shows on white.
    '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#0969da"}}}}%%',
    'xychart-beta',
    `  title "${mermaidText(title)}"`,
    `  x-axis [${points.map((p, i) => `"${xLabel(p, i, i === points.length - 1)}"`).join(', ')}]`,
    `  y-axis "${mermaidText(yAxis)}"`,
    `  line [${points.map((p) => plotValue(p.value)).join(', ')}]`,
    '```',
  ].join('\n');
}

type Series = EngineComparison['history'][number];

const runKey = (p: HistoryPoint): string => `${p.createdAt} ${p.sha ?? ''}`;

/**
 * The series over the whole scenario set, per metric: at each run that every scenario has, the
 * geometric mean over scenarios (the suite score the comparison also tests). Null for fewer than
 * two such runs or a non-positive value.
 */
function suiteSeries(history: readonly Series[], metric: string): Series | null {
  const series = history.filter((h) => h.metric === metric);
  if (series.length < 2) return null;
  const points = series[0].points.flatMap((p) => {
    const values = series.map((h) => h.points.find((q) => runKey(q) === runKey(p))?.value);
    if (!values.every((v): v is number => typeof v === 'number' && v > 0)) return [];
    return [{ ...p, value: geometricMean(values)! }];
  });
  return points.length >= 2 ? { scenario: SUITE, metric, points } : null;
}

/** The series worth a chart: the suite per metric, and the scenario series of cells that changed or shifted. */
function chartedSeries(e: EngineComparison, comparison: Comparison, readings: readonly ReadComparison[]): Series[] {
  const drawable = (h: Series): boolean => h.points.length >= 2 && h.points.every((p) => Number.isFinite(p.value));
  const metrics = [...new Set(e.history.map((h) => h.metric))];
  const changed = (h: Series): boolean =>
    readings.some((r) => r.m.scenario === h.scenario && r.m.metric === h.metric && NOTEWORTHY.has(r.reading.kind)) ||
    comparison.changePoints.some((c) => c.engine === e.engine && c.scenario === h.scenario && c.metric === h.metric);
  const suites = metrics.map((m) => suiteSeries(e.history.filter(drawable), m)).filter((h): h is Series => h !== null);
  return [...suites, ...e.history.filter((h) => drawable(h) && changed(h))];
}

const NOTEWORTHY = new Set(['regression', 'improvement', 'within-tolerance']);

/** Collapsed history charts per engine; null when no series has two points to draw. */
export function renderHistory(comparison: Comparison, readings: ReadonlyMap<string, readonly ReadComparison[]>): string | null {
  const blocks = comparison.engines.flatMap((e) => {
    const series = chartedSeries(e, comparison, readings.get(e.engine) ?? []);
    if (series.length === 0) return [];
    const charts = series.map((h) => {
      const m = metricLabel(h.metric);
      const where = h.scenario === SUITE ? 'all scenarios (geometric mean)' : h.scenario;
      return lineChart(`${e.engine} · ${where} · ${m.label}`, m.unit, h.points);
    });
    const scenarios = series.filter((h) => h.scenario !== SUITE).length;
    const what = `key metrics over all scenarios${scenarios ? ` and ${scenarios} changed cell${scenarios === 1 ? '' : 's'}` : ''}`;
    return [details(`History of ${escapeHtml(e.engine)}: ${what}, over the last ${e.baselineRuns} baseline runs and this one`, join(...charts))];
  });
  return blocks.length ? join(...blocks) : null;
}
