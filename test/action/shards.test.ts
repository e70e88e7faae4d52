// A matrix through the bundle: three shard jobs measure their parts, an aggregate job merges and
// gates once, and the result has the shape one unsharded runner gives. Measured numbers differ
// between runs, so the exact check is in-process: a run split into shards and merged back gives
// byte-identical comparisons and reports.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeGitHub } from '../helpers/fake-github.ts';
import { recordRun } from '../../src/baseline/history.ts';
import { compare } from '../../src/compare/verdict.ts';
import { poolRepetitions } from '../../src/metrics/pool.ts';
import { makePlan, type EngineSelection } from '../../src/plan.ts';
import { renderReport } from '../../src/report/markdown.ts';
import { mergeShards, type ShardFile } from '../../src/shards.ts';
import type { Comparison, EngineResult, RunResult } from '../../src/types.ts';
import { REPOSITORY, TestBed, explain } from './bed.ts';
import { pullRequestEvent, type GitHubEvent, type StepResult, type Workspace } from './harness.ts';

const COUNT = 3;
let bed: TestBed;
let gh: FakeGitHub;
let ws: Workspace;
let event: GitHubEvent;
let shards: StepResult[];
let single: StepResult;
let aggregate: StepResult;

const readRun = (path: string): RunResult => JSON.parse(readFileSync(join(ws.dir, path), 'utf8')) as RunResult;
const readReport = (step: StepResult): string => readFileSync(join(ws.dir, step.outputs['report-path']), 'utf8');
/** The report with every number masked: what stays is its structure and wording. */
const shape = (markdown: string): string => markdown.replace(/\d+(\.\d+)?/g, '#');
const aggregateRun = (resultsDir: string): Promise<StepResult> => bed.run({ workspace: ws, github: gh, event, inputs: { mode: 'aggregate', 'results-dir': resultsDir } });

before(async () => {
  bed = await TestBed.create('shards');
  gh = await bed.github();
  ws = bed.workspace();
  event = pullRequestEvent({ number: 51, base: REPOSITORY, head: REPOSITORY, headSha: '5'.repeat(40), sha: ws.head });
  // The matrix legs and an unsharded run over the same inputs, all at once (as a matrix runs).
  const legs = Array.from({ length: COUNT }, (_, i) => bed.run({ workspace: ws, github: gh, event, inputs: { shard: `${i + 1}/${COUNT}`, 'results-dir': '.perf/matrix' } }));
  [single, ...shards] = await Promise.all([bed.run({ workspace: ws, github: gh, event, inputs: { 'results-dir': '.perf/single' } }), ...legs]);
  aggregate = await aggregateRun('.perf/matrix');
});
after(async () => assert.deepEqual(await bed?.close(), [], 'no engine server left running'));

/** Splits a complete run (with per-request records) into the results its shards would have written. */
function splitIntoShards(run: RunResult, count: number): ShardFile[] {
  const scenarios = { file: run.scenarioSet.file, hash: run.scenarioSet.hash, scenarios: run.scenarioSet.definitions };
  return Array.from({ length: count }, (_, i) => {
    const shard = { index: i + 1, count };
    const engines = run.engines.map((e): EngineResult => {
      const plan = makePlan({ engines: [{ kind: e.kind, label: e.engine } as EngineSelection], scenarios, repetitions: run.repetitions * (run.runs ?? 1), seed: run.seed, shard });
      const mine = (rep: number, scenario: string): boolean => plan.units.some((u) => u.repetition === rep && u.scenario === scenario);
      const repetitions = e.repetitions
        .map((r) => ({ ...r, scenarios: r.scenarios.filter((s) => mine(r.index, s.scenario)) }))
        .filter((r) => r.scenarios.length > 0);
      const records = (e.records ?? []).filter((r) => mine(r.repetition, r.scenario));
      return { ...e, repetitions, records, pooled: poolRepetitions(repetitions, records, run.scenarioSet.definitions) };
    });
    return { path: `split/shard-${i + 1}/results.json`, run: { ...run, shard, engines } };
  });
}

