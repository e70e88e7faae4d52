import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withOutFolder } from '../src/out-folder.ts';
import { packageRoot } from '../src/paths.ts';

// The out folder is checked before anything is measured and belongs to one run at a time; its
// files are replaced whole, so a full disk leaves the earlier results rather than a torn file.

const cli = join(packageRoot(), 'src', 'cli.ts');
const smoke = join(packageRoot(), 'scenarios', 'smoke.yml');

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'out-folder-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function runCli(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, 'run', '--engines', 'sim-vllm', '--scenarios', smoke, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, output: r.stdout + r.stderr };
}

test('--out naming a file, or a folder under one, is an error naming it before any engine starts', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'taken');
  writeFileSync(file, 'x');
  for (const [out, expected] of [
    [file, `${file}: the out folder is a file; expected a folder for results.json, report.md and the exports`],
    [join(file, 'sub'), `${join(file, 'sub')}: cannot create the out folder: ENOTDIR`],
  ]) {
    const r = runCli('--out', out);
    assert.equal(r.code, 1, r.output);
    assert.ok(r.output.includes(expected), r.output);
    assert.doesNotMatch(r.output, /starting|plan:/, 'nothing was started');
  }
});

test('a second run given an out folder in use is refused at once, naming the run that holds it', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'out');
  await withOutFolder(out, 0, async () => {
    const r = runCli('--out', out);
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, new RegExp(`the out folder ${out} \\(another llm-perf-gate run writing there\\) is locked by process ${process.pid} on `));
    assert.doesNotMatch(r.output, /starting/);
  });
  assert.deepEqual(readdirSync(out), [], 'the lock goes with its run');
});

test('a full disk (a 1 MiB tmpfs, real ENOSPC): the earlier results stay whole, the error names the file, a run is refused before measuring', (t) => {
  const probe = spawnSync('unshare', ['-rm', 'true']);
  if (probe.status !== 0) {
    t.skip(`no user and mount namespaces here (unshare -rm: ${probe.stderr?.toString().trim() || probe.error?.message}), so no tmpfs to fill`);
    return;
  }
  const work = tempDir(t);
  mkdirSync(join(work, 'mnt'));
  const r = spawnSync('unshare', ['-rm', process.execPath, join(import.meta.dirname, 'helpers', 'full-disk.ts'), join(work, 'mnt')], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { fill: string | null; write: string | null; resultsKept: boolean; left: string[]; precheck: string | null; cli: { code: number; output: string } };
  assert.match(got.fill ?? '', /ENOSPC/, 'the tmpfs really is 1 MiB');
  assert.match(got.write ?? '', new RegExp(`^${join(work, 'mnt', 'out', 'results.json')}: cannot write: ENOSPC`));
  assert.ok(got.resultsKept, 'the earlier results.json is whole and unchanged');
  assert.deepEqual(got.left.filter((n) => n.endsWith('.tmp')), [], 'no temporary file left');
  assert.match(got.precheck ?? '', /: only 0\.\d MiB free on its file system; the run's results, report and logs need about 16\.0 MiB/);
  assert.equal(got.cli.code, 1, got.cli.output);
  assert.match(got.cli.output, /cli-out: (only \d\.\d MiB free|cannot write into the out folder: ENOSPC)/);
  assert.doesNotMatch(got.cli.output, /starting/, 'refused before any engine started');
});
