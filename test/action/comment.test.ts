// The committed bundle on a pull request, run as the runner runs it: one sticky comment, created
// by the first run and edited in place by the next; outputs and the job summary as the runner reads them.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeGitHub } from '../helpers/fake-github.ts';
import { REPOSITORY, TOKEN, TestBed, explain } from './bed.ts';
import { commitTo, pullRequestEvent } from './harness.ts';
import type { RunResult } from '../../src/types.ts';

const PR = 7;
const MARKER = '<!-- llm-perf-gate:perf -->';
let bed: TestBed;
let gh: FakeGitHub;

before(async () => {
  bed = await TestBed.create('comment');
  gh = await bed.github();
});
after(async () => assert.deepEqual(await bed?.close(), [], 'no engine server left running'));

test('first PR run creates the sticky comment, the next run edits it in place', async () => {
  const ws = bed.workspace();
  const event = (headSha: string) => pullRequestEvent({ number: PR, base: REPOSITORY, head: REPOSITORY, headSha, sha: ws.head });

  // Run 1: the default baseline store (branch) finds no baseline yet.
  const first = await bed.run({ workspace: ws, github: gh, event: event('a'.repeat(40)) });
  assert.equal(first.code, 0, explain(first));
  assert.deepEqual(first.errors, [], explain(first));
  assert.equal(first.outputs.verdict, 'no-baseline');

  const comments = gh.commentsOf(PR);
  assert.equal(comments.length, 1);
  const comment = comments[0];
  assert.ok(comment.body.trimEnd().endsWith(MARKER), 'the hidden marker, keyed by GITHUB_JOB, ends the comment');
  // Nothing was compared: never "passed". A new repository is not blocked, and is told so.
  assert.match(
    comment.body,
    /^## ⚠️ LLM performance: no baseline yet, nothing compared \(1 engine × 2 scenarios × 2 runs × 2 repetitions\) \(not failing: missing-baseline auto, and this store has never been written\)\n/,
    'the verdict heads the comment',
  );
  const missing = first.commands.find((c) => c.command === 'warning' && c.properties.title === 'LLM performance: no baseline');
  assert.ok(missing, `a warning annotation names the store\n${explain(first)}`);
  assert.match(missing.message, new RegExp(`^No baseline history at ${REPOSITORY}@perf-baselines:\\.perf/baseline\\.json: nothing was compared with a baseline\\. missing-baseline auto: this store has never been written`));
  assert.match(comment.body, /run the action with the input `mode: baseline` from a trusted event/, 'a first run says how to record a baseline');
  assert.match(comment.body, /commit `aaaaaaa`/, 'the PR head, not the merge commit');
  assert.equal(first.outputs['comment-url'], comment.html_url);

  // Every call carried the job token (the fake answers 401 otherwise), and the PR wrote nothing but its comment.
  assert.ok(gh.calls.length > 0 && gh.calls.every((c) => c.status !== 401), 'all calls authenticated');
  assert.deepEqual(gh.writes().map((c) => `${c.method} ${c.path}`), [`POST /repos/${REPOSITORY}/issues/${PR}/comments`]);

  // Outputs point at real files; the job summary holds the same report.
  const report = readFileSync(join(ws.dir, first.outputs['report-path']), 'utf8');
  const results = JSON.parse(readFileSync(join(ws.dir, first.outputs['results-path']), 'utf8')) as RunResult;
  assert.deepEqual(results.engines.map((e) => [e.engine, e.status]), [['sim-vllm', 'ok']]);
  assert.deepEqual(results.source, { sha: 'a'.repeat(40), ref: 'feature/faster-decode', event: 'pull_request' });
  assert.equal(first.summary.trimEnd(), report.trimEnd());
  assert.equal(comment.body, `${report.trimEnd()}\n\n${MARKER}`);
  assert.ok(['verdict', 'regressions', 'report-path', 'results-path', 'comment-url'].every((k) => k in first.outputs));

  // Run 2: a new push to the PR. Same comment, edited; no second one.
  const callsBefore = gh.calls.length;
  const headSha = commitTo(ws, 'README.md', 'faster decode\n');
  const second = await bed.run({ workspace: ws, github: gh, event: { ...event(headSha), sha: headSha } });
  assert.equal(second.code, 0, explain(second));
  const writes = gh.calls.slice(callsBefore).filter((c) => c.method !== 'GET' && c.path !== '/graphql');
  assert.deepEqual(writes.map((c) => `${c.method} ${c.path}`), [`PATCH /repos/${REPOSITORY}/issues/comments/${comment.id}`]);
  assert.equal(gh.commentsOf(PR).length, 1);
  assert.match(comment.body, new RegExp(`commit \`${headSha.slice(0, 7)}\``), 'the comment shows the new head');
  assert.ok(comment.body.trimEnd().endsWith(MARKER));
  assert.equal(second.outputs['comment-url'], comment.html_url);
  assert.equal(second.summary.trimEnd(), readFileSync(join(ws.dir, second.outputs['report-path']), 'utf8').trimEnd());
  assert.ok(gh.calls.every((c) => c.authorization === `token ${TOKEN}` || c.authorization === `Bearer ${TOKEN}`));
});

