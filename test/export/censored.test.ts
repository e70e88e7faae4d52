// A capacity below the lowest load tried, measured on the sim, in every interop format: each says
// it is a bound its own way and none writes the bound as the capacity's value. The same search
// with an SLO every probe meets is the measured counterpart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toBenchmarkAction } from '../../src/export/benchmark-action.ts';
import { toBmf } from '../../src/export/bmf.ts';
import { toVllmBench } from '../../src/export/vllm-bench.ts';
import { writeExports } from '../../src/export/write.ts';
import { parseScenarioSet } from '../../src/config/scenarios.ts';
import type { RunResult } from '../../src/types.ts';
import { measureOnSim } from '../helpers/measure-sim.ts';
import { benchmarkActionProblems, bmfProblems, vllmBenchProblems } from './formats.ts';

/** A concurrency search from 2 clients down to 1 and up to 4, against an end-to-end SLO. */
async function headroom(e2elMs: number): Promise<RunResult> {
  const scenarios = parseScenarioSet(
    `version: 1
scenarios:
  - name: headroom
    description: Clients served within an end-to-end SLO.
    input: 32
    output: 8
    requests: 8
    load: {capacity: {over: concurrency, start: 2, min: 1, max: 4, resolution: 0.1}}
    slo: {e2el-ms: ${e2elMs}}
    seed: 4
`,
    'inline.yml',
  );
  return measureOnSim({ scenarios, engines: 'sim-transformers', runs: 1, repetitionsPerRun: 2, simArgs: ['--slowdown', '0.05'] });
}

let below: RunResult;
let found: RunResult;
let dir: string;

before(async () => {
  // No request finishes in 1 ms: even one client misses. A minute is met by every load up to the 4 clients allowed.
  below = await headroom(1);
  found = await headroom(60_000);
  dir = mkdtempSync(join(tmpdir(), 'export-censored-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the sim runs are what the tests below assume: below 1 client, and 4 clients', () => {
  for (const rep of below.engines[0].repetitions) assert.deepEqual([rep.scenarios[0].capacity!.capacity, rep.scenarios[0].capacity!.firstMiss], [null, 1]);
  for (const rep of found.engines[0].repetitions) assert.equal(rep.scenarios[0].capacity!.capacity, 4);
});

test('BMF: the bound is its own measure, capacity-below, with the bound as upper_value; capacity has no value', () => {
  const bmf = toBmf(below);
  assert.deepEqual(bmfProblems(bmf), []);
  assert.deepEqual(bmf, { 'sim-transformers/headroom': { 'capacity-below': { value: 1, upper_value: 1 } } });
  // Measured: the capacity measure, no bound.
  const measured = toBmf(found);
  assert.deepEqual(bmfProblems(measured), []);
  assert.deepEqual(measured, { 'sim-transformers/headroom': { capacity: { value: 4, lower_value: 4, upper_value: 4 } } });
});

test('github-action-benchmark: the bound under capacity_below, said so in extra; no capacity entry', () => {
  const { biggerIsBetter, smallerIsBetter } = toBenchmarkAction(below);
  assert.deepEqual(smallerIsBetter, []);
  assert.deepEqual(benchmarkActionProblems(biggerIsBetter), []);
  assert.deepEqual(
    biggerIsBetter.map((e) => [e.name, e.unit, e.value, e.range]),
    [['sim-transformers/headroom/capacity_below', 'concurrent requests', 1, undefined]],
  );
  const extra = biggerIsBetter[0].extra!.split('\n');
  assert.equal(extra[0], 'Capacity at SLO below 1 concurrent requests: even the lowest load tried missed the SLOs. This value is that bound, not a measurement; capacity has no value in this run.');
  assert.equal(extra[1], '2 repetitions: < 1, < 1 concurrent requests');
  const measured = toBenchmarkAction(found).biggerIsBetter;
  assert.deepEqual(measured.map((e) => [e.name, e.value]), [['sim-transformers/headroom/capacity', 4]]);
  assert.match(measured[0].extra!, /^2 repetitions: 4, 4 concurrent requests\n/);
});

test('vllm bench: capacity "< 1" in the metadata; max_concurrency is the load the figures ran at', () => {
  const [file] = toVllmBench(below);
  assert.deepEqual(vllmBenchProblems(file.data), []);
  assert.equal(file.data.capacity, '< 1');
  assert.equal(file.data.capacity_unit, 'concurrent requests');
  assert.equal(file.data.max_concurrency, 1);
  // The figures are the lowest probe's: one client, and its requests only.
  const probe = below.engines[0].repetitions.map((r) => r.scenarios[0].capacity!.probes.at(-1)!);
  assert.deepEqual(probe.map((p) => p.load), [1, 1]);
  assert.equal(file.data.num_prompts, probe.reduce((n, p) => n + p.requests, 0));
  const [measured] = toVllmBench(found);
  assert.deepEqual([measured.data.capacity, measured.data.capacity_unit, measured.data.max_concurrency], ['4', 'concurrent requests', 4]);
});

test('the files written: no capacity value equal to the bound in any of them', () => {
  const paths = writeExports(dir, below);
  const read = (name: string): unknown => JSON.parse(readFileSync(join(dir, name), 'utf8'));
  assert.deepEqual(bmfProblems(read('bmf.json')), []);
  assert.equal((read('bmf.json') as Record<string, Record<string, unknown>>)['sim-transformers/headroom'].capacity, undefined);
  const bigger = read('benchmark-action-bigger.json') as { name: string }[];
  assert.deepEqual(benchmarkActionProblems(bigger), []);
  assert.ok(!bigger.some((e) => e.name.endsWith('/capacity')));
  assert.deepEqual(read('benchmark-action-smaller.json'), []);
  assert.equal((read('vllm-bench/sim-transformers-headroom.json') as Record<string, unknown>).capacity, '< 1');
  assert.equal(paths.length, 4);
});
