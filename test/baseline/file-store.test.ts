import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { lstat, mkdir, mkdtemp, open, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FileBaselineStore, HISTORY_MARKER } from '../../src/baseline/file-store.ts';
import { recordRun, serializeBaselineDoc } from '../../src/baseline/history.ts';
import { makeRun } from '../helpers/make-run.ts';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'perf-gate-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const run = (i: number) => makeRun({ createdAt: `2026-05-0${i + 1}T00:00:00.000Z`, sha: String(i).repeat(40) });

test('a missing file reads as no baseline; update creates it (and its folder)', async (t) => {
  const dir = await tempDir(t);
  const store = new FileBaselineStore(join(dir, 'nested', 'baseline.json'));
  assert.equal(await store.read(), null);
  await store.update((doc) => recordRun(doc, run(0)));
  const doc = await store.read();
  assert.equal(doc?.entries.length, 1);
  assert.equal(await readFile(join(dir, 'nested', 'baseline.json'), 'utf8'), serializeBaselineDoc(doc!));
});

test('the first write leaves a history marker in the folder: a baseline deleted or misnamed later is told from one never recorded', async (t) => {
  const dir = await tempDir(t);
  const store = new FileBaselineStore(join(dir, 'baseline.json'));
  assert.equal(await store.everWritten(), false, 'a new folder has never held a baseline');
  await store.update((doc) => recordRun(doc, run(0)));
  assert.equal(await store.everWritten(), true);
  await rm(join(dir, 'baseline.json'));
  assert.equal(await store.read(), null);
  assert.equal(await store.everWritten(), true, 'the file is gone, the marker says it was there');
  assert.equal(await new FileBaselineStore(join(dir, 'baselin.json')).everWritten(), true, 'a mistyped name in the same folder');
  assert.equal(await new FileBaselineStore(join(dir, 'other', 'baseline.json')).everWritten(), false, 'another folder never held one');
  await store.update((doc) => recordRun(doc, run(1)));
  assert.match(await readFile(join(dir, HISTORY_MARKER), 'utf8'), /llm-perf-gate has recorded baselines in this folder/, 'written once, kept on later writes');
});

test('a write replaces the file by rename: a reader holding the old file still sees it whole', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'baseline.json');
  const store = new FileBaselineStore(path);
  await store.update((doc) => recordRun(doc, run(0)));
  const before = await readFile(path, 'utf8');
  const inodeBefore = (await stat(path)).ino;
  const reader = await open(path, 'r');
  t.after(() => reader.close());
  await store.update((doc) => recordRun(doc, run(1)));
  assert.notEqual((await stat(path)).ino, inodeBefore, 'a new file took the name');
  assert.equal(await reader.readFile('utf8'), before, 'the old file was never written into');
  assert.equal((await store.read())?.entries.length, 2);
  assert.deepEqual((await readdir(dir)).sort(), [HISTORY_MARKER, 'baseline.json'], 'no temporary file is left behind');
});

test('a failing update function leaves the file as it was', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'baseline.json');
  const store = new FileBaselineStore(path);
  await store.update((doc) => recordRun(doc, run(0)));
  const before = await readFile(path, 'utf8');
  await assert.rejects(
    store.update((doc) => recordRun(doc, makeRun({ partial: true }))),
    /partial run/,
  );
  assert.equal(await readFile(path, 'utf8'), before);
  assert.deepEqual((await readdir(dir)).sort(), [HISTORY_MARKER, 'baseline.json']);
});

test('a corrupt file fails closed: read and update throw naming the path, and nothing is overwritten', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'baseline.json');
  await writeFile(path, '{"schema":"llm-perf-gate/baseline@1","entries":[{"key":');
  const store = new FileBaselineStore(path);
  await assert.rejects(store.read(), (err: Error) => err.message.startsWith(`${path}: not valid JSON`));
  await assert.rejects(store.update((doc) => recordRun(doc, run(0))), /not valid JSON/);
  assert.equal(await readFile(path, 'utf8'), '{"schema":"llm-perf-gate/baseline@1","entries":[{"key":');
});

