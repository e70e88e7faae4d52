import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBaselineStore } from '../../src/baseline/file-store.ts';
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
  assert.deepEqual(await readdir(dir), ['baseline.json'], 'no temporary file is left behind');
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
  assert.deepEqual(await readdir(dir), ['baseline.json']);
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
