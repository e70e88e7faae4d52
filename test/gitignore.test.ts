import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { packageRoot } from '../src/paths.ts';

// .gitignore lists what a build or a run leaves behind, never a file the repository tracks (dist/
// is committed and checked against a fresh build: ignoring its files would hide a stale bundle).

test('.gitignore ignores no tracked file', (t) => {
  const r = spawnSync('git', ['ls-files', '--cached', '--ignored', '--exclude-standard'], { cwd: packageRoot(), encoding: 'utf8' });
  if (r.error || (r.status !== 0 && /not a git repository/.test(r.stderr))) {
    t.skip(`not a git checkout (${r.error?.message ?? r.stderr.trim()}): nothing to check`);
    return;
  }
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n').filter(Boolean), [], 'tracked files that .gitignore lists');
});
