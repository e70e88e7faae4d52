import { ALL_METRICS, metricApplies, metricValue } from '../metrics/catalog.ts';
import { netOfSharedFactor } from '../compare/run-effect.ts';
import { mean, variance } from '../compare/stats.ts';
import type { RepetitionResult, RunResult } from '../types.ts';
import { table } from './blocks.ts';
import { escapeCell } from './escape.ts';
import { formatNumber } from './format.ts';

// Run-to-run noise from independent runs of the same plan (fresh server starts): the coefficient
// of variation of every metric in every scenario, between repetitions and between runs. These
// figures are what tolerances and repetition counts should be set from (see README "Benchmarks").

export interface NoiseRow {
  readonly engine: string;
  readonly scenario: string;
  readonly metric: string;
  readonly mean: number;
  /** CV over every repetition of every run (what one repetition varies by). */
  readonly cvRepetition: number;
  /** CV of the runs' means (what a whole run of R repetitions varies by). */
  readonly cvRun: number;
  readonly repetitions: number;
  readonly runs: number;
}

const cv = (xs: readonly number[]): number => {
  const m = mean(xs);
  return xs.length > 1 && m !== 0 ? Math.sqrt(variance(xs)) / Math.abs(m) : 0;
};

/** A job's repetitions grouped by engine start (a job of `--runs N` holds N independent runs). */
function engineStarts(reps: readonly RepetitionResult[]): RepetitionResult[][] {
  const byRun = new Map<number, RepetitionResult[]>();
  for (const rep of reps) byRun.set(rep.run ?? 0, [...(byRun.get(rep.run ?? 0) ?? []), rep]);
  return [...byRun.values()];
}

/** Per engine × metric over the whole scenario set: how much of its run-to-run spread the engine's other metrics share. */
export interface SharedRow {
  readonly engine: string;
  readonly metric: string;
  /** CV of the runs' whole-set values (per repetition the geometric mean over the scenarios, averaged over the run's repetitions). */
  readonly cvRun: number;
  /** The same net of the run effect the engine's other metrics share (compare/run-effect.ts): what the gate's whole-set contrasts see. */
  readonly cvRunNet: number;
  readonly runs: number;
}

export interface NoiseTable {
  readonly rows: NoiseRow[];
  /** Per engine × metric over the whole set; none for an engine with fewer than two complete starts or fewer than three metrics positive in every scenario. */
  readonly shared: SharedRow[];
  /** Engine starts left out because they hold fewer repetitions than their job asked for. */
  readonly leftOut: string[];
}

/**
 * Noise over every complete engine start in `runs` (results files; each may hold several starts).
 * A start counts when it holds every repetition its job asked for, whatever became of the engine
 * afterwards: a 7-start job cancelled in its last start still measured six whole runs. A start cut
 * short would weigh its run mean on fewer repetitions than the others, so it is left out and named.
 */
export function noiseTable(runs: readonly RunResult[], names: readonly string[] = runs.map((_, i) => `results ${i + 1}`)): NoiseTable {
  const rows: NoiseRow[] = [];
  const everyStart = runs.flatMap((r, i) =>
    r.engines.flatMap((e) => engineStarts(e.repetitions).map((reps) => ({ e, reps, asked: r.repetitions, name: names[i] }))),
  );
  const starts = everyStart.filter((s) => s.reps.length >= s.asked).map(({ e, reps }) => ({ engine: e.engine, reps }));
  const leftOut = everyStart
    .filter((s) => s.reps.length < s.asked)
    .map(({ e, reps, asked, name }) => {
      const why = e.status === 'ok' ? '' : ` (${e.engine} ${e.status}: ${e.error ?? 'no reason given'})`;
      return `${name}: ${e.engine} run ${(reps[0].run ?? 0) + 1} holds ${reps.length} of ${asked} repetitions${why}`;
    });
  const engines = [...new Set(starts.map((s) => s.engine))];
  const shared = engines.flatMap((engine) => sharedRows(engine, starts.filter((s) => s.engine === engine).map((s) => s.reps), runs));
  for (const engine of engines) {
    const scenarios = [...new Set(runs.flatMap((r) => r.scenarioSet.names))];
    for (const scenario of scenarios) {
      const definition = runs.flatMap((r) => r.scenarioSet.definitions).find((d) => d.name === scenario);
      for (const def of ALL_METRICS) {
        if (definition !== undefined ? !metricApplies(def, definition) : def.scope !== 'load') continue;
        const perRun = starts
          .filter((s) => s.engine === engine)
          .map(({ reps }) => reps.flatMap((rep) => rep.scenarios.filter((s) => s.scenario === scenario && s.completed > 0 && metricValue(def, s) !== null).map(def.read)))
          .filter((xs) => xs.length > 0);
        const all = perRun.flat();
        if (all.length < 2) continue;
        rows.push({
          engine,
          scenario,
          metric: def.name,
          mean: mean(all),
          cvRepetition: cv(all),
          cvRun: cv(perRun.map(mean)),
          repetitions: all.length,
          runs: perRun.length,
        });
      }
    }
  }
  return { rows, shared, leftOut };
}

