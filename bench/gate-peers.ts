// Monte Carlo of the gate on simulated histories (no servers): how often it fails a job that did not
// change (false alarms per gate run, over the whole family of 6 scenarios × 9 metrics × 2 engines
// plus the suite cells), how often it catches a real regression (power), how release and nightly
// gates behave on unchanged code, and a replay of real GPU runs — next to the rules other tools use,
// all on the same simulated data.
//
//   node bench/gate-peers.ts [--trials N] [--seed S] [--only SECTION,…]
//     N simulated gate runs per setting (default 200); --only runs some sections of SECTIONS below
//     (the last line's JSON then holds only what was run)
//
// A job is what one CI run measures per engine: `runs` independent engine starts, each with its
// repetitions (the action's defaults: RUNS × REPS below). Every repetition of every scenario draws,
// per metric, an independent multiplicative factor (CV per metric in CV below):
//   lognormal  the simulated engine's own draw, drawRunMultiplier(rng, cv)
//   t3         heavier tails: exp(σ·T₃/√3), the same log-variance as the lognormal
//   bimodal    80/20 mixture in log space (a slow mode 2.24σ away), the same log-variance
//   run effect lognormal noise per repetition, and each run (engine start) also draws one speed
//              factor (CV RUN_CV) shared by all its repetitions, scenarios and metrics: a bad day,
//              a warmer card, a neighbour.
// Regressions are injected into every run of the current job of one engine, in every scenario (an
// engine-wide slowdown) or in one scenario only. Power: the share of regressed jobs in which the
// regressed metric of that engine is flagged (in an affected scenario or over the whole set); a
// false alarm: an unchanged job with any regression flagged anywhere. History: the last WINDOW
// stored runs, recorded with recordRun and compared with compare() — the code the action runs.
//
// Peers, per cell, with no correction for the family (none of them has one):
//   ratio 200% / 110%  github-action-benchmark's alert threshold: current mean vs the history mean
//   single run 5%      the current job's mean vs the last stored run's mean, alert beyond 5% worse
//   bencher t-test     Bencher's t_test threshold: the history's run means, limit = mean ±
//                      t(n−1, 0.99)·sd (the boundary used in Bencher's docs), current job's mean

import { readFileSync } from 'node:fs';
import { METRICS, type MetricDef } from '../src/metrics/catalog.ts';
import { recordRun, type BaselineDoc } from '../src/baseline/history.ts';
import { compare, SUITE, type CompareOptions } from '../src/compare/verdict.ts';
import { mean, studentTQuantile, variance } from '../src/compare/stats.ts';
import { INPUT_DEFAULTS } from '../src/config/inputs.ts';
import { createRng, mixSeed, type Rng } from '../src/load/random.ts';
import type { Mode, RunResult } from '../src/types.ts';
import { benchArgs } from './args.ts';
import { makeRun } from '../test/helpers/make-run.ts';
import { CV, RUN_CV, simulatedModel, type Noise, type Shape, type Table } from './noise-models.ts';

const ENGINES = ['sim-vllm', 'sim-transformers'];
const SCENARIOS = ['chat-short', 'chat-concurrent-16', 'long-prompt', 'shared-prefix', 'poisson-4rps', 'burst-64'];
/** The action's defaults: runs per job, repetitions per run, stored runs compared with, confidence. */
const RUNS = Number(INPUT_DEFAULTS.runs);
const REPS = Number(INPUT_DEFAULTS.repetitions);
const WINDOW = Number(INPUT_DEFAULTS.history);
const CONFIDENCE = Number(INPUT_DEFAULTS.confidence);
/** The README's release recipe: `runs: 4`, `repetitions: 2`. */
const RELEASE = { runs: 4, reps: 2 } as const;
/**
 * Release tolerances for runners with a run effect (the README's arithmetic: every whole-set metric's
 * 99% one-sided bound over 4 runs must stay inside its tolerance in 95% of unchanged releases, which
 * a 2.7% run effect allows from about 9%).
 */
const RELEASE_RUN_EFFECT_TOLERANCES: Readonly<Record<string, number>> = Object.fromEntries(METRICS.map((m) => [m.name, Math.max(m.tolerance, 0.09)]));
const SHIFTS = [
  { key: 'power_5pct_throughput', metric: 'output_throughput', size: 0.05 },
  { key: 'power_5pct_tpot', metric: 'tpot_p50', size: 0.05 },
  { key: 'power_10pct_ttft_p95', metric: 'ttft_p95', size: 0.1 },
  { key: 'power_10pct_throughput', metric: 'output_throughput', size: 0.1 },
] as const;

