// Monte Carlo of the gate on simulated histories (no servers): how often it fails a run that did not
// change (false alarms per gate run, over the whole family of 6 scenarios × 9 metrics × 2 engines)
// and how often it catches a real regression (power), next to the rules other tools use, all on
// the same simulated data.
//
//   node bench/gate.ts [--trials N] [--seed S]
//
// Noise model: every repetition of every scenario draws, per metric, an independent multiplicative
// run-to-run factor (independence across metrics is the worst case for false alarms: correlated
// metrics make the family-wise correction conservative). Coefficients of variation per metric are
// in CV below: throughput, TPOT and E2E latency 2.7% (the sim's default run-to-run CV), p95 TTFT 8%.
//   lognormal  the simulated engine's own draw, drawRunMultiplier(rng, cv)
//   t3         heavier tails: exp(σ·T₃/√3), the same log-variance as the lognormal
//   bimodal    80/20 mixture in log space (a slow mode 2.24σ away), the same log-variance
//   run effect lognormal noise per repetition, and each run of an engine also draws one speed
//              factor (CV RUN_CV) shared by all its repetitions and scenarios: a bad day, a warmer
//              card, a neighbour. Repetitions of one run are then not independent samples.
// Regressions are injected into the current run of one engine in every scenario (an engine-wide
// slowdown, the headline) and, separately, into one scenario only. Power is the share of regressed
// runs in which the method flags the regressed metric of that engine (in an affected scenario, or,
// for the gate, over the whole scenario set); a false alarm is an unchanged run with any regression
// flagged anywhere. History: the last W = 10 recorded runs, recorded with recordRun and compared
// with compare() in pr mode — the code the action runs.
//
// Peers, per cell, with no correction for the family (none of them has one):
//   ratio 200% / 110%  github-action-benchmark's alert threshold: current mean vs the history mean
//   single run 5%      the current run's mean vs the last run's mean, alert beyond 5% worse
//   bencher t-test     Bencher's t_test threshold: the history's run means, limit = mean ±
//                      t(n−1, 0.99)·sd (the boundary used in Bencher's docs), current run mean

import { METRICS, type MetricDef } from '../src/metrics/catalog.ts';
import { recordRun, type BaselineDoc } from '../src/baseline/history.ts';
import { compare, SUITE, type CompareOptions } from '../src/compare/verdict.ts';
import { mean, studentTQuantile, variance } from '../src/compare/stats.ts';
import { drawRunMultiplier } from '../src/engines/sim/noise.ts';
import { createRng, mixSeed, sampleGamma, sampleNormal, type Rng } from '../src/load/random.ts';
import type { RunResult } from '../src/types.ts';
import { makeRun, NOMINAL } from '../test/helpers/make-run.ts';

const ENGINES = ['sim-vllm', 'sim-transformers'];
const SCENARIOS = ['chat-short', 'chat-concurrent-16', 'long-prompt', 'shared-prefix', 'poisson-4rps', 'burst-64'];
const WINDOW = 10;
const CURRENTS_PER_HISTORY = 2;
/** Run-to-run speed variation shared by a whole run (the 'run effect' setting). */
const RUN_CV = 0.027;
const CV: Readonly<Record<string, number>> = {
  output_throughput: 0.027,
  request_throughput: 0.027,
  goodput: 0.04,
  ttft_p50: 0.05,
  ttft_p95: 0.08,
  tpot_p50: 0.027,
  tpot_p95: 0.04,
  itl_p95: 0.05,
  e2el_p50: 0.027,
};
const SHIFTS = [
  { key: 'power_5pct_throughput', metric: 'output_throughput', size: 0.05 },
  { key: 'power_5pct_tpot', metric: 'tpot_p50', size: 0.05 },
  { key: 'power_10pct_ttft_p95', metric: 'ttft_p95', size: 0.1 },
] as const;

type Noise = 'lognormal' | 't3' | 'bimodal' | 'run effect';

