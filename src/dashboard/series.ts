import { createHash } from 'node:crypto';
import { fingerprintDiffs } from '../baseline/fingerprint-diff.ts';
import type { BaselineEntry } from '../baseline/history.ts';
import { strongestChangePoint } from '../compare/changepoint.ts';
import { adjustPValues, mean, trimmedMean } from '../compare/stats.ts';
import { mixSeed } from '../load/random.ts';
import { ALL_METRICS } from '../metrics/catalog.ts';
import type { Fingerprint, FingerprintDiff } from '../types.ts';

// One baseline key's history as the dashboard draws it: every run (engine start) over time with
// its commit and fingerprint, per scenario and metric the run's value (the trimmed mean of its
// repetitions, the figure the gate and the change-point test compare), the fingerprint epochs,
// the change points of each epoch, and the tolerance band around the current baseline.
// The dashboard keeps its own history, longer than the baseline window: the runs already in the
// published data are merged with the store's, and the newest `window` are kept.

export const KEY_DATA_SCHEMA = 'llm-perf-gate/dashboard-key@1';
/** Runs per key the dashboard keeps by default (the baseline store keeps `history`, 60 by default). */
export const DEFAULT_DASHBOARD_WINDOW = 500;
/**
 * Runs of an epoch the change-point test looks at (the newest). E-Divisive costs n² per permutation;
 * 120 runs and 999 permutations take ~10 ms a series, so a key of 54 series stays near a second.
 */
export const CHANGE_WINDOW = 120;
const PERMUTATIONS = 999;
/** False discovery rate of the change points marked over a key's series (Benjamini–Hochberg). */
export const CHANGE_FDR = 0.01;

export interface RunPoint {
  readonly t: string;
  readonly sha: string | null;
  readonly ref: string | null;
}

export interface Epoch {
  /** Index of the epoch's first run. */
  readonly start: number;
  readonly fingerprint: Fingerprint;
  /** What changed from the previous epoch (empty for the first). */
  readonly changes: readonly FingerprintDiff[];
}

export interface ChangeMark {
  readonly scenario: string;
  readonly metric: string;
  /** Index of the first run after the change. */
  readonly index: number;
  readonly pValue: number;
  readonly before: number;
  readonly after: number;
}

export interface Band {
  /** Mean of the runs the current baseline holds (the newest `history` runs of the newest epoch). */
  readonly baseline: number;
  readonly low: number;
  readonly high: number;
  readonly tolerance: number;
  /** Index of the baseline's first run. */
  readonly from: number;
}

