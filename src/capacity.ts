import type { PromptBook } from './load/prompt-book.ts';
import type { ScenarioRun } from './load/runner.ts';
import { metSlo, summarize } from './metrics/summary.ts';
import type { CapacityLoad, CapacityProbe, CapacityResult, Prompt, RequestRecord, Scenario } from './types.ts';

// The capacity search: the highest load at which a scenario's SLOs still hold. Each probe runs
// the scenario at one fixed load (Poisson arrivals at a rate, or a closed loop at a concurrency)
// and passes when at least `attainment` of its requests complete within every SLO. The search
// brackets (doubling up from `start` while probes pass, halving down while they miss) and then
// bisects (geometrically for rates, by whole requests for concurrency) until the missing load is
// within `resolution` of the passing one. A probe that has already missed — more requests outside
// the SLOs than the attainment allows — stops at once: overload is where probes are slowest.

/** At most this many probes per search: bracketing 1000× and bisecting to 1% takes 21. */
const MAX_PROBES = 32;

/** Requests of one probe: the scenario's own, more where a rate probe must last `probeS`; a closed loop reuses each slot at least 4 times. */
export function probeRequests(scenario: Scenario, load: CapacityLoad, at: number): number {
  const longEnough = load.over === 'rate' ? Math.ceil(at * load.probeS) : 4 * at;
  return Math.min(Math.max(scenario.requests, longEnough), 100_000);
}

/** The scenario at one fixed load, as a probe runs it. */
export function probeScenario(scenario: Scenario, load: CapacityLoad, at: number): Scenario {
  return {
    ...scenario,
    requests: probeRequests(scenario, load, at),
    load: load.over === 'rate' ? { kind: 'poisson', rate: at, burstiness: load.burstiness } : { kind: 'concurrency', concurrency: at },
  };
}

/** Misses (failed, or outside an SLO) a probe of `n` requests may have and still pass. */
export const allowedMisses = (n: number, attainment: number): number => Math.floor(n * (1 - attainment) + 1e-9);

/** Stops a probe's load once its misses exceed what it may have: it cannot pass any more. */
export function clearMiss(scenario: Scenario, load: CapacityLoad, n: number): (finished: readonly RequestRecord[]) => boolean {
  const allowed = allowedMisses(n, load.attainment);
  let seen = 0;
  let misses = 0;
  return (finished) => {
    for (; seen < finished.length; seen++) if (!metSlo(finished[seen], scenario.slo)) misses++;
    return misses > allowed;
  };
}

/** One probe's figures and verdict from the requests it ran (all of them, or those before an early stop). */
export function judgeProbe(scenario: Scenario, load: CapacityLoad, at: number, n: number, records: readonly RequestRecord[], durationS: number, stopped: boolean): CapacityProbe {
  const good = records.filter((r) => metSlo(r, scenario.slo)).length;
  const s = summarize(records, scenario, durationS, 0);
  const p95 = (d: { n: number; p95: number }): number | null => (d.n > 0 ? d.p95 : null);
  return {
    load: at,
    passed: !stopped && records.length === n && n - good <= allowedMisses(n, load.attainment),
    stoppedEarly: stopped,
    requests: records.length,
    attainment: records.length > 0 ? good / records.length : 0,
    ttftP95Ms: p95(s.ttftMs),
    tpotP95Ms: p95(s.tpotMs),
    e2elP95Ms: p95(s.e2elMs),
    outputThroughput: s.outputThroughput,
    durationS,
  };
}

/**
 * Runs the search with `probe` measuring one load (its index counts the probes run so far).
 * Loads stay within [min, max]; a concurrency search probes whole numbers only.
 */
export async function searchCapacity(load: CapacityLoad, probe: (at: number, index: number) => Promise<CapacityProbe>): Promise<CapacityResult> {
  const whole = load.over === 'concurrency';
  const clamp = (x: number): number => Math.min(load.max, Math.max(load.min, whole ? Math.round(x) : x));
  const probes: CapacityProbe[] = [];
  let passing: number | null = null;
  let missing: number | null = null;
  const settled = (): boolean => {
    if (passing !== null && passing >= load.max) return true;
    if (missing !== null && missing <= load.min) return true;
    if (passing === null || missing === null) return false;
    return missing <= passing * (1 + load.resolution) || (whole && missing - passing <= 1);
  };
  let at = clamp(load.start);
  while (!settled() && probes.length < MAX_PROBES) {
    const result = await probe(at, probes.length);
    probes.push(result);
    if (result.passed) passing = Math.max(passing ?? at, at);
    else missing = Math.min(missing ?? at, at);
    if (settled()) break;
    if (missing === null) at = clamp(at * 2);
    else if (passing === null) at = clamp(at / 2);
    else at = whole ? Math.floor((passing + missing) / 2) : Math.sqrt(passing * missing);
  }
  return {
    over: load.over,
    capacity: passing,
    firstMiss: missing,
    probes,
    searchS: probes.reduce((sum, p) => sum + p.durationS, 0),
  };
}

/**
 * What a search found, as read: its capacity, or — when even the lowest load tried missed — that
 * load as the bound the capacity is below (`below`: a censored value, "< 0.5 req/s"); null for a
 * search that ran no probe.
 */
export function capacityReading(c: CapacityResult): { readonly value: number; readonly below: boolean } | null {
  if (c.capacity !== null) return { value: c.capacity, below: false };
  return c.firstMiss === null ? null : { value: c.firstMiss, below: true };
}

/** Runs one probe's load (warm-up prompts only before the first probe). */
export type ProbeRunner = (
  probe: Scenario,
  prompts: readonly Prompt[],
  warmupPrompts: readonly Prompt[],
  stopWhen: (finished: readonly RequestRecord[]) => boolean,
) => Promise<ScenarioRun>;

export interface CapacityMeasurement {
  readonly result: CapacityResult;
  /** The run of the highest passing probe (the latency at capacity); else the last probe's. */
  readonly shown: ScenarioRun;
  /** The scenario at the load `shown` ran at. */
  readonly shownScenario: Scenario;
}

/** One repetition of a capacity scenario: the search, each probe with prompts of its own. */
export async function measureCapacity(scenario: Scenario, load: CapacityLoad, repetition: number, book: PromptBook, run: ProbeRunner): Promise<CapacityMeasurement> {
  const runs = new Map<number, { run: ScenarioRun; scenario: Scenario }>();
  let last: { run: ScenarioRun; scenario: Scenario } | null = null;
  const result = await searchCapacity(load, async (at, index) => {
    const probe = probeScenario(scenario, load, at);
    const prompts = await book.probe(scenario, repetition, index, probe.requests);
    const warmup = index === 0 ? book.get(scenario, repetition).warmup : [];
    const measured = await run(probe, prompts, warmup, clearMiss(scenario, load, probe.requests));
    last = { run: measured, scenario: probe };
    runs.set(at, last);
    return judgeProbe(scenario, load, at, probe.requests, measured.records, measured.durationS, measured.stopped);
  });
  const shown = (result.capacity === null ? null : runs.get(result.capacity)) ?? last;
  if (shown === null) throw new Error(`scenario "${scenario.name}": the capacity search ran no probe`);
  return { result, shown: shown.run, shownScenario: shown.scenario };
}
