// The noise the gate benchmarks draw simulated jobs from (bench/gate.ts, bench/gate-peers.ts): one
// place for the per-metric CVs, the run effect and the real per-cell table, so both benchmarks and
// the README's arithmetic read the same numbers.
//
// A job is what one CI run measures per engine: `runs` engine starts, each with its repetitions.
// A table holds values[engine][scenario][metric][repetition] (repetitions of all runs, run by run).

import { readFileSync } from 'node:fs';
import { METRICS, type MetricDef } from '../src/metrics/catalog.ts';
import { drawRunMultiplier } from '../src/engines/sim/noise.ts';
import { sampleGamma, sampleNormal, type Rng } from '../src/load/random.ts';
import { NOMINAL } from '../test/helpers/make-run.ts';

export type Table = number[][][][];

export interface Shape {
  readonly runs: number;
  readonly reps: number;
}

/** Run-to-run speed variation shared by a whole engine start (every scenario and metric): model (b). */
export const RUN_CV = 0.027;

/** Per-repetition CV per metric of the simulated engines: model (a). */
export const CV: Readonly<Record<string, number>> = {
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

export type Noise = 'lognormal' | 't3' | 'bimodal' | 'run effect';

/** A multiplicative slowdown factor (> 1 = slower) with log-variance ln(1 + cv²). */
export function drawFactor(noise: Noise, rng: Rng, cv: number): number {
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

/** The value a slowdown factor gives a metric: higher-is-better metrics divide by it. */
export const worse = (def: MetricDef, factor: number): number => (def.direction === 'higher-is-better' ? 1 / factor : factor);

/** Per scenario × metric: mean, between-run CV and within-run (repetition) CV. */
export interface CellNoise {
  readonly mean: number;
  readonly between: number;
  readonly within: number;
}

/**
 * Model (c7): the 7-run vLLM table of the H200 session 4 (docs/benchmarks/2026-12-01-h200-vllm/
 * session4/noise-vllm-7runs.md, 7 runs × 2 repetitions). Its columns are the CV over all 14
 * repetitions (c_rep) and the CV of the 7 run means (c_run). With 2 repetitions per run,
 * c_rep² ≈ σ_b² + σ_w² and c_run² = σ_b² + σ_w²/2, so σ_w² = 2·(c_rep² − c_run²) and
 * σ_b² = 2·c_run² − c_rep², each floored at 0. Every cell draws its own run effect (the table holds
 * no correlations between cells); both simulated engines use the vLLM rows (the transformers rows
 * come from one run and bound no run-to-run noise).
 */
export function realNoiseTable(file: string): { scenarios: string[]; cells: Map<string, CellNoise> } {
  const text = readFileSync(file, 'utf8');
  const cells = new Map<string, CellNoise>();
  const scenarios: string[] = [];
  let inTable = false;
  for (const line of text.split('\n')) {
    // The cell table is the file's first; what follows it (the whole-set rows) is another table.
    if (!line.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    const cols = line.split('|').map((c) => c.trim());
    if (cols[1] !== 'vllm') continue;
    const [, , scenario, metric, mean, rep, run] = cols;
    const pct = (s: string): number => Number(s.replace('%', '')) / 100;
    const cRep = pct(rep);
    const cRun = pct(run);
    const m = Number(mean.replace(/,/g, ''));
    if (![m, cRep, cRun].every(Number.isFinite)) throw new Error(`${file}: cannot read the row "${line}"`);
    if (!scenarios.includes(scenario)) scenarios.push(scenario);
    cells.set(`${scenario}|${metric}`, { mean: m, between: Math.sqrt(Math.max(0, 2 * cRun * cRun - cRep * cRep)), within: Math.sqrt(Math.max(0, 2 * (cRep * cRep - cRun * cRun))) });
  }
  for (const s of scenarios) for (const def of METRICS) if (!cells.has(`${s}|${def.name}`)) throw new Error(`${file}: no row for vllm / ${s} / ${def.name}`);
  return { scenarios, cells };
}

/** How one engine's job is drawn: the value of a metric in one repetition of one run. */
export interface NoiseModel {
  readonly name: string;
  readonly scenarios: readonly string[];
  /** One job's values for `engines` engines. */
  draw(rng: Rng, shape: Shape, engines: number): Table;
  /** Variance (of logs) of one run's whole-set summary of a metric: the mean over scenarios of its repetitions' mean. */
  suiteRunVariance(metric: string, reps: number): number;
}

const logVariance = (cv: number): number => Math.log1p(cv * cv);

/** Models (a), (b) and (d): nominal values × per-repetition noise (× the run effect for 'run effect'). */
export function simulatedModel(name: string, noise: Noise, scenarios: readonly string[]): NoiseModel {
  return {
    name,
    scenarios,
    draw: (rng, shape, engines) =>
      Array.from({ length: engines }, () => {
        const runFactors = Array.from({ length: shape.runs }, () => (noise === 'run effect' ? drawRunMultiplier(rng, RUN_CV) : 1));
        return scenarios.map(() =>
          METRICS.map((def) => Array.from({ length: shape.runs * shape.reps }, (_, i) => NOMINAL[def.name] * worse(def, runFactors[Math.floor(i / shape.reps)] * drawFactor(noise, rng, CV[def.name])))),
        );
      }),
    suiteRunVariance: (metric, reps) => (noise === 'run effect' ? logVariance(RUN_CV) : 0) + logVariance(CV[metric]) / (scenarios.length * reps),
  };
}

/** Model (c7): per cell, a lognormal run effect (between-run CV) and lognormal repetitions (within-run CV). */
export function tableModel(name: string, table: { scenarios: string[]; cells: Map<string, CellNoise> }): NoiseModel {
  return {
    name,
    scenarios: table.scenarios,
    draw: (rng, shape, engines) =>
      Array.from({ length: engines }, () =>
        table.scenarios.map((s) =>
          METRICS.map((def) => {
            const c = table.cells.get(`${s}|${def.name}`)!;
            const runs = Array.from({ length: shape.runs }, () => drawRunMultiplier(rng, c.between));
            return Array.from({ length: shape.runs * shape.reps }, (_, i) => c.mean * worse(def, runs[Math.floor(i / shape.reps)] * drawRunMultiplier(rng, c.within)));
          }),
        ),
      ),
    suiteRunVariance: (metric, reps) => {
      const n = table.scenarios.length;
      return table.scenarios.reduce((a, s) => {
        const c = table.cells.get(`${s}|${metric}`)!;
        return a + logVariance(c.between) + logVariance(c.within) / reps;
      }, 0) / (n * n);
    },
  };
}

/** A history that does not vary: every value its nominal figure (a quantised or stuck collector). */
export function constantModel(scenarios: readonly string[]): NoiseModel {
  return {
    name: 'constant',
    scenarios,
    draw: (_rng, shape, engines) => Array.from({ length: engines }, () => scenarios.map(() => METRICS.map((def) => Array.from({ length: shape.runs * shape.reps }, () => NOMINAL[def.name])))),
    suiteRunVariance: () => 0,
  };
}
