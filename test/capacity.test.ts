// The capacity search: bracketing and bisection on a known pass/miss boundary, and the whole
// measurement on the simulated engine, whose model gives the true capacity, recorded and gated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchCapacity } from '../src/capacity.ts';
import { parseScenarioSet } from '../src/config/scenarios.ts';
import { parseBaselineDoc, recordRun, serializeBaselineDoc } from '../src/baseline/history.ts';
import { compare } from '../src/compare/verdict.ts';
import { TRANSFORMERS_COSTS, TransformersScheduler } from '../src/engines/sim/model.ts';
import { gateAnnotations } from '../src/github/annotations.ts';
import { gateOutcome } from '../src/report/outcome.ts';
import { toVllmBench } from '../src/export/vllm-bench.ts';
import { renderCapacity } from '../src/report/capacity.ts';
import { renderReport } from '../src/report/markdown.ts';
import { makeRun } from './helpers/make-run.ts';
import { measureOnSim } from './helpers/measure-sim.ts';
import type { CapacityLoad, CapacityProbe, RunResult } from '../src/types.ts';

const fakeProbe = (passes: (at: number) => boolean) => async (at: number): Promise<CapacityProbe> => ({
  load: at,
  passed: passes(at),
  stoppedEarly: false,
  requests: 10,
  attainment: passes(at) ? 1 : 0,
  ttftP95Ms: null,
  tpotP95Ms: null,
  e2elP95Ms: null,
  outputThroughput: 0,
  durationS: 1,
});

const RATE: CapacityLoad = { kind: 'capacity', over: 'rate', start: 1, min: 0.05, max: 1000, resolution: 0.1, attainment: 0.9, probeS: 0, burstiness: 1 };

test('rate search: doubling brackets the boundary, geometric bisection narrows it to the resolution', async () => {
  const truth = 7.3;
  const r = await searchCapacity(RATE, fakeProbe((at) => at <= truth));
  assert.deepEqual(r.probes.slice(0, 5).map((p) => p.load), [1, 2, 4, 8, 16].slice(0, 4).concat([Math.sqrt(4 * 8)]));
  assert.ok(r.capacity! <= truth && truth < r.firstMiss!, `${r.capacity} ≤ ${truth} < ${r.firstMiss}`);
  assert.ok(r.firstMiss! <= r.capacity! * 1.1, 'bracket within the 10% resolution');
  // 4 to bracket, then log2(ln 2 / ln 1.1) ≈ 3 bisections.
  assert.equal(r.probes.length, 7);
  assert.equal(r.searchS, 7);
  // Downwards: halving from the start until a probe passes.
  const low = await searchCapacity(RATE, fakeProbe((at) => at <= 0.2));
  assert.deepEqual(low.probes.slice(0, 4).map((p) => p.load), [1, 0.5, 0.25, 0.125]);
  assert.ok(low.capacity! <= 0.2 && 0.2 < low.firstMiss! && low.firstMiss! <= low.capacity! * 1.1);
  // Nothing passes: no capacity, the lowest load missed. Everything passes: the highest load.
  const none = await searchCapacity(RATE, fakeProbe(() => false));
  assert.deepEqual([none.capacity, none.firstMiss], [null, 0.05]);
  const all = await searchCapacity({ ...RATE, max: 20 }, fakeProbe(() => true));
  assert.deepEqual([all.capacity, all.firstMiss, all.probes.map((p) => p.load)], [20, null, [1, 2, 4, 8, 16, 20]]);
});

test('concurrency search: whole numbers, down to neighbours', async () => {
  const load: CapacityLoad = { ...RATE, over: 'concurrency', start: 4, min: 1, max: 1024 };
  const r = await searchCapacity(load, fakeProbe((at) => at <= 13));
  assert.deepEqual(r.probes.map((p) => p.load), [4, 8, 16, 12, 14, 13]);
  assert.deepEqual([r.capacity, r.firstMiss], [13, 14]);
});

/** Service time and TTFT of one request alone on the sim's transformers profile (virtual clock). */
function alone(input: number, output: number): { serviceMs: number; ttftMs: number } {
  let now = 0;
  const s = new TransformersScheduler(1, TRANSFORMERS_COSTS, () => now);
  let ttftMs = 0;
  s.add({ promptIds: Array.from({ length: input }, (_, i) => 1000 + i), maxTokens: output, onToken: (n) => { if (n === 1) ttftMs = now; } });
  for (let step = s.nextStep(); step !== null; step = s.nextStep()) {
    now += step.costMs;
    step.complete();
  }
  return { serviceMs: now, ttftMs };
}

