import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noiseTable, renderNoise, renderShared } from '../../src/report/noise.ts';
import type { RunResult, ScenarioSummary } from '../../src/types.ts';
import { runResult } from '../helpers/fixtures.ts';

/** The fixture run with every repetition's output throughput replaced by the given values. */
function withThroughput(values: readonly number[]): RunResult {
  const base = runResult();
  return {
    ...base,
    engines: base.engines.map((e) => ({
      ...e,
      repetitions: e.repetitions.map((r, i) => ({
        ...r,
        scenarios: r.scenarios.map((s): ScenarioSummary => ({ ...s, outputThroughput: values[i] })),
      })),
    })),
  };
}

test('CV between repetitions and between run means, per engine × scenario × metric', () => {
  const runs = [withThroughput([100, 102, 98]), withThroughput([110, 112, 108]), withThroughput([90, 92, 88])];
  const rows = noiseTable(runs).rows.filter((r) => r.metric === 'output_throughput');
  const scenarios = runs[0].scenarioSet.names.length;
  assert.equal(rows.length, runs[0].engines.length * scenarios);
  const all = [100, 102, 98, 110, 112, 108, 90, 92, 88];
  const mean = all.reduce((a, b) => a + b) / all.length;
  const sd = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / (all.length - 1));
  for (const r of rows) {
    assert.equal(r.runs, 3);
    assert.equal(r.repetitions, 9);
    assert.ok(Math.abs(r.mean - 100) < 1e-9);
    assert.ok(Math.abs(r.cvRepetition - sd / mean) < 1e-12);
    // Run means 100, 110, 90: sd 10 around 100.
    assert.ok(Math.abs(r.cvRun - 0.1) < 1e-12);
  }
  const md = renderNoise(rows);
  assert.match(md, /\| CV per repetition \| CV of run means \|/);
  // Three significant digits (8.83%, not 8.8%): bench:gate takes within-run noise from the difference of the two squared.
  assert.match(md, /\| 8\.83% \| 10% \|/);
});

test('a results file of several engine starts (--runs) counts each start as a run', () => {
  // One job of 3 engine starts × 3 repetitions, with the figures of the three one-start results above.
  const values = [100, 102, 98, 110, 112, 108, 90, 92, 88];
  const base = runResult();
  const job: RunResult = {
    ...base,
    engines: base.engines.map((e) => ({
      ...e,
      repetitions: values.map((v, i) => ({
        ...e.repetitions[0],
        index: i,
        run: Math.floor(i / 3),
        scenarios: e.repetitions[0].scenarios.map((s): ScenarioSummary => ({ ...s, outputThroughput: v })),
      })),
    })),
  };
  const rows = noiseTable([job]).rows.filter((r) => r.metric === 'output_throughput');
  assert.ok(rows.length > 0);
  for (const r of rows) {
    assert.equal(r.runs, 3);
    assert.equal(r.repetitions, 9);
    assert.ok(Math.abs(r.cvRun - 0.1) < 1e-12);
  }
});

test('an engine start cut short is left out and named; the complete starts of a cancelled engine count', () => {
  // A job of 3 starts × 2 repetitions, cancelled in its third start after one repetition.
  const values = [100, 102, 110, 112, 50];
  const base = runResult();
  const job: RunResult = {
    ...base,
    repetitions: 2,
    partial: true,
    engines: base.engines.map((e) => ({
      ...e,
      status: 'failed',
      error: 'cancelled',
      repetitions: values.map((v, i) => ({
        ...e.repetitions[0],
        index: i,
        run: Math.floor(i / 2),
        scenarios: e.repetitions[0].scenarios.map((s): ScenarioSummary => ({ ...s, outputThroughput: v })),
      })),
    })),
  };
  const { rows, leftOut } = noiseTable([job], ['job7']);
  const thr = rows.filter((r) => r.metric === 'output_throughput');
  assert.equal(thr.length, base.engines.length * base.scenarioSet.names.length);
  for (const r of thr) {
    assert.equal(r.runs, 2);
    assert.equal(r.repetitions, 4);
    // Run means 101 and 111: the cut start's 50 would have pulled the mean to 94.8.
    assert.ok(Math.abs(r.mean - 106) < 1e-9);
  }
  assert.deepEqual(leftOut, base.engines.map((e) => `job7: ${e.engine} run 3 holds 1 of 2 repetitions (${e.engine} failed: cancelled)`));
});

