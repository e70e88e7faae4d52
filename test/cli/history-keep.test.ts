import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FileBaselineStore } from '../../src/baseline/file-store.ts';
import { recordRun, serializeBaselineDoc, type BaselineDoc } from '../../src/baseline/history.ts';
import { packageRoot } from '../../src/paths.ts';
import { makeRun } from '../helpers/make-run.ts';

// The comparison window (`--history`) only reads; what a baseline write deletes is `--history-keep`'s.

const dir = mkdtempSync(join(tmpdir(), 'cli-keep-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const at = (i: number) => new Date(Date.UTC(2026, 0, 1, i)).toISOString();

function history120(name: string): string {
  let doc: BaselineDoc | null = null;
  for (let i = 0; i < 120; i++) doc = recordRun(doc, makeRun({ createdAt: at(i) }), 1000);
  const path = join(dir, name);
  writeFileSync(path, serializeBaselineDoc(doc!));
  return path;
}

function compareBaseline(baseline: string, ...flags: string[]) {
  const current = join(dir, 'current.json');
  writeFileSync(current, JSON.stringify(makeRun({ createdAt: at(500) })));
  const r = spawnSync(process.execPath, [join(packageRoot(), 'src', 'cli.ts'), 'compare', '--mode', 'baseline', '--baseline', baseline, '--current', current, '--out', join(dir, 'out'), ...flags], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('compare --mode baseline --history 1 on a 120-run history keeps all 120 and adds one', async () => {
  const path = history120('b1.json');
  const r = compareBaseline(path, '--history', '1');
  assert.match(r.out, /^baseline: recorded into the baseline history \(compared against the last 1 runs per key, 1000 kept; nothing removed\)$/m, r.out);
  assert.equal((await new FileBaselineStore(path).read())?.entries.length, 121);
});

test('--history-keep deletes only the oldest runs beyond it, and says how many', async () => {
  const path = history120('b2.json');
  const r = compareBaseline(path, '--history', '10', '--history-keep', '100');
  assert.match(r.out, /^baseline: recorded .*100 kept; removed the 21 oldest run\(s\) beyond history-keep 100\)$/m, r.out);
  const doc = await new FileBaselineStore(path).read();
  assert.equal(doc?.entries.length, 100);
  assert.equal(doc?.entries[0].createdAt, at(21), 'the oldest went, the newest stayed');
});

test('--history-keep below --history is refused before anything is read or written', () => {
  const path = history120('b3.json');
  const r = compareBaseline(path, '--history', '60', '--history-keep', '10');
  assert.equal(r.code, 1);
  assert.match(r.out, /--history-keep: expected at least "history" \(60\), the runs the comparison reads, got 10/);
});
