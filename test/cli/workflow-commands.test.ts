import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { recordRun, serializeBaselineDoc } from '../../src/baseline/history.ts';
import { packageRoot } from '../../src/paths.ts';
import { makeRun } from '../helpers/make-run.ts';

// The CLI runs inside workflows: text it echoes but did not write must never reach the runner as a
// workflow command (`::name::` at a line start, `##[name]` anywhere).

const dir = mkdtempSync(join(tmpdir(), 'cli-commands-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cli = join(packageRoot(), 'src', 'cli.ts');

function commandsIn(text: string): string[] {
  return text.split(/\r?\n|\r/).filter((line) => /^\s*::/.test(line) || line.includes('##['));
}

test('paths and file contents echoed in errors carry no workflow command', () => {
  // A path with a newline and commands in it, named back by the missing-file check.
  const path = join(dir, 'x\n::add-mask::secret\n::error::boom ##[set-output name=verdict;]pass');
  const missing = spawnSync(process.execPath, [cli, 'compare', '--baseline', path, '--current', path, '--out', join(dir, 'o')], { encoding: 'utf8' });
  // A tampered baseline whose key, quoted in the error, holds commands.
  const doc = recordRun(null, makeRun());
  const baseline = join(dir, 'b.json');
  writeFileSync(baseline, serializeBaselineDoc({ ...doc, entries: [{ ...doc.entries[0], key: 'k\n::warning::x ##[group]g' }] }));
  const current = join(dir, 'current.json');
  writeFileSync(current, JSON.stringify(makeRun()));
  const bad = spawnSync(process.execPath, [cli, 'compare', '--baseline', baseline, '--current', current, '--out', join(dir, 'o2')], { encoding: 'utf8' });
  for (const r of [missing, bad]) {
    assert.notEqual(r.status, 0);
    const text = r.stdout + r.stderr;
    assert.match(text, /add-mask|warning/, 'the text is still shown');
    assert.deepEqual(commandsIn(text), [], text);
  }
});
