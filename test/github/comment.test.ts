import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { commentDecision, commentKey, GITHUB_COMMENT_MAX, stickyMarker, upsertStickyComment, type StickyCommentOptions } from '../../src/github/comment.ts';
import { FakeGitHub } from '../helpers/fake-github.ts';

const PR = 42;
let gh: FakeGitHub;
let warnings: string[];

function options(body: string, extra: Partial<StickyCommentOptions> = {}): StickyCommentOptions {
  return { token: 'ghs_test', owner: 'octo', repo: 'widgets', issueNumber: PR, body, apiUrl: gh.url, warn: (m) => warnings.push(m), ...extra };
}

const withMarker = (body: string, key = 'report'): string => `${body}\n\n${stickyMarker(key)}`;

function seedNoise(n: number): void {
  for (let i = 0; i < n; i++) gh.seedComment(PR, `LGTM ${i}`, i % 2 ? 'alice' : 'dependabot[bot]');
}

describe('sticky PR comment against a local GitHub REST server', () => {
  before(async () => {
    gh = new FakeGitHub('octo/widgets');
    await gh.start();
  });
  after(() => gh.close());
  beforeEach(() => {
    gh.reset();
    warnings = [];
  });

  test('creates the comment when there is none, with the hidden marker at the end', async () => {
    seedNoise(3);
    const result = await upsertStickyComment(options('## ✅ passed'));
    assert.equal(result.action, 'created');
    const mine = gh.commentsOf(PR).at(-1)!;
    assert.equal(result.url, mine.html_url);
    assert.equal(mine.body, withMarker('## ✅ passed'));
    assert.ok(mine.body.endsWith('<!-- llm-perf-gate:report -->'));
    assert.deepEqual(gh.writes().map((c) => `${c.method} ${c.path}`), [`POST /repos/octo/widgets/issues/${PR}/comments`]);
    assert.ok(gh.calls.every((c) => c.authorization === 'token ghs_test'));
  });

  test('follows pagination (100 per page) to find and update its comment on the third page', async () => {
    seedNoise(230);
    const mine = gh.seedComment(PR, withMarker('old report'), 'github-actions[bot]');
    seedNoise(5);
    const result = await upsertStickyComment(options('new report'));
    assert.equal(result.action, 'updated');
    assert.equal(result.url, mine.html_url);
    assert.equal(mine.body, withMarker('new report'));
    const lists = gh.calls.filter((c) => c.method === 'GET' && c.path.endsWith('/comments'));
    assert.deepEqual(lists.map((c) => [c.query.per_page, c.query.page ?? '1']), [['100', '1'], ['100', '2'], ['100', '3']]);
    assert.deepEqual(gh.writes().map((c) => `${c.method} ${c.path}`), [`PATCH /repos/octo/widgets/issues/comments/${mine.id}`]);
    assert.equal(gh.commentsOf(PR).length, 236, 'no second comment');
  });

  test('stops listing at the page where it finds its comment', async () => {
    gh.seedComment(PR, withMarker('old'), 'github-actions[bot]');
    seedNoise(250);
    await upsertStickyComment(options('new'));
    assert.equal(gh.calls.filter((c) => c.method === 'GET' && c.path.endsWith('/comments')).length, 1);
  });

  test('leaves an unchanged report alone: no write, no notification', async () => {
    seedNoise(120);
    const mine = gh.seedComment(PR, withMarker('same report'), 'github-actions[bot]');
    const before = mine.updated_at;
    const result = await upsertStickyComment(options('same report\n\n'));
    assert.deepEqual(result, { action: 'unchanged', url: mine.html_url });
    assert.deepEqual(gh.writes(), []);
    assert.equal(mine.updated_at, before);
  });

  test('ignores comments by other authors that carry the same marker', async () => {
    const forged = gh.seedComment(PR, withMarker('quoted by a human'), 'mallory');
    const result = await upsertStickyComment(options('real report'));
    assert.equal(result.action, 'created');
    assert.equal(forged.body, withMarker('quoted by a human'), 'the forged comment is untouched');
    // A second run finds the comment it created, not the forged one listed before it.
    const again = await upsertStickyComment(options('real report, run 2'));
    assert.equal(again.action, 'updated');
    assert.equal(forged.body, withMarker('quoted by a human'));
    assert.equal(gh.commentsOf(PR).filter((c) => c.body === withMarker('real report, run 2')).length, 1);
  });

  test('keeps the comments of different keys apart', async () => {
    const other = gh.seedComment(PR, withMarker('shard 1 report', 'shard-1'), 'github-actions[bot]');
    const result = await upsertStickyComment(options('shard 2 report', { key: 'shard-2' }));
    assert.equal(result.action, 'created');
    assert.equal(other.body, withMarker('shard 1 report', 'shard-1'));
  });

  test('a personal token is matched by the login GET /user returns', async () => {
    gh.userLogin = 'perf-bot';
    gh.writerLogin = 'perf-bot';
    const actions = gh.seedComment(PR, withMarker('written by the default token'), 'github-actions[bot]');
    const mine = gh.seedComment(PR, withMarker('written by perf-bot'), 'perf-bot');
    const result = await upsertStickyComment(options('fresh'));
    assert.equal(result.action, 'updated');
    assert.equal(mine.body, withMarker('fresh'));
    assert.equal(actions.body, withMarker('written by the default token'));
  });

  test('an app token, refused GET /user, is matched by its GraphQL viewer login (bot suffix either way)', async () => {
    gh.viewerLogin = 'perf-gate-app[bot]';
    const actions = gh.seedComment(PR, withMarker('by the default token'), 'github-actions[bot]');
    const mine = gh.seedComment(PR, withMarker('by the app'), 'perf-gate-app[bot]');
    const result = await upsertStickyComment(options('fresh'));
    assert.equal(result.action, 'updated');
    assert.equal(mine.body, withMarker('fresh'));
    assert.equal(actions.body, withMarker('by the default token'));
    assert.ok(gh.calls.some((c) => c.path === '/user') && gh.calls.some((c) => c.path === '/graphql'));
  });

  test('a read-only token (fork PR) gets a 403: skipped with a warning, not an error', async () => {
    gh.readOnly = true;
    const result = await upsertStickyComment(options('report'));
    assert.equal(result.action, 'skipped');
    assert.equal(result.url, null);
    assert.match(result.action === 'skipped' ? result.reason : '', /403.*read-only.*fork/s);
    assert.equal(warnings.length, 1);
    assert.equal(gh.commentsOf(PR).length, 0);
  });

  test('a 403 on update is a skip too', async () => {
    const mine = gh.seedComment(PR, withMarker('old'), 'github-actions[bot]');
    gh.readOnly = true;
    const result = await upsertStickyComment(options('new'));
    assert.equal(result.action, 'skipped');
    assert.match(result.action === 'skipped' ? result.reason : '', new RegExp(`update comment ${mine.id}`));
    assert.equal(mine.body, withMarker('old'));
  });

  test('update-only mode refreshes an existing comment but never starts one', async () => {
    const none = await upsertStickyComment(options('all good', { create: false }));
    assert.equal(none.action, 'skipped');
    assert.deepEqual(gh.writes(), []);
    const mine = gh.seedComment(PR, withMarker('regressed'), 'github-actions[bot]');
    const refreshed = await upsertStickyComment(options('all good', { create: false }));
    assert.equal(refreshed.action, 'updated');
    assert.equal(mine.body, withMarker('all good'));
  });

  test('other errors are thrown with what was being done', async () => {
    await assert.rejects(upsertStickyComment(options('x', { repo: 'unknown' })), /could not list the comments of octo\/unknown#42: Not Found/);
  });

  const COMMENTS = /^\/repos\/octo\/widgets\/issues\/42\/comments$/;
  const quick = { attempts: 3, baseDelayMs: 5, maxWaitMs: 5_000 };

  test('a transient 502 on the create is retried: one comment in the end, not an error', async () => {
    gh.injectFailures('POST', COMMENTS, { status: 502, body: { message: 'Bad Gateway' } });
    const result = await upsertStickyComment(options('after a 502', { retry: quick }));
    assert.equal(result.action, 'created');
    assert.deepEqual(gh.writes().map((c) => c.status), [502, 201]);
    assert.equal(gh.commentsOf(PR).length, 1);
  });

  test('429 with Retry-After is waited for as asked, then the write goes through', async () => {
    gh.injectFailures('GET', COMMENTS, { status: 429, body: { message: 'You have exceeded a secondary rate limit' }, headers: { 'retry-after': '1' } });
    const started = Date.now();
    const result = await upsertStickyComment(options('after a 429', { retry: quick }));
    assert.equal(result.action, 'created');
    assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms, Retry-After said 1 s`);
  });

  test('a 403 rate limit is named as a rate limit, not as a read-only token', async () => {
    const limited = {
      status: 403,
      body: { message: 'API rate limit exceeded for installation ID 1.' },
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) },
    };
    gh.injectFailures('GET', COMMENTS, limited, limited, limited);
    const result = await upsertStickyComment(options('limited', { retry: quick }));
    assert.equal(result.action, 'skipped');
    assert.match(warnings.join('\n'), /rate limit exceeded \(HTTP 403/);
    assert.doesNotMatch(warnings.join('\n'), /read-only/);
  });

  test('rejects a body that cannot fit, and a key that could break the marker', async () => {
    await assert.rejects(upsertStickyComment(options('x'.repeat(GITHUB_COMMENT_MAX))), /over GitHub's 65536: trim the report with fitToLimit/);
    assert.throws(() => stickyMarker('a --> b'), /comment key "a --> b": expected/);
    assert.deepEqual(gh.calls, []);
  });
});

test('commentDecision follows the comment input', () => {
  assert.equal(commentDecision('always', false), 'upsert');
  assert.equal(commentDecision('on-regression', true), 'upsert');
  assert.equal(commentDecision('on-regression', false), 'update-only');
  assert.equal(commentDecision('never', true), 'none');
});

test('comment keys: a short job id as it is, long ones told apart by a hash of the whole id', () => {
  assert.equal(commentKey('perf'), 'perf');
  assert.equal(commentKey(''), 'report');
  const a = commentKey(`${'x'.repeat(64)}-vllm`);
  const b = commentKey(`${'x'.repeat(64)}-transformers`);
  assert.notEqual(a, b);
  for (const k of [a, b]) assert.ok(k.length <= 64 && stickyMarker(k));
  // Characters the marker cannot hold are replaced, and the hash keeps "a b" apart from "a-b".
  assert.notEqual(commentKey('a b'), commentKey('a-b'));
});