// Slow enough that a service time (~120 ms) dwarfs the timer and scheduling jitter of a shared CPU.
const SLOWDOWN = 0.5;

async function measureCapacity(ttftSloMs: number, slowdown: number, runs: number): Promise<RunResult> {
  const scenarios = parseScenarioSet(
    `version: 1
scenarios:
  - name: queue
    description: How many clients one-at-a-time serving takes within a TTFT SLO.
    input: 32
    output: 8
    requests: 12
    warmup-requests: 2
    load: {capacity: {over: concurrency, start: 4, resolution: 0.1}}
    slo: {ttft-ms: ${ttftSloMs}}
    seed: 3
`,
    'inline.yml',
  );
  return measureOnSim({ scenarios, engines: 'sim-transformers', runs, repetitionsPerRun: 2, simArgs: ['--slowdown', String(slowdown)] });
}

test('on the sim: the search finds the capacity its model implies, is recorded, and a slower engine is a capacity regression', async () => {
  // One request at a time: in a closed loop of c clients a request waits for the c − 1 ahead of it,
  // so TTFT ≈ (c − 1) × service + its own prefill. An SLO half a service time above c = 5's puts
  // the true capacity at exactly 5 clients, with a margin of half a service time either way.
  const { serviceMs, ttftMs } = alone(32, 8);
  const slo = SLOWDOWN * (4 * serviceMs + ttftMs + serviceMs / 2);
  const base = await measureCapacity(slo, SLOWDOWN, 2);
  const engine = base.engines[0];
  assert.equal(engine.status, 'ok', engine.error ?? '');
  for (const rep of engine.repetitions) {
    const c = rep.scenarios[0].capacity!;
    assert.deepEqual([c.capacity, c.firstMiss], [5, 6], JSON.stringify(c.probes.map((p) => [p.load, p.passed, p.attainment])));
    assert.deepEqual(c.probes.map((p) => p.load), [4, 8, 6, 5]);
    // Overloaded probes stop as soon as they cannot pass any more.
    const over = c.probes.find((p) => p.load === 8)!;
    assert.ok(over.stoppedEarly && over.requests < 32, `the probe at 8 ran ${over.requests} of 32 requests`);
  }
  // Only capacity is recorded for the search; the pooled capacity is the repetitions' (equal) one.
  const doc = recordRun(null, base, 60);
  const stored = doc.entries[0].scenarios.queue;
  assert.deepEqual(Object.keys(stored.values), ['capacity']);
  assert.deepEqual(stored.values.capacity, [5, 5]);
  assert.equal(engine.pooled[0].capacity!.capacity, 5);
  // The report: the capacity line, and the curve with one row per load probed.
  const report = renderReport({ run: base, comparison: null });
  assert.match(report, /\*\*Capacity at SLO\*\*, queue \(TTFT ≤ [\d.]+ ms for 90% of requests; resolution 10%\): sim-transformers \*\*5 concurrent requests\*\* \(repetitions: 5, 5, 5, 5; missed at 6 concurrent requests\)\./);
  assert.match(report, /\| 4 \| 4 of 4 \| 100% \|/);
  assert.match(report, /\| 8 \| 0 of 4 \| [\d.]+% \|.*\| 4 \|\n/);

  // 1.5× slower steps: (c − 1) × 1.5 × service must stay under the same SLO, so c = 3.
  const slowed = await measureCapacity(slo, SLOWDOWN * 1.5, 2);
  for (const rep of slowed.engines[0].repetitions) assert.equal(rep.scenarios[0].capacity!.capacity, 3);
  const comparison = compare(doc.entries, slowed, { mode: 'pr', confidence: 0.99 });
  const cells = comparison.engines[0].metrics.filter((m) => m.scenario === 'queue');
  assert.deepEqual(cells.map((m) => m.metric), ['capacity']);
  assert.equal(cells[0].verdict, 'regression', JSON.stringify(cells[0]));
  assert.ok(Math.abs(cells[0].ratio! - 0.6) < 1e-9);
});

/** A closed-loop search from 2 clients down to 1 whose SLO is an end-to-end latency of 2.5 service times (at the base speed). */
async function measureHeadroom(e2elSloMs: number, slowdown: number, runs: number): Promise<RunResult> {
  const scenarios = parseScenarioSet(
    `version: 1
scenarios:
  - name: headroom
    description: How many clients one-at-a-time serving takes within an end-to-end SLO.
    input: 32
    output: 8
    requests: 12
    load: {capacity: {over: concurrency, start: 2, min: 1, resolution: 0.1}}
    slo: {e2el-ms: ${e2elSloMs}}
    seed: 4
`,
    'inline.yml',
  );
  return measureOnSim({ scenarios, engines: 'sim-transformers', runs, repetitionsPerRun: 2, simArgs: ['--slowdown', String(slowdown)] });
}