/** A multiplicative slowdown factor (> 1 = slower) with log-variance ln(1 + cv²). */
function drawFactor(noise: Noise, rng: Rng, cv: number): number {
  if (noise === 'lognormal' || noise === 'run effect') return drawRunMultiplier(rng, cv);
  const sigma = Math.sqrt(Math.log1p(cv * cv));
  if (noise === 't3') {
    const chi2 = sampleGamma(rng, 1.5, 2); // χ² with 3 degrees of freedom
    return Math.exp((sigma * sampleNormal(rng)) / Math.sqrt(chi2 / 3) / Math.sqrt(3));
  }
  const p = 0.2;
  const gap = Math.sqrt(0.8 / (p * (1 - p)));
  return Math.exp(sigma * (Math.sqrt(0.2) * sampleNormal(rng) + (rng.next() < p ? gap : 0) - p * gap));
}

const worse = (def: MetricDef, factor: number): number => (def.direction === 'higher-is-better' ? 1 / factor : factor);

/** values[engine][scenario][metric][rep] of one run. */
type Table = number[][][][];

function drawTable(noise: Noise, rng: Rng, reps: number): Table {
  return ENGINES.map(() => {
    const run = noise === 'run effect' ? drawRunMultiplier(rng, RUN_CV) : 1;
    return SCENARIOS.map(() => METRICS.map((def) => Array.from({ length: reps }, () => NOMINAL[def.name] * worse(def, run * drawFactor(noise, rng, CV[def.name])))));
  });
}

const engineIdx = new Map(ENGINES.map((e, i) => [e, i]));
const scenarioIdx = new Map(SCENARIOS.map((s, i) => [s, i]));
const metricIdx = new Map(METRICS.map((m, i) => [m.name, i]));

function runOf(table: Table, reps: number, createdAt: string): RunResult {
  return makeRun({
    engines: ENGINES,
    scenarios: SCENARIOS,
    repetitions: reps,
    createdAt,
    values: (c) => table[engineIdx.get(c.engine)!][scenarioIdx.get(c.scenario)!][metricIdx.get(c.metric)!][c.rep],
  });
}

/** The current run's table with a regression of `size` injected into `metric` of engine 0 in the given scenarios. */
function shifted(table: Table, metric: string, size: number, scenarios: readonly number[]): Table {
  const k = metricIdx.get(metric)!;
  const def = METRICS[k];
  const factor = def.direction === 'higher-is-better' ? 1 - size : 1 + size;
  return table.map((byScenario, e) => byScenario.map((byMetric, s) => byMetric.map((reps, m) => (e === 0 && m === k && scenarios.includes(s) ? reps.map((v) => v * factor) : reps))));
}

// ---------- the methods ----------

/** Which cells a method calls a regression; scenario −1 is the whole scenario set (the gate's suite rows). */
type Flags = (e: number, s: number, m: number) => boolean;

/** history: the W stored runs' tables, oldest first; doc: the same runs as the gate stores them. */
type Method = (doc: BaselineDoc, history: readonly Table[], current: Table, reps: number) => Flags;

const gateMethod =
  (opts: Partial<CompareOptions>): Method =>
  (doc, _history, current, reps) => {
    const c = compare(doc.entries, runOf(current, reps, '2026-07-01T00:00:00.000Z'), { mode: 'pr', ...opts });
    const flags = new Set<string>();
    for (const e of c.engines) {
      for (const m of e.metrics) {
        if (m.verdict === 'regression') flags.add(`${engineIdx.get(e.engine)}|${m.scenario === SUITE ? -1 : scenarioIdx.get(m.scenario)}|${metricIdx.get(m.metric)}`);
      }
    }
    return (e, s, m) => flags.has(`${e}|${s}|${m}`);
  };

/** Worse-direction ratio: > 1 means `now` is worse than `before`. */
const worseRatio = (def: MetricDef, now: number, before: number): number => (def.direction === 'higher-is-better' ? before / now : now / before);

