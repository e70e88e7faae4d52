import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../src/paths.ts';
import type { Comparison, RunResult } from '../src/types.ts';

// The sequential design (max-runs, time-budget) end to end through the CLI on the simulated
// engine: a baseline job of 2 runs, then PR jobs of an engine twice as slow (`--slowdown 2`). With
// 2 stored runs and 1 current run the run-to-run interval has 1 degree of freedom, too few to call
// anything at the look's level, so the job must add runs until the regression is certain; with 2
// current runs it is certain at the first look, and the job stops there. Every engine start draws
// seeded run-to-run noise (`--noise 0.02`): without it the two baseline runs differ only by this
// machine's jitter, which on a quiet machine is small enough to decide on 1 degree of freedom.

const TINY = `version: 1
scenarios:
  - name: tiny
    description: Four short requests, one at a time.
    input: 16
    output: 8
    requests: 4
    load: {concurrency: 1}
    seed: 5
    slo: {ttft-ms: 5000}
`;

const exec = promisify(execFile);
let dir = '';

function cli(out: string, args: readonly string[]): Promise<{ code: number; output: string }> {
  const argv = [join(packageRoot(), 'src', 'cli.ts'), 'run', '--engines', 'sim-vllm', '--scenarios', join(dir, 'tiny.yml'), '--repetitions', '2', '--warmup-repetitions', '0', '--baseline', join(dir, 'baseline.json'), '--out', join(dir, out), ...args];
  return exec(process.execPath, argv, { cwd: packageRoot() }).then(
    (r) => ({ code: 0, output: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, output: e.stdout + e.stderr }),
  );
}

const read = <T>(out: string, file: string): T => JSON.parse(readFileSync(join(dir, out, file), 'utf8')) as T;
const NOISE = '--noise 0.02';
const slower = ['--sim-args', `--slowdown 2 ${NOISE}`, '--allow-fingerprint-mismatch'];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sequential-'));
  writeFileSync(join(dir, 'tiny.yml'), TINY);
  const base = await cli('base', ['--runs', '2', '--mode', 'baseline', '--sim-args', NOISE]);
  assert.equal(base.code, 0, base.output);
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('sequential: undecided after the first run, the job adds runs until the regression is found, and says so', async () => {
  const r = await cli('adds', ['--runs', '1', '--max-runs', '6', ...slower]);
  assert.equal(r.code, 3, r.output);
  const comparison = read<Comparison>('adds', 'comparison.json');
  const run = read<RunResult>('adds', 'results.json');
  const s = comparison.sequential!;
  assert.ok(s.runs > 1 && s.runs <= 6, `runs ${s.runs}`);
  assert.equal(s.stopped, 'regression');
  assert.equal(s.looks, s.runs, 'one look after the first run, one after each run added');
  assert.equal(s.plannedLooks, 6);
  // The look it stopped at tested at its share of 1 − confidence: the first a quarter, the last half, those between a quarter over 4.
  const share = s.looks === 1 ? 1 / 4 : s.looks === 6 ? 1 / 2 : 1 / 16;
  assert.ok(Math.abs(s.lookConfidence - (1 - 0.01 * share)) < 1e-12, `${s.lookConfidence} at look ${s.looks}`);
  assert.deepEqual(run.sequential, s);
  assert.equal(run.runs, s.runs);
  // Every run measured, each an engine start of its own with its repetitions.
  const e = run.engines[0];
  assert.deepEqual([...new Set(e.repetitions.map((x) => x.run))], Array.from({ length: s.runs }, (_, i) => i));
  assert.equal(e.repetitions.length, 2 * s.runs);
  assert.equal(e.pooled[0].requests, 4 * 2 * s.runs);
  assert.equal(e.records, undefined, 'records pooled in memory, not written without --records');
  assert.ok(comparison.engines[0].metrics.some((m) => m.verdict === 'regression'));
  assert.match(r.output, /look 1 of 6: cells undecided after 1 run\(s\); measuring run 2/);
  // One plan for every run the job may take, said once (each look synthesizes its own runs' prompts).
  assert.equal(r.output.match(/^plan: .*up to 6 runs while cells are undecided/gm)?.length, 1, r.output);
  assert.match(readFileSync(join(dir, 'adds', 'report.md'), 'utf8'), new RegExp(`Sequential design: ${s.runs} runs per engine, ${s.looks} of 6 planned looks .*stopped because a regression was found`));
});

test('sequential: decided at the first look, the job stops at once', async () => {
  const r = await cli('once', ['--runs', '2', '--max-runs', '5', ...slower]);
  assert.equal(r.code, 3, r.output);
  const s = read<Comparison>('once', 'comparison.json').sequential!;
  assert.deepEqual({ runs: s.runs, looks: s.looks, plannedLooks: s.plannedLooks, stopped: s.stopped }, { runs: 2, looks: 1, plannedLooks: 4, stopped: 'regression' });
  assert.equal(read<RunResult>('once', 'results.json').engines[0].repetitions.length, 4);
  assert.doesNotMatch(r.output, /measuring run 3/);
});

