// What a capacity search costs and how much it varies, on the simulated engine whose model gives
// the truth. The same search (src/capacity.ts, same scenario, same Poisson schedules) is run twice:
//   truth:   on the sim's scheduler under a virtual clock, without noise or a client: the capacity
//            the performance model implies under exactly the probe criterion;
//   measured: through measure() — real sim-serve processes, the real client, real time — over
//            several engine starts, each drawing its own run-to-run noise (--noise CV).
// It prints per start the capacity, its bracket, the probes and the seconds of load (on a GPU,
// GPU-seconds) the search took, then their spread and how far they sit from the truth, each with a
// 95% interval over the starts: the mean capacity and the cost (Student t), the CV between starts
// (from the SD of the log capacities, chi-square). A start
// whose lowest probe missed has a capacity below it: counted and named, never averaged as a value.
//
// Usage: node bench/capacity.ts [--runs N] [--noise CV] [--profile vllm|transformers] [--probe-s S]

import { capacityReading, judgeProbe, probeScenario, searchCapacity } from '../src/capacity.ts';
import { lnGamma, studentTQuantile } from '../src/compare/stats.ts';
import { parseScenarioSet } from '../src/config/scenarios.ts';
import { TRANSFORMERS_COSTS, TransformersScheduler, VllmScheduler, type Scheduler } from '../src/engines/sim/model.ts';
import { arrivalScheduleMs } from '../src/load/arrivals.ts';
import { makePromptBook } from '../src/load/prompt-book.ts';
import { mixSeed } from '../src/load/random.ts';
import { loadTokenizer, type Tokenizer } from '../src/load/tokenizer.ts';
import type { CapacityLoad, CapacityResult, RequestRecord } from '../src/types.ts';
import { measureOnSim } from '../test/helpers/measure-sim.ts';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
};
const runs = Number(arg('runs', '6'));
const noise = Number(arg('noise', '0.027'));
const profile = arg('profile', 'vllm');
const probeS = Number(arg('probe-s', '6'));

const SCENARIOS = parseScenarioSet(
  `version: 1
scenarios:
  - name: chat-capacity
    description: Chat-like requests at the highest Poisson rate within the SLOs.
    input: {uniform: [128, 512]}
    output: {uniform: [32, 96]}
    requests: 24
    load: {capacity: {over: rate, start: 1, max: 64, resolution: 0.1, probe-s: ${probeS}}}
    seed: 3101
    slo: {ttft-ms: 1000, tpot-ms: 60}
`,
  'bench-capacity.yml',
);
const scenario = SCENARIOS.scenarios[0];
const load = scenario.load as CapacityLoad;

/**
 * One probe on the scheduler under a virtual clock: the prompts the book would send (their
 * lengths), sent on the probe's Poisson schedule for repetition `repetition`, tokens timed by the
 * step costs alone.
 */
function virtualProbe(tokenizer: Tokenizer, book: Awaited<ReturnType<typeof makePromptBook>>, repetition: number) {
  return async (at: number, index: number) => {
    const probe = probeScenario(scenario, load, at);
    const prompts = await book.probe(scenario, repetition, index, probe.requests);
    const schedule = arrivalScheduleMs(probe.load, prompts.length, mixSeed(probe.seed, repetition))!;
    let now = 0;
    const s: Scheduler = profile === 'vllm' ? new VllmScheduler(81_920) : new TransformersScheduler(1, TRANSFORMERS_COSTS, () => now);
    const records: RequestRecord[] = [];
    let next = 0;
    const admit = (): void => {
      for (; next < schedule.length && schedule[next] <= now; next++) {
        const i = next;
        const sentAt = schedule[i];
        const p = prompts[i];
        let first = 0;
        const gaps: number[] = [];
        let last = 0;
        s.add({
          promptIds: tokenizer.encode(p.text),
          maxTokens: p.maxTokens,
          onToken: (n, finished) => {
            if (n === 1) first = now;
            else gaps.push(now - last);
            last = now;
            if (!finished) return;
            records.push({
              scenario: scenario.name, repetition, index: i, scheduledMs: sentAt, sendMs: sentAt, queueMs: 0, promptTokens: p.promptTokens,
              maxTokens: p.maxTokens, outputTokens: n, ttftMs: first - sentAt, e2elMs: now - sentAt, itlMs: gaps, chunkTokensEstimated: false,
              streamedChunks: n, ok: true, error: null,
            });
          },
        });
      }
    };
    admit();
    while (records.length < prompts.length) {
      const step = s.nextStep();
      if (step === null) {
        now = schedule[next];
        admit();
        continue;
      }
      now += step.costMs;
      step.complete();
      admit();
    }
    const spanS = (Math.max(...records.map((r) => r.sendMs + r.e2elMs!)) - schedule[0]) / 1000;
    return judgeProbe(scenario, load, at, probe.requests, records, spanS, false);
  };
}

async function measured(): Promise<{ results: CapacityResult[]; wallS: number }> {
  const started = performance.now();
  const run = await measureOnSim({
    scenarios: SCENARIOS,
    engines: `sim-${profile}`,
    runs,
    repetitionsPerRun: 1,
    simArgs: ['--noise', String(noise), '--seed', '7'],
    seed: 20261207,
    warning: (m) => console.error(`warning: ${m}`),
  });
  const engine = run.engines[0];
  if (engine.status !== 'ok') throw new Error(`the sim failed: ${engine.error}`);
  return { results: engine.repetitions.map((r) => r.scenarios[0].capacity!), wallS: (performance.now() - started) / 1000 };
}