test('on the sim: an engine that misses at the lowest load tried has a capacity below it, recorded, reported and compared as a bound', async () => {
  // One request at a time: c clients see an end-to-end latency of c service times. An SLO of 2.5
  // of them passes 2 clients and misses 3; 3× slower steps miss even 1 (3 > 2.5): below the lowest load.
  const { serviceMs } = alone(32, 8);
  const slo = 2.5 * SLOWDOWN * serviceMs;
  const base = await measureHeadroom(slo, SLOWDOWN, 2);
  const slow = await measureHeadroom(slo, SLOWDOWN * 3, 2);
  for (const rep of base.engines[0].repetitions) assert.deepEqual([rep.scenarios[0].capacity!.capacity, rep.scenarios[0].capacity!.firstMiss], [2, 3]);
  for (const rep of slow.engines[0].repetitions) {
    const c = rep.scenarios[0].capacity!;
    assert.deepEqual([c.capacity, c.firstMiss, c.probes.map((p) => p.load)], [null, 1, [2, 1]], JSON.stringify(c.probes));
  }

  // Recorded: the bound, marked as one, and read back from the stored document (one run of it:
  // the job's two runs are alike in every value, which the reader takes for one run stored twice).
  const slowDoc = recordRun(null, slow, 60);
  assert.equal(slowDoc.entries.length, 2);
  for (const e of slowDoc.entries) {
    assert.deepEqual(e.scenarios.headroom.values, { capacity: [1, 1] });
    assert.deepEqual(e.scenarios.headroom.below, { capacity: [true, true] });
  }
  const stored = { ...slowDoc, entries: slowDoc.entries.slice(0, 1) };
  assert.deepEqual(parseBaselineDoc(serializeBaselineDoc(stored), 'baseline.json'), stored);
  const baseDoc = recordRun(null, base, 60);
  assert.equal(baseDoc.entries[0].scenarios.headroom.below, undefined);

  // Reported as "< 1", never as none or 0; the ratio between the engines is not claimed.
  const report = renderReport({ run: slow, comparison: null });
  assert.match(report, /sim-transformers \*\*< 1 concurrent requests\*\* \(repetitions: < 1, < 1, < 1, < 1; even the lowest load tried, 1 concurrent requests, missed\)/);

  const verdictOf = (history: typeof baseDoc, current: RunResult) => {
    const c = compare(history.entries, current, { mode: 'pr', confidence: 0.99 });
    return { c, m: c.engines[0].metrics.find((m) => m.metric === 'capacity')! };
  };
  // 2 clients before, below 1 now: a regression of at least half, whatever the true value below 1 is.
  const drop = verdictOf(baseDoc, slow);
  assert.equal(drop.m.verdict, 'regression', JSON.stringify(drop.m));
  assert.equal(drop.m.censored?.kind, 'at-most');
  assert.ok(Math.abs(drop.m.ratio! - 0.5) < 1e-9);
  assert.equal(drop.m.unit, 'concurrent requests');
  const dropReport = renderReport({ run: slow, comparison: drop.c });
  assert.match(dropReport, /\| headroom \| Capacity at SLO \(concurrent requests\) \| 2 \(n=4\) \| < 1 \(n=4\) \| −50\.0% or lower \(current below the lowest load tried\) \|/);
  assert.match(dropReport, /baseline 2, 2 \| 2, 2 → current < 1, < 1/);
  // The summary sentence and the check's annotation say the figures with the search's unit.
  assert.match(dropReport, /headroom Capacity at SLO −50\.0% or lower \(current below the lowest load tried\) \(2 → < 1 concurrent requests\)/);
  const [annotation] = gateAnnotations(drop.c, gateOutcome({ run: slow, comparison: drop.c, failOn: 'regression' }));
  assert.match(annotation.message, /^1 regression:\nCapacity at SLO −50\.0% or lower \(current below the lowest load tried\) \(2 → < 1 concurrent requests\) \(tolerance ±10%\)$/);
  // Below the lowest load before and now: no change, and no ratio of two bounds.
  const same = verdictOf(slowDoc, slow).m;
  assert.deepEqual([same.verdict, same.ratio, same.censored?.kind], ['no-change', null, 'below-both']);
  // Below it before, 2 clients now: an improvement, never the other way round.
  const rise = verdictOf(slowDoc, base).m;
  assert.deepEqual([rise.verdict, rise.censored?.kind], ['improvement', 'at-least']);
  assert.ok(Math.abs(rise.ratio! - 2) < 1e-9);
});

