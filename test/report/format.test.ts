import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatChange, formatFraction, formatInterval, formatMiB, formatNumber, formatP, formatTimes, MISSING, shortSha } from '../../src/report/format.ts';

test('numbers get three significant digits, separators from 1,000, and a dash when missing', () => {
  assert.deepEqual([812.4, 81.24, 8.124, 0.8124, 0.0008124, 0, 1511.2, 21_423.7, -42.42].map((x) => formatNumber(x)), [
    '812', '81.2', '8.12', '0.812', '8.12e-4', '0', '1,511', '21,424', '-42.4',
  ]);
  for (const missing of [null, undefined, NaN, Infinity]) assert.equal(formatNumber(missing), MISSING);
});

test('changes, intervals, p-values, ratios, fractions and memory read naturally', () => {
  assert.equal(formatChange(1.121), '+12.1%');
  assert.equal(formatChange(0.9), '−10.0%');
  assert.equal(formatChange(1.00001), '±0.0%');
  assert.equal(formatChange(3.5), '+250%');
  assert.equal(formatInterval([0.974, 1.178]), '[−2.6%, +17.8%]');
  assert.equal(formatInterval(null), MISSING);
  assert.equal(formatP(0.0227), '0.023');
  assert.equal(formatP(0.00021), '<0.001');
  assert.equal(formatP(1), '1');
  assert.equal(formatTimes(4.9812), '×4.98');
  assert.equal(formatFraction(0.83), '83%');
  assert.equal(formatMiB(22_310), '21.8 GiB');
  assert.equal(formatMiB(512), '512 MiB');
  assert.equal(shortSha('3f2a9c1d8e7b6a5f'), '3f2a9c1');
  assert.equal(shortSha(null), null);
});
