import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseBaselineDoc, recordRun, type BaselineDoc, type BaselineEntry } from '../../src/baseline/history.ts';
import { compare, SUITE, type CompareOptions } from '../../src/compare/verdict.ts';
import { cappedShares } from '../../src/compare/cells.ts';
import { createRng, sampleNormal, type Rng } from '../../src/load/random.ts';
import type { MetricComparison, RunResult } from '../../src/types.ts';
import { makeRun, NOMINAL, type Cell, type MakeRunOptions } from '../helpers/make-run.ts';
import { renderReport } from '../../src/report/markdown.ts';

// Seeded data: per-repetition values = nominal × lognormal noise (σ = cv) × an optional change.
const noisy =
  (rng: Rng, cv: number, change: (c: Cell) => number = () => 1) =>
  (c: Cell): number =>
    NOMINAL[c.metric] * Math.exp(cv * sampleNormal(rng)) * change(c);

function history(runs: number, seed: number, cv: number, extra: Partial<MakeRunOptions> = {}): BaselineEntry[] {
  const rng = createRng(seed);
  let doc: BaselineDoc | null = null;
  for (let i = 0; i < runs; i++) {
    doc = recordRun(doc, makeRun({ createdAt: `2026-05-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`, sha: `${i}`.repeat(40).slice(0, 40), values: noisy(rng, cv), ...extra }));
  }
  return [...doc!.entries];
}

const current = (seed: number, cv: number, change?: (c: Cell) => number, extra: Partial<MakeRunOptions> = {}): RunResult =>
  makeRun({ createdAt: '2026-06-01T00:00:00.000Z', sha: 'c'.repeat(40), values: noisy(createRng(seed), cv, change), ...extra });

const pr: CompareOptions = { mode: 'pr' };

const cell = (ms: readonly MetricComparison[], scenario: string, metric: string): MetricComparison => {
  const m = ms.find((x) => x.scenario === scenario && x.metric === metric);
  assert.ok(m, `no comparison for ${scenario}/${metric}`);
  return m;
};

test('a clear regression: significant after correction, beyond tolerance, named by the gate', () => {
  const hist = history(10, 1, 0.01);
  const run = current(2, 0.01, (c) => (c.metric === 'tpot_p50' && c.scenario === 'chat' ? 1.12 : 1));
  const result = compare(hist, run, pr);
  const [engine] = result.engines;
  const tpot = cell(engine.metrics, 'chat', 'tpot_p50');
  assert.equal(tpot.verdict, 'regression');
  assert.equal(tpot.baseline.length, 30, '10 runs × 3 repetitions');
  assert.equal(tpot.current.length, 3);
  assert.ok(tpot.ratio! > 1.09 && tpot.ratio! < 1.15, `ratio ${tpot.ratio}`);
  assert.ok(tpot.ci![0] > 1.03 && tpot.ci![1] < 1.2, `ci ${tpot.ci}`);
  assert.ok(tpot.adjustedP! < 0.05 && tpot.adjustedP! >= tpot.pValue!);
  assert.equal(tpot.tolerance, 0.03);
  assert.equal(engine.verdict, 'regression');
  assert.equal(result.gate.passed, false);
  assert.equal(result.gate.verdict, 'regression');
  assert.ok(result.gate.reasons.some((r) => /^sim-vllm \/ chat \/ tpot_p50: \+1\d\.\d% \[\+\d+\.\d%, \+\d+\.\d%\] \(tolerance 3%\)$/.test(r)), result.gate.reasons.join('\n'));
  // The other metrics of the same cell did not move.
  assert.notEqual(cell(engine.metrics, 'chat', 'output_throughput').verdict, 'regression');
});

test('a clear improvement is reported but passes the gate; direction is per metric', () => {
  const hist = history(10, 3, 0.01);
  // Throughput up 15% (higher is better), TTFT down 20% (lower is better): both improvements.
  const run = current(4, 0.01, (c) => (c.metric === 'output_throughput' ? 1.15 : c.metric === 'ttft_p50' ? 0.8 : 1));
  const result = compare(hist, run, pr);
  const ms = result.engines[0].metrics;
  for (const scenario of ['chat', 'burst', SUITE]) {
    assert.equal(cell(ms, scenario, 'output_throughput').verdict, 'improvement', scenario);
    assert.equal(cell(ms, scenario, 'ttft_p50').verdict, 'improvement', scenario);
  }
  assert.equal(result.engines[0].verdict, 'improvement');
  assert.equal(result.gate.passed, true);
  assert.deepEqual(result.gate.reasons, []);
});

test('noise alone is no change or inconclusive, never a regression; inconclusive says how many runs would settle it', () => {
  const hist = history(10, 5, 0.03);
  const result = compare(hist, current(6, 0.03), pr);
  const verdicts = new Set(result.engines[0].metrics.map((m) => m.verdict));
  for (const v of verdicts) assert.ok(v === 'no-change' || v === 'inconclusive', `unexpected ${v}`);
  const inconclusive = result.engines[0].metrics.filter((m) => m.verdict === 'inconclusive');
  assert.ok(inconclusive.length > 0, 'with 3% noise and 3% tolerances some results cannot be settled by one run');
  for (const m of inconclusive) {
    assert.ok(m.runsToSettle === null || (Number.isInteger(m.runsToSettle) && m.runsToSettle > 1), `${m.metric}: ${m.runsToSettle}`);
    assert.ok(m.why === 'too-noisy' || m.why === 'straddles-tolerance', `${m.metric}: ${m.why}`);
    assert.deepEqual(m.runs, { baseline: 10, current: 1 });
  }
  assert.equal(result.gate.passed, true);
});

test('quiet data gives no-change: the interval lies within ±tolerance', () => {
  const result = compare(history(10, 7, 0.002), current(8, 0.002), pr);
  assert.ok(result.engines[0].metrics.every((m) => m.verdict === 'no-change'));
  assert.equal(result.engines[0].verdict, 'no-change');
});