const ratioRule =
  (threshold: number): Method =>
  (_doc, history, current) =>
  (e, s, m) =>
    s >= 0 && worseRatio(METRICS[m], mean(current[e][s][m]), mean(history.flatMap((t) => t[e][s][m]))) > threshold;

const singleRun: Method = (_doc, history, current) => (e, s, m) =>
  s >= 0 && worseRatio(METRICS[m], mean(current[e][s][m]), mean(history.at(-1)![e][s][m])) > 1.05;

const bencherT: Method = (_doc, history, current) => (e, s, m) => {
  if (s < 0) return false;
  const runs = history.map((t) => mean(t[e][s][m]));
  const limit = studentTQuantile(0.99, runs.length - 1) * Math.sqrt(variance(runs));
  const now = mean(current[e][s][m]);
  return METRICS[m].direction === 'higher-is-better' ? now < mean(runs) - limit : now > mean(runs) + limit;
};

const PEERS: Readonly<Record<string, Method>> = {
  ratio_200pct: ratioRule(2),
  ratio_110pct: ratioRule(1.1),
  single_run_5pct: singleRun,
  bencher_t_test: bencherT,
};

const LABELS: Readonly<Record<string, string>> = {
  gate: 'gate (confidence 0.95)',
  gate_99: 'gate (confidence 0.99, the action default)',
  gate_99_pooled: 'gate, repetitions as independent (0.99)',
  gate_welch: 'gate, Welch t (0.95)',
  gate_interval: 'gate, whole CI beyond tolerance (0.95)',
  gate_bh: 'gate, Benjamini–Hochberg (0.95)',
  ratio_200pct: 'ratio 200% (github-action-benchmark)',
  ratio_110pct: 'ratio 110%',
  single_run_5pct: 'single run vs last run, 5%',
  bencher_t_test: 'Bencher t_test (boundary 0.99)',
};

// ---------- simulation ----------

type Spread = 'all' | 'one';

interface Setting {
  readonly noise: Noise;
  readonly reps: number;
  readonly trials: number;
  readonly methods: readonly string[];
  /** Methods also measured with the regression in one scenario only. */
  readonly oneScenario: readonly string[];
}

interface Tally {
  runs: number;
  falseAlarms: number;
  detected: Record<string, number>;
}

interface Rates {
  false_alarm_rate: number;
  power_5pct_throughput: number;
  power_5pct_tpot: number;
  power_10pct_ttft_p95: number;
}

const METHODS: Readonly<Record<string, Method>> = {
  gate: gateMethod({}),
  gate_99: gateMethod({ confidence: 0.99 }),
  gate_99_pooled: gateMethod({ confidence: 0.99, variance: 'pooled' }),
  gate_welch: gateMethod({ variance: 'welch' }),
  gate_interval: gateMethod({ effectRule: 'interval' }),
  gate_bh: gateMethod({ correction: 'bh' }),
  ...PEERS,
};

function anyFlag(flags: Flags): boolean {
  for (let e = 0; e < ENGINES.length; e++) {
    for (let s = -1; s < SCENARIOS.length; s++) for (let m = 0; m < METRICS.length; m++) if (flags(e, s, m)) return true;
  }
  return false;
}