describe('sharded matrix through the bundle', () => {
  test('each leg measures its contiguous block of the plan and keeps its per-request records', () => {
    const units: string[] = [];
    shards.forEach((step, i) => {
      assert.equal(step.code, 0, explain(step));
      assert.equal(step.outputs.verdict, 'measured', 'a leg does not gate');
      assert.equal(step.outputs['results-path'], `.perf/matrix/shard-${i + 1}/results.json`);
      const run = readRun(step.outputs['results-path']);
      assert.deepEqual(run.shard, { index: i + 1, count: COUNT });
      for (const e of run.engines) {
        for (const r of e.repetitions) for (const s of r.scenarios) units.push(`${e.engine}/${r.index}/${s.scenario}`);
        assert.equal(e.records?.length, e.repetitions.reduce((n, r) => n + r.scenarios.reduce((m, s) => m + s.requests, 0), 0));
      }
    });
    // The default job: 2 runs × 2 repetitions, so repetitions 0-3.
    const all = [0, 1, 2, 3].flatMap((r) => [`sim-vllm/${r}/pair`, `sim-vllm/${r}/single-stream`]);
    assert.deepEqual(units.sort(), all, 'every unit exactly once');
  });

  test('the aggregate gates once, with the verdict and report structure of an unsharded run', () => {
    assert.equal(single.code, 0, explain(single));
    assert.equal(aggregate.code, 0, explain(aggregate));
    assert.equal(aggregate.outputs.verdict, single.outputs.verdict);
    assert.equal(aggregate.outputs['results-path'], '.perf/matrix/aggregate/results.json');
    const merged = readRun(aggregate.outputs['results-path']);
    const whole = readRun(single.outputs['results-path']);
    assert.equal(merged.shard, undefined);
    assert.equal(merged.partial, false);
    // Same plan: the same scenario order in every repetition, whichever runner measured it.
    const orders = (r: RunResult) => r.engines.map((e) => e.repetitions.map((x) => [x.index, x.order, x.scenarios.map((s) => s.scenario)]));
    assert.deepEqual(orders(merged), orders(whole));
    assert.deepEqual(merged.engines[0].pooled.map((s) => [s.scenario, s.requests, s.completed]), whole.engines[0].pooled.map((s) => [s.scenario, s.requests, s.completed]));
    assert.equal(shape(readReport(aggregate)), shape(readReport(single)).replace(' · pr mode · ', ' · aggregate mode · '));
    assert.equal(aggregate.summary.trimEnd(), readReport(aggregate).trimEnd());
  });

  test('the bundle’s aggregate is what mergeShards makes of the three shard files', () => {
    const files = shards.map((s) => ({ path: s.outputs['results-path'], run: readRun(s.outputs['results-path']) }));
    // Through JSON, as the bundle wrote it.
    assert.deepEqual(JSON.parse(JSON.stringify(mergeShards(files))), readRun(aggregate.outputs['results-path']));
  });

  test('a run split into shards and merged back compares and reports byte-identically', () => {
    const run = readRun(aggregate.outputs['results-path']);
    // A real baseline: the unsharded run, recorded as a trusted run would record it.
    const history = recordRun(null, readRun(single.outputs['results-path'])).entries;
    const roundTrip = mergeShards(splitIntoShards(run, COUNT));
    const options = { mode: 'pr', failOn: 'regression', seed: run.seed } as const;
    const original = compare(history, run, options);
    const recombined = compare(history, roundTrip, options);
    assert.equal(original.engines[0].baselineRuns, 2, 'compared with the recorded job (two runs)');
    assert.deepEqual(recombined, original);
    const report = (r: RunResult, c: Comparison): string => renderReport({ run: r, comparison: c, context: { ref: 'feature/faster-decode', sha: r.source.sha ?? undefined, event: 'pull_request' } });
    assert.equal(report(roundTrip, recombined), report(run, original));
    // The split is a real one: each part alone is not the run.
    assert.throws(() => mergeShards(splitIntoShards(run, COUNT).slice(1)), /missing shard 1\/3/);
  });

  test('a missing or duplicated shard fails the aggregate, naming it', async () => {
    const copy = (from: number, to: string): void => cpSync(join(ws.dir, `.perf/matrix/shard-${from}`), join(ws.dir, to), { recursive: true });
    copy(1, '.perf/missing/shard-1');
    copy(3, '.perf/missing/shard-3');
    for (const i of [1, 2, 3]) copy(i, `.perf/duplicate/shard-${i}`);
    copy(2, '.perf/duplicate/shard-2-rerun');

    const [missing, duplicate] = await Promise.all([aggregateRun('.perf/missing'), aggregateRun('.perf/duplicate')]);
    assert.equal(missing.code, 1, explain(missing));
    assert.deepEqual(missing.errors, ['aggregate: missing shard 2/3 (found 1/3, 3/3)']);
    assert.equal(duplicate.code, 1, explain(duplicate));
    assert.deepEqual(duplicate.errors, ['aggregate: duplicate shard 2/3: .perf/duplicate/shard-2-rerun/results.json and .perf/duplicate/shard-2/results.json']);
    for (const step of [missing, duplicate]) assert.deepEqual(step.outputs, {}, 'no verdict was published');
  });
});
