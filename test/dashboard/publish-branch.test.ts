// The dashboard site published to a branch as one commit through the Git Data API, against a local
// GitHub REST server that keeps every commit and tree and refuses a ref update that is not a
// fast-forward: many files make one commit on top of the head, a writer landing in between makes
// the publish rebuild on its commit (both writers' files kept), a failure midway leaves the branch
// as it was, and a site that changed nothing makes no commit.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { publishSiteBranch, readSiteBranch, type SiteBranch } from '../../src/dashboard/publish.ts';
import { FakeGitHub } from '../helpers/fake-github.ts';

let gh: FakeGitHub;

before(async () => {
  gh = new FakeGitHub('octo/widgets', { token: 'secret-token' });
  await gh.start();
});
after(() => gh.close());
beforeEach(() => {
  gh.reset();
  gh.putFile('gh-pages', 'README.md', 'pages\n');
});

const site = (dir = 'perf'): SiteBranch => ({
  owner: gh.owner,
  repo: gh.repo,
  token: 'secret-token',
  apiUrl: gh.url,
  branch: 'gh-pages',
  dir,
  retryDelayMs: 1,
  retry: { attempts: 3, baseDelayMs: 1, maxWaitMs: 10 },
});

/** A site of `n` data files and the page; `tag` changes every file's text. */
function siteFiles(n: number, tag: string): Map<string, string> {
  const files = new Map<string, string>();
  for (let i = 0; i < n; i++) files.set(`data/k${i}.js`, `LPG.key(${JSON.stringify({ i, tag })});\n`);
  files.set('data/index.js', `LPG.index(${JSON.stringify({ tag })});\n`);
  files.set('index.html', `<!doctype html><title>${tag}</title>\n`);
  return files;
}

const headOf = (branch = 'gh-pages'): string => gh.branches.get(branch)!;
const published = (dir: string): Map<string, string> =>
  new Map([...gh.files.get('gh-pages')!].filter(([p]) => p.startsWith(`${dir}/`)).map(([p, b]) => [p.slice(dir.length + 1), b.toString('utf8')]));

test('many files: one commit whose parent is the head, the other files of the branch kept', async () => {
  const before = headOf();
  const files = siteFiles(12, 'v1');
  assert.equal(await publishSiteBranch(site(), files), 14);
  const after = headOf();
  assert.notEqual(after, before);
  assert.deepEqual(gh.commitOf(after)?.parents, [before], 'one commit on top of the head');
  assert.equal(gh.commitOf(after)?.message, 'llm-perf-gate: publish dashboard');
  assert.deepEqual(published('perf'), files);
  assert.equal(gh.fileText('gh-pages', 'README.md'), 'pages\n');
  assert.equal(gh.calls.filter((c) => c.method === 'PATCH').length, 1);
  assert.ok(gh.calls.every((c) => !c.path.includes('/contents/')), 'no contents API write (one commit per file)');
  // Every request carried the token.
  assert.ok(gh.calls.every((c) => c.authorization === 'Bearer secret-token'));

  // Again with three files changed: one more commit holding those three only.
  gh.calls = [];
  const next = new Map(files);
  for (const p of ['data/k3.js', 'data/index.js', 'index.html']) next.set(p, `${files.get(p)}// v2\n`);
  assert.equal(await publishSiteBranch(site(), next), 3);
  assert.deepEqual(gh.commitOf(headOf())?.parents, [after]);
  const [tree] = gh.writes().filter((c) => c.path.endsWith('/git/trees'));
  assert.deepEqual((tree.body as { tree: { path: string }[] }).tree.map((e) => e.path).sort(), ['perf/data/index.js', 'perf/data/k3.js', 'perf/index.html']);
  assert.deepEqual(published('perf'), next);
});

test('an unchanged site makes no commit and writes nothing', async () => {
  const files = siteFiles(5, 'same');
  await publishSiteBranch(site(), files);
  const head = headOf();
  gh.calls = [];
  assert.equal(await publishSiteBranch(site(), files), 0);
  assert.equal(headOf(), head);
  assert.deepEqual(gh.writes(), [], 'no blob, tree, commit or ref write');
});