test('runsToSettle grows with the noise it has to beat', () => {
  // Repetitions at −s, 0, +s around the level, 10 stored runs; this run 2% slower on E2E latency,
  // within its 3% tolerance: settled once the interval fits inside ±3%.
  const spread = (s: number, change: number) => (c: Cell) => NOMINAL[c.metric] * (1 + s * (c.rep - 1)) * (c.metric === 'e2el_p50' ? change : 1);
  const settle = (s: number): number | null => {
    let doc: BaselineDoc | null = null;
    for (let i = 0; i < 10; i++) doc = recordRun(doc, makeRun({ createdAt: `2026-05-1${i}T00:00:00.000Z`, values: spread(s, 1) }));
    const m = cell(compare(doc!.entries, makeRun({ values: spread(s, 1.02) }), pr).engines[0].metrics, 'chat', 'e2el_p50');
    assert.ok(Math.abs(m.ratio! - 1.02) < 1e-9);
    return m.verdict === 'inconclusive' ? m.runsToSettle : 0;
  };
  assert.equal(settle(0.002), 0, 'quiet enough to settle now');
  const a = settle(0.01);
  const b = settle(0.015);
  assert.ok(a !== null && b !== null && a > 1 && b > a, `${a} then ${b}`);
  assert.equal(settle(0.05), null, 'beyond what more runs of this job can settle');
});

test('the whole scenario set is compared too: a slowdown in every scenario is caught there', () => {
  const six = ['s1', 's2', 's3', 's4', 's5', 's6'];
  const hist = history(10, 11, 0.03, { scenarios: six });
  const run = current(12, 0.03, (c) => (c.metric === 'tpot_p50' ? 1.06 : 1), { scenarios: six });
  const result = compare(hist, run, pr);
  const suite = cell(result.engines[0].metrics, SUITE, 'tpot_p50');
  assert.equal(suite.current.length, 3);
  assert.equal(suite.baseline.length, 30);
  assert.equal(suite.verdict, 'regression');
  assert.match(result.gate.reasons.join('\n'), /sim-vllm \/ all scenarios \/ tpot_p50: \+/);
  // With 3% noise a 6% change is too small to prove in one scenario after correcting for 63 tests.
  assert.ok(six.filter((s) => cell(result.engines[0].metrics, s, 'tpot_p50').verdict === 'regression').length < 6);
});

test('no baseline: every metric and the engine say so; the gate passes unless told otherwise', () => {
  const run = current(1, 0.01);
  const result = compare([], run, pr);
  assert.equal(result.engines[0].verdict, 'no-baseline');
  assert.equal(result.engines[0].baselineRuns, 0);
  assert.ok(result.engines[0].metrics.every((m) => m.verdict === 'no-baseline' && m.ratio === null && m.current.length === 3));
  assert.equal(result.gate.passed, true);
  const strict = compare([], run, { ...pr, failOnMissingBaseline: true });
  assert.equal(strict.gate.passed, false);
  assert.match(strict.gate.reasons[0], /^sim-vllm: no baseline recorded yet/);
});

