import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordRun, type BaselineDoc } from '../../src/baseline/history.ts';
import { compare, SUITE } from '../../src/compare/verdict.ts';
import { metricDef } from '../../src/metrics/catalog.ts';
import { createRng, sampleNormal } from '../../src/load/random.ts';
import { makeRun, NOMINAL } from '../helpers/make-run.ts';

// Nightly drift under a run effect: every engine start is up to several per cent faster or slower
// in every scenario and metric at once (a card, a neighbour), and one metric steps 5% worse ten runs
// back. In the whole-set throughput series the step is about 1.7 run SDs, too little to stand out of
// 32 runs at the family's α; net of the run effect the engine's other metrics show, it stands clear.

const SCENARIOS = ['a', 'b', 'c'];
const RUN_SD = 0.03;
const STEP_AT = 22; // of 30 stored runs and the current job's 2: the last 10 are 5% slower

function night(seed: number, step: number): { doc: BaselineDoc; current: ReturnType<typeof makeRun> } {
  const rng = createRng(seed);
  let doc: BaselineDoc | null = null;
  const job = (first: number, createdAt: string): ReturnType<typeof makeRun> => {
    const speed = [sampleNormal(rng), sampleNormal(rng)].map((z) => Math.exp(RUN_SD * z));
    return makeRun({
      engines: ['sim-vllm'],
      scenarios: SCENARIOS,
      runs: 2,
      createdAt,
      values: (c) => {
        const def = metricDef(c.metric);
        const slow = speed[c.run] * (c.metric === 'output_throughput' && first + c.run >= STEP_AT ? 1 / (1 - step) : 1) * Math.exp(0.002 * sampleNormal(rng));
        return def.direction === 'higher-is-better' ? NOMINAL[c.metric] / slow : NOMINAL[c.metric] * slow;
      },
    });
  };
  for (let j = 0; j < 15; j++) doc = recordRun(doc, job(2 * j, new Date(Date.UTC(2026, 5, 1, j)).toISOString()), 30);
  return { doc: doc!, current: job(30, '2026-07-01T00:00:00.000Z') };
}

test('a 5% throughput step hidden in a 3% run effect is found net of the run effect and placed where it began; an unchanged night finds nothing', () => {
  const { doc, current } = night(11, 0.05);
  const c = compare(doc.entries, current, { mode: 'schedule', confidence: 0.99, seed: 1 });
  const net = c.changePoints.find((cp) => cp.metric === 'output_throughput' && cp.scenario === SUITE && cp.netOfRunEffect);
  assert.ok(net, JSON.stringify(c.changePoints.map((cp) => [cp.scenario, cp.metric, cp.index, cp.pValue, cp.netOfRunEffect])));
  assert.ok(Math.abs(net.index - STEP_AT) <= 2, `placed at run ${net.index}, the step began at ${STEP_AT}`);
  assert.ok(net.after / net.before < 0.97, `${net.before} → ${net.after}`);
  assert.equal(c.gate.passed, false);
  // No other metric moved: none has a change point net of the run effect.
  assert.deepEqual(c.changePoints.filter((cp) => cp.netOfRunEffect && cp.metric !== 'output_throughput'), []);

  const still = night(11, 0);
  const aa = compare(still.doc.entries, still.current, { mode: 'schedule', confidence: 0.99, seed: 1 });
  assert.deepEqual(aa.changePoints, []);
  assert.equal(aa.gate.passed, true, aa.gate.reasons?.join('\n'));
});