test('scenarios with no completed request are left out', () => {
  const run = runResult();
  const none: RunResult = {
    ...run,
    engines: run.engines.map((e, i) => (i === 0 ? { ...e, repetitions: e.repetitions.map((r) => ({ ...r, scenarios: r.scenarios.map((s) => ({ ...s, completed: 0 })) })) } : e)),
  };
  const { rows, leftOut } = noiseTable([none, none]);
  assert.ok(rows.length > 0);
  assert.ok(rows.every((r) => r.engine === run.engines[1].engine));
  assert.deepEqual(leftOut, []);
});

test('the whole-set rows: a speed every metric of a run shares is the plain spread and leaves nothing net of the run effect; one metric moving alone keeps its own', () => {
  // Three one-start results; each run is slower or faster by its own factor in every scenario and metric.
  const speeds = [1, 1.04, 0.97];
  const slowed = (speed: number, ownThroughput: number): RunResult => {
    const base = runResult();
    const scale = (d: ScenarioSummary['ttftMs']) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, typeof v === 'number' ? v * speed : v])) as ScenarioSummary['ttftMs'];
    return {
      ...base,
      engines: base.engines.map((e) => ({
        ...e,
        repetitions: e.repetitions.map((r) => ({
          ...r,
          scenarios: r.scenarios.map((s): ScenarioSummary => ({
            ...s,
            outputThroughput: (s.outputThroughput / speed) * ownThroughput,
            requestThroughput: s.requestThroughput / speed,
            goodput: s.goodput / speed,
            ttftMs: scale(s.ttftMs),
            tpotMs: scale(s.tpotMs),
            itlMs: scale(s.itlMs),
            e2elMs: scale(s.e2elMs),
          })),
        })),
      })),
    };
  };
  const { shared } = noiseTable(speeds.map((f, i) => slowed(f, i === 2 ? 0.9 : 1)));
  const vllm = new Map(shared.filter((r) => r.engine === 'vllm').map((r) => [r.metric, r]));
  const speedCv = Math.sqrt(speeds.map((f) => (f - 1.0033333333333334) ** 2).reduce((a, b) => a + b) / 2) / 1.0033333333333334;
  for (const metric of ['ttft_p50', 'tpot_p50', 'e2el_p50']) {
    const r = vllm.get(metric)!;
    assert.equal(r.runs, 3);
    assert.ok(r.cvRunNet < 1e-9, `${metric}: net ${r.cvRunNet}`);
    assert.ok(Math.abs(r.cvRun / speedCv - 1) < 0.02, `${metric}: plain ${r.cvRun} against the speeds' ${speedCv}`);
  }
  // Output tokens/s lost 10% in the third run on top of its speed: that loss is what is left net of the run effect.
  const thr = vllm.get('output_throughput')!;
  const lost = [1, 1, 0.9];
  const lostCv = Math.sqrt(lost.map((x) => (x - 0.9666666666666667) ** 2).reduce((a, b) => a + b) / 2) / 0.9666666666666667;
  assert.ok(Math.abs(thr.cvRunNet / lostCv - 1) < 1e-9, `net ${thr.cvRunNet} against ${lostCv}`);
  assert.match(renderShared(shared), /\| vllm \| ttft_p50 \| [\d.]+% \| 0% \| 3 \|/);
  // One start per engine: no run-to-run spread to read.
  assert.deepEqual(noiseTable([slowed(1, 1)]).shared, []);
});