test('sequential: on by default in pr mode (max-runs 16: 15 planned looks), the regression found at the share of 1 − confidence of its look', async () => {
  const r = await cli('default', ['--runs', '2', ...slower]);
  assert.equal(r.code, 3, r.output);
  const s = read<Comparison>('default', 'comparison.json').sequential!;
  assert.deepEqual({ plannedLooks: s.plannedLooks, stopped: s.stopped, looks: s.looks }, { plannedLooks: 15, stopped: 'regression', looks: s.runs - 1 });
  // An hour of measuring by default in pr mode: a pull request cannot hold the runner for hours.
  assert.deepEqual({ maxRuns: s.maxRuns, budgetS: s.budgetS }, { maxRuns: 16, budgetS: 3600 });
  assert.match(r.output, /^plan: .*up to 16 runs while cells are undecided within 3600 s/m);
  // A quarter of 0.01 at the first look, a quarter over the 13 between, half at the last.
  const share = s.looks === 1 ? 1 / 4 : s.looks === 15 ? 1 / 2 : 1 / 52;
  assert.ok(Math.abs(s.lookConfidence - (1 - 0.01 * share)) < 1e-12, `${s.lookConfidence} at look ${s.looks}`);
  // Off: one look at the whole confidence, no sequential record.
  const off = await cli('off', ['--runs', '2', '--max-runs', '0', ...slower]);
  assert.equal(off.code, 3, off.output);
  assert.equal(read<Comparison>('off', 'comparison.json').sequential, undefined);
});

test('sequential: a time budget one more run would exceed stops the job after its first look', async () => {
  const r = await cli('budget', ['--runs', '1', '--max-runs', '16', '--time-budget', '1s', ...slower]);
  const s = read<Comparison>('budget', 'comparison.json').sequential!;
  assert.deepEqual({ runs: s.runs, looks: s.looks, stopped: s.stopped, budgetS: s.budgetS, maxRuns: s.maxRuns }, { runs: 1, looks: 1, stopped: 'budget', budgetS: 1, maxRuns: 16 }, r.output);
  assert.ok(s.measuredS! > 0, `measured ${s.measuredS} s`);
  // The report and the terminal say the budget stopped it, the budget and the runs taken.
  const said = /stopped because one more run would exceed the time budget of 1 s: 1 run took \d+ s \(≈ \d+ s each\), one more would end at ≈ \d+ s, short of max-runs 16 and its last look\./;
  assert.match(readFileSync(join(dir, 'budget', 'report.md'), 'utf8'), said);
  assert.match(r.output, said);
  // What would settle the open cells is a longer budget, sized at the job's run time, not more --runs.
  assert.match(r.output, /runs per job \(--time-budget \d+s\) would settle/);
  assert.doesNotMatch(r.output, /--runs \d/);
  // Re-judged from its results.json, the job is still the sequential one: the same line and advice.
  const again = await exec(process.execPath, [join(packageRoot(), 'src', 'cli.ts'), 'compare', '--current', join(dir, 'budget'), '--baseline', join(dir, 'baseline.json'), '--out', join(dir, 'budget-again'), '--allow-fingerprint-mismatch'], { cwd: packageRoot() });
  assert.match(again.stdout, said);
  assert.match(again.stdout, /runs per job \(--time-budget \d+s\) would settle/);
  // Undecided at the look: inconclusive, which fail-on regression passes.
  assert.equal(r.code, 0, r.output);
  // Under fail-on inconclusive the gate fails on them, and its reasons (the action's failure message)
  // name the same knob for the cells the job pursued.
  const strict = await exec(process.execPath, [join(packageRoot(), 'src', 'cli.ts'), 'compare', '--current', join(dir, 'budget'), '--baseline', join(dir, 'baseline.json'), '--out', join(dir, 'budget-strict'), '--allow-fingerprint-mismatch', '--fail-on', 'inconclusive'], { cwd: packageRoot() }).then(
    () => assert.fail('fail-on inconclusive passed a job with open cells'),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  assert.equal(strict.code, 3, strict.stdout + strict.stderr);
  const reasons = read<Comparison>('budget-strict', 'comparison.json').gate.reasons;
  assert.ok(reasons.some((r) => /: inconclusive, .*; about \d+ runs per job would settle it, through a longer time-budget$/.test(r)), reasons.join('\n'));
});

test('sequential: a time budget without max-runs above runs is an input error naming both', async () => {
  const r = await cli('bad', ['--runs', '2', '--max-runs', '0', '--time-budget', '15m']);
  assert.equal(r.code, 1, r.output);
  assert.match(r.output, /time-budget: needs "max-runs" above "runs" \(2\)/);
});