test('on the sim: a rate search that misses at its lowest rate reads "< 1 req/s" in the capacity line and its curve is in req/s', async () => {
  const { serviceMs } = alone(32, 8);
  const scenarios = parseScenarioSet(
    `version: 1
scenarios:
  - name: rate-headroom
    description: Poisson arrivals against an end-to-end SLO shorter than one request alone takes.
    input: 32
    output: 8
    requests: 12
    load: {capacity: {over: rate, start: 2, min: 1, resolution: 0.1}}
    slo: {e2el-ms: ${0.5 * SLOWDOWN * serviceMs}}
    limits: {capacity: 1}
    seed: 5
`,
    'inline.yml',
  );
  const run = await measureOnSim({ scenarios, engines: 'sim-transformers', runs: 1, repetitionsPerRun: 1, simArgs: ['--slowdown', String(SLOWDOWN)] });
  const c = run.engines[0].repetitions[0].scenarios[0].capacity!;
  assert.deepEqual([c.capacity, c.firstMiss, c.probes.map((p) => p.load)], [null, 1, [2, 1]]);
  const report = renderReport({ run, comparison: null });
  assert.match(report, /sim-transformers \*\*< 1 req\/s\*\* \(repetitions: < 1; even the lowest load tried, 1 req\/s, missed\)/);
  assert.match(report, /\| Load \(req\/s\) \| Passed \|/);
  assert.deepEqual(recordRun(null, run, 60).entries[0].scenarios['rate-headroom'], { values: { capacity: [1] }, pooled: { capacity: 1 }, below: { capacity: [true] }, units: { capacity: 'req/s' } });
  // Exported for vLLM's tools at the rate its figures were measured at: the lowest probe's.
  assert.deepEqual(toVllmBench(run).map(({ data }) => [data.request_rate, data.completed]), [[1, c.probes[1].requests]]);
  // A release's minimum of 1 req/s: a capacity below 1 req/s breaks it (read as a number it would not).
  const release = compare([], run, { mode: 'release' });
  assert.deepEqual(release.sloViolations, [{ engine: 'sim-transformers', scenario: 'rate-headroom', metric: 'capacity', limit: 1, value: 1, unit: 'req/s', below: true }]);
  assert.equal(release.gate.passed, false);
  assert.match(renderReport({ run, comparison: release }), /\| sim-transformers \| rate-headroom \| Capacity at SLO \(req\/s\) \| 1 \| < 1 \|/);
});

test('the capacity ratio between engines: a floor when one is below its lowest load tried, none when both are', () => {
  const load: CapacityLoad = { ...RATE, min: 0.5 };
  const withCapacity = (caps: Record<string, [number | null, number | null]>): RunResult => {
    const run = makeRun({ engines: Object.keys(caps), scenarios: ['chat-capacity'], repetitions: 1, definition: () => ({ load, slo: { tpotMs: 60 } }) });
    return {
      ...run,
      engines: run.engines.map((e) => {
        const [capacity, firstMiss] = caps[e.engine];
        const add = <T extends object>(s: T): T => ({ ...s, capacity: { over: 'rate', capacity, firstMiss, probes: [], searchS: 0 } });
        return { ...e, pooled: e.pooled.map(add), repetitions: e.repetitions.map((r) => ({ ...r, scenarios: r.scenarios.map(add) })) };
      }),
    };
  };
  const line = (caps: Record<string, [number | null, number | null]>): string => renderCapacity(withCapacity(caps))!.split('\n')[0];
  assert.match(line({ vllm: [76.1, 83], transformers: [null, 0.5] }), /: vllm \*\*76\.1 req\/s\*\* .*; transformers \*\*< 0\.5 req\/s\*\* \(repetitions: < 0\.5; even the lowest load tried, 0\.5 req\/s, missed\) — vllm carries at least ×152 the load of transformers\.$/);
  assert.match(line({ vllm: [76.1, 83], transformers: [9.5, 10.4] }), / — vllm carries ×8\.01 the load of transformers\.$/);
  assert.doesNotMatch(line({ vllm: [null, 0.5], transformers: [null, 0.5] }), /carries/);
  // A bound above the other's capacity leaves the order open.
  assert.doesNotMatch(line({ vllm: [0.3, 0.35], transformers: [null, 0.5] }), /carries/);
});
