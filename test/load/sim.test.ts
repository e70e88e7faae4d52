// The load generator against the simulated engine (vLLM's wire format from a real HTTP server), in
// cadence mode, where the chunk schedule is known exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSimArgs } from '../../src/engines/sim/options.ts';
import { startSimServer, type SimServer } from '../../src/engines/sim/server.ts';
import { createStreamClient, streamRequest } from '../../src/load/client.ts';
import { runScenario } from '../../src/load/runner.ts';
import { summarize } from '../../src/metrics/summary.ts';
import type { Prompt } from '../../src/types.ts';
import { scenarioDef } from '../helpers/make-run.ts';

const CADENCE_MS = 8;
let sim: SimServer;

before(async () => {
  // First chunk one token, then three tokens per chunk.
  sim = await startSimServer(parseSimArgs(['--cadence-ms', String(CADENCE_MS), '--ttft-ms', '5', '--tokens-per-chunk', '3']));
});
after(() => sim.close());

const prompt = (tokens: number, i = 0): Prompt => {
  const text = `Tell me about tea number ${i}.`;
  return { text, messages: [{ role: 'user', content: text }], promptTokens: 9, maxTokens: tokens };
};

for (const api of ['completions', 'chat'] as const) {
  test(`${api}: exact token count from usage, and each 3-token chunk's gap split into 3 ITL entries`, async () => {
    const client = createStreamClient({ baseUrl: sim.url, connections: 1 });
    try {
      // 10 tokens arrive as chunks of 1, 3, 3, 3.
      const { record } = await streamRequest(client, {
        api,
        model: 'sim-qwen2.5-7b',
        prompt: prompt(10),
        deadlineMs: 10_000,
        scenario: 'sim',
        repetition: 0,
        index: 0,
        originMs: performance.now(),
        scheduledMs: null,
        queueMs: 0,
      });
      assert.equal(record.ok, true, record.error ?? '');
      assert.equal(record.outputTokens, 10);
      assert.equal(record.chunkTokensEstimated, false);
      const itl = record.itlMs;
      assert.equal(itl.length, 9);
      for (let g = 0; g < 9; g += 3) {
        assert.equal(itl[g], itl[g + 1]);
        assert.equal(itl[g + 1], itl[g + 2]);
      }
      assert.ok(record.ttftMs! < record.e2elMs!);
    } finally {
      await client.close();
    }
  });
}

test('a closed-loop run against the sim completes every request with the asked length, and summarises', async () => {
  const scenario = scenarioDef('sim-closed', {
    api: 'completions',
    input: { kind: 'fixed', tokens: 9 },
    output: { kind: 'fixed', tokens: 13 },
    requests: 8,
    warmupRequests: 2,
    load: { kind: 'concurrency', concurrency: 4 },
    seed: 3,
    timeoutS: 30,
  });
  const run = await runScenario({
    baseUrl: sim.url,
    model: 'sim-qwen2.5-7b',
    scenario,
    prompts: Array.from({ length: 8 }, (_, i) => prompt(13, i)),
    warmupPrompts: [prompt(4, 100), prompt(4, 101)],
    repetition: 0,
  });
  assert.equal(run.peakConcurrency, 4);
  const s = summarize(run.records, scenario, run.durationS, run.peakConcurrency);
  assert.deepEqual([s.completed, s.failed, s.outputTokens], [8, 0, 8 * 13]);
  // 13 tokens = chunks of 1, 3, 3, 3, 3: 12 ITL entries per request.
  assert.equal(s.itlMs.n, 8 * 12);
  // The server spaces chunks CADENCE_MS apart: 4 gaps over 12 tokens. A late first chunk shortens
  // the measured span by no more than its own delay, so a generous lower bound holds on a busy machine.
  assert.ok(s.tpotMs.p50 >= 0.5 * ((4 * CADENCE_MS) / 12), `tpot p50 ${s.tpotMs.p50}`);
});