test('another writer lands between the read and the ref update: the update is refused, rebuilt on its commit, and both writers\' files are there', async () => {
  await publishSiteBranch(site(), siteFiles(4, 'v1'));
  const start = headOf();
  gh.calls = [];
  // The other writer: a second publish of another site folder, whole, while ours waits for its ref update.
  let theirs = '';
  gh.interleave('PATCH', /\/git\/refs\/heads\/gh-pages$/, async () => {
    assert.equal(await publishSiteBranch(site('other'), siteFiles(2, 'theirs')), 4);
    theirs = headOf();
  });
  const ours = siteFiles(4, 'v2');
  assert.equal(await publishSiteBranch(site(), ours), 6);
  const patches = gh.calls.filter((c) => c.method === 'PATCH').map((c) => c.status);
  assert.deepEqual(patches, [200, 422, 200], 'theirs lands; ours is refused as not a fast-forward, then lands');
  assert.match(JSON.stringify(gh.calls.find((c) => c.status === 422)), /"force":false/);
  // History: start → theirs → ours, each one commit.
  assert.deepEqual(gh.commitOf(theirs)?.parents, [start]);
  assert.deepEqual(gh.commitOf(headOf())?.parents, [theirs]);
  assert.deepEqual(published('perf'), ours);
  assert.deepEqual(published('other'), siteFiles(2, 'theirs'));
});

test('a writer that keeps losing the race gives up after its attempts, named, and the branch holds the others\' commits only', async () => {
  await publishSiteBranch(site(), siteFiles(1, 'v1'));
  for (let i = 0; i < 5; i++) gh.interleave('PATCH', /\/git\/refs\/heads\/gh-pages$/, () => gh.putFile('gh-pages', `other/${i}.txt`, `${i}`));
  await assert.rejects(publishSiteBranch({ ...site(), maxAttempts: 2 }, siteFiles(1, 'v2')), /^Error: octo\/widgets@gh-pages:perf: could not commit after 2 attempts: other writers kept moving it, or GitHub kept failing \(last answer: HTTP 422 Update is not a fast forward\)$/);
  assert.deepEqual(published('perf'), siteFiles(1, 'v1'));
});

test('a failure midway (the tree POST answering 500 until the retries run out) leaves the branch exactly as it was', async () => {
  await publishSiteBranch(site(), siteFiles(3, 'v1'));
  const head = headOf();
  const before = new Map(gh.files.get('gh-pages'));
  gh.calls = [];
  const boom = { status: 500, body: { message: 'Server Error' } };
  gh.injectFailures('POST', /\/git\/trees$/, boom, boom, boom);
  await assert.rejects(publishSiteBranch(site(), siteFiles(3, 'v2')), /^Error: octo\/widgets@gh-pages:perf: could not create the tree: HTTP 500 Server Error$/);
  assert.equal(headOf(), head, 'the branch did not move');
  assert.deepEqual(gh.files.get('gh-pages'), before, 'every file as it was');
  assert.equal(gh.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/git/blobs')).length, 5, 'the blobs were uploaded (unreferenced, harmless)');
  assert.equal(gh.calls.filter((c) => c.method === 'PATCH').length, 0);
  // The same publish once GitHub is back: lands whole.
  assert.equal(await publishSiteBranch(site(), siteFiles(3, 'v2')), 5);
  assert.deepEqual(published('perf'), siteFiles(3, 'v2'));
});

test('a ref update whose answer is lost after it landed counts as landed, not made twice', async () => {
  await publishSiteBranch(site(), siteFiles(1, 'v1'));
  const head = headOf();
  gh.calls = [];
  gh.loseAnswers('PATCH', /\/git\/refs\/heads\/gh-pages$/, { status: 502, body: { message: 'Bad Gateway' } });
  assert.equal(await publishSiteBranch(site(), siteFiles(1, 'v2')), 3);
  assert.deepEqual(gh.commitOf(headOf())?.parents, [head], 'one commit');
  assert.equal(gh.calls.filter((c) => c.method === 'PATCH').length, 1);
});

test('a missing branch is created from the default branch; the site at the root; what was published reads back', async () => {
  gh.reset();
  const root = { ...site(''), branch: 'pages' };
  assert.deepEqual(await readSiteBranch(root), [], 'no branch: nothing published');
  const files = siteFiles(2, 'v1');
  assert.equal(await publishSiteBranch(root, files), 4);
  const head = headOf('pages');
  assert.deepEqual(gh.commitOf(head)?.parents, [gh.branches.get('main')]);
  assert.equal(gh.fileText('pages', 'README.md'), '# repo\n');
  assert.equal(gh.fileText('pages', 'index.html'), files.get('index.html'));
});