export interface KeyData {
  readonly schema: typeof KEY_DATA_SCHEMA;
  readonly key: string;
  readonly engine: string;
  readonly model: string;
  readonly gpu: string;
  readonly scenarioSetHash: string;
  readonly runs: readonly RunPoint[];
  readonly epochs: readonly Epoch[];
  /** scenario → metric → one value per run (null where the run has none). */
  readonly values: Readonly<Record<string, Readonly<Record<string, readonly (number | null)[]>>>>;
  readonly changePoints: readonly ChangeMark[];
  readonly bands: Readonly<Record<string, Readonly<Record<string, Band>>>>;
  /**
   * scenario → metric → the runs (indices) whose value is a bound, not a measurement: a capacity
   * below the lowest load tried in some repetition ("< 0.5 req/s"). Such a series has no change
   * points and no band, which would read its bounds as values. Absent in data of versions before it.
   */
  readonly below?: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>>;
  /** scenario → metric → its unit where it is the scenario's (a capacity's: req/s or concurrent requests). */
  readonly units?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

interface Run extends RunPoint {
  readonly fingerprint: Fingerprint;
  readonly values: ReadonlyMap<string, number>;
  /** Cells whose value is a bound (KeyData.below). */
  readonly below: ReadonlySet<string>;
  readonly units: ReadonlyMap<string, string>;
}

const cell = (scenario: string, metric: string): string => `${scenario}\u0000${metric}`;
/** Four significant digits: far below the noise of any metric, and half the bytes. */
const round = (x: number): number => Number(x.toPrecision(4));

function runsOfEntries(entries: readonly BaselineEntry[]): Run[] {
  return entries.map((e) => {
    const values = new Map<string, number>();
    const below = new Set<string>();
    const units = new Map<string, string>();
    for (const [scenario, s] of Object.entries(e.scenarios)) {
      // A run with a bound among its repetitions has a bound for its mean.
      for (const [metric, xs] of Object.entries(s.values)) if (xs.length > 0) values.set(cell(scenario, metric), round(trimmedMean(xs)));
      for (const [metric, flags] of Object.entries(s.below ?? {})) if (flags.some((b) => b)) below.add(cell(scenario, metric));
      for (const [metric, unit] of Object.entries(s.units ?? {})) units.set(cell(scenario, metric), unit);
    }
    return { t: e.createdAt, sha: e.sha, ref: e.ref, fingerprint: e.fingerprint, values, below, units };
  });
}

function runsOfData(data: KeyData): Run[] {
  return data.runs.map((r, i) => {
    const epoch = data.epochs.findLast((e) => e.start <= i) ?? data.epochs[0];
    const values = new Map<string, number>();
    for (const [scenario, metrics] of Object.entries(data.values)) {
      for (const [metric, xs] of Object.entries(metrics)) if (typeof xs[i] === 'number') values.set(cell(scenario, metric), xs[i]);
    }
    const below = new Set<string>();
    for (const [scenario, metrics] of Object.entries(data.below ?? {})) for (const [metric, at] of Object.entries(metrics)) if (at.includes(i)) below.add(cell(scenario, metric));
    const units = new Map<string, string>();
    for (const [scenario, metrics] of Object.entries(data.units ?? {})) for (const [metric, unit] of Object.entries(metrics)) units.set(cell(scenario, metric), unit);
    return { ...r, fingerprint: epoch.fingerprint, values, below, units };
  });
}

/** A run's identity across the store and the published data: its job (time and commit) and place in it. */
function identities(runs: readonly Run[]): string[] {
  const seen = new Map<string, number>();
  return runs.map((r) => {
    const job = `${r.t}|${r.sha}`;
    const n = seen.get(job) ?? 0;
    seen.set(job, n + 1);
    return `${job}|${n}`;
  });
}

export interface KeyOptions {
  /** Runs kept (newest). */
  readonly window: number;
  /** The baseline window W: the band is drawn around the mean of the newest W runs of the newest epoch. */
  readonly history: number;
  /** Per-metric tolerance overrides (the gate's `tolerances`). */
  readonly tolerances: Readonly<Record<string, number>>;
  readonly seed: number;
}

/** The key's dashboard data: the previously published runs merged with the store's entries for this key. */
export function keyData(entries: readonly BaselineEntry[], previous: KeyData | null, opts: KeyOptions): KeyData {
  const first = entries[0];
  const head = first ?? previous;
  if (!head) throw new Error('dashboard: a key needs at least one run');
  if (previous && first && previous.key !== first.key) throw new Error(`dashboard: the published data of key ${previous.key} cannot take runs of ${first.key}`);
  const old = previous ? runsOfData(previous) : [];
  const fresh = runsOfEntries(entries);
  const known = new Set(identities(old));
  const freshIds = identities(fresh);
  const merged = [...old, ...fresh.filter((_, i) => !known.has(freshIds[i]))];
  // Stable by time: runs of one job keep their order.
  merged.sort((a, b) => Date.parse(a.t) - Date.parse(b.t));
  const runs = merged.slice(-opts.window);

  const epochs: Epoch[] = [];
  runs.forEach((r, i) => {
    const last = epochs.at(-1);
    const changes = last ? fingerprintDiffs(last.fingerprint, r.fingerprint) : [];
    if (!last || changes.length > 0) epochs.push({ start: i, fingerprint: r.fingerprint, changes });
  });

  const scenarios = [...new Set(runs.flatMap((r) => [...r.values.keys()].map((k) => k.split('\u0000')[0])))];
  const values: Record<string, Record<string, (number | null)[]>> = {};
  const below: Record<string, Record<string, number[]>> = {};
  const units: Record<string, Record<string, string>> = {};
  for (const s of scenarios) {
    values[s] = {};
    for (const m of ALL_METRICS) {
      const c = cell(s, m.name);
      const xs = runs.map((r) => r.values.get(c) ?? null);
      if (xs.every((x) => x === null)) continue;
      values[s][m.name] = xs;
      const at = runs.flatMap((r, i) => (r.below.has(c) ? [i] : []));
      if (at.length > 0) (below[s] ??= {})[m.name] = at;
      const unit = runs.findLast((r) => r.units.has(c))?.units.get(c);
      if (unit !== undefined) (units[s] ??= {})[m.name] = unit;
    }
  }
  // Bounds are not values to find change points in or to draw a band around.
  const measured = Object.fromEntries(Object.entries(values).map(([s, ms]) => [s, Object.fromEntries(Object.entries(ms).filter(([m]) => below[s]?.[m] === undefined))]));
  return {
    schema: KEY_DATA_SCHEMA,
    key: head.key,
    engine: head.engine,
    model: head.model,
    gpu: first ? (first.fingerprint.gpu ? `${first.fingerprint.gpu.count}× ${first.fingerprint.gpu.name}` : 'no GPU') : previous!.gpu,
    scenarioSetHash: head.scenarioSetHash,
    runs: runs.map(({ t, sha, ref }) => ({ t, sha, ref })),
    epochs,
    values,
    changePoints: changeMarks(measured, epochs, runs.length, opts.seed),
    bands: bands(measured, epochs, opts),
    ...(Object.keys(below).length > 0 ? { below } : {}),
    ...(Object.keys(units).length > 0 ? { units } : {}),
  };
}

/**
 * Change points per epoch and series (newest CHANGE_WINDOW runs), marked where BH keeps them.
 * 999 permutations bound a p-value below by 0.001, too coarse for BH over a key's series when only
 * a few changed (one of 54 needs p ≤ 0.01 / 54). Series that reached that bound are tested again
 * with as many permutations as their number needs (2m / (f·q) for f of them): all of them together
 * cost about 2m / q permutations, so one lone change costs ~10,800 permutations and an engine-wide
 * change needs no second pass.
 */
function changeMarks(values: KeyData['values'], epochs: readonly Epoch[], n: number, seed: number): ChangeMark[] {
  const series: { scenario: string; metric: string; at: number[]; runs: number[][] }[] = [];
  epochs.forEach((e, k) => {
    const end = k + 1 < epochs.length ? epochs[k + 1].start : n;
    for (const [scenario, metrics] of Object.entries(values)) {
      for (const [metric, xs] of Object.entries(metrics)) {
        const at: number[] = [];
        for (let j = Math.max(e.start, end - CHANGE_WINDOW); j < end; j++) if (xs[j] !== null) at.push(j);
        series.push({ scenario, metric, at, runs: at.map((j) => [xs[j]!]) });
      }
    }
  });
  const test = (i: number, permutations: number) => strongestChangePoint(series[i].runs, { seed: mixSeed(seed, i), permutations });
  const results = series.map((_, i) => test(i, PERMUTATIONS));
  const tested = results.flatMap((r, i) => (r ? [i] : []));
  const floor = tested.filter((i) => results[i]!.pValue <= 1 / (PERMUTATIONS + 1));
  // Twice the bare need, so a series at the new bound clears BH rather than ties with it.
  const needed = Math.ceil((2 * tested.length) / (Math.max(floor.length, 1) * CHANGE_FDR));
  if (floor.length > 0 && needed > PERMUTATIONS + 1) for (const i of floor) results[i] = test(i, needed);
  const adjusted = adjustPValues(
    tested.map((i) => results[i]!.pValue),
    'bh',
  );
  return tested.flatMap((i, j) => {
    const r = results[i]!;
    const { scenario, metric, at } = series[i];
    return adjusted[j] < CHANGE_FDR ? [{ scenario, metric, index: at[r.index], pValue: Number(adjusted[j].toPrecision(3)), before: round(r.before), after: round(r.after) }] : [];
  });
}

function toleranceOf(metric: string, overrides: Readonly<Record<string, number>>): number {
  return overrides[metric] ?? ALL_METRICS.find((m) => m.name === metric)?.tolerance ?? 0;
}

function bands(values: KeyData['values'], epochs: readonly Epoch[], opts: KeyOptions): KeyData['bands'] {
  const out: Record<string, Record<string, Band>> = {};
  const start = epochs.at(-1)?.start ?? 0;
  for (const [scenario, metrics] of Object.entries(values)) {
    out[scenario] = {};
    for (const [metric, xs] of Object.entries(metrics)) {
      const from = Math.max(start, xs.length - opts.history);
      const kept = xs.slice(from).filter((x): x is number => x !== null);
      if (kept.length === 0) continue;
      const baseline = mean(kept);
      const tolerance = toleranceOf(metric, opts.tolerances);
      out[scenario][metric] = { baseline: round(baseline), low: round(baseline * (1 - tolerance)), high: round(baseline * (1 + tolerance)), tolerance, from };
    }
  }
  return out;
}

/** The data file's name for a key: stable, short, and safe on every file system. */
export function keyFile(key: string, engine: string): string {
  return `${engine.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40)}-${createHash('sha256').update(key).digest('hex').slice(0, 12)}.js`;
}
