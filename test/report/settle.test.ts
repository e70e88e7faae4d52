import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../../src/report/markdown.ts';
import { settleHint } from '../../src/report/outcome.ts';
import { sequentialLine } from '../../src/report/sequential.ts';
import { terminalSummary } from '../../src/report/terminal.ts';
import type { Comparison, MetricComparison, RunResult, SequentialRecord } from '../../src/types.ts';
import { comparison, runResult } from '../helpers/fixtures.ts';

// The advice that settles an inconclusive cell names the input that buys the runs as the job ran:
// `runs` in a job that compares once; in a sequential job `max-runs` where the cell needs more runs
// than it allows, `time-budget` where the budget stopped the job, and `runs` only for a cell the
// design adds no run for. The fixture's one open cell is vllm · poisson-4rps · TTFT p95 (+7.1%,
// tolerance 7.5%, 8 runs per job settle it).

const OPEN = (m: MetricComparison): boolean => m.engine === 'vllm' && m.scenario === 'poisson-4rps' && m.metric === 'ttft_p95';

/** A sequential job's record: 5 runs of ≈ 620 s each (vLLM and transformers), stopped at look 4 of 15. */
function record(over: Partial<SequentialRecord>): SequentialRecord {
  return { runs: 5, looks: 4, plannedLooks: 15, lookConfidence: 1 - 0.01 / 52, stopped: 'futile', maxRuns: 16, budgetS: 3600, measuredS: 3100, failOn: 'regression', ...over };
}

/** The fixture's run and comparison as a sequential job; `cell` changes the open cell (past its tolerance: a cell worth a run). */
function job(seq: SequentialRecord | undefined, cell: Partial<MetricComparison> = {}): { run: RunResult; comparison: Comparison } {
  const c = comparison();
  const engines = c.engines.map((e) => ({ ...e, metrics: e.metrics.map((m) => (OPEN(m) ? { ...m, ...cell } : m)) }));
  const run = runResult();
  return seq ? { run: { ...run, runs: seq.runs, sequential: seq }, comparison: { ...c, engines, sequential: seq } } : { run, comparison: { ...c, engines } };
}

const PAST = { ratio: 1.2, ci: [0.9, 1.6] as [number, number] };

/** The vllm verdict line, the open cell's reading, and the terminal's vllm line. */
function advice(j: { run: RunResult; comparison: Comparison }): { line: string; cell: string; terminal: string } {
  const md = renderReport(j);
  const lines = md.split('\n');
  return {
    line: lines.find((l) => l.startsWith('- **vllm**'))!,
    cell: lines.find((l) => /\| poisson-4rps \| TTFT p95/.test(l))!,
    terminal: terminalSummary(j.run, j.comparison).split('\n').find((l) => l.startsWith('  vllm:'))!,
  };
}

test('a job that compares once: runs per job are bought with `runs`', () => {
  const a = advice(job(undefined, PAST));
  assert.match(a.line, /8 runs per job \(`runs: 8`\) would settle 1 TTFT cell$/);
  assert.match(a.cell, /🟡 straddles the tolerance; `runs: 8` settles it \|/);
  assert.match(a.terminal, /8 runs per job \(--runs 8\) would settle 1 TTFT cell$/);
});

