import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passesText } from '../../src/report/format.ts';
import { makeRun } from '../helpers/make-run.ts';

test('the report counts a job of several engine starts as runs × repetitions', () => {
  const run = makeRun({});
  assert.equal(passesText({ ...run, repetitions: 3, runs: 2 }), '2 runs × 3 repetitions');
  assert.equal(passesText({ ...run, repetitions: 3, runs: undefined }), '3 repetitions', 'older results: one run');
});