test('a history under another scenario set (another file or load generation) is named, not compared', () => {
  const older = history(3, 21, 0.01, { scenarioHash: 'generation-1' });
  const run = current(22, 0.01);
  const result = compare(older, run, pr);
  const [engine] = result.engines;
  assert.equal(engine.verdict, 'no-baseline');
  assert.equal(engine.baselineRuns, 0);
  assert.deepEqual(engine.otherScenarioSet, { hash: 'generation-1', runs: 3, newest: '2026-05-03T00:00:00.000Z' });
  assert.equal(result.gate.passed, true);
  const strict = compare(older, run, { ...pr, failOnMissingBaseline: true });
  assert.match(strict.gate.reasons[0], /^sim-vllm: no baseline recorded yet .*; 3 stored runs under another scenario set \(generation-1, newest 2026-05-03\) not compared: the scenario file changed \(or this store also keeps another set\), or the load this version generates from it$/);
  assert.match(renderReport({ run, comparison: result }), /\*\*sim-vllm\*\*: no baseline yet \(\d+ metrics measured; 3 stored runs under another scenario set \(generation-1, newest 2026-05-03\) not compared/);
  // Once this set has a history of its own, the other set is no longer mentioned.
  const fresh = compare([...older, ...history(2, 23, 0.01)], run, pr);
  assert.equal(fresh.engines[0].baselineRuns, 2);
  assert.equal(fresh.engines[0].otherScenarioSet, undefined);
  // Without any history, nothing is named.
  assert.equal(compare([], run, pr).engines[0].otherScenarioSet, undefined);
});

test('the real upgrade: the H200 history of the default set under load generation 1, against the H100 job of generation 2', () => {
  const read = (path: string): string => readFileSync(new URL(`../../docs/benchmarks/${path}`, import.meta.url), 'utf8');
  const stored = parseBaselineDoc(read('2026-12-01-h200-vllm/session4/loo/history-7.json'), 'history-7.json').entries;
  const job = JSON.parse(read('2026-12-07-h100-vllm-job/job/results.json')) as RunResult;
  // The job was cancelled in its 7th start; its 6 whole runs stand in for a job that finished.
  const whole: RunResult = { ...job, partial: false, engines: job.engines.map((e) => ({ ...e, status: 'ok', error: null, repetitions: e.repetitions.filter((r) => (r.run ?? 0) < 6) })) };
  // Both measured scenarios/default.yml; the load generation in the hash keeps them apart.
  assert.match(whole.scenarioSet.file, /scenarios\/default\.yml$/);
  assert.notEqual(whole.scenarioSet.hash, stored[0].scenarioSetHash);
  const [vllm] = compare(stored, whole, pr).engines;
  assert.equal(vllm.verdict, 'no-baseline');
  assert.deepEqual({ ...vllm.otherScenarioSet, newest: vllm.otherScenarioSet?.newest.slice(0, 10) }, { hash: stored[0].scenarioSetHash, runs: 7, newest: '2026-12-01' });
});

test('a different driver or engine version is not comparable, with the differences listed', () => {
  const hist = history(5, 13, 0.01);
  const upgraded = (engine: string) => ({
    engine: { name: engine, version: '1.1.0' },
    gpu: { name: 'NVIDIA H100 80GB HBM3', count: 1, memoryMiB: 81_559, driver: '580.82.07', cuda: '12.8' },
  });
  const run = current(14, 0.01, undefined, { fingerprint: upgraded });
  const result = compare(hist, run, pr);
  const [engine] = result.engines;
  assert.equal(engine.verdict, 'not-comparable');
  assert.equal(engine.baselineRuns, 0);
  assert.deepEqual(engine.fingerprintDiffs, [
    { field: 'gpu.driver', baseline: '570.124.06', current: '580.82.07' },
    { field: 'engine.version', baseline: '1.0.0', current: '1.1.0' },
  ]);
  assert.ok(engine.metrics.every((m) => m.verdict === 'not-comparable'));

  const anyway = compare(hist, run, { ...pr, allowFingerprintMismatch: true });
  assert.equal(anyway.engines[0].baselineRuns, 5);
  assert.deepEqual(anyway.engines[0].fingerprintDiffs, engine.fingerprintDiffs, 'the differences are kept');
  assert.ok(anyway.engines[0].metrics.every((m) => m.ratio !== null));
});

test('another GPU is not comparable either (its history lives under another key)', () => {
  const hist = history(3, 15, 0.01);
  const a100 = () => ({ gpu: { name: 'NVIDIA A100-SXM4-80GB', count: 1, memoryMiB: 81_920, driver: '570.124.06', cuda: '12.8' } });
  const result = compare(hist, current(16, 0.01, undefined, { fingerprint: a100 }), pr);
  assert.equal(result.engines[0].verdict, 'not-comparable');
  assert.deepEqual(
    result.engines[0].fingerprintDiffs.map((d) => d.field),
    ['gpu.name', 'gpu.memoryMiB'],
  );
});

test('after an upgrade, only the entries recorded with the new software form the baseline', () => {
  const old = history(4, 17, 0.01);
  const newer = history(3, 18, 0.01, { fingerprint: (e) => ({ engine: { name: e, version: '2.0.0' } }) });
  const run = current(19, 0.01, undefined, { fingerprint: (e) => ({ engine: { name: e, version: '2.0.0' } }) });
  const result = compare([...old, ...newer], run, pr);
  assert.equal(result.engines[0].baselineRuns, 3);
  assert.deepEqual(result.engines[0].fingerprintDiffs, []);
});

test('a failed engine is an error that fails the gate, whatever the policy', () => {
  const hist = history(3, 21, 0.01, { engines: ['sim-vllm', 'sim-hf'] });
  const run = current(22, 0.01, undefined, { engines: ['sim-vllm', 'sim-hf'], failed: ['sim-hf'] });
  for (const failOn of ['regression', 'never'] as const) {
    const result = compare(hist, run, { mode: 'baseline', failOn });
    const hf = result.engines.find((e) => e.engine === 'sim-hf')!;
    assert.equal(hf.verdict, 'error');
    assert.deepEqual(hf.metrics, []);
    assert.equal(result.gate.passed, false);
    assert.equal(result.gate.verdict, 'error');
    assert.deepEqual(result.gate.reasons, ['sim-hf: the engine failed: server exited with code 1 before it was ready']);
  }
});

test('tolerances: catalog default, then the scenario, then the user option', () => {
  const hist = history(3, 23, 0.01);
  const run = current(24, 0.01, undefined, { definition: (s) => (s === 'chat' ? { tolerances: { tpot_p50: 0.1, ttft_p95: 0.2 } } : {}) });
  const result = compare(hist, run, { ...pr, tolerances: { ttft_p95: 0.15 } });
  const ms = result.engines[0].metrics;
  assert.equal(cell(ms, 'chat', 'tpot_p50').tolerance, 0.1);
  assert.equal(cell(ms, 'burst', 'tpot_p50').tolerance, 0.03);
  assert.equal(cell(ms, 'chat', 'ttft_p95').tolerance, 0.15);
  assert.equal(cell(ms, SUITE, 'tpot_p50').tolerance, 0.03);
  // A 6% slowdown is within chat's 10% tolerance for TPOT: not a regression there.
  const slower = compare(history(10, 25, 0.01), current(26, 0.01, (c) => (c.metric === 'tpot_p50' && c.scenario === 'chat' ? 1.06 : 1), { definition: (s) => (s === 'chat' ? { tolerances: { tpot_p50: 0.1 } } : {}) }), pr);
  assert.notEqual(cell(slower.engines[0].metrics, 'chat', 'tpot_p50').verdict, 'regression');
});

test('bad tolerances and unknown metric names are refused with where they came from', () => {
  const hist = history(2, 27, 0.01);
  assert.throws(() => compare(hist, current(28, 0.01), { ...pr, tolerances: { tpot: 0.05 } }), /tolerances: unknown metric "tpot"/);
  assert.throws(() => compare(hist, current(28, 0.01), { ...pr, tolerances: { tpot_p50: 5 } }), /tolerances\.tpot_p50: expected a relative tolerance from 0 to below 1 \(0\.05 = 5%\), got 5/);
  assert.throws(() => compare(hist, current(28, 0.01, undefined, { definition: () => ({ limits: { ttft: 100 } }) }), pr), /scenario "chat" limits: unknown metric "ttft"/);
  assert.throws(() => compare(hist, current(28, 0.01), { ...pr, confidence: 95 }), /confidence must be between 0 and 1/);
});

test('zero goodput everywhere is no change; a drop to zero is not silently passed', () => {
  const zero = (c: Cell) => (c.metric === 'goodput' ? 0 : 1);
  const hist = history(5, 29, 0.01, { values: (c) => NOMINAL[c.metric] * zero(c) });
  const same = compare(hist, makeRun({ values: (c) => NOMINAL[c.metric] * zero(c) }), pr);
  assert.equal(cell(same.engines[0].metrics, 'chat', 'goodput').verdict, 'no-change');
  const hist2 = history(10, 31, 0.01);
  const dropped = compare(hist2, current(32, 0.01, (c) => (c.metric === 'goodput' && c.scenario === 'chat' ? 0 : 1)), pr);
  const goodput = cell(dropped.engines[0].metrics, 'chat', 'goodput');
  assert.equal(goodput.verdict, 'regression');
  assert.ok(goodput.ratio! < 0.01);
});

test('history series for charts: each stored run, then this run, per scenario and key metric', () => {
  const hist = history(4, 33, 0.01);
  const run = current(34, 0.01);
  const series = compare(hist, run, pr).engines[0].history;
  assert.deepEqual(
    series.map((s) => `${s.scenario}/${s.metric}`),
    ['chat/output_throughput', 'chat/ttft_p95', 'chat/tpot_p50', 'burst/output_throughput', 'burst/ttft_p95', 'burst/tpot_p50'],
  );
  const tpot = series.find((s) => s.scenario === 'burst' && s.metric === 'tpot_p50')!;
  assert.equal(tpot.points.length, 5);
  assert.deepEqual(tpot.points.map((p) => p.createdAt.slice(0, 10)), ['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-06-01']);
  assert.equal(tpot.points.at(-1)!.sha, 'c'.repeat(40));
  assert.equal(tpot.points.at(-1)!.value, run.engines[0].pooled.find((p) => p.scenario === 'burst')!.tpotMs.p50);
});

test('absolute limits are checked against pooled values with the metric direction; release mode gates on them', () => {
  const hist = history(3, 35, 0.01);
  const run = current(36, 0.01, undefined, { definition: (s) => (s === 'chat' ? { limits: { ttft_p95: 100, output_throughput: 2000, tpot_p50: 50 } } : {}) });
  const pr_ = compare(hist, run, pr);
  assert.deepEqual(
    pr_.sloViolations.map((v) => [v.scenario, v.metric, v.limit]),
    [
      ['chat', 'ttft_p95', 100],
      ['chat', 'output_throughput', 2000],
    ],
  );
  assert.equal(pr_.gate.passed, true, 'limits gate releases only');
  const release = compare(hist, run, { mode: 'release' });
  assert.equal(release.gate.passed, false);
  assert.match(release.gate.reasons.join('\n'), /sim-vllm \/ chat \/ ttft_p95: 15\d(\.\d+)? ms is above the limit 100 ms/);
  assert.match(release.gate.reasons.join('\n'), /sim-vllm \/ chat \/ output_throughput: \d+(\.\d+)? tok\/s is below the limit 2000 tok\/s/);
});

test('schedule mode finds a level shift in the history and fails on it when it is a regression', () => {
  // Runs 0-15 at the nominal TPOT of 20 ms, runs 16-29 and this one 8% slower: a drift no single
  // comparison with the (already shifted) recent history would call a regression.
  const rng = createRng(37);
  let doc: BaselineDoc | null = null;
  const step = (i: number) => (c: Cell) => NOMINAL[c.metric] * Math.exp(0.005 * sampleNormal(rng)) * (c.metric === 'tpot_p50' && i >= 16 ? 1.08 : 1);
  for (let i = 0; i < 30; i++) doc = recordRun(doc, makeRun({ createdAt: `2026-05-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`, sha: `${String.fromCharCode(97 + (i % 26))}${i}`.padEnd(40, '0'), values: step(i) }), 30);
  const run = makeRun({ createdAt: '2026-06-01T00:00:00.000Z', values: step(30) });
  const result = compare(doc!.entries, run, { mode: 'schedule', seed: 3 });
  const shifts = result.changePoints.filter((c) => c.metric === 'tpot_p50');
  // The whole set twice: its plain series and the one net of the run effect the other metrics share (TPOT alone moved).
  assert.deepEqual(shifts.map((c) => [c.scenario, c.index, c.netOfRunEffect ?? false]).sort(), [
    ['all scenarios', 16, false],
    ['all scenarios', 16, true],
    ['burst', 16, false],
    ['chat', 16, false],
  ]);
  assert.equal(shifts[0].sha, 'q16'.padEnd(40, '0'));
  assert.ok(shifts.every((c) => c.pValue < 0.05 && c.after / c.before > 1.06));
  assert.ok(result.changePoints.every((c) => c.metric === 'tpot_p50'), 'nothing else moved');
  assert.equal(result.gate.passed, false);
  assert.match(result.gate.reasons.join('\n'), /sim-vllm \/ chat \/ tpot_p50: level shifted \+8\.\d% from run 17 \(q160000\)/);
  assert.deepEqual(compare(doc!.entries, run, pr).changePoints, [], 'change points are for scheduled runs');
});

test('whole runs that differ: an unchanged run on a slow day is no regression by default, as it would be with repetitions taken as independent', () => {
  // Every run (its repetitions and scenarios alike) is slower or faster by its own factor; the
  // repetitions of one run barely differ. The current run is as slow as the slowest stored runs.
  const days = [-0.04, 0.02, -0.01, 0.04, -0.03, 0.05, 0, -0.02, 0.03, 0.01];
  const rng = createRng(41);
  const slowBy = (day: number) => (c: Cell) => (/throughput|goodput/.test(c.metric) ? 1 / (1 + day) : 1 + day);
  let doc: BaselineDoc | null = null;
  for (const [i, day] of days.entries()) {
    doc = recordRun(doc, makeRun({ createdAt: `2026-05-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`, repetitions: 5, values: noisy(rng, 0.002, slowBy(day)) }));
  }
  const slowDay = makeRun({ createdAt: '2026-06-01T00:00:00.000Z', repetitions: 5, values: noisy(rng, 0.002, slowBy(0.05)) });
  const runs = compare(doc!.entries, slowDay, pr);
  assert.equal(runs.gate.passed, true, runs.gate.reasons.join('\n'));
  assert.equal(cell(runs.engines[0].metrics, 'chat', 'tpot_p50').verdict, 'inconclusive');
  const pooled = compare(doc!.entries, slowDay, { ...pr, variance: 'pooled' });
  assert.equal(pooled.gate.passed, false, 'taken as independent, the repetitions make the slow day a regression');
  assert.equal(cell(pooled.engines[0].metrics, 'chat', 'tpot_p50').verdict, 'regression');
  // A real slowdown well beyond the days' spread is still caught.
  const slower = compare(doc!.entries, makeRun({ createdAt: '2026-06-02T00:00:00.000Z', repetitions: 5, values: noisy(rng, 0.002, slowBy(0.3)) }), pr);
  assert.equal(cell(slower.engines[0].metrics, 'chat', 'tpot_p50').verdict, 'regression');
});

test('a window compares with the newest W matching runs only; a bad window is refused', () => {
  const hist = history(10, 43, 0.01);
  const run = current(44, 0.01);
  assert.equal(compare(hist, run, pr).engines[0].baselineRuns, 10);
  const windowed = compare(hist, run, { ...pr, window: 3 });
  assert.equal(windowed.engines[0].baselineRuns, 3);
  // The newest three: their values, in order, are what the cells compare with.
  const chat = cell(windowed.engines[0].metrics, 'chat', 'tpot_p50');
  const newest = hist.slice(-3).flatMap((e) => e.scenarios.chat!.values.tpot_p50);
  assert.deepEqual(chat.baseline, newest);
  assert.throws(() => compare(hist, run, { ...pr, window: 0 }), /window must be a whole number of runs ≥ 1, got 0/);
});

test('a short history says so, yet a change far outside anything it shows is caught', () => {
  // Three stored runs whose throughput varies 0.2%; this job's two runs are 15% slower.
  const rng = createRng(61);
  let doc: BaselineDoc | null = null;
  for (let i = 0; i < 3; i++) doc = recordRun(doc, makeRun({ createdAt: `2026-05-0${i + 1}T00:00:00.000Z`, repetitions: 2, values: noisy(rng, 0.002) }));
  const slow = makeRun({ createdAt: '2026-06-01T00:00:00.000Z', repetitions: 2, runs: 2, values: noisy(rng, 0.002, (c) => (c.metric === 'output_throughput' ? 0.85 : 1)) });
  const result = compare(doc!.entries, slow, { mode: 'pr', confidence: 0.99 });
  assert.equal(cell(result.engines[0].metrics, SUITE, 'output_throughput').verdict, 'regression');
  assert.deepEqual(cell(result.engines[0].metrics, 'chat', 'output_throughput').runs, { baseline: 3, current: 2 });
  // A 7% change (tolerance 7.5%) against that history cannot be told from run-to-run noise: inconclusive, "too few runs".
  const small = makeRun({ createdAt: '2026-06-02T00:00:00.000Z', repetitions: 2, values: noisy(rng, 0.002, (c) => (c.metric === 'ttft_p95' ? 1.07 : 1)) });
  const one = compare(doc!.entries, small, { mode: 'pr', confidence: 0.99 });
  const ttft = cell(one.engines[0].metrics, 'chat', 'ttft_p95');
  assert.equal(ttft.verdict, 'inconclusive');
  assert.equal(ttft.why, 'too-few-runs');
  // One stored run and one current run: nothing bounds the run-to-run noise.
  const lone = compare(recordRun(null, makeRun({ values: noisy(rng, 0.002) })).entries, small, pr);
  assert.ok(lone.engines[0].metrics.every((m) => m.verdict === 'inconclusive' && m.why === 'too-few-runs' && m.ratio === null));
  assert.equal(lone.gate.passed, true);
});

test("zero spread: a baseline of identical repetitions does not make an unchanged noisy run a regression; identical samples are no change", () => {
  let doc: BaselineDoc | null = null;
  for (let i = 0; i < 10; i++) doc = recordRun(doc, makeRun({ createdAt: `2026-05-${String(i + 1).padStart(2, '0')}T00:00:00.000Z` }));
  let alarms = 0;
  for (let seed = 0; seed < 20; seed++) {
    const c = compare(doc!.entries, current(100 + seed, 0.02, undefined, { runs: 2, repetitions: 2 }), { mode: 'pr', confidence: 0.99 });
    if (!c.gate.passed) alarms++;
  }
  assert.equal(alarms, 0, `${alarms} of 20 unchanged noisy jobs failed against a constant baseline`);
  // Whole runs of the current job differing (a run effect) while their repetitions agree: the only
  // spread is the current job's, over 1 degree of freedom. Values whose mean over the history is not
  // exactly representable (ln 8 ten times) once left a ~1e-30 "spread" that made this certain.
  let runAlarms = 0;
  for (let seed = 0; seed < 20; seed++) {
    const rng = createRng(200 + seed);
    const day = [Math.exp(0.03 * sampleNormal(rng)), Math.exp(0.03 * sampleNormal(rng))];
    const c = compare(doc!.entries, current(300 + seed, 0.001, (x) => day[x.run], { runs: 2, repetitions: 2 }), { mode: 'pr', confidence: 0.99 });
    if (!c.gate.passed) runAlarms++;
  }
  assert.equal(runAlarms, 0, `${runAlarms} of 20 unchanged jobs with a run effect failed against a constant baseline`);
  const same = compare(doc!.entries, makeRun({ createdAt: '2026-06-01T00:00:00.000Z' }), pr);
  for (const m of same.engines[0].metrics) {
    assert.equal(m.pValue, 1, `${m.scenario}/${m.metric}`);
    assert.equal(m.verdict, 'no-change');
  }
});

test('bad values in the current run are errors, never numbers: NaN, Infinity, negative, an empty distribution', () => {
  const hist = history(10, 71, 0.01);
  for (const [label, bad] of [['NaN', NaN], ['Infinity', Infinity], ['negative', -5]] as const) {
    const run = current(72, 0.01, (c) => (c.metric === 'ttft_p95' && c.scenario === 'chat' && c.rep === 1 ? bad / NOMINAL.ttft_p95 : 1));
    const result = compare(hist, run, pr);
    const m = cell(result.engines[0].metrics, 'chat', 'ttft_p95');
    assert.equal(m.verdict, 'error', label);
    assert.equal(result.gate.passed, false, label);
    assert.ok(result.engines[0].metrics.every((x) => x.ratio === null || Number.isFinite(x.ratio)), label);
  }
  // Every request produced at most one token: no TPOT at all, which is not "TPOT 0 ms, an improvement".
  const run = current(73, 0.01);
  for (const rep of run.engines[0].repetitions) (rep.scenarios[0] as { tpotMs: unknown }).tpotMs = { n: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, min: 0, max: 0 };
  const result = compare(hist, run, pr);
  assert.equal(cell(result.engines[0].metrics, 'chat', 'tpot_p50').verdict, 'error');
  assert.match(result.gate.reasons.join('\n'), /sim-vllm \/ chat: tpot_p50 has no value \(no request produced it\) in run 1, repetition 0/);
});

test('0 ms TTFT or TPOT, or 0 tok/s, in the current job is an error naming the cell, never a −100% improvement', () => {
  const hist = history(10, 74, 0.01);
  for (const metric of ['ttft_p50', 'tpot_p50', 'output_throughput']) {
    const run = current(75, 0.01, (c) => (c.metric === metric && c.scenario === 'chat' && c.rep === 1 ? 0 : 1), { runs: 2, repetitions: 2 });
    const result = compare(hist, run, pr);
    const m = cell(result.engines[0].metrics, 'chat', metric);
    assert.equal(m.verdict, 'error', metric);
    assert.equal(m.ratio, null, metric);
    assert.equal(result.gate.passed, false, metric);
    assert.ok(result.gate.reasons.includes(`sim-vllm / chat: ${metric} is 0, expected a finite number above 0 in run 1, repetition 1`), result.gate.reasons.join('\n'));
    assert.ok(!result.engines[0].metrics.some((x) => x.verdict === 'improvement'), metric);
  }
  // Goodput 0 is a measurement (no request met its SLO): judged, not an error.
  const none = compare(hist, current(76, 0.01, (c) => (c.metric === 'goodput' ? 0 : 1), { runs: 2, repetitions: 2 }), pr);
  assert.equal(cell(none.engines[0].metrics, 'chat', 'goodput').verdict, 'regression');
});

test('release = non-inferiority: unchanged releases pass, one that could be worse than the tolerance does not', () => {
  const six = ['s1', 's2', 's3', 's4', 's5', 's6'];
  const rng = createRng(81);
  let doc: BaselineDoc | null = null;
  for (let i = 0; i < 15; i++) {
    doc = recordRun(doc, makeRun({ createdAt: `2026-05-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`, scenarios: six, repetitions: 2, runs: 2, values: noisy(rng, 0.01) }), 30);
  }
  const recipe: CompareOptions = { mode: 'release', confidence: 0.99, failOn: 'inconclusive' };
  const unchanged = compare(doc!.entries, makeRun({ scenarios: six, repetitions: 2, runs: 4, values: noisy(rng, 0.01) }), recipe);
  assert.equal(unchanged.gate.passed, true, unchanged.gate.reasons.join('\n'));
  const suite = cell(unchanged.engines[0].metrics, SUITE, 'output_throughput');
  assert.equal(suite.nonInferior, true);
  assert.ok(suite.worstPlausible! > 0.97 && suite.worstPlausible! < 1, `${suite.worstPlausible}`);
  // 2.8% slower: within the 3% tolerance, but its one-sided bound is past −3%.
  const slower = compare(doc!.entries, makeRun({ scenarios: six, repetitions: 2, runs: 4, values: noisy(rng, 0.01, (c) => (c.metric === 'output_throughput' ? 0.972 : 1)) }), recipe);
  const bad = cell(slower.engines[0].metrics, SUITE, 'output_throughput');
  assert.ok(bad.ratio! > 0.97, `estimate ${bad.ratio}`);
  assert.equal(bad.nonInferior, false);
  assert.equal(slower.gate.passed, false);
  assert.match(slower.gate.reasons.join('\n'), /sim-vllm \/ all scenarios \/ output_throughput: not shown within tolerance for a release: could be as bad as -3\.\d% \(tolerance 3%\)/);
});

test('the report learns which part of the noise dominates, from the history', () => {
  const rng = createRng(91);
  let doc: BaselineDoc | null = null;
  for (let i = 0; i < 12; i++) {
    const day = Math.exp(0.04 * sampleNormal(rng));
    doc = recordRun(doc, makeRun({ createdAt: `2026-05-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`, repetitions: 3, values: noisy(rng, 0.002, () => day) }));
  }
  const m = cell(compare(doc!.entries, current(92, 0.002), pr).engines[0].metrics, 'chat', 'tpot_p50');
  assert.equal(m.noise?.dominant, 'run-to-run');
  assert.ok(m.noise!.runToRun > 0.02 && m.noise!.repetition < 0.005, JSON.stringify(m.noise));
});

test('failed requests above max-failure-rate make the engine × scenario an error: named, failing, never recorded', () => {
  const hist = history(10, 95, 0.01);
  const run = current(96, 0.01);
  for (const rep of run.engines[0].repetitions) {
    const s = rep.scenarios.find((x) => x.scenario === 'burst') as { failed: number; completed: number; errors: Record<string, number> };
    s.failed = 64;
    s.completed = 0;
    s.errors = { 'http 400': 64 };
  }
  const result = compare(hist, run, { mode: 'pr', failOn: 'never' });
  assert.ok(cell(result.engines[0].metrics, 'burst', 'output_throughput').verdict === 'error');
  assert.equal(cell(result.engines[0].metrics, 'chat', 'output_throughput').verdict !== 'error', true);
  assert.equal(result.gate.passed, false);
  assert.deepEqual(result.gate.reasons, ['sim-vllm / burst: 192 of 192 requests failed (100%, more than max-failure-rate 0%): 192× http 400']);
  assert.throws(() => recordRun(null, run), /cannot record a baseline: engine sim-vllm, scenario burst: 192 of 192 requests failed/);
  // Allowed by the threshold: compared as usual.
  assert.notEqual(cell(compare(hist, run, { mode: 'pr', maxFailureRate: 1 }).engines[0].metrics, 'burst', 'ttft_p95').verdict, 'error');
});

/**
 * Ten stored runs of three scenarios, each run faster or slower by its own factor in every scenario
 * and metric alike (a card, a neighbour), its repetitions barely differing; `job` draws a job of
 * two runs, a 5% slower and a 4% faster start, with `change` on top.
 */
function runEffectHistory(seed: number): { doc: BaselineDoc; job: (change: (c: Cell) => number, at: string) => RunResult } {
  const days = [-0.04, 0.02, -0.01, 0.04, -0.03, 0.05, 0, -0.02, 0.03, 0.01];
  const scenarios = ['chat', 'long', 'burst'];
  const rng = createRng(seed);
  const slowBy = (day: number, change: (c: Cell) => number) => (c: Cell) => (/throughput|goodput/.test(c.metric) ? 1 / (1 + day) : 1 + day) * change(c);
  let doc: BaselineDoc | null = null;
  for (const [i, day] of days.entries()) {
    doc = recordRun(doc, makeRun({ scenarios, createdAt: `2026-05-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`, repetitions: 3, values: noisy(rng, 0.002, slowBy(day, () => 1)) }));
  }
  const job = (change: (c: Cell) => number, at: string) =>
    makeRun({ scenarios, createdAt: at, runs: 2, repetitions: 3, values: (c) => noisy(rng, 0.002, slowBy([0.05, -0.04][c.run], change))(c) });
  return { doc: doc!, job };
}

test('a regression in one scenario is caught through its contrast with the rest of the set when whole runs differ by more than it', () => {
  // Against whole runs that differ, long's TPOT gets 10% slower in the current job only.
  const { doc, job } = runEffectHistory(43);
  const longSlower = (c: Cell) => (c.scenario === 'long' && c.metric === 'tpot_p50' ? 1.1 : 1);
  const caught = compare(doc.entries, job(longSlower, '2026-06-01T00:00:00.000Z'), pr);
  const m = cell(caught.engines[0].metrics, 'long', 'tpot_p50');
  assert.equal(m.verdict, 'regression');
  assert.equal(m.contrast?.decided, true, 'decided by the contrast');
  assert.ok(m.contrast.ratio > 1.09 && m.contrast.ratio < 1.11, `contrast ${m.contrast.ratio}`);
  assert.ok(m.contrast.ci[0] > 1.03, `contrast interval ${m.contrast.ci}`);
  assert.equal(caught.gate.passed, false);
  assert.match(caught.gate.reasons.join('\n'), /long \/ tpot_p50: \+\d+\.\d% \[[^\]]+\]; against the other scenarios \+\d+\.\d% \[\+\d+\.\d%, \+\d+\.\d%\]/);
  // Without the contrasts the same job passes: the run-to-run spread hides the change.
  const blind = compare(doc.entries, job(longSlower, '2026-06-02T00:00:00.000Z'), { ...pr, contrasts: false });
  assert.notEqual(cell(blind.engines[0].metrics, 'long', 'tpot_p50').verdict, 'regression');
  // The other scenarios' contrasts say "better than the rest", which is no regression.
  assert.equal(cell(caught.engines[0].metrics, 'chat', 'tpot_p50').verdict === 'regression', false);
  // A scenario that merely missed an improvement the others got is not called worse.
  const othersFaster = (c: Cell) => (c.scenario !== 'long' && c.metric === 'tpot_p50' ? 0.9 : 1);
  const missed = compare(doc.entries, job(othersFaster, '2026-06-03T00:00:00.000Z'), pr);
  const l = cell(missed.engines[0].metrics, 'long', 'tpot_p50');
  assert.ok(l.contrast && l.contrast.ci[0] > 1.05, 'long is clearly slower than the rest');
  assert.notEqual(l.verdict, 'regression');
  assert.equal(l.contrast.decided, false);
});

