// What a capacity search costs and how much it varies, on the simulated engine whose model gives
// the truth. The same search (src/capacity.ts, same scenario, same Poisson schedules) is run twice:
//   truth:   on the sim's scheduler under a virtual clock, without noise or a client: the capacity
//            the performance model implies under exactly the probe criterion;
//   measured: through measure() — real sim-serve processes, the real client, real time — over
//            several engine starts, each drawing its own run-to-run noise (--noise CV).
// It prints per start the capacity, its bracket, the probes and the seconds of load (on a GPU,
// GPU-seconds) the search took, then their spread and how far they sit from the truth.
//
// Usage: node bench/capacity.ts [--runs N] [--noise CV] [--profile vllm|transformers] [--probe-s S]

import { judgeProbe, probeScenario, searchCapacity } from '../src/capacity.ts';
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

const fmt = (x: number | null, d = 3): string => (x === null ? '—' : String(Number(x.toPrecision(d))));
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]): number => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

const tokenizer = await loadTokenizer();
const book = await makePromptBook(SCENARIOS.scenarios, runs, tokenizer);
const truths: CapacityResult[] = [];
for (let r = 0; r < runs; r++) truths.push(await searchCapacity(load, virtualProbe(tokenizer, book, r)));
const { results, wallS } = await measured();

console.log(`capacity benchmark: sim-${profile}, scenario ${scenario.name} (input 128-512, output 32-96 tokens; TTFT ≤ 1 s, TPOT ≤ 60 ms for 90%; resolution 10%, probes ≥ 24 requests and ≥ ${probeS} s); ${runs} engine starts, run-to-run noise CV ${noise}`);
console.log('start | truth (virtual clock, no noise) | measured capacity | first miss | probes | load seconds');
results.forEach((c, r) => {
  console.log(`${r + 1} | ${fmt(truths[r].capacity)} [${fmt(truths[r].firstMiss)}) | ${fmt(c.capacity)} | ${fmt(c.firstMiss)} | ${c.probes.length} (${c.probes.filter((p) => p.stoppedEarly).length} stopped early) | ${c.searchS.toFixed(1)}`);
});
const caps = results.map((c) => c.capacity).filter((x): x is number => x !== null);
const truthCaps = truths.map((c) => c.capacity).filter((x): x is number => x !== null);
const errors = results.flatMap((c, r) => (c.capacity !== null && truths[r].capacity !== null ? [c.capacity / truths[r].capacity! - 1] : []));
const summary = {
  profile: `sim-${profile}`,
  probe_s: probeS,
  runs,
  noise,
  truth_mean: mean(truthCaps),
  capacity_mean: mean(caps),
  capacity_cv: caps.length > 1 ? sd(caps) / mean(caps) : null,
  error_vs_truth_mean: mean(errors),
  probes_per_search: mean(results.map((c) => c.probes.length)),
  load_seconds_per_search: mean(results.map((c) => c.searchS)),
  wall_seconds: wallS,
};
console.log(`capacity ${fmt(summary.capacity_mean)} req/s mean over ${caps.length} starts, CV ${fmt((summary.capacity_cv ?? NaN) * 100)}% between starts; truth ${fmt(summary.truth_mean)} req/s; measured/truth − 1: ${fmt(summary.error_vs_truth_mean * 100)}% on average`);
console.log(`cost: ${fmt(summary.probes_per_search)} probes and ${fmt(summary.load_seconds_per_search)} s of load per search (${wallS.toFixed(0)} s wall for ${runs} starts, start-ups included)`);
console.log(JSON.stringify(summary));