test('updates through one store run one after another, so none is lost', async (t) => {
  const dir = await tempDir(t);
  const store = new FileBaselineStore(join(dir, 'baseline.json'));
  await Promise.all([0, 1, 2, 3].map((i) => store.update((doc) => recordRun(doc, run(i)))));
  const doc = await store.read();
  assert.deepEqual(doc?.entries.map((e) => e.sha?.[0]).sort(), ['0', '1', '2', '3']);
});

test('writers in separate processes take turns under the lock file: no update is lost', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'baseline.json');
  const writer = new URL('./store-writer.ts', import.meta.url).pathname;
  const run = promisify(execFile);
  // Three processes, 15 read-modify-writes each, all at once.
  await Promise.all(['a', 'b', 'c'].map((tag) => run(process.execPath, [writer, path, tag, '15'])));
  const doc = await new FileBaselineStore(path).read();
  assert.equal(doc?.entries.length, 45, 'every process\'s every entry is in the history');
  assert.deepEqual((await readdir(dir)).sort(), [HISTORY_MARKER, 'baseline.json'], 'no lock or temporary file is left behind');
});

test('a lock left by a dead process is taken over; a live holder makes the update wait, then fail naming it', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'baseline.json');
  const lock = `${path}.lock`;
  // A process that has exited: its pid is free.
  const dead = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => dead.once('exit', resolve));
  await writeFile(lock, JSON.stringify({ pid: dead.pid, host: hostname(), since: '2026-05-01T00:00:00.000Z' }));
  await new FileBaselineStore(path, { timeoutMs: 2_000 }).update((doc) => recordRun(doc, run(0)));
  assert.equal((await new FileBaselineStore(path).read())?.entries.length, 1);

  const since = new Date().toISOString();
  await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), since }));
  const before = await readFile(path, 'utf8');
  const started = Date.now();
  await assert.rejects(
    new FileBaselineStore(path, { timeoutMs: 300 }).update((doc) => recordRun(doc, run(1))),
    (err: Error) => err.message.startsWith(`${lock}: the baseline is locked by process ${process.pid} on ${hostname()} since ${since}; waited 0 s.`),
  );
  assert.ok(Date.now() - started >= 300, 'it waited for the holder');
  assert.equal(await readFile(path, 'utf8'), before, 'nothing written');
  assert.equal(JSON.parse(await readFile(lock, 'utf8')).pid, process.pid, 'a live holder\'s lock is left alone');
});

test('a lock older than its holder (the pid was reused by a later process) is taken over', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'baseline.json');
  // This test process is alive, but started long after 2020: the lock cannot be its.
  await writeFile(`${path}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: '2020-01-01T00:00:00.000Z' }));
  await new FileBaselineStore(path, { timeoutMs: 2_000 }).update((doc) => recordRun(doc, run(0)));
  assert.equal((await new FileBaselineStore(path).read())?.entries.length, 1);
  await assert.rejects(stat(`${path}.lock`), /ENOENT/, 'the lock is released');
});

test('an empty lock (its writer died between creating and naming it) is taken over once it is seconds old', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'baseline.json');
  const lock = `${path}.lock`;
  await writeFile(lock, '');
  const old = new Date(Date.now() - 60_000);
  await utimes(lock, old, old);
  const started = Date.now();
  await new FileBaselineStore(path, { timeoutMs: 2_000 }).update((doc) => recordRun(doc, run(0)));
  assert.ok(Date.now() - started < 1_500, 'taken over at once, not after the wait');
  assert.equal((await new FileBaselineStore(path).read())?.entries.length, 1);
});

for (const [limitKiB, what] of [[1, 'the lock fits, the new history does not'], [0, 'not even the lock can be written']] as const) {
  test(`a full disk is a clear error that leaves the history and the lock as they were (${what})`, async (t) => {
    const dir = await tempDir(t);
    const path = join(dir, 'baseline.json');
    await new FileBaselineStore(path).update((doc) => recordRun(doc, run(0)));
    const before = await readFile(path, 'utf8');
    // A writer whose files may not grow past the limit (RLIMIT_FSIZE; SIGXFSZ ignored, so a write
    // fails with EFBIG the way it fails with ENOSPC on a full disk).
    const writer = join(import.meta.dirname, 'store-writer.ts');
    const child = await promisify(execFile)('bash', ['-c', `trap '' XFSZ; ulimit -f ${limitKiB}; exec "$0" "$@"`, process.execPath, writer, path, 'f', '1']).catch((e: { stderr: string; code: number }) => e);
    assert.notEqual((child as { code?: number }).code ?? 0, 0, 'the write failed');
    assert.match((child as { stderr: string }).stderr, new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.lock)?: cannot write the (baseline|lock file).*(EFBIG|ENOSPC|too large)`, 'i'));
    assert.equal(await readFile(path, 'utf8'), before, 'the history is unchanged');
    assert.deepEqual((await readdir(dir)).sort(), [HISTORY_MARKER, 'baseline.json'], 'no lock and no temporary file left behind');
    // And the next writer is not held up.
    await new FileBaselineStore(path, { timeoutMs: 500 }).update((doc) => recordRun(doc, run(1)));
  });
}

