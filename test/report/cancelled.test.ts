import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare } from '../../src/compare/verdict.ts';
import { exitCode } from '../../src/pipeline.ts';
import { renderReport } from '../../src/report/markdown.ts';
import { gateOutcome } from '../../src/report/outcome.ts';
import { terminalSummary } from '../../src/report/terminal.ts';
import { makeRun } from '../helpers/make-run.ts';

// SIGINT before the first engine started: measure() returns the run partial and without engines.

test('a run cancelled before any engine started is "cancelled", never "passed", and exits as a cancelled run', () => {
  const run = { ...makeRun(), engines: [], partial: true };
  const comparison = compare([], run, { mode: 'pr' });
  assert.equal(comparison.gate.passed, false, 'comparison.json says the same as the title');
  assert.equal(comparison.gate.verdict, 'error');
  const report = renderReport({ run, comparison });
  assert.match(report.split('\n')[0], /^## ❌ LLM performance: failed — cancelled before any engine started — nothing was measured or judged$/);
  assert.doesNotMatch(report, /passed/);
  assert.equal(terminalSummary(run, comparison).split('\n')[0], '❌ gate: failed — cancelled before any engine started — nothing was measured or judged');
  const outcome = gateOutcome({ run, comparison, failOn: 'never' });
  assert.equal(outcome.verdict, 'cancelled');
  assert.equal(exitCode(outcome), 3, 'whatever fail-on says');
});
