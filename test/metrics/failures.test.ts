import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFailures, excessFailures } from '../../src/metrics/failures.ts';
import { makeRun } from '../helpers/make-run.ts';

/** A run whose scenario `chat` failed `failed` of its 64 requests in every repetition. */
function failing(failed: number) {
  const run = makeRun({ repetitions: 2 });
  for (const rep of run.engines[0].repetitions) {
    const s = rep.scenarios[0] as { failed: number; completed: number; errors: Record<string, number> };
    s.failed = failed;
    s.completed = 64 - failed;
    s.errors = failed > 0 ? { 'http 500': failed } : {};
  }
  return run;
}

test('any failed request is too many by default; a threshold allows some', () => {
  assert.deepEqual(excessFailures(failing(0).engines[0], ['chat', 'burst'], 0), []);
  const one = excessFailures(failing(1).engines[0], ['chat', 'burst'], 0);
  assert.deepEqual(one, [{ scenario: 'chat', failed: 2, requests: 128, errors: { 'http 500': 2 } }]);
  assert.deepEqual(excessFailures(failing(1).engines[0], ['chat'], 0.05), [], '2 of 128 is within 5%');
  assert.equal(describeFailures(excessFailures(failing(64).engines[0], ['chat'], 0)[0], 0), '128 of 128 requests failed (100%, more than max-failure-rate 0%): 128× http 500');
  assert.throws(() => excessFailures(failing(0).engines[0], ['chat'], 2), /max-failure-rate must be a share from 0 to 1, got 2/);
});
