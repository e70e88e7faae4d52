import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyData } from '../../src/dashboard/series.ts';
import { parseKeyFile } from '../../src/dashboard/site.ts';
import { syntheticHistory, withCapacityBelow } from '../helpers/dashboard-history.ts';

// The dashboard's change points and epochs over one history, without a browser.

const opts = { window: 1000, history: 60, tolerances: {}, seed: 1 };

test('a change in one metric of one scenario alone is marked at its run; its 53 unchanged neighbours are not', () => {
  const doc = syntheticHistory({ jobs: 50, engines: ['sim-vllm'], stepAt: 30, stepFactor: 1.2, stepCell: { scenario: 'burst', metric: 'tpot_p50' } });
  const data = keyData(doc.entries, null, opts);
  assert.deepEqual(
    data.changePoints.map((c) => [c.scenario, c.metric, c.index]),
    [['burst', 'tpot_p50', 60]],
  );
  assert.ok(data.changePoints[0].pValue < 0.01);
});

test('without a change nothing is marked; a fingerprint change starts an epoch and is not itself a change point', () => {
  const doc = syntheticHistory({ jobs: 50, engines: ['sim-vllm'], epochAt: 25 });
  const data = keyData(doc.entries, null, opts);
  assert.deepEqual(data.changePoints, []);
  assert.deepEqual(
    data.epochs.map((e) => [e.start, e.changes]),
    [
      [0, []],
      [50, [{ field: 'engine.version', baseline: '1.0.0', current: '1.1.0' }]],
    ],
  );
  // The band is drawn around the newest epoch's baseline runs only.
  assert.equal(data.bands['chat-8'].tpot_p50.from, 50);
  assert.equal(data.bands['chat-8'].tpot_p50.tolerance, 0.03);
});

test('the published runs and the store merge by job: nothing twice, the newest `window` kept', () => {
  const doc = syntheticHistory({ jobs: 20, engines: ['sim-vllm'], scenarios: ['chat-8'] });
  const first = keyData(doc.entries.slice(0, 24), null, opts);
  const again = keyData(doc.entries.slice(10, 40), first, opts);
  assert.deepEqual(
    again.runs.map((r) => r.t),
    doc.entries.map((e) => e.createdAt),
  );
  const bounded = keyData(doc.entries.slice(10, 40), first, { ...opts, window: 15 });
  assert.deepEqual(
    bounded.runs.map((r) => r.t),
    doc.entries.slice(-15).map((e) => e.createdAt),
  );
  assert.throws(() => keyData(syntheticHistory({ jobs: 2, engines: ['sim-transformers'] }).entries, first, opts), /the published data of key sim-vllm\/.* cannot take runs of sim-transformers\//);
});

test('a capacity series keeps its unit, marks the runs below the lowest load tried as bounds, and gets no band or change point from them', () => {
  // The newest 4 runs missed even the lowest rate tried (0.5 req/s): stored as that bound, marked.
  const { entries } = withCapacityBelow(syntheticHistory({ jobs: 6, engines: ['sim-transformers'], scenarios: ['chat-8'] }), 4);
  const data = keyData(entries, null, opts);
  const n = entries.length;
  assert.deepEqual(data.values.headroom.capacity, [6.25, 6.25, 6.25, 6.25, 6.25, 6.25, 6.25, 6.25, 0.5, 0.5, 0.5, 0.5].slice(-n));
  assert.deepEqual(data.below, { headroom: { capacity: [n - 4, n - 3, n - 2, n - 1] } });
  assert.deepEqual(data.units, { headroom: { capacity: 'req/s' } });
  assert.equal(data.bands.headroom.capacity, undefined);
  assert.ok(data.bands['chat-8'].tpot_p50 !== undefined);
  assert.ok(!data.changePoints.some((c) => c.scenario === 'headroom'));
  // Published and merged again, the marks and the unit stay.
  const again = keyData([], parseKeyFile(`LPG.key(${JSON.stringify(data)});\n`, 'data/x.js'), opts);
  assert.deepEqual([again.below, again.units], [data.below, data.units]);
  assert.throws(() => parseKeyFile(`LPG.key(${JSON.stringify({ ...data, below: { headroom: { capacity: [n] } } })});\n`, 'data/x.js'), /data\/x\.js: below\.headroom\.capacity: expected run indices below 12/);
});