test('a sequential job stopped as futile: a cell worth a run needs a larger max-runs, never more `runs`', () => {
  const a = advice(job(record({ stopped: 'futile' }), { ...PAST, runsToSettle: 20 }));
  assert.match(a.line, /20 runs per job \(`max-runs: 20`\) would settle 1 TTFT cell$/);
  assert.match(a.cell, /`max-runs: 20` settles it \|/);
  assert.match(a.terminal, /20 runs per job \(--max-runs 20\) would settle 1 TTFT cell$/);
  for (const text of Object.values(a)) assert.doesNotMatch(text, /`runs: |--runs /);
  assert.equal(settleHint(job(record({}), { ...PAST, runsToSettle: 20 }).comparison.engines[0].metrics.filter(OPEN), record({})), 'a larger max-runs would settle it');
});

test('a sequential job the budget stopped: the time-budget that fits the runs at the job\'s mean run time', () => {
  // 8 runs at 3100 s / 5 = 620 s each: 4960 s, 83 minutes rounded up.
  const a = advice(job(record({ stopped: 'budget' }), PAST));
  assert.match(a.line, /8 runs per job \(`time-budget: 83m`\) would settle 1 TTFT cell$/);
  assert.match(a.cell, /`time-budget: 83m` settles it \|/);
  assert.match(a.terminal, /8 runs per job \(--time-budget 83m\) would settle 1 TTFT cell$/);
  // Beyond max-runs as well: both inputs.
  assert.match(advice(job(record({ stopped: 'budget' }), { ...PAST, runsToSettle: 20 })).line, /20 runs per job \(`max-runs: 20` and `time-budget: 207m`\) would settle/);
  const open = job(record({}), PAST).comparison.engines[0].metrics.filter(OPEN);
  assert.equal(settleHint(open, record({ stopped: 'budget' })), 'a longer time-budget would settle it');
  // Without the job's run time (results of an earlier version): the budget stopped it at R runs.
  const untimed = advice(job(record({ stopped: 'budget', measuredS: undefined }), PAST));
  assert.match(untimed.line, /8 runs per job \(a longer time-budget\) would settle 1 TTFT cell \(the time budget stopped the job at 5 runs\)$/);
});

test('a sequential job: a cell the design adds no run for (not past its tolerance under fail-on regression) is settled by `runs`, and says why', () => {
  const a = advice(job(record({ stopped: 'futile' })));
  assert.match(a.line, /8 runs per job \(`runs: 8`\) would settle 1 TTFT cell \(the sequential design adds runs only for cells that could end a regression\)$/);
  // Under fail-on inconclusive every open cell is worth a run.
  assert.match(advice(job(record({ stopped: 'max-runs', runs: 4, maxRuns: 4, failOn: 'inconclusive' }))).line, /8 runs per job \(`max-runs: 8`\) would settle 1 TTFT cell$/);
  // Stopped at a regression within max-runs: no input to name, the stop said.
  assert.match(advice(job(record({ stopped: 'regression' }), PAST)).line, /8 runs per job would settle 1 TTFT cell \(the job stopped at 5 runs, where a regression was found\)$/);
  // Stopped at max-runs with a forecast it allowed: max-runs is where it stopped, not a failed engine.
  const atMax = advice(job(record({ stopped: 'max-runs', runs: 8, maxRuns: 8 }), PAST)).line;
  assert.match(atMax, /8 runs per job would settle 1 TTFT cell \(the job stopped at 8 runs, its max-runs \(the forecast is an estimate from the runs so far\)\)$/);
  assert.doesNotMatch(atMax, /engine failed/);
});

test('the report and the terminal say the budget stopped the job: the budget, the runs taken and what one more would need', () => {
  const seq = record({ stopped: 'budget' });
  const line = sequentialLine(seq);
  assert.match(line, /^Sequential design: 5 runs per engine, 4 of 15 planned looks \(look 4, where it stopped, tested at confidence 99\.9808%, .*stopped because one more run would exceed the time budget of 1 h: 5 runs took 52 min \(≈ 10 min each\), one more would end at ≈ 62 min, short of max-runs 16 and its last look\.$/);
  const j = job(seq, PAST);
  assert.ok(renderReport(j).split('\n').includes(`- ${line}`));
  assert.ok(terminalSummary(j.run, j.comparison).split('\n').includes(`  ${line}`), 'the terminal says it too');
  // Other stops keep their words.
  assert.match(sequentialLine(record({ stopped: 'futile' })), /stopped because no undecided cell was forecast to settle within max-runs\.$/);
});
