import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricDef, metricNames } from '../src/metrics/catalog.ts';

test('metric catalog names every metric once and rejects unknown names', () => {
  const names = metricNames();
  assert.equal(new Set(names).size, names.length);
  assert.equal(metricDef('tpot_p50').direction, 'lower-is-better');
  assert.throws(() => metricDef('nope'), /unknown metric "nope"/);
});
