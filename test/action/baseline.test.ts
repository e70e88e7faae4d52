// Baselines through the committed bundle: a trusted run (push to the default branch, or a
// schedule) records one, a pull request is gated against it and never writes it. Both stores:
// the branch store through the fake GitHub's contents API, the file store in the workspace.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FakeGitHub } from '../helpers/fake-github.ts';
import { parseBaselineDoc } from '../../src/baseline/history.ts';
import type { Comparison } from '../../src/types.ts';
import { REPOSITORY, TestBed, explain } from './bed.ts';
import { pullRequestEvent, pushEvent, scheduleEvent, type StepResult, type Workspace } from './harness.ts';

// The sim's p50 latencies and throughputs barely move when the machine is loaded (a few %), its
// TTFT and p95s do (up to ~25% on a busy 2-core box): loose tolerances on those keep an unchanged
// run from failing, while a 1.5× slowdown (TPOT and E2E +50%, throughput −33%) is far beyond 10%.
const TOLERANCES = 'output_throughput=10%,request_throughput=10%,goodput=10%,tpot_p50=10%,e2el_p50=10%,ttft_p50=50%,ttft_p95=50%,tpot_p95=50%,itl_p95=50%';
const PASSING = ['no-change', 'inconclusive', 'improvement'];
const BASELINE_FILE = '.perf/baseline.json';
// The run is the unit: a recorded job of 2 runs (the default) is 2 stored runs. The family
// correction spans 27 cells (9 metrics × 2 scenarios and the suite); against 2 stored runs a pull
// request of 4 runs gives the run-level test 4 degrees of freedom, where t > 9 at the first Holm
// step suffices, so a 1.5× slowdown is caught while the run-to-run spread stays under ~4%.
const GATED = { repetitions: '2', runs: '4', tolerances: TOLERANCES };
const SLOWDOWN = 1.5;

let bed: TestBed;

before(async () => {
  bed = await TestBed.create('baseline');
});
after(async () => assert.deepEqual(await bed?.close(), [], 'no engine server left running'));

function comparisonOf(ws: Workspace, step: StepResult): Comparison {
  return JSON.parse(readFileSync(join(ws.dir, dirname(step.outputs['report-path']), 'comparison.json'), 'utf8')) as Comparison;
}

function prEvent(ws: Workspace, n: number) {
  return pullRequestEvent({ number: n, base: REPOSITORY, head: REPOSITORY, headSha: 'c'.repeat(40), sha: ws.head });
}

function assertPassedAgainstBaseline(ws: Workspace, step: StepResult): void {
  assert.equal(step.code, 0, explain(step));
  assert.deepEqual(step.errors, [], explain(step));
  assert.ok(PASSING.includes(step.outputs.verdict), `verdict ${step.outputs.verdict}\n${explain(step)}`);
  assert.equal(step.outputs.regressions, '0');
  const [engine] = comparisonOf(ws, step).engines;
  assert.equal(engine.baselineRuns, 2, 'compared with the two runs of the recorded job');
  assert.deepEqual(engine.fingerprintDiffs, []);
}

function assertRegressionFailsStep(ws: Workspace, step: StepResult): void {
  assert.equal(step.code, 1, `the step fails\n${explain(step)}`);
  assert.equal(step.outputs.verdict, 'regression');
  // Compared with the baseline, not set apart: the injected slowdown stands for the code under test.
  assert.deepEqual(comparisonOf(ws, step).engines.map((e) => [e.baselineRuns, e.fingerprintDiffs]), [[2, []]]);
  const failure = step.errors.find((e) => e.startsWith('performance gate failed (regression):'));
  assert.ok(failure, `an ::error:: explains the failure\n${explain(step)}`);
  // Named down to engine / scenario / metric, with the change and its interval. Which cells are
  // significant with 2 repetitions varies (TPOT and E2E p50 are the steadiest); each named one must
  // show the injected slowdown: latency up, throughput down, by roughly the injected factor.
  const cells = failure.split('\n').slice(1);
  assert.ok(cells.length > 0);
  for (const cell of cells) {
    const m = /^sim-vllm \/ (?:single-stream|pair|all scenarios) \/ (\w+): ([+-]\d+\.\d)% \[[+-]\d+\.\d%, [+-]\d+\.\d%\] \(tolerance \d+%\)$/.exec(cell);
    assert.ok(m, `not an engine / scenario / metric line: ${cell}`);
    const change = Number(m[2]);
    // Tails (p95, ITL) also carry the queueing a slower engine causes, so they may move more.
    const injected = (SLOWDOWN - 1) * 100;
    if (/throughput|goodput/.test(m[1])) assert.ok(change < -injected / 2 && change > -injected, cell);
    else if (/p95/.test(m[1])) assert.ok(change > injected / 2 && change < injected * 4, cell);
    else assert.ok(change > injected / 2 && change < injected * 1.5, cell);
  }
  const named = cells.map((c) => c.replace(/^(.+?) \/ (.+?) \/ (\w+):.*$/, '$1/$2/$3'));
  assert.equal(step.outputs.regressions, String(named.length), 'the regressions output counts the same cells');
  assert.ok(step.stdout.includes(`regressions: ${named.slice().sort().join(', ')}`) || named.every((n) => step.stdout.includes(n)), 'the log lists them by name');
}