function drawTable(noise: Noise, rng: Rng, shape: Shape): Table {
  return simulatedModel(noise, noise, SCENARIOS).draw(rng, shape, ENGINES.length);
}

const engineIdx = new Map(ENGINES.map((e, i) => [e, i]));
const scenarioIdx = new Map(SCENARIOS.map((s, i) => [s, i]));
const metricIdx = new Map(METRICS.map((m, i) => [m.name, i]));

function runOf(table: Table, shape: Shape, createdAt: string): RunResult {
  return makeRun({
    engines: ENGINES,
    scenarios: SCENARIOS,
    repetitions: shape.reps,
    runs: shape.runs,
    createdAt,
    values: (c) => table[engineIdx.get(c.engine)!][scenarioIdx.get(c.scenario)!][metricIdx.get(c.metric)!][c.rep],
  });
}

/** The current job's table with a regression of `size` injected into `metric` of engine 0 in the given scenarios. */
function shifted(table: Table, metric: string, size: number, scenarios: readonly number[]): Table {
  const k = metricIdx.get(metric)!;
  const def = METRICS[k];
  const factor = def.direction === 'higher-is-better' ? 1 - size : 1 + size;
  return table.map((byScenario, e) => byScenario.map((byMetric, s) => byMetric.map((reps, m) => (e === 0 && m === k && scenarios.includes(s) ? reps.map((v) => v * factor) : reps))));
}

// ---------- the methods ----------

/** Which cells a method calls a regression; scenario −1 is the whole scenario set (the gate's suite rows). */
type Flags = (e: number, s: number, m: number) => boolean;

/** history: the stored jobs' tables, oldest first; doc: the same runs as the gate stores them. */
type Method = (doc: BaselineDoc, history: readonly Table[], current: Table, shape: Shape) => Flags;

const CREATED = '2026-07-01T00:00:00.000Z';