test('a throughput loss hidden in whole runs that differ by more is caught through the whole set net of the run effect; a slowdown of every metric alike is left to the plain test', () => {
  // Against whole runs that differ in every metric alike, the current job's output tokens/s is 5%
  // lower everywhere, while its runs drew a 5% slower and a 4% faster start.
  const { doc, job } = runEffectHistory(44);
  const lowerThroughput = (c: Cell) => (c.metric === 'output_throughput' ? 0.95 : 1);
  const caught = compare(doc.entries, job(lowerThroughput, '2026-06-01T00:00:00.000Z'), pr);
  const m = cell(caught.engines[0].metrics, SUITE, 'output_throughput');
  assert.equal(m.verdict, 'regression');
  assert.equal(m.contrast?.decided, true, 'decided by the contrast');
  assert.ok(m.contrast.ratio > 0.94 && m.contrast.ratio < 0.96, `contrast ${m.contrast.ratio}`);
  assert.ok(m.contrast.ci[1] < 0.97, `contrast interval ${m.contrast.ci}`);
  assert.equal(caught.gate.passed, false);
  assert.match(caught.gate.reasons.join('\n'), /all scenarios \/ output_throughput: -\d+\.\d% \[[^\]]+\]; against the engine's other metrics -\d+\.\d% \[-\d+\.\d%, -\d+\.\d%\]/);
  // Only throughput moved: no other metric's whole-set contrast is a regression.
  assert.deepEqual(caught.engines[0].metrics.filter((x) => x.scenario === SUITE && x.verdict === 'regression').map((x) => x.metric), ['output_throughput']);
  // Without the contrasts the same job passes: the runs' spread hides the loss.
  const blind = compare(doc.entries, job(lowerThroughput, '2026-06-02T00:00:00.000Z'), { ...pr, contrasts: false });
  assert.notEqual(cell(blind.engines[0].metrics, SUITE, 'output_throughput').verdict, 'regression');
  // Every metric 5% slower alike cancels in the contrasts: none of them decides anything.
  const everything = compare(doc.entries, job(() => 1, '2026-06-03T00:00:00.000Z'), pr);
  const slower = compare(doc.entries, job((c) => (/throughput|goodput/.test(c.metric) ? 1 / 1.05 : 1.05), '2026-06-04T00:00:00.000Z'), pr);
  for (const x of slower.engines[0].metrics.filter((x) => x.scenario === SUITE)) {
    assert.equal(x.contrast?.decided, false, `${x.metric}: ${JSON.stringify(x.contrast)}`);
    const same = cell(everything.engines[0].metrics, SUITE, x.metric).contrast!;
    assert.ok(Math.abs(x.contrast.ratio / same.ratio - 1) < 0.01, `${x.metric}: ${x.contrast.ratio} against ${same.ratio} unchanged`);
  }
  // Throughput that merely missed an improvement every other metric got is not called worse.
  const othersFaster = compare(doc.entries, job((c) => (c.metric === 'output_throughput' ? 1 : /throughput|goodput/.test(c.metric) ? 1.1 : 0.9), '2026-06-05T00:00:00.000Z'), pr);
  const t = cell(othersFaster.engines[0].metrics, SUITE, 'output_throughput');
  assert.ok(t.contrast && t.contrast.ci[1] < 0.95, `throughput is clearly below the rest: ${JSON.stringify(t.contrast)}`);
  assert.notEqual(t.verdict, 'regression');
  assert.equal(t.contrast.decided, false);
});