describe('baseline stores through the bundle', { concurrency: true }, () => {
  describe('branch store (contents API)', { concurrency: 1 }, () => {
    let gh: FakeGitHub;
    let ws: Workspace;
    let baselineText: string | undefined;
    let prRuns: Promise<[StepResult, StepResult]> | null = null;
    let callsBeforePrs = 0;
    // Both PR runs at once: the same load on both, and half the wall time.
    const runPrs = (): Promise<[StepResult, StepResult]> => {
      if (!prRuns) {
        callsBeforePrs = gh.calls.length;
        prRuns = Promise.all([
          bed.run({ workspace: ws, github: gh, event: prEvent(ws, 11), inputs: { ...GATED, 'results-dir': '.perf/unchanged' } }),
          bed.run({ workspace: ws, github: gh, event: prEvent(ws, 12), inputs: { ...GATED, 'results-dir': '.perf/slowed', 'sim-args': `--slowdown ${SLOWDOWN}` } }),
        ]);
      }
      return prRuns;
    };

    before(async () => {
      gh = await bed.github();
      ws = bed.workspace();
    });

    test('a push to the default branch records the baseline on the baseline branch', async () => {
      const step = await bed.run({ workspace: ws, github: gh, event: pushEvent(REPOSITORY, ws.head), inputs: { mode: 'baseline', repetitions: GATED.repetitions } });
      assert.equal(step.code, 0, explain(step));
      assert.match(step.stdout, /^baseline: recorded into the baseline history/m);
      // The branch did not exist: created from the default branch's head, then the file committed on it.
      assert.deepEqual(
        gh.writes().map((c) => `${c.method} ${c.path}`),
        [`POST /repos/${REPOSITORY}/git/refs`, `PUT /repos/${REPOSITORY}/contents/${BASELINE_FILE}`],
      );
      const put = gh.writes()[1].body as { branch: string; message: string; sha?: string };
      assert.equal(put.branch, 'perf-baselines');
      assert.equal(put.sha, undefined, 'a new file');
      baselineText = gh.fileText('perf-baselines', BASELINE_FILE);
      assert.ok(baselineText, 'the baseline is on the branch');
      const doc = parseBaselineDoc(baselineText, BASELINE_FILE);
      assert.deepEqual(doc.entries.map((e) => [e.engine, e.sha, e.ref]), [['sim-vllm', ws.head, 'refs/heads/main'], ['sim-vllm', ws.head, 'refs/heads/main']], 'one entry per run of the job');
      assert.deepEqual(Object.keys(doc.entries[0].scenarios).sort(), ['pair', 'single-stream']);
      assert.equal(gh.fileText('main', BASELINE_FILE), undefined, 'the default branch is untouched');
    });

    test('an unchanged PR passes against it', async () => {
      const [unchanged] = await runPrs();
      assertPassedAgainstBaseline(ws, unchanged);
    });

    test(`a PR with sim-args --slowdown ${SLOWDOWN} fails the step, naming the regressions`, async (t) => {
      const [, slowed] = await runPrs();
      assertRegressionFailsStep(ws, slowed);
      t.diagnostic(slowed.errors.join('\n'));
    });

    test('no PR run wrote the baseline', async () => {
      await runPrs();
      const prCalls = gh.calls.slice(callsBeforePrs);
      assert.ok(prCalls.some((c) => c.method === 'GET' && c.path.endsWith(`/contents/${BASELINE_FILE}`)), 'the PRs read the baseline');
      assert.deepEqual(prCalls.filter((c) => c.path.includes('/contents/') || c.path.includes('/git/')).filter((c) => c.method !== 'GET'), []);
      assert.equal(gh.fileText('perf-baselines', BASELINE_FILE), baselineText);
    });
  });

  describe('file store (in the workspace)', { concurrency: 1 }, () => {
    let gh: FakeGitHub;
    let ws: Workspace;
    const inputs = { 'baseline-store': 'file', 'baseline-path': BASELINE_FILE };

    before(async () => {
      gh = await bed.github();
      ws = bed.workspace();
    });

    test('a scheduled baseline run writes the file; a PR is gated against it and leaves it alone', async () => {
      const recorded = await bed.run({ workspace: ws, github: gh, event: scheduleEvent(REPOSITORY, ws.head), inputs: { ...inputs, mode: 'baseline' } });
      assert.equal(recorded.code, 0, explain(recorded));
      const file = join(ws.dir, BASELINE_FILE);
      assert.ok(existsSync(file), 'the baseline file is in the workspace');
      const text = readFileSync(file, 'utf8');
      assert.deepEqual(parseBaselineDoc(text, file).entries.map((e) => [e.engine, e.sha]), [['sim-vllm', ws.head], ['sim-vllm', ws.head]]);

      const pr = await bed.run({ workspace: ws, github: gh, event: prEvent(ws, 21), inputs: { ...inputs, tolerances: TOLERANCES } });
      assertPassedAgainstBaseline(ws, pr);
      assert.equal(readFileSync(file, 'utf8'), text, 'the PR did not touch the baseline');
      assert.deepEqual(gh.calls.filter((c) => c.path.includes('/contents/') || c.path.includes('/git/')), [], 'the file store never calls the contents API');
    });
  });
});