const gateMethod =
  (opts: Partial<CompareOptions>): Method =>
  (doc, _history, current, shape) => {
    const c = compare(doc.entries, runOf(current, shape, CREATED), { mode: 'pr', confidence: CONFIDENCE, ...opts });
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

const singleRun: Method = (_doc, history, current, shape) => (e, s, m) =>
  s >= 0 && worseRatio(METRICS[m], mean(current[e][s][m]), mean(history.at(-1)![e][s][m].slice(-shape.reps))) > 1.05;

const bencherT: Method = (_doc, history, current, shape) => (e, s, m) => {
  if (s < 0) return false;
  const runs = history.flatMap((t) => Array.from({ length: shape.runs }, (_, r) => mean(t[e][s][m].slice(r * shape.reps, (r + 1) * shape.reps))));
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

const METHODS: Readonly<Record<string, Method>> = {
  gate: gateMethod({}),
  gate_pooled: gateMethod({ variance: 'pooled' }),
  gate_bh: gateMethod({ correction: 'bh' }),
  gate_no_contrasts: gateMethod({ contrasts: false }),
  ...PEERS,
};

const LABELS: Readonly<Record<string, string>> = {
  gate: `gate (defaults: confidence ${CONFIDENCE}, runs as the unit)`,
  gate_pooled: 'gate, repetitions as independent',
  gate_bh: 'gate, Benjamini–Hochberg',
  gate_no_contrasts: 'gate without scenario-vs-set contrasts',
  ratio_200pct: 'ratio 200% (github-action-benchmark)',
  ratio_110pct: 'ratio 110%',
  single_run_5pct: 'single run vs last run, 5%',
  bencher_t_test: 'Bencher t_test (boundary 0.99)',
};

// ---------- simulation ----------

interface Setting {
  readonly noise: Noise;
  readonly shape: Shape;
  readonly window: number;
  readonly trials: number;
  readonly methods: readonly string[];
  /** Regression in every scenario ('all') or in the first only ('one'). */
  readonly spread: 'all' | 'one';
}

interface Rates {
  false_alarm_rate: number;
  power_5pct_throughput: number;
  power_5pct_tpot: number;
  power_10pct_ttft_p95: number;
  power_10pct_throughput: number;
}

function anyFlag(flags: Flags): boolean {
  for (let e = 0; e < ENGINES.length; e++) {
    for (let s = -1; s < SCENARIOS.length; s++) for (let m = 0; m < METRICS.length; m++) if (flags(e, s, m)) return true;
  }
  return false;
}

/** A stored history of `window` runs (jobs of shape.runs runs each) as tables and as the gate stores it. */
function drawHistory(noise: Noise, rng: Rng, shape: Shape, window: number): { tables: Table[]; doc: BaselineDoc } {
  const tables: Table[] = [];
  let doc: BaselineDoc | null = null;
  for (let j = 0; j * shape.runs < window; j++) {
    const t = drawTable(noise, rng, shape);
    tables.push(t);
    doc = recordRun(doc, runOf(t, shape, new Date(Date.UTC(2026, 5, 1, j)).toISOString()), window);
  }
  return { tables, doc: doc! };
}

// A fresh history for every CURRENTS_PER_HISTORY gate runs: building one costs as much as comparing
// against it, and sharing it between two runs barely correlates their outcomes.
const CURRENTS_PER_HISTORY = 2;

function simulate(setting: Setting, seed: number): Record<string, Rates> {
  const rng = createRng(mixSeed(seed, setting.shape.runs * 100 + setting.shape.reps, ['lognormal', 't3', 'bimodal', 'run effect'].indexOf(setting.noise), setting.window));
  const tally = Object.fromEntries(setting.methods.map((k) => [k, { alarms: 0, detected: {} as Record<string, number> }]));
  let history: { tables: Table[]; doc: BaselineDoc } | null = null;
  for (let trial = 0; trial < setting.trials; trial++) {
    if (trial % CURRENTS_PER_HISTORY === 0) history = drawHistory(setting.noise, rng, setting.shape, setting.window);
    const current = drawTable(setting.noise, rng, setting.shape);
    const affected = setting.spread === 'all' ? SCENARIOS.map((_, i) => i) : [0];
    for (const name of setting.methods) {
      const method = METHODS[name];
      if (anyFlag(method(history!.doc, history!.tables, current, setting.shape))) tally[name].alarms++;
      for (const shift of SHIFTS) {
        const flags = method(history!.doc, history!.tables, shifted(current, shift.metric, shift.size, affected), setting.shape);
        const m = metricIdx.get(shift.metric)!;
        if (flags(0, -1, m) || affected.some((s) => flags(0, s, m))) tally[name].detected[shift.key] = (tally[name].detected[shift.key] ?? 0) + 1;
      }
    }
  }
  const round = (x: number): number => Number(x.toFixed(4));
  return Object.fromEntries(
    setting.methods.map((k) => {
      const t = tally[k];
      const power = (key: string): number => round((t.detected[key] ?? 0) / setting.trials);
      return [
        k,
        {
          false_alarm_rate: round(t.alarms / setting.trials),
          power_5pct_throughput: power('power_5pct_throughput'),
          power_5pct_tpot: power('power_5pct_tpot'),
          power_10pct_ttft_p95: power('power_10pct_ttft_p95'),
          power_10pct_throughput: power('power_10pct_throughput'),
        },
      ];
    }),
  );
}

/** Share of unchanged jobs that a gate in `mode` (with `failOn`) passes. */
function passRate(noise: Noise, shape: Shape, current: Shape, window: number, trials: number, seed: number, mode: Mode, extra: Partial<CompareOptions>): { pass: number; failedOnDrift: number } {
  const rng = createRng(mixSeed(seed, 7, ['lognormal', 't3', 'bimodal', 'run effect'].indexOf(noise), mode.length));
  let pass = 0;
  let drift = 0;
  for (let trial = 0; trial < trials; trial++) {
    const { doc } = drawHistory(noise, rng, shape, window);
    const c = compare(doc.entries, runOf(drawTable(noise, rng, current), current, CREATED), { mode, confidence: CONFIDENCE, seed: mixSeed(seed, trial), ...extra });
    if (c.gate.passed) pass++;
    if (c.changePoints.length > 0 && !c.gate.passed) drift++;
  }
  return { pass: Number((pass / trials).toFixed(4)), failedOnDrift: Number((drift / trials).toFixed(4)) };
}

// ---------- replay of real GPU runs ----------

const GPU_RUNS = ['run1', 'run2', 'run3', 'run4'].map((f) => `test/fixtures/h200-vllm-0.22/${f}.json`);

/** The vLLM part of a real results file, its repetitions drawn from its own with replacement when `boot`, else in a random order. */
function redraw(run: RunResult, rng: Rng, createdAt: string, boot: boolean): RunResult {
  const engines = run.engines
    .filter((e) => e.engine === 'vllm')
    .map((e) => {
      const n = e.repetitions.length;
      const order = boot ? Array.from({ length: n }, () => Math.floor(rng.next() * n)) : [...e.repetitions.keys()].sort(() => rng.next() - 0.5);
      return { ...e, repetitions: order.map((k, i) => ({ ...e.repetitions[k], index: i })) };
    });
  return { ...run, createdAt, engines };
}

interface Replay {
  readonly alarms: number;
  readonly trials: number;
  readonly verdicts: Record<string, number>;
}

/**
 * Unchanged pull requests over real noise: one of the four real vLLM runs is the current job and
 * the other three the history. Leave-one-out takes the runs as measured (4 comparisons); the
 * bootstrap also redraws each run's two repetitions with replacement, which can make a run of
 * one repetition twice — a stress test beyond what was measured.
 */
function replay(trials: number, seed: number, boot: boolean): Replay {
  const runs = GPU_RUNS.map((f) => JSON.parse(readFileSync(new URL(`../${f}`, import.meta.url), 'utf8')) as RunResult);
  const rng = createRng(mixSeed(seed, 11));
  const n = boot ? trials : runs.length;
  let alarms = 0;
  const verdicts: Record<string, number> = {};
  for (let trial = 0; trial < n; trial++) {
    const pick = boot ? Math.floor(rng.next() * runs.length) : trial;
    let doc: BaselineDoc | null = null;
    runs.forEach((r, i) => {
      if (i !== pick) doc = recordRun(doc, redraw(r, rng, new Date(Date.UTC(2026, 11, 1, i)).toISOString(), boot), WINDOW);
    });
    const c = compare(doc!.entries, redraw(runs[pick], rng, CREATED, boot), { mode: 'pr', confidence: CONFIDENCE });
    if (c.engines.some((e) => e.metrics.some((m) => m.verdict === 'regression'))) alarms++;
    for (const m of c.engines[0].metrics) verdicts[m.verdict] = (verdicts[m.verdict] ?? 0) + 1;
  }
  return { alarms: Number((alarms / n).toFixed(4)), trials: n, verdicts };
}

// ---------- output ----------

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function printTable(title: string, rows: readonly { label: string; r: Rates }[]): void {
  console.log(`\n${title}`);
  console.log(`${'method'.padEnd(44)} ${'false alarms'.padStart(12)} ${'thr −5%'.padStart(8)} ${'TPOT +5%'.padStart(9)} ${'p95 TTFT +10%'.padStart(14)} ${'thr −10%'.padStart(9)}`);
  for (const { label, r } of rows) {
    console.log(
      `${label.padEnd(44)} ${pct(r.false_alarm_rate).padStart(12)} ${pct(r.power_5pct_throughput).padStart(8)} ${pct(r.power_5pct_tpot).padStart(9)} ${pct(r.power_10pct_ttft_p95).padStart(14)} ${pct(r.power_10pct_throughput).padStart(9)}`,
    );
  }
}

const SECTIONS = ['headline', 'one-scenario', 'run-effect', 'one-scenario-run-effect', 'shapes', 'noise', 'release', 'schedule', 'replay'] as const;
type Section = (typeof SECTIONS)[number];

function args(): { trials: number; seed: number; only: ReadonlySet<Section> } {
  const { numbers, only } = benchArgs(SECTIONS, { trials: 200, seed: 20260601 });
  return { trials: numbers.trials, seed: numbers.seed, only };
}

function main(): void {
  const { trials, seed, only } = args();
  const started = performance.now();
  const defaults: Shape = { runs: RUNS, reps: REPS };
  console.log(
    `gate benchmark: ${ENGINES.length} engines × ${SCENARIOS.length} scenarios × ${METRICS.length} metrics; defaults: ${RUNS} runs × ${REPS} repetitions per job, history ${WINDOW} stored runs, confidence ${CONFIDENCE}; ${trials} simulated gate runs per setting, seed ${seed}`,
  );
  console.log(`noise CV per repetition: ${Object.entries(CV).map(([m, cv]) => `${m} ${pct(cv)}`).join(', ')}; run effect CV ${pct(RUN_CV)}`);
  console.log('false alarms: share of unchanged jobs with any regression flagged; power: share of regressed jobs where the regressed metric is flagged');

  const peers = Object.keys(PEERS);
  const rows = (t: Record<string, Rates>) => Object.keys(t).map((k) => ({ label: LABELS[k], r: t[k] }));
  const out: Record<string, unknown> = {};
  const section = <T>(key: Section, run: () => T): T | undefined => (only.has(key) ? run() : undefined);

  const headline = section('headline', () => {
    const t = simulate({ noise: 'lognormal', shape: defaults, window: WINDOW, trials, methods: ['gate', 'gate_pooled', 'gate_bh', ...peers], spread: 'all' }, seed);
    printTable('independent (lognormal) noise, defaults, regression in every scenario of one engine', rows(t));
    return t;
  });
  const one = section('one-scenario', () => {
    const t = simulate({ noise: 'lognormal', shape: defaults, window: WINDOW, trials, methods: ['gate', ...peers], spread: 'one' }, seed);
    printTable('independent noise, defaults, regression in one scenario only', rows(t));
    return t;
  });
  const runEffect = section('run-effect', () => {
    const t = simulate({ noise: 'run effect', shape: defaults, window: WINDOW, trials, methods: ['gate', 'gate_pooled', ...peers], spread: 'all' }, seed);
    printTable(`run effect (CV ${pct(RUN_CV)} per run), defaults, regression in every scenario`, rows(t));
    return t;
  });
  const oneRunEffect = section('one-scenario-run-effect', () => {
    const t = simulate({ noise: 'run effect', shape: defaults, window: WINDOW, trials, methods: ['gate', 'gate_no_contrasts', ...peers], spread: 'one' }, seed);
    printTable(`run effect (CV ${pct(RUN_CV)} per run), defaults, regression in one scenario only`, rows(t));
    return t;
  });

  // The same GPU time spent differently: today's one run of five repetitions after a warm restart.
  const byShape = section('shapes', () => {
    const shapes: Record<string, Shape> = { '1 run × 5 reps': { runs: 1, reps: 5 }, '2 runs × 2 reps': { runs: 2, reps: 2 }, '3 runs × 2 reps': { runs: 3, reps: 2 } };
    const by: Record<string, Record<string, Rates>> = {};
    const shapeRows: { label: string; r: Rates }[] = [];
    for (const [label, shape] of Object.entries(shapes)) {
      by[label] = {};
      for (const noise of ['lognormal', 'run effect'] as const) {
        const r = simulate({ noise, shape, window: WINDOW, trials, methods: ['gate'], spread: 'all' }, seed).gate;
        by[label][noise] = r;
        shapeRows.push({ label: `${label}, ${noise}`, r });
      }
    }
    printTable(`the gate by runs × repetitions per job (history ${WINDOW} stored runs)`, shapeRows);
    return by;
  });

  const byNoise = section('noise', () => {
    const by: Record<string, Rates> = {};
    for (const noise of ['t3', 'bimodal'] as const) by[noise] = simulate({ noise, shape: defaults, window: WINDOW, trials, methods: ['gate'], spread: 'all' }, seed).gate;
    // Five repetitions per run let the trimmed mean drop a run's worst one (2.5× the GPU time).
    const five: Shape = { runs: RUNS, reps: 5 };
    by[`t3, ${five.runs} runs × ${five.reps} reps`] = simulate({ noise: 't3', shape: five, window: WINDOW, trials, methods: ['gate'], spread: 'all' }, seed).gate;
    printTable('heavier-tailed noise (defaults unless said)', Object.entries(by).map(([k, r]) => ({ label: `gate, ${k}`, r })));
    return by;
  });

  if (only.has('release') || only.has('schedule')) console.log('\nunchanged code, other gates (history at the defaults)');
  const release = section('release', () => {
    const recipe = passRate('lognormal', defaults, RELEASE, WINDOW, trials, seed, 'release', { failOn: 'inconclusive' });
    const runEffectRecipe = passRate('run effect', defaults, RELEASE, WINDOW, trials, seed, 'release', { failOn: 'inconclusive' });
    const wide = passRate('run effect', defaults, RELEASE, WINDOW, trials, seed, 'release', { failOn: 'inconclusive', tolerances: RELEASE_RUN_EFFECT_TOLERANCES });
    const atDefaults = passRate('lognormal', defaults, defaults, WINDOW, trials, seed, 'release', { failOn: 'inconclusive' });
    console.log(
      `release, the README's recipe (runs ${RELEASE.runs} × ${RELEASE.reps} repetitions, fail-on: inconclusive): passes ${pct(recipe.pass)} (independent noise), ${pct(runEffectRecipe.pass)} (run effect); at the pull-request defaults: ${pct(atDefaults.pass)}`,
    );
    console.log(`release under the run effect with the README's wider release tolerances (${JSON.stringify(RELEASE_RUN_EFFECT_TOLERANCES)}): passes ${pct(wide.pass)}`);
    return { recipe, runEffectRecipe, wide, atDefaults };
  });
  const schedule = section('schedule', () => {
    const nightly = passRate('run effect', defaults, defaults, WINDOW, trials, seed, 'schedule', {});
    const independent = passRate('lognormal', defaults, defaults, WINDOW, trials, seed, 'schedule', {});
    console.log(`schedule (nightly), run effect: fails on a change point ${pct(nightly.failedOnDrift)}; independent noise: ${pct(independent.failedOnDrift)}`);
    return { nightly, independent };
  });

  const replays = section('replay', () => {
    const rp = replay(trials, seed, false);
    const boot = replay(trials, seed, true);
    console.log('\nreplay of the 4 real vLLM runs on an H200 (3 as history, 1 as the pull request)');
    console.log(`leave-one-out, runs as measured: alarms on ${rp.alarms * rp.trials} of ${rp.trials}; verdicts ${JSON.stringify(rp.verdicts)}`);
    console.log(`bootstrap, repetitions redrawn with replacement: alarms on ${pct(boot.alarms)} of ${boot.trials}; verdicts ${JSON.stringify(boot.verdicts)}`);
    return { rp, boot };
  });

  console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (headline) {
    const g = headline.gate;
    Object.assign(out, { false_alarm_rate: g.false_alarm_rate, power_5pct_throughput: g.power_5pct_throughput, power_5pct_tpot: g.power_5pct_tpot, power_10pct_ttft_p95: g.power_10pct_ttft_p95 });
  }
  if (runEffect) Object.assign(out, { false_alarm_rate_run_effect: runEffect.gate.false_alarm_rate, power_10pct_throughput_run_effect: runEffect.gate.power_10pct_throughput });
  if (schedule) out.schedule_false_drift_rate = schedule.nightly.failedOnDrift;
  if (release) out.release_unchanged_pass_rate = release.recipe.pass;
  if (replays) Object.assign(out, { replay_real_gpu_false_alarm_rate: replays.rp.alarms, replay_real_gpu_bootstrap_false_alarm_rate: replays.boot.alarms });
  out.setting = { runs: RUNS, repetitions: REPS, window: WINDOW, confidence: CONFIDENCE, trials, seed, run_effect_cv: RUN_CV, sections: [...only] };
  if (release) {
    Object.assign(out, {
      release_unchanged_pass_rate_run_effect: release.runEffectRecipe.pass,
      release_unchanged_pass_rate_run_effect_wide_tolerances: release.wide.pass,
      release_run_effect_tolerances: RELEASE_RUN_EFFECT_TOLERANCES,
      release_unchanged_pass_rate_pr_defaults: release.atDefaults.pass,
      release_recipe: RELEASE,
    });
  }
  if (schedule) out.schedule_false_drift_rate_independent = schedule.independent.failedOnDrift;
  if (one) out.one_scenario = one.gate;
  if (oneRunEffect) Object.assign(out, { one_scenario_run_effect: oneRunEffect.gate, one_scenario_run_effect_without_contrasts: oneRunEffect.gate_no_contrasts });
  if (headline) out.independent = headline;
  if (runEffect) out.run_effect = runEffect;
  if (byShape) out.by_shape = byShape;
  if (byNoise) out.by_noise = byNoise;
  if (replays) Object.assign(out, { replay_verdicts: replays.rp.verdicts, replay_bootstrap_verdicts: replays.boot.verdicts });
  console.log(JSON.stringify(out));
}

main();
