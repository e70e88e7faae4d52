// mode: dashboard through the committed bundle: the page's assets (uPlot, the glue) come from
// dist/dashboard/, the history from the baseline branch, and the site lands on gh-pages and in the
// workspace, with no engine started.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serializeBaselineDoc } from '../../src/baseline/history.ts';
import { syntheticHistory } from '../helpers/dashboard-history.ts';
import { TestBed, explain } from './bed.ts';
import { scheduleEvent } from './harness.ts';

let bed: TestBed;
before(async () => {
  bed = await TestBed.create('dashboard');
});
after(async () => assert.deepEqual(await bed?.close(), [], 'no engine server left running'));

test('mode dashboard renders the baseline branch into gh-pages and the workspace, starting no engine', { timeout: 180_000 }, async () => {
  const gh = await bed.github();
  const ws = bed.workspace();
  gh.putFile('perf-baselines', '.perf/baseline.json', serializeBaselineDoc(syntheticHistory({ jobs: 12, epochAt: 6 })));
  const step = await bed.run({ workspace: ws, github: gh, event: scheduleEvent('octo-org/octo-repo', ws.head), inputs: { mode: 'dashboard' } });
  assert.equal(step.code, 0, explain(step));
  assert.deepEqual(step.errors, [], explain(step));
  assert.doesNotMatch(step.stdout, /start, measure, stop/, 'no engine is started');
  const page = gh.fileText('gh-pages', 'index.html');
  assert.ok(page?.includes('uPlot'), `uPlot is inlined from the bundle's dist/dashboard/\n${explain(step)}`);
  assert.ok(page?.includes('window.__dashboard'), 'the glue is inlined');
  assert.match(page!, /<title>octo-org\/octo-repo: serving performance history<\/title>/);
  assert.ok([...gh.files.get('gh-pages')!.keys()].filter((p) => p.startsWith('data/')).length === 3, 'the index and one data file per engine');
  assert.equal(step.outputs['dashboard-path'], '.perf/out/dashboard/index.html');
  assert.ok(existsSync(join(ws.dir, step.outputs['dashboard-path'])));
  assert.equal(readFileSync(join(ws.dir, step.outputs['dashboard-path']), 'utf8'), page);
});
