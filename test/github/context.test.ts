import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertSafeToRun, parseGitHubContext, readCheckedOutSha, readGitHubContext } from '../../src/github/context.ts';

const BASE_SHA = 'b'.repeat(40);
const HEAD_SHA = 'c'.repeat(40);

const env = (event: string, extra: Record<string, string> = {}): Record<string, string> => ({
  GITHUB_EVENT_NAME: event,
  GITHUB_REPOSITORY: 'octo/widgets',
  GITHUB_REF: 'refs/pull/7/merge',
  GITHUB_SHA: BASE_SHA,
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '123456',
  ...extra,
});

function prPayload(headRepo: string | null): unknown {
  return {
    number: 7,
    repository: { full_name: 'octo/widgets', default_branch: 'main' },
    pull_request: {
      number: 7,
      head: { sha: HEAD_SHA, ref: 'feat/<img src=x onerror=alert(1)>', repo: headRepo === null ? null : { full_name: headRepo, fork: headRepo !== 'octo/widgets' } },
      base: { sha: BASE_SHA, ref: 'main', repo: { full_name: 'octo/widgets' } },
    },
  };
}

test('a pull request from a branch of the same repository is not a fork and may run', () => {
  const ctx = parseGitHubContext(env('pull_request'), prPayload('octo/widgets'), HEAD_SHA);
  assert.deepEqual(ctx.pullRequest, {
    number: 7,
    headRepo: 'octo/widgets',
    baseRepo: 'octo/widgets',
    headSha: HEAD_SHA,
    headRef: 'feat/<img src=x onerror=alert(1)>',
    baseRef: 'main',
    fromFork: false,
  });
  assert.deepEqual(ctx.repository, { owner: 'octo', repo: 'widgets' });
  assert.equal(ctx.defaultBranch, 'main');
  assert.equal(ctx.trustedForBaseline, false);
  assert.equal(ctx.runUrl, 'https://github.com/octo/widgets/actions/runs/123456');
  assert.doesNotThrow(() => assertSafeToRun(ctx, false));
});