/**
 * Values with one noisy scenario among quiet ones, as on a real GPU (TPOT p50 on burst scatters
 * ~6× more than elsewhere): each run draws a run effect per scenario (and `shared`, one per run for
 * every scenario), each repetition its own noise, both with the scenario's CV.
 */
function uneven(rng: Rng, cvs: Readonly<Record<string, number>>, shared: number, change: (c: Cell) => number = () => 1): (c: Cell) => number {
  const runEffects = new Map<string, number>();
  const runEffect = (key: string, cv: number): number => {
    if (!runEffects.has(key)) runEffects.set(key, Math.exp(cv * sampleNormal(rng)));
    return runEffects.get(key)!;
  };
  return (c) => NOMINAL[c.metric] * runEffect(`${c.run}`, shared) * runEffect(`${c.run}|${c.scenario}|${c.metric}`, cvs[c.scenario]) * Math.exp(cvs[c.scenario] * sampleNormal(rng)) * change(c);
}

const SIX = ['s1', 's2', 's3', 's4', 's5', 's6'];
const ONE_NOISY = { s1: 0.06, s2: 0.005, s3: 0.005, s4: 0.005, s5: 0.005, s6: 0.005 };

function unevenHistory(rng: Rng, runs: number, shared: number): BaselineEntry[] {
  let doc: BaselineDoc | null = null;
  for (let i = 0; i < runs; i++) doc = recordRun(doc, makeRun({ scenarios: SIX, repetitions: 2, createdAt: `2026-05-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`, values: uneven(rng, ONE_NOISY, shared) }));
  return [...doc!.entries];
}

