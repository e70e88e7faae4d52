// Trace replay against the simulated engine: each request leaves at its trace time with the trace's
// exact input and output lengths, and the prompts are the same bytes for the same seed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioSet } from '../../src/config/scenarios.ts';
import { parseSimArgs } from '../../src/engines/sim/options.ts';
import { startSimServer, type SimServer } from '../../src/engines/sim/server.ts';
import { generatePrompts, promptHash } from '../../src/load/prompts.ts';
import { runScenario } from '../../src/load/runner.ts';
import { loadTokenizer } from '../../src/load/tokenizer.ts';

let sim: SimServer;
before(async () => {
  sim = await startSimServer(parseSimArgs(['--profile', 'vllm', '--slowdown', '0.05']));
});
after(() => sim.close());

const MOONCAKE = [
  [0, 40, 6],
  [150, 90, 3],
  [160, 25, 9],
  [600, 300, 4],
  [620, 64, 2],
  [1400, 120, 7],
].map(([t, i, o]) => JSON.stringify({ timestamp: t, input_length: i, output_length: o, hash_ids: [] })).join('\n');

test('a Mooncake trace replayed at half its pace on the sim: send times, lengths and prompts follow the trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'));
  writeFileSync(join(dir, 'mooncake.jsonl'), MOONCAKE);
  writeFileSync(join(dir, 's.yml'), 'version: 1\nscenarios:\n  - name: replay\n    description: d\n    load: {trace: {file: mooncake.jsonl, time-scale: 2}}\n    seed: 7\n');
  const scenario = loadScenarioSet(join(dir, 's.yml')).scenarios[0];
  assert.equal(scenario.load.kind, 'trace');
  const tokenizer = await loadTokenizer();
  const prompts = [...generatePrompts(scenario, tokenizer, 0, scenario.requests, 'measure')];
  assert.equal(promptHash(prompts), promptHash([...generatePrompts(scenario, tokenizer, 0, scenario.requests, 'measure')]), 'same seed, same bytes');
  assert.notEqual(promptHash(prompts), promptHash([...generatePrompts(scenario, tokenizer, 1, scenario.requests, 'measure')]), 'another repetition, other texts');
  for (const [k, p] of prompts.entries()) assert.equal(tokenizer.encode(p.text).length, p.promptTokens, `prompt ${k} is token-exact`);

  const run = await runScenario({ baseUrl: sim.url, model: 'sim-qwen2.5-7b', scenario, prompts, warmupPrompts: [], repetition: 0 });
  const want = [0, 300, 320, 1200, 1240, 2800];
  assert.deepEqual(run.records.map((r) => r.scheduledMs), want);
  for (const [k, r] of run.records.entries()) {
    assert.ok(r.ok, r.error ?? '');
    assert.ok(r.sendMs >= want[k] && r.sendMs - want[k] < 50, `request ${k} sent at ${r.sendMs.toFixed(1)} ms, due at ${want[k]} ms`);
    assert.equal(r.promptTokens, [40, 90, 25, 300, 64, 120][k]);
    assert.equal(r.outputTokens, [6, 3, 9, 4, 2, 7][k]);
  }
});