test('a fork pull request is refused on the runner unless allowed, and the error says why', () => {
  const ctx = parseGitHubContext(env('pull_request'), prPayload('mallory/widgets'), HEAD_SHA);
  assert.equal(ctx.pullRequest?.fromFork, true);
  assert.throws(() => assertSafeToRun(ctx, false), (err: Error) => {
    assert.match(err.message, /pull request #7 from the fork mallory\/widgets/);
    assert.match(err.message, /self-hosted GPU runner/);
    assert.match(err.message, /other jobs' files/);
    assert.match(err.message, /allow-fork-prs: true/);
    return true;
  });
  assert.doesNotThrow(() => assertSafeToRun(ctx, true));
});

test('a fork is recognised by repository name, also when the fork was deleted', () => {
  assert.equal(parseGitHubContext(env('pull_request'), prPayload(null), null).pullRequest?.fromFork, true);
  // A fork's own internal PR: head.repo.fork is true, but head and base are the same repository.
  const internal = prPayload('octo/widgets') as { pull_request: { head: { repo: { fork: boolean } } } };
  internal.pull_request.head.repo.fork = true;
  assert.equal(parseGitHubContext(env('pull_request'), internal, null).pullRequest?.fromFork, false);
});

test('pull_request_target: safe on the base commit, refused when the PR head is checked out or unknown', () => {
  const base = parseGitHubContext(env('pull_request_target', { GITHUB_REF: 'refs/heads/main' }), prPayload('mallory/widgets'), BASE_SHA);
  assert.equal(base.prTargetRunsPrCode, false);
  assert.doesNotThrow(() => assertSafeToRun(base, false));

  const head = parseGitHubContext(env('pull_request_target', { GITHUB_REF: 'refs/heads/main' }), prPayload('mallory/widgets'), HEAD_SHA);
  assert.equal(head.prTargetRunsPrCode, true);
  assert.throws(() => assertSafeToRun(head, false), /pull_request_target run has checked out code from pull request #7 .*secrets and a write token/);
  assert.doesNotThrow(() => assertSafeToRun(head, true));

  const unknown = parseGitHubContext(env('pull_request_target'), prPayload('mallory/widgets'), null);
  assert.equal(unknown.prTargetRunsPrCode, true);
  assert.throws(() => assertSafeToRun(unknown, false), /pull_request_target/);
});

test('only pushes to the default branch, schedules and manual runs may write baselines', () => {
  const payload = { repository: { full_name: 'octo/widgets', default_branch: 'main' } };
  const trusted = (event: string, ref: string, p: unknown = payload): boolean =>
    parseGitHubContext(env(event, { GITHUB_REF: ref }), p, null).trustedForBaseline;
  assert.equal(trusted('push', 'refs/heads/main'), true);
  assert.equal(trusted('push', 'refs/heads/feature'), false);
  assert.equal(trusted('push', 'refs/tags/v1.0.0'), false);
  assert.equal(trusted('push', 'refs/heads/main', {}), false, 'without a known default branch a push is not trusted');
  assert.equal(trusted('schedule', 'refs/heads/main', { schedule: '0 3 * * *' }), true);
  assert.equal(trusted('workflow_dispatch', 'refs/heads/main'), true);
  assert.equal(trusted('pull_request', 'refs/heads/main', prPayload('octo/widgets')), false);
  assert.equal(trusted('pull_request_target', 'refs/heads/main', prPayload('octo/widgets')), false);
  assert.equal(parseGitHubContext(env('push', { GITHUB_REF: 'refs/heads/main' }), payload, null).pullRequest, null);
});

test('readGitHubContext reads the event file and the commit checked out in the workspace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perf-gate-ctx-'));
  try {
    const repo = join(dir, 'repo');
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q', repo);
    writeFileSync(join(repo, 'a.txt'), 'a');
    git('-C', repo, 'add', 'a.txt');
    git('-C', repo, 'commit', '-q', '-m', 'one');
    const sha = git('-C', repo, 'rev-parse', 'HEAD');
    assert.equal(readCheckedOutSha(repo), sha);
    assert.equal(readCheckedOutSha(dir), null, 'not a repository');

    const eventFile = join(dir, 'event.json');
    writeFileSync(eventFile, JSON.stringify(prPayload('mallory/widgets')));
    const ctx = readGitHubContext({ ...env('pull_request_target'), GITHUB_EVENT_PATH: eventFile, GITHUB_WORKSPACE: repo });
    assert.equal(ctx.checkedOutSha, sha);
    assert.equal(ctx.pullRequest?.number, 7);
    assert.equal(ctx.prTargetRunsPrCode, true, 'the workspace holds neither GITHUB_SHA');
    const onBase = readGitHubContext({ ...env('pull_request_target', { GITHUB_SHA: sha }), GITHUB_EVENT_PATH: eventFile, GITHUB_WORKSPACE: repo });
    assert.equal(onBase.prTargetRunsPrCode, false);

    writeFileSync(eventFile, '{not json');
    assert.throws(() => readGitHubContext({ ...env('push'), GITHUB_EVENT_PATH: eventFile, GITHUB_WORKSPACE: repo }), /GITHUB_EVENT_PATH .*event\.json: cannot read the event payload as JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('outside Actions (no event file) the context is empty but usable', () => {
  const ctx = readGitHubContext({ GITHUB_WORKSPACE: tmpdir() });
  assert.equal(ctx.eventName, '');
  assert.equal(ctx.repository, null);
  assert.equal(ctx.pullRequest, null);
  assert.equal(ctx.trustedForBaseline, false);
  assert.equal(ctx.runUrl, null);
  assert.doesNotThrow(() => assertSafeToRun(ctx, false));
});