/**
 * The whole-set rows of one engine's complete starts: per metric that every scenario of the set
 * has with a positive value in every repetition, the run's log summary (per repetition the mean
 * log over the scenarios, averaged over its repetitions), and the same net of the shared factor.
 */
function sharedRows(engine: string, starts: readonly (readonly RepetitionResult[])[], runs: readonly RunResult[]): SharedRow[] {
  const scenarios = [...new Set(runs.flatMap((r) => r.scenarioSet.names))];
  if (starts.length < 2 || scenarios.length < 2) return [];
  const perMetric = ALL_METRICS.filter((def) => def.scope === 'load').flatMap((def) => {
    const logs = starts.map((reps) =>
      mean(
        reps.map((rep) => {
          const values = scenarios.map((name) => {
            const s = rep.scenarios.find((x) => x.scenario === name);
            return s && s.completed > 0 ? metricValue(def, s) : null;
          });
          return values.every((v) => v !== null && v > 0) ? mean((values as number[]).map(Math.log)) : NaN;
        }),
      ),
    );
    return logs.every(Number.isFinite) ? [{ def, values: logs.map(Math.exp) }] : [];
  });
  const net = netOfSharedFactor(perMetric.map((m) => ({ direction: m.def.direction, values: m.values })));
  if (!net) return [];
  return perMetric.map((m, k) => ({ engine, metric: m.def.name, cvRun: cv(m.values), cvRunNet: cv(net[k]), runs: starts.length }));
}

// Three significant digits: bench:gate derives within-run noise from the difference of the two
// CVs squared, which two digits can erase (2.6955% and 2.6773% both print 2.7%).
// A CV under 10⁻¹⁰ is the residue of log and exp on equal values (a factor divided out exactly): 0.
const pct = (x: number): string => `${formatNumber(Math.abs(x) < 1e-10 ? 0 : x * 100, 3)}%`;

export function renderNoise(rows: readonly NoiseRow[]): string {
  const body = rows.map((r) => [
    escapeCell(r.engine),
    escapeCell(r.scenario),
    r.metric,
    formatNumber(r.mean),
    pct(r.cvRepetition),
    pct(r.cvRun),
    `${r.repetitions} / ${r.runs}`,
  ]);
  return `${table(['Engine', 'Scenario', 'Metric', 'Mean', 'CV per repetition', 'CV of run means', 'Repetitions / runs'], body, ['l', 'l', 'l', 'r', 'r', 'r', 'r'])}\n`;
}

/**
 * The whole-set rows after the cell table, under a heading of their own (bench:gate's table reader
 * stops at the first table's end): where a metric's run-to-run spread is mostly the run effect the
 * others share, its whole-set contrast sees far less noise than its plain whole-set test.
 */
export function renderShared(rows: readonly SharedRow[]): string {
  if (rows.length === 0) return '';
  const body = rows.map((r) => [escapeCell(r.engine), r.metric, pct(r.cvRun), pct(r.cvRunNet), String(r.runs)]);
  return (
    `\n## The whole scenario set, net of the run effect\n\n` +
    `Per run, the geometric mean over the scenarios of each repetition, averaged over the run; beside it the same net of the run effect the engine's other metrics share ` +
    `(the median of their whole-set values, oriented so worse is higher): what the gate's whole-set contrasts test.\n\n` +
    `${table(['Engine', 'Metric', 'Whole-set CV of run means', 'Net of the run effect', 'Runs'], body, ['l', 'l', 'r', 'r', 'r'])}\n`
  );
}