/** Per method and spread: false alarms on the unchanged run and detections of each injected regression. */
function simulate(setting: Setting, seed: number): Record<string, Record<Spread, Tally>> {
  const rng = createRng(mixSeed(seed, setting.reps, ['lognormal', 't3', 'bimodal', 'run effect'].indexOf(setting.noise)));
  const out: Record<string, Record<Spread, Tally>> = {};
  const fresh = (): Tally => ({ runs: 0, falseAlarms: 0, detected: {} });
  for (const name of setting.methods) out[name] = { all: fresh(), one: fresh() };
  let history: Table[] = [];
  let doc: BaselineDoc | null = null;
  for (let trial = 0; trial < setting.trials; trial++) {
    // A fresh history for every CURRENTS_PER_HISTORY gate runs: building one costs as much as
    // comparing against it, and sharing it between two runs barely correlates their outcomes.
    if (trial % CURRENTS_PER_HISTORY === 0) {
      history = [];
      doc = null;
      for (let r = 0; r < WINDOW; r++) {
        const t = drawTable(setting.noise, rng, setting.reps);
        history.push(t);
        doc = recordRun(doc, runOf(t, setting.reps, new Date(Date.UTC(2026, 5, 1 + r)).toISOString()), WINDOW);
      }
    }
    const current = drawTable(setting.noise, rng, setting.reps);
    for (const name of setting.methods) {
      const method = METHODS[name];
      const alarm = anyFlag(method(doc!, history, current, setting.reps));
      const spreads: Spread[] = setting.oneScenario.includes(name) ? ['all', 'one'] : ['all'];
      for (const spread of spreads) {
        const tally = out[name][spread];
        tally.runs++;
        if (alarm) tally.falseAlarms++;
        const affected = spread === 'all' ? SCENARIOS.map((_, i) => i) : [0];
        for (const shift of SHIFTS) {
          const flags = method(doc!, history, shifted(current, shift.metric, shift.size, affected), setting.reps);
          const m = metricIdx.get(shift.metric)!;
          // Caught: the gate names the regressed metric of the regressed engine, in an affected
          // scenario or over the whole scenario set.
          if (flags(0, -1, m) || affected.some((s) => flags(0, s, m))) tally.detected[shift.key] = (tally.detected[shift.key] ?? 0) + 1;
        }
      }
    }
  }
  return out;
}

const round = (x: number): number => Number(x.toFixed(4));

function rates(t: Tally): Rates {
  const power = (key: string): number => round((t.detected[key] ?? 0) / t.runs);
  return {
    false_alarm_rate: round(t.falseAlarms / t.runs),
    power_5pct_throughput: power('power_5pct_throughput'),
    power_5pct_tpot: power('power_5pct_tpot'),
    power_10pct_ttft_p95: power('power_10pct_ttft_p95'),
  };
}

// ---------- output ----------

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function printTable(title: string, rows: readonly { label: string; r: Rates }[]): void {
  console.log(`\n${title}`);
  console.log(`${'method'.padEnd(40)} ${'false alarms'.padStart(12)} ${'thr −5%'.padStart(8)} ${'TPOT +5%'.padStart(9)} ${'p95 TTFT +10%'.padStart(14)}`);
  for (const { label, r } of rows) {
    console.log(
      `${label.padEnd(40)} ${pct(r.false_alarm_rate).padStart(12)} ${pct(r.power_5pct_throughput).padStart(8)} ${pct(r.power_5pct_tpot).padStart(9)} ${pct(r.power_10pct_ttft_p95).padStart(14)}`,
    );
  }
}