test('a comment GitHub keeps refusing (500) costs the comment only: outputs, summary and the passing gate stand', async () => {
  const ws = bed.workspace();
  const fail = { status: 500, body: { message: 'Server Error' } };
  gh.injectFailures('POST', new RegExp(`^/repos/${REPOSITORY}/issues/${PR + 1}/comments$`), fail, fail, fail, fail, fail);
  const step = await bed.run({ workspace: ws, github: gh, event: pullRequestEvent({ number: PR + 1, base: REPOSITORY, head: REPOSITORY, headSha: 'b'.repeat(40), sha: ws.head }) });
  assert.equal(step.code, 0, explain(step));
  assert.deepEqual(step.errors, [], explain(step));
  assert.equal(gh.writes().filter((c) => c.status === 500).length, 4, 'tried four times with back-off');
  assert.equal(step.outputs.verdict, 'no-baseline');
  assert.equal(step.outputs['comment-url'], '');
  assert.ok(readFileSync(join(ws.dir, step.outputs['results-path']), 'utf8').length > 0);
  assert.ok(step.summary.length > 0, 'the summary holds the report');
  assert.ok(step.warnings.some((w) => w.startsWith('the pull-request comment could not be written: ')), explain(step));
});

test('a baseline branch without the baseline file fails the PR (missing-baseline auto), naming the store; warn lets it pass, said', async () => {
  const ws = bed.workspace();
  // The store has been written (its branch exists) but holds no file at baseline-path: a mistyped path, or a deleted file.
  gh.branches.set('perf-baselines', gh.branches.get('main')!);
  gh.files.set('perf-baselines', new Map([['.perf/other.json', Buffer.from('{}')]]));
  const event = pullRequestEvent({ number: PR + 3, base: REPOSITORY, head: REPOSITORY, headSha: 'd'.repeat(40), sha: ws.head });
  const [auto, warn] = await Promise.all([
    bed.run({ workspace: ws, github: gh, event, inputs: { comment: 'never', 'results-dir': '.perf/auto' } }),
    bed.run({ workspace: ws, github: gh, event, inputs: { comment: 'never', 'results-dir': '.perf/warn', 'missing-baseline': 'warn' } }),
  ]);
  assert.equal(auto.code, 1, explain(auto));
  assert.equal(auto.outputs.verdict, 'missing-baseline');
  assert.match(auto.summary, /^## ❌ LLM performance: failed — baseline missing, nothing compared /);
  const annotation = auto.commands.find((c) => c.command === 'error' && c.properties.title === 'LLM performance: no baseline');
  assert.ok(annotation, explain(auto));
  assert.match(annotation.message, new RegExp(`^No baseline history at ${REPOSITORY}@perf-baselines:\\.perf/baseline\\.json: .*this store has been written before`));
  assert.ok(auto.errors.some((e) => e.startsWith('performance gate failed (missing-baseline):\nsim-vllm: no baseline recorded yet')), explain(auto));
  assert.equal(warn.code, 0, explain(warn));
  assert.equal(warn.outputs.verdict, 'no-baseline');
  assert.match(warn.summary, /^## ⚠️ LLM performance: no baseline yet, nothing compared .*\(not failing: missing-baseline warn\)\n/);
  assert.ok(warn.commands.some((c) => c.command === 'warning' && c.properties.title === 'LLM performance: no baseline'), explain(warn));
});

test('mode: baseline on a pull request warns and says in the summary that nothing was recorded', async () => {
  const ws = bed.workspace();
  const step = await bed.run({ workspace: ws, github: gh, inputs: { mode: 'baseline', comment: 'never' }, event: pullRequestEvent({ number: PR + 2, base: REPOSITORY, head: REPOSITORY, headSha: 'c'.repeat(40), sha: ws.head }) });
  assert.equal(step.code, 0, explain(step));
  const note = step.warnings.find((w) => w.startsWith('mode "baseline" on a pull_request event: baselines are written only from trusted events'));
  assert.ok(note, explain(step));
  assert.match(step.summary, /> \[!WARNING\]\n> mode "baseline" on a pull_request event: .*NOT recorded/);
});