test('the whole-set cell weighs each scenario by how its repetitions scatter: one noisy scenario no longer hides a slowdown of every scenario', () => {
  const rng = createRng(31);
  const hist = unevenHistory(rng, 3, 0);
  const run = makeRun({ scenarios: SIX, repetitions: 2, runs: 2, createdAt: '2026-06-01T00:00:00.000Z', values: uneven(rng, ONE_NOISY, 0, (c) => (c.metric === 'tpot_p50' ? 1.06 : 1)) });
  const suite = cell(compare(hist, run, { mode: 'pr', confidence: 0.99 }).engines[0].metrics, SUITE, 'tpot_p50');
  // Equal weights: the noisy scenario's run-to-run spread (6%/6 = 1% per run summary) leaves 3 degrees of freedom nowhere near significance at the family's α.
  assert.equal(suite.verdict, 'regression', JSON.stringify({ ratio: suite.ratio, ci: suite.ci, adjustedP: suite.adjustedP }));
  assert.ok(Math.abs(suite.ratio! - 1.06) < 0.01, `${suite.ratio}`);
});

test('weights read from the repetitions keep the whole-set test at its level: unchanged jobs, a run effect shared by every scenario, 3 stored runs', () => {
  const rng = createRng(32);
  const trials = 300;
  let below = 0;
  for (let i = 0; i < trials; i++) {
    const hist = unevenHistory(rng, 3, 0.03);
    const run = makeRun({ scenarios: SIX, repetitions: 2, runs: 2, createdAt: '2026-06-01T00:00:00.000Z', values: uneven(rng, ONE_NOISY, 0.03) });
    const suites = compare(hist, run, { mode: 'pr' }).engines[0].metrics.filter((m) => m.scenario === SUITE);
    below += suites.filter((m) => m.pValue! < 0.1).length / suites.length;
  }
  // P(p < 0.1) is 0.1 for a test at its level; 300 trials of 9 correlated metrics: ± ~0.03.
  const share = below / trials;
  assert.ok(share > 0.06 && share < 0.14, `share of whole-set p-values below 0.1: ${share}`);
});