function args(): { trials: number; seed: number } {
  const out = { trials: 300, seed: 20260601 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const value = Number(argv[i + 1]);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${argv[i]} needs a whole number ≥ 1, got ${argv[i + 1]}`);
    if (argv[i] === '--trials') out.trials = value;
    else if (argv[i] === '--seed') out.seed = value;
    else throw new Error(`unknown argument ${argv[i]}; expected --trials N or --seed S`);
  }
  return out;
}

function main(): void {
  const { trials, seed } = args();
  const started = performance.now();
  console.log(`gate benchmark: ${ENGINES.length} engines × ${SCENARIOS.length} scenarios × ${METRICS.length} metrics, history W = ${WINDOW}, ${trials} simulated gate runs per setting, seed ${seed}`);
  console.log(`noise CV per repetition: ${Object.entries(CV).map(([m, cv]) => `${m} ${pct(cv)}`).join(', ')}`);
  console.log('false alarms: share of unchanged runs with any regression among all metrics; power: share of regressed runs where the regressed metric is flagged');

  const peers = Object.keys(PEERS);
  const headline = simulate(
    { noise: 'lognormal', reps: 3, trials, methods: ['gate', 'gate_99', 'gate_welch', 'gate_interval', 'gate_bh', ...peers], oneScenario: ['gate', 'gate_99', ...peers] },
    seed,
  );
  const rows = (names: readonly string[], spread: Spread, from: Record<string, Record<Spread, Tally>>) => names.map((k) => ({ label: LABELS[k], r: rates(from[k][spread]) }));
  printTable('lognormal noise, 3 repetitions, regression in every scenario of one engine', rows(Object.keys(headline), 'all', headline));
  printTable('lognormal noise, 3 repetitions, regression in one scenario only', rows(['gate', 'gate_99', ...peers], 'one', headline));

  const byReps: Record<string, Record<string, Rates>> = {};
  const repRows: { label: string; r: Rates }[] = [];
  for (const reps of [3, 5, 8]) {
    const t = reps === 3 ? headline : simulate({ noise: 'lognormal', reps, trials, methods: ['gate', 'gate_99'], oneScenario: ['gate', 'gate_99'] }, seed);
    byReps[reps] = {};
    for (const k of ['gate', 'gate_99']) {
      for (const spread of ['all', 'one'] as const) {
        byReps[reps][`${k}_${spread}`] = rates(t[k][spread]);
        repRows.push({ label: `${reps} reps, ${k === 'gate' ? '0.95' : '0.99'}, ${spread === 'all' ? 'every scenario' : 'one scenario'}`, r: rates(t[k][spread]) });
      }
    }
  }
  printTable('the gate by repetitions per run (lognormal noise)', repRows);

  const byNoise: Record<string, Record<string, Rates>> = { lognormal: { gate: rates(headline.gate.all), gate_99: rates(headline.gate_99.all) } };
  for (const noise of ['t3', 'bimodal'] as const) {
    const t = simulate({ noise, reps: 3, trials, methods: ['gate', 'gate_99', ...peers], oneScenario: [] }, seed);
    byNoise[noise] = Object.fromEntries(Object.keys(t).map((k) => [k, rates(t[k].all)]));
    printTable(`${noise} noise, 3 repetitions, regression in every scenario of one engine`, rows(Object.keys(t), 'all', t));
    // Do more repetitions (means closer to normal) buy the false-alarm rate back?
    const more = simulate({ noise, reps: 5, trials, methods: ['gate_99'], oneScenario: [] }, seed);
    byNoise[noise].gate_99_5_reps = rates(more.gate_99.all);
    printTable(`${noise} noise, 5 repetitions, regression in every scenario of one engine`, rows(['gate_99'], 'all', more));
  }

  // Whole runs that differ: the action's defaults, with and without the run-to-run model.
  const runEffect = simulate({ noise: 'run effect', reps: 5, trials, methods: ['gate_99', 'gate_99_pooled', ...peers], oneScenario: [] }, seed);
  byNoise.run_effect_5_reps = Object.fromEntries(Object.keys(runEffect).map((k) => [k, rates(runEffect[k].all)]));
  printTable(`run effect (run CV ${pct(RUN_CV)}), 5 repetitions, regression in every scenario of one engine`, rows(Object.keys(runEffect), 'all', runEffect));

  console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(
    JSON.stringify({
      // The action's default confidence (0.99); repetitions 3 as the brief's headline asks, with
      // the action's default of 5 under by_repetitions.
      ...rates(headline.gate_99.all),
      peers: Object.fromEntries(peers.map((k) => [k, rates(headline[k].all)])),
      setting: { noise: 'lognormal', repetitions: 3, window: WINDOW, trials, confidence: 0.99, regression: 'every scenario of one engine' },
      variants: Object.fromEntries(['gate', 'gate_welch', 'gate_interval', 'gate_bh'].map((k) => [k, rates(headline[k].all)])),
      one_scenario: { gate: rates(headline.gate.one), gate_99: rates(headline.gate_99.one) },
      by_repetitions: byReps,
      by_noise: byNoise,
    }),
  );
}

main();
