import { median } from '../compare/stats.ts';
import { capacityReading } from '../capacity.ts';
import { loadUnit } from '../metrics/catalog.ts';
import type { CapacityProbe, CapacityResult, RunResult, Scenario } from '../types.ts';
import { details, join, table } from './blocks.ts';
import { escapeHtml, escapeInline } from './escape.ts';
import { formatNumber, formatTimes } from './format.ts';

// Capacity scenarios: the highest load each engine carried within the scenario's SLOs, and the
// latency-versus-load curve its search measured. One visible line per scenario (what a capacity
// planner reads first), the curve collapsed beneath it.

/** A search's capacity as read: "76.1", or "< 0.5" when even the lowest load tried missed (a censored value). */
export function capacityText(c: CapacityResult): string {
  const r = capacityReading(c);
  return r === null ? '—' : `${r.below ? '< ' : ''}${formatNumber(r.value)}`;
}

function sloText(s: Scenario, attainment: number): string {
  const parts = [
    s.slo.ttftMs === undefined ? null : `TTFT ≤ ${formatNumber(s.slo.ttftMs)} ms`,
    s.slo.tpotMs === undefined ? null : `TPOT ≤ ${formatNumber(s.slo.tpotMs)} ms`,
    s.slo.e2elMs === undefined ? null : `E2E ≤ ${formatNumber(s.slo.e2elMs)} ms`,
  ].filter((p): p is string => p !== null);
  return `${parts.join(', ')} for ${formatNumber(attainment * 100)}% of requests`;
}

interface Found {
  readonly engine: string;
  readonly pooled: CapacityResult;
  readonly perRepetition: readonly CapacityResult[];
}

function foundIn(run: RunResult, scenario: string): Found[] {
  return run.engines.flatMap((e) => {
    const pooled = e.pooled.find((s) => s.scenario === scenario)?.capacity;
    if (pooled === undefined) return [];
    const perRepetition = e.repetitions.flatMap((r) => r.scenarios.filter((s) => s.scenario === scenario).flatMap((s) => (s.capacity ? [s.capacity] : [])));
    return [{ engine: e.engine, pooled, perRepetition }];
  });
}

function engineText(f: Found): string {
  const unit = loadUnit(f.pooled.over);
  const value = `${capacityText(f.pooled)} ${unit}`;
  const reps = f.perRepetition.map(capacityText).join(', ');
  const misses = f.perRepetition.map((c) => c.firstMiss).filter((x): x is number => x !== null);
  const [lo, hi] = [Math.min(...misses), Math.max(...misses)];
  const at = `${formatNumber(lo)}${hi > lo ? `–${formatNumber(hi)}` : ''} ${unit}`;
  const miss = misses.length === 0 ? '; passed at the highest load allowed' : f.perRepetition.every((c) => c.capacity === null) ? `; even the lowest load tried, ${at}, missed` : `; missed at ${at}`;
  return `${escapeInline(f.engine)} **${value}** (repetitions: ${reps}${miss})`;
}

/**
 * "vLLM carries 7.9× the load of transformers" for the first two engines, where their searches
 * bound the ratio: one below its lowest load tried makes it a floor ("at least 152×"), as does one
 * that passed its highest load; two below theirs, or two with only floors, say nothing.
 */
function ratioText(found: readonly Found[]): string | null {
  const [a, b] = found;
  if (a === undefined || b === undefined) return null;
  // Each side: its value, whether the true capacity may be higher (it passed the highest load) or lower (below the lowest).
  const side = (f: Found) => ({ f, x: f.pooled.capacity ?? f.pooled.firstMiss ?? NaN, up: f.pooled.firstMiss === null, down: f.pooled.capacity === null });
  const [p, q] = [side(a), side(b)];
  const [hi, lo] = p.x >= q.x ? [p, q] : [q, p];
  // hi / lo is bounded below only when hi cannot be lower and lo cannot be higher.
  if (!(hi.x > 0 && lo.x > 0) || hi.down || lo.up) return null;
  const floor = hi.up || lo.down ? 'at least ' : '';
  return `${escapeInline(hi.f.engine)} carries ${floor}${formatTimes(hi.x / lo.x)} the load of ${escapeInline(lo.f.engine)}`;
}

const ms = (x: number | null): string => (x === null ? '—' : formatNumber(x));

/** The median of the figures the probes have (null where none has one). */
const medianOf = (xs: readonly (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length === 0 ? null : median(v);
};

/** The curve: one row per load probed (the repetitions' probes at that load together, medians of their figures). */
function curveTable(probes: readonly CapacityProbe[], unit: string): string {
  const byLoad = new Map<number, CapacityProbe[]>();
  for (const p of probes) byLoad.set(p.load, [...(byLoad.get(p.load) ?? []), p]);
  const rows = [...byLoad.entries()].sort(([a], [b]) => a - b);
  return table(
    [`Load (${unit})`, 'Passed', 'Within SLOs', 'TTFT p95 (ms)', 'TPOT p95 (ms)', 'E2E p95 (ms)', 'Output tok/s', 'Stopped early'],
    rows.map(([load, ps]) => [
      formatNumber(load),
      `${ps.filter((p) => p.passed).length} of ${ps.length}`,
      `${formatNumber(medianOf(ps.map((p) => p.attainment * 100)))}%`,
      ms(medianOf(ps.map((p) => p.ttftP95Ms))),
      ms(medianOf(ps.map((p) => p.tpotP95Ms))),
      ms(medianOf(ps.map((p) => p.e2elP95Ms))),
      formatNumber(medianOf(ps.map((p) => p.outputThroughput))),
      String(ps.filter((p) => p.stoppedEarly).length),
    ]),
    ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
}

/** The capacity lines and curves of every capacity scenario; null when the set has none. */
export function renderCapacity(run: RunResult): string | null {
  const blocks: string[] = [];
  for (const s of run.scenarioSet.definitions) {
    if (s.load.kind !== 'capacity') continue;
    const found = foundIn(run, s.name);
    if (found.length === 0) continue;
    const ratio = ratioText(found);
    const line =
      `**Capacity at SLO**, ${escapeInline(s.name)} (${escapeInline(sloText(s, s.load.attainment))}; resolution ${formatNumber(s.load.resolution * 100)}%): ` +
      `${found.map(engineText).join('; ')}${ratio ? ` — ${ratio}` : ''}.`;
    const curves = found.map((f) => {
      const searchS = f.perRepetition.reduce((sum, c) => sum + c.searchS, 0);
      const probes = f.perRepetition.reduce((n, c) => n + c.probes.length, 0);
      return join(
        `${escapeInline(f.engine)}: ${probes} probes in ${f.perRepetition.length} searches (${formatNumber(probes / f.perRepetition.length)} per search), ${formatNumber(searchS)} s of load; medians over the probes at each load`,
        curveTable(f.perRepetition.flatMap((c) => c.probes), loadUnit(f.pooled.over)),
      );
    });
    blocks.push(join(line, details(escapeHtml(`Latency versus load: ${s.name}`), join(...curves))));
  }
  return blocks.length > 0 ? join(...blocks) : null;
}