test('zero spread and the trend prior: against 60 identical stored runs the contrasts are not moderated by a within-run variance the history only pretends to have', () => {
  const six = ['s1', 's2', 's3', 's4', 's5', 's6'];
  let doc: BaselineDoc | null = null;
  for (let i = 0; i < 30; i++) doc = recordRun(doc, makeRun({ scenarios: six, runs: 2, repetitions: 2, createdAt: new Date(Date.UTC(2026, 4, 1, i)).toISOString() }), 60);
  let alarms = 0;
  for (let seed = 0; seed < 150; seed++) {
    if (!compare(doc!.entries, current(500 + seed, 0.05, undefined, { scenarios: six, runs: 2, repetitions: 2 }), { mode: 'pr', confidence: 0.99 }).gate.passed) alarms++;
  }
  // Pooled over both sides, 60 runs of no spread gave each contrast ~62 within-run degrees of freedom from 2 runs' worth of information: 1.7% of such jobs failed.
  assert.ok(alarms <= 1, `${alarms} of 150 unchanged noisy jobs failed against a constant history of 60 runs`);
});

test('capped shares: proportional, summing to 1, none above the cap, the excess spread over the rest in proportion', () => {
  const close = (a: readonly number[], b: readonly number[]): void => a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-12, `${a} vs ${b}`));
  close(cappedShares([1, 1, 2], 1), [0.25, 0.25, 0.5]);
  // 100 would take 94%: capped at 1/3, the others split the remaining 2/3 as 1 : 2 : 3.
  close(cappedShares([100, 1, 2, 3], 1 / 3), [1 / 3, 1 / 9, 2 / 9, 1 / 3]);
  const shares = cappedShares([50, 40, 1, 1, 1, 1], 1 / 3);
  close([shares.reduce((a, b) => a + b, 0)], [1]);
  assert.ok(shares.every((x) => x <= 1 / 3 + 1e-12), `${shares}`);
});
