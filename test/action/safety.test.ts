// Who may run the bundle on a self-hosted GPU runner: pull requests from forks are refused before
// anything starts (unless allow-fork-prs), as is a pull_request_target run that checked out PR code;
// and the read-only token such runs get degrades the PR comment to the job summary.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY, TestBed, explain } from './bed.ts';
import { pullRequestEvent, recordedGroups, type StepResult, type Workspace } from './harness.ts';

const FORK = 'mallory/octo-repo';
const BASE_HEAD = 'b'.repeat(40);
let bed: TestBed;

before(async () => {
  bed = await TestBed.create('safety');
});
after(async () => assert.deepEqual(await bed?.close(), [], 'no engine server left running'));

/** Nothing was started, written or asked: the refusal came first. */
function assertRefusedBeforeAnything(step: StepResult, ws: Workspace, calls: number): void {
  assert.equal(step.code, 1, explain(step));
  assert.deepEqual(recordedGroups(step.state), [], 'no engine server group was recorded');
  assert.doesNotMatch(step.stdout, /sim-vllm: starting|^plan:/m);
  assert.equal(existsSync(join(ws.dir, '.perf')), false, 'no results or logs were written');
  assert.equal(calls, 0, 'GitHub was not contacted');
  assert.deepEqual(step.outputs, {});
  assert.equal(step.errors.length, 1);
}

describe('fork pull requests', { concurrency: true }, () => {
  test('a pull_request from a fork is refused, with the risk explained', async () => {
    const gh = await bed.github();
    const ws = bed.workspace();
    const step = await bed.run({ workspace: ws, github: gh, event: pullRequestEvent({ number: 31, base: REPOSITORY, head: FORK, headSha: 'f'.repeat(40), sha: ws.head }) });
    assertRefusedBeforeAnything(step, ws, gh.calls.length);
    const [error] = step.errors;
    assert.match(error, /^llm-perf-gate refuses to run pull request #31 from the fork mallory\/octo-repo: /);
    assert.match(error, /self-hosted GPU runner/);
    assert.match(error, /read other jobs' files and credentials/);
    assert.match(error, /allow-fork-prs: true/);
  });

  test('a pull_request_target run that checked out the PR head is refused', async () => {
    const gh = await bed.github();
    const ws = bed.workspace();
    // GITHUB_SHA is the base branch's head; the workflow checked out the fork's commit instead.
    const event = pullRequestEvent({ name: 'pull_request_target', number: 32, base: REPOSITORY, head: FORK, headSha: ws.head, sha: BASE_HEAD });
    const step = await bed.run({ workspace: ws, github: gh, event });
    assertRefusedBeforeAnything(step, ws, gh.calls.length);
    const [error] = step.errors;
    assert.match(error, /^llm-perf-gate refuses to run: this pull_request_target run has checked out code from pull request #32 from the fork mallory\/octo-repo\./);
    assert.match(error, /base repository's secrets and a write token/);
    assert.match(error, /allow-fork-prs: true/);
  });

  // Each start is recorded for the post step and forgotten once its stop ended the whole group.
  function assertEngineRanAndStopped(step: StepResult): void {
    assert.equal(step.stdout.match(/^sim-vllm: ready after/gm)?.length, 2, `two starts (the default two runs)\n${explain(step)}`);
    assert.deepEqual(recordedGroups(step.state), [], 'no group left for the post step');
  }

  test('a pull_request_target run on the base code (HEAD = GITHUB_SHA) runs and comments', async () => {
    const gh = await bed.github();
    const ws = bed.workspace();
    const event = pullRequestEvent({ name: 'pull_request_target', number: 33, base: REPOSITORY, head: FORK, headSha: 'f'.repeat(40), sha: ws.head });
    const step = await bed.run({ workspace: ws, github: gh, event });
    assert.equal(step.code, 0, explain(step));
    assertEngineRanAndStopped(step);
    assert.equal(gh.commentsOf(33).length, 1);
    assert.equal(step.outputs['comment-url'], gh.commentsOf(33)[0].html_url);
  });

  test('allow-fork-prs: true runs a fork PR; its read-only token degrades the comment to the job summary', async () => {
    const gh = await bed.github();
    // GitHub gives fork PRs a read-only GITHUB_TOKEN: every write answers 403.
    gh.readOnly = true;
    const ws = bed.workspace();
    const event = pullRequestEvent({ number: 34, base: REPOSITORY, head: FORK, headSha: 'f'.repeat(40), sha: ws.head });
    const step = await bed.run({ workspace: ws, github: gh, event, inputs: { 'allow-fork-prs': 'true' } });

    assert.equal(step.code, 0, `the step does not fail\n${explain(step)}`);
    assert.deepEqual(step.errors, []);
    assertEngineRanAndStopped(step);
    assert.equal(step.outputs.verdict, 'no-baseline');
    const warning = step.warnings.find((w) => w.startsWith('GitHub refused to comment on'));
    assert.ok(warning, `a ::warning:: says why there is no comment\n${explain(step)}`);
    assert.match(warning, new RegExp(`^GitHub refused to comment on ${REPOSITORY}#34 \\(403: Resource not accessible by integration`));
    assert.match(warning, /read-only.*The report is in the job summary\.$/s);
    assert.equal(step.outputs['comment-url'], '');
    assert.deepEqual(gh.commentsOf(34), []);
    assert.deepEqual(gh.writes().map((c) => `${c.method} ${c.path} ${c.status}`), [`POST /repos/${REPOSITORY}/issues/34/comments 403`]);
    const report = readFileSync(join(ws.dir, step.outputs['report-path']), 'utf8');
    assert.match(report, /^## ⚠️ LLM performance: no baseline yet, nothing compared /);
    assert.equal(step.summary.trimEnd(), report.trimEnd(), 'the job summary has the whole report');
  });
});
