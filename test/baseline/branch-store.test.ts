import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BranchBaselineStore, type BranchStoreOptions } from '../../src/baseline/branch-store.ts';
import { parseBaselineDoc, recordRun, serializeBaselineDoc } from '../../src/baseline/history.ts';
import { FakeGitHub } from '../helpers/fake-github.ts';
import { makeRun } from '../helpers/make-run.ts';

const PATH = 'llm-perf-gate/baseline.json';
let gh: FakeGitHub;

const store = (extra: Partial<BranchStoreOptions> = {}): BranchBaselineStore =>
  new BranchBaselineStore({ owner: gh.owner, repo: gh.repo, token: 'secret-token', apiUrl: gh.url, retryDelayMs: 1, ...extra });

const run = (i: number) => makeRun({ createdAt: `2026-05-0${i + 1}T00:00:00.000Z`, sha: String(i).repeat(40) });

const stored = () => parseBaselineDoc(gh.fileText('perf-baselines', PATH)!, 'stored');

describe('baseline on a git branch, against a local GitHub REST server', () => {
  before(async () => {
    gh = new FakeGitHub('octo/widgets', { token: 'secret-token' });
    await gh.start();
  });
  after(() => gh.close());
  beforeEach(() => gh.reset());

  test('reads ride out a 503 and a 429 with Retry-After: 0; the history is read, not given up', async () => {
    await store().update((doc) => recordRun(doc, run(0)));
    gh.calls = [];
    gh.injectFailures('GET', /\/contents\//, { status: 503, body: { message: 'Service Unavailable' } }, { status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '0' } });
    const doc = await store({ retry: { attempts: 4, baseDelayMs: 5, maxWaitMs: 1_000 } }).read();
    assert.equal(doc?.entries.length, 1);
    assert.deepEqual(gh.calls.filter((c) => c.path.includes('/contents/')).map((c) => c.status), [503, 429, 200]);
  });

  test('no branch yet reads as no baseline', async () => {
    assert.equal(await store().read(), null);
    assert.ok(gh.calls.every((c) => c.authorization === 'Bearer secret-token'));
  });

  test('the store has been written once its branch exists: a missing file there, or a mistyped path, is told from a new repository', async () => {
    assert.equal(await store().everWritten(), false, 'no branch: never written');
    await store().update((doc) => recordRun(doc, run(0)));
    assert.equal(await store().everWritten(), true);
    const typo = store({ path: 'perf/baselin.json' });
    gh.calls = [];
    assert.equal(await typo.read(), null);
    assert.equal(await typo.everWritten(), true, 'the branch exists, the file under this path does not');
    assert.equal(gh.calls.filter((c) => c.path.includes('/git/ref/')).length, 1, 'asked once: the read looked the branch up already');
    assert.equal(await store({ branch: 'perf-baseline' }).everWritten(), false, 'a mistyped branch looks like a new repository');
  });

  test('the first update creates the branch from the default branch, then the file', async () => {
    await store().update((doc) => recordRun(doc, run(0)));
    assert.equal(gh.branches.has('perf-baselines'), true);
    assert.equal(gh.fileText('perf-baselines', 'README.md'), '# repo\n', 'branched from main');
    assert.equal(gh.fileText('main', PATH), undefined, 'the default branch is not touched');
    assert.equal(stored().entries.length, 1);
    const createRef = gh.calls.find((c) => c.method === 'POST' && c.path === '/repos/octo/widgets/git/refs');
    assert.deepEqual(createRef?.body, { ref: 'refs/heads/perf-baselines', sha: gh.branches.get('main') });
    const put = gh.writes().find((c) => c.method === 'PUT');
    assert.equal((put?.body as { branch: string }).branch, 'perf-baselines');
    assert.equal((put?.body as { sha?: string }).sha, undefined, 'a new file has no blob to replace');
  });

  test('a later update names the blob it replaces and appends', async () => {
    const s = store();
    await s.update((doc) => recordRun(doc, run(0)));
    const firstBlob = gh.calls.filter((c) => c.method === 'PUT').length;
    await s.update((doc) => recordRun(doc, run(1)));
    const puts = gh.calls.filter((c) => c.method === 'PUT');
    assert.equal(puts.length, firstBlob + 1);
    assert.match((puts.at(-1)!.body as { sha: string }).sha, /^[0-9a-f]{40}$/);
    assert.deepEqual((await s.read())?.entries.map((e) => e.sha?.[0]), ['0', '1']);
  });

  test('a conflict (409) makes the update read again and re-apply, then land', async () => {
    const s = store();
    await s.update((doc) => recordRun(doc, run(0)));
    gh.injectConflicts(2);
    let applied = 0;
    await s.update((doc) => {
      applied++;
      return recordRun(doc, run(1));
    });
    assert.equal(applied, 3, 'applied once per attempt');
    assert.deepEqual(stored().entries.map((e) => e.sha?.[0]), ['0', '1']);
    assert.deepEqual(
      gh.calls.filter((c) => c.method === 'PUT').map((c) => c.status),
      [201, 409, 409, 200],
    );
  });

  test('a write whose answer is lost (502 after it landed) is read back and not appended twice', async () => {
    const s = store({ retry: { attempts: 4, baseDelayMs: 1, maxWaitMs: 1_000 } });
    await s.update((doc) => recordRun(doc, run(0)));
    gh.loseAnswers('PUT', /\/contents\//, { status: 502, body: { message: 'Bad Gateway' } });
    await s.update((doc) => recordRun(doc, run(1)));
    assert.deepEqual(stored().entries.map((e) => e.sha?.[0]), ['0', '1'], 'recorded once');
    assert.deepEqual(gh.calls.filter((c) => c.method === 'PUT').map((c) => c.status), [201, 502], 'no second write');
  });

  test('a write refused by a busy GitHub (503, then 429 with Retry-After) is tried again and lands once', async () => {
    const s = store({ retry: { attempts: 4, baseDelayMs: 1, maxWaitMs: 1_000 } });
    await s.update((doc) => recordRun(doc, run(0)));
    gh.injectFailures('PUT', /\/contents\//, { status: 503, body: { message: 'Service Unavailable' } }, { status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '0' } });
    await s.update((doc) => recordRun(doc, run(1)));
    assert.deepEqual(stored().entries.map((e) => e.sha?.[0]), ['0', '1']);
    assert.deepEqual(gh.calls.filter((c) => c.method === 'PUT').map((c) => c.status), [201, 503, 429, 200]);
  });

  test('a write GitHub keeps failing is an error that says it may have landed', async () => {
    gh.injectFailures('PUT', /\/contents\//, ...Array.from({ length: 4 }, () => ({ status: 502, body: { message: 'Bad Gateway' } })));
    await assert.rejects(
      store({ retry: { attempts: 3, baseDelayMs: 1, maxWaitMs: 1_000 } }).update((doc) => recordRun(doc, run(0))),
      /could not write the baseline \(it may have landed; the next read shows whether\): HTTP 502 Bad Gateway/,
    );
    assert.equal(gh.calls.filter((c) => c.method === 'PUT').length, 3);
  });

  test('gives up after the bounded number of attempts, saying why', async () => {
    gh.injectConflicts(10);
    await assert.rejects(store({ maxAttempts: 3 }).update((doc) => recordRun(doc, run(0))), /octo\/widgets@perf-baselines:llm-perf-gate\/baseline\.json: could not write the baseline after 3 attempts: .*HTTP 409/);
  });

  test('two concurrent writers that read the same version both land', async () => {
    await store().update((doc) => recordRun(doc, run(0)));
    gh.holdReads(2);
    await Promise.all([store().update((doc) => recordRun(doc, run(1))), store().update((doc) => recordRun(doc, run(2)))]);
    assert.deepEqual(stored().entries.map((e) => e.sha?.[0]).sort(), ['0', '1', '2']);
    assert.ok(gh.calls.some((c) => c.method === 'PUT' && c.status === 409), 'one of them had to retry');
  });

  test('two concurrent writers on a repository without the branch both land', async () => {
    gh.holdReads(2);
    await Promise.all([store().update((doc) => recordRun(doc, run(1))), store().update((doc) => recordRun(doc, run(2)))]);
    assert.deepEqual(stored().entries.map((e) => e.sha?.[0]).sort(), ['1', '2']);
  });

  test('a corrupt document on the branch fails closed: an error naming it, and no write', async () => {
    gh.putFile('perf-baselines', PATH, '{"schema":"llm-perf-gate/baseline@1","entries":[');
    await assert.rejects(store().read(), /^Error: octo\/widgets@perf-baselines:llm-perf-gate\/baseline\.json: not valid JSON/);
    await assert.rejects(store().update((doc) => recordRun(doc, run(0))), /not valid JSON/);
    assert.deepEqual(gh.writes(), []);
    assert.equal(gh.fileText('perf-baselines', PATH), '{"schema":"llm-perf-gate/baseline@1","entries":[');
  });

  test('a document too large to come inline is read through the blobs API', async () => {
    gh.putFile('perf-baselines', PATH, serializeBaselineDoc(recordRun(null, run(0))));
    gh.inlineLimit = 100;
    assert.equal((await store().read())?.entries.length, 1);
    assert.ok(gh.calls.some((c) => c.path.startsWith('/repos/octo/widgets/git/blobs/')));
  });

  test('other failures are errors with the status and GitHub message', async () => {
    await assert.rejects(store({ token: 'wrong' }).read(), /could not read the baseline: HTTP 401 Bad credentials/);
    gh.readOnly = true;
    await assert.rejects(store().update((doc) => recordRun(doc, run(0))), /could not create branch perf-baselines from main: HTTP 403 Resource not accessible/);
  });

  test('a custom branch and path are used as given', async () => {
    await store({ branch: 'bench/data', path: 'gpu/h100.json' }).update((doc) => recordRun(doc, run(0)));
    assert.equal(parseBaselineDoc(gh.fileText('bench/data', 'gpu/h100.json')!, 'x').entries.length, 1);
  });
});