const fmt = (x: number | null, d = 3): string => (x === null || Number.isNaN(x) ? '—' : String(Number(x.toPrecision(d))));
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]): number => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
/** "< 2.3" for a start below its lowest load tried. */
const capText = (c: CapacityResult): string => {
  const r = capacityReading(c);
  return r === null ? '—' : `${r.below ? '< ' : ''}${fmt(r.value)}`;
};

/** 95% interval of a mean over starts (Student t); null with fewer than 2. */
function meanInterval(xs: readonly number[]): [number, number] | null {
  if (xs.length < 2) return null;
  const h = (studentTQuantile(0.975, xs.length - 1) * sd(xs)) / Math.sqrt(xs.length);
  return [mean(xs) - h, mean(xs) + h];
}

/** P(X ≤ x) for X ~ chi-square(k): the regularized lower incomplete gamma P(k/2, x/2) by its power series. */
function chiSquareCdf(x: number, k: number): number {
  if (x <= 0) return 0;
  const a = k / 2;
  const h = x / 2;
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 10_000 && term > sum * 1e-15; n++) {
    term *= h / (a + n);
    sum += term;
  }
  return Math.min(1, Math.exp(a * Math.log(h) - h - lnGamma(a)) * sum);
}

/** The p-quantile of chi-square with k degrees of freedom, by bisection on its CDF. */
function chiSquareQuantile(p: number, k: number): number {
  let lo = 0;
  let hi = k + 10 * Math.sqrt(2 * k) + 10;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (chiSquareCdf(mid, k) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** 95% interval of the CV between starts, from the SD of log capacities (≈ CV for small CVs); null with fewer than 2. */
function cvInterval(caps: readonly number[]): { cv: number; ci: [number, number] } | null {
  if (caps.length < 2) return null;
  const s = sd(caps.map(Math.log));
  const k = caps.length - 1;
  return { cv: s, ci: [s * Math.sqrt(k / chiSquareQuantile(0.975, k)), s * Math.sqrt(k / chiSquareQuantile(0.025, k))] };
}

const range = (ci: [number, number] | null, scale = 1): string => (ci === null ? '(no interval from one start)' : `[${fmt(ci[0] * scale)}, ${fmt(ci[1] * scale)}]`);

const tokenizer = await loadTokenizer();
const book = await makePromptBook(SCENARIOS.scenarios, runs, tokenizer);
const truths: CapacityResult[] = [];
for (let r = 0; r < runs; r++) truths.push(await searchCapacity(load, virtualProbe(tokenizer, book, r)));
const { results, wallS } = await measured();

console.log(`capacity benchmark: sim-${profile}, scenario ${scenario.name} (input 128-512, output 32-96 tokens; TTFT ≤ 1 s, TPOT ≤ 60 ms for 90%; resolution 10%, probes ≥ 24 requests and ≥ ${probeS} s); ${runs} engine starts, one search each, run-to-run noise CV ${noise}`);
console.log('start | truth (virtual clock, no noise) | measured capacity | first miss | probes | load seconds');
results.forEach((c, r) => {
  console.log(`${r + 1} | ${capText(truths[r])} [${fmt(truths[r].firstMiss)}) | ${capText(c)} | ${fmt(c.firstMiss)} | ${c.probes.length} (${c.probes.filter((p) => p.stoppedEarly).length} stopped early) | ${c.searchS.toFixed(1)}`);
});
const caps = results.map((c) => c.capacity).filter((x): x is number => x !== null);
const truthCaps = truths.map((c) => c.capacity).filter((x): x is number => x !== null);
const errors = results.flatMap((c, r) => (c.capacity !== null && truths[r].capacity !== null ? [c.capacity / truths[r].capacity! - 1] : []));
const below = results.filter((c) => c.capacity === null);
const cv = cvInterval(caps);
const seconds = results.map((c) => c.searchS);
const summary = {
  profile: `sim-${profile}`,
  probe_s: probeS,
  resolution: load.resolution,
  runs,
  noise,
  starts_below_lowest_load: below.length,
  truth_mean: mean(truthCaps),
  capacity_mean: mean(caps),
  capacity_mean_ci95: meanInterval(caps),
  capacity_cv: cv?.cv ?? null,
  capacity_cv_ci95: cv?.ci ?? null,
  error_vs_truth_mean: mean(errors),
  probes_per_search: mean(results.map((c) => c.probes.length)),
  load_seconds_per_search: mean(seconds),
  load_seconds_per_search_ci95: meanInterval(seconds),
  wall_seconds: wallS,
};
if (below.length > 0) console.log(`${below.length} of ${runs} starts missed even the lowest rate tried (${below.map(capText).join(', ')} req/s): left out of the mean and the CV below, which describe the other ${caps.length}`);
console.log(`capacity ${fmt(summary.capacity_mean)} req/s mean over ${caps.length} starts, 95% interval ${range(summary.capacity_mean_ci95)}; truth ${fmt(summary.truth_mean)} req/s; measured/truth − 1: ${fmt(summary.error_vs_truth_mean * 100)}% on average`);
console.log(`noise: CV ${cv === null ? '—' : fmt(cv.cv * 100)}% between starts (SD of log capacity), 95% interval ${range(cv?.ci ?? null, 100)}%`);
console.log(`cost: ${fmt(summary.probes_per_search)} probes and ${fmt(summary.load_seconds_per_search)} s of load per search (on a GPU, GPU-seconds), 95% interval ${range(summary.load_seconds_per_search_ci95)} s (${wallS.toFixed(0)} s wall for ${runs} starts, start-ups included)`);
console.log(JSON.stringify(summary));