test('checkWritable names the store and the cause before anything is measured', async (t) => {
  const dir = await tempDir(t);
  const blocker = join(dir, 'not-a-dir');
  await writeFile(blocker, 'x');
  const store = new FileBaselineStore(join(blocker, 'baseline.json'));
  await assert.rejects(store.checkWritable(), new RegExp(`^Error: ${join(blocker, 'baseline.json')}: the baseline could not be written after the run: .*(EEXIST|ENOTDIR)`));
  await new FileBaselineStore(join(dir, 'ok', 'baseline.json')).checkWritable();
  assert.deepEqual(await readdir(join(dir, 'ok')), [], 'the probe is removed');
});

/** A folder's files but the history marker every baseline write leaves (missing-baseline auto reads it). */
const besides = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((n) => n !== HISTORY_MARKER);

test('a baseline path that is a symlink is followed: the shared file gets the record and the link stays a link', async (t) => {
  const dir = await tempDir(t);
  const shared = join(dir, 'shared', 'history.json');
  await new FileBaselineStore(shared).update((doc) => recordRun(doc, run(0)));
  await mkdir(join(dir, 'checkout'));
  const link = join(dir, 'checkout', 'baseline.json');
  await symlink('../shared/history.json', link);
  await new FileBaselineStore(link).update((doc) => recordRun(doc, run(1)));
  assert.ok((await lstat(link)).isSymbolicLink(), 'the link was not replaced by a file');
  assert.equal((await new FileBaselineStore(shared).read())?.entries.length, 2, 'the shared history has both records');
  assert.deepEqual(await besides(join(dir, 'checkout')), ['baseline.json'], 'no lock or temporary file beside the link');
  assert.deepEqual(await besides(join(dir, 'shared')), ['history.json']);
});

test('temporary files a killed writer left are removed by the next writer', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'baseline.json');
  await new FileBaselineStore(path).update((doc) => recordRun(doc, run(0)));
  const leftover = join(dir, '.baseline.json.4194301.0123456789ab.tmp');
  await writeFile(leftover, 'x'.repeat(100_000));
  await new FileBaselineStore(path).update((doc) => recordRun(doc, run(1)));
  assert.deepEqual(await besides(dir), ['baseline.json']);
});

test('SIGTERM to a writer holding the lock: it exits 143 leaving neither the lock nor a temporary file', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'baseline.json');
  const writer = spawn(process.execPath, [join(import.meta.dirname, 'store-writer.ts'), path, 't', '1', '5000'], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => writer.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 10_000;
  while (!(await readFile(`${path}.lock`, 'utf8').catch(() => '')).includes(`"pid":${writer.pid},`)) {
    assert.ok(Date.now() < deadline, 'the writer took the lock');
    await new Promise((r) => setTimeout(r, 10));
  }
  writer.kill('SIGTERM');
  assert.equal(await exited, 143);
  // The signal is handled once the update function returns: the write lands whole or not at all.
  assert.deepEqual((await readdir(dir)).filter((n) => n !== 'baseline.json'), [], 'the lock and the temporary file are gone');
  assert.ok((await new FileBaselineStore(path).read()) !== undefined, 'the history, if written, reads back');
});
