// The gate's vocabulary through the committed bundle: for every outcome × fail-on value, the step's
// exit, the `verdict` output, the job summary's title and the annotations say one verdict. The
// aggregate mode gates results already on disk (the real H200 runs, simulated ones: see
// test/helpers/outcomes.ts) against a file baseline in the workspace, so no engine starts here;
// test/action/comment.test.ts covers a simulated engine on a new repository.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeGitHub } from '../helpers/fake-github.ts';
import { FAIL_ON, outcomeCases, writeBaseline } from '../helpers/outcomes.ts';
import { REPOSITORY, TestBed, explain } from './bed.ts';
import { pullRequestEvent, type Workspace } from './harness.ts';

let bed: TestBed;
let gh: FakeGitHub;
let ws: Workspace;

before(async () => {
  bed = await TestBed.create('vocabulary');
  gh = await bed.github();
  ws = bed.workspace();
});
after(async () => assert.deepEqual(await bed?.close(), [], 'no engine server left running'));

describe('every outcome × fail-on: exit, verdict output, summary title and annotations agree', { concurrency: 2 }, () => {
  outcomeCases().forEach((c, i) => {
    test(c.name, async () => {
      const store = `.perf/store-${i}`;
      writeBaseline(c, join(ws.dir, store));
      for (const failOn of FAIL_ON) {
        const resultsDir = `.perf/case-${i}-${failOn}`;
        mkdirSync(join(ws.dir, resultsDir, 'shard-1'), { recursive: true });
        writeFileSync(join(ws.dir, resultsDir, 'shard-1', 'results.json'), JSON.stringify(c.current));
        const step = await bed.run({
          workspace: ws,
          github: gh,
          event: pullRequestEvent({ number: 90 + i, base: REPOSITORY, head: REPOSITORY, headSha: 'e'.repeat(40), sha: ws.head }),
          inputs: { mode: 'aggregate', 'baseline-store': 'file', 'baseline-path': `${store}/baseline.json`, 'results-dir': resultsDir, 'fail-on': failOn, comment: 'never', ...c.settings },
        });
        const want = c.expect(failOn);
        const where = `${c.name}, fail-on ${failOn}\n${explain(step)}`;
        assert.equal(step.code, want.failed ? 1 : 0, where);
        assert.match(step.outputs.verdict, want.verdict, where);
        const title = step.summary.split('\n').find((l) => l.startsWith('## '))!;
        const m = /^## (✅|❌|⚠️) LLM performance: (.*)$/.exec(title);
        assert.ok(m, `summary title: ${title}\n${where}`);
        assert.equal(m[1], want.icon, where);
        assert.match(m[2], want.headline, where);
        assert.ok(step.stdout.includes(`${m[1]} gate: ${m[2]}`), `the log says the title's words\n${where}`);

        // Annotations: a failed check has its error; what did not fail is a warning, never silence.
        const titled = step.commands.filter((x) => x.command === 'error' || x.command === 'warning');
        const failure = step.errors.find((e) => e.startsWith('performance gate failed (') || e.startsWith('the run is incomplete'));
        assert.equal(Boolean(failure), want.failed, `a failed gate, and only one, has setFailed's error\n${where}`);
        if (failure?.startsWith('performance gate failed (')) assert.ok(failure.startsWith(`performance gate failed (${step.outputs.verdict}):`), where);
        const regressions = titled.filter((x) => x.properties.title?.startsWith('Regression: '));
        if (/regression/.test(step.outputs.verdict)) {
          assert.ok(regressions.length > 0, `each regressed engine × scenario is annotated\n${where}`);
          for (const r of regressions) assert.equal(r.command, want.failed ? 'error' : 'warning', where);
          assert.ok(regressions.every((r) => /^\d+ regressions?( \(not failing: [^)]+\))?:\n.+ [−+][\d.]+% \[/.test(r.message)), where);
        } else assert.deepEqual(regressions, [], where);
        if (c.baseline.kind !== 'history') {
          const missing = titled.find((x) => x.properties.title === 'LLM performance: no baseline');
          assert.ok(missing, `the missing baseline is annotated\n${where}`);
          assert.match(missing.message, new RegExp(`^No baseline history at ${store}/baseline\\.json: nothing was compared`), where);
          assert.equal(missing.command, want.failed ? 'error' : 'warning', where);
        }
        if (!want.failed && want.icon === '⚠️' && c.baseline.kind === 'history' && !/regression/.test(step.outputs.verdict)) {
          assert.ok(titled.some((x) => x.command === 'warning' && x.properties.title === `LLM performance: ${step.outputs.verdict}` && x.message === m[2]), `a warning beside the green check says it\n${where}`);
        }
      }
    });
  });
});
