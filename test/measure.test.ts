import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenarioSet } from '../src/config/scenarios.ts';
import { makePromptBook } from '../src/load/prompt-book.ts';
import { loadTokenizer } from '../src/load/tokenizer.ts';
import { measure } from '../src/measure.ts';
import { makePlan, parseEngines } from '../src/plan.ts';

const SCENARIOS = `version: 1
scenarios:
  - name: tiny
    description: Two short requests.
    input: 16
    output: 4
    requests: 2
    load: {concurrency: 1}
    seed: 5
    slo: {ttft-ms: 5000}
`;

test('warm-up repetitions run every scenario unrecorded, with prompts of their own, before the measured ones', async () => {
  const scenarios = parseScenarioSet(SCENARIOS, 'inline.yml');
  const tokenizer = await loadTokenizer();
  const plan = makePlan({ engines: parseEngines('sim-vllm'), scenarios, repetitions: 2, seed: 1 });
  const logDir = mkdtempSync(join(tmpdir(), 'measure-'));
  const lines: string[] = [];
  try {
    const run = await measure({
      plan,
      scenarios,
      model: 'sim-qwen',
      prompts: makePromptBook(scenarios.scenarios, 3, tokenizer),
      python: 'python3',
      dtype: 'auto',
      engineArgs: { vllm: [], transformers: [], sim: ['--slowdown', '0.1'] },
      startupTimeoutS: 60,
      warmupRepetitions: 1,
      logDir,
      keepRecords: true,
      actionVersion: 'test',
      source: { sha: null, ref: null, event: 'test' },
      hooks: { info: (m) => lines.push(m), warning: (m) => lines.push(`warning: ${m}`) },
    });
    const engine = run.engines[0];
    assert.equal(engine.status, 'ok', engine.error ?? '');
    assert.equal(run.warmupRepetitions, 1);
    // Only the measured repetitions are recorded.
    assert.deepEqual(engine.repetitions.map((r) => r.index), [0, 1]);
    assert.deepEqual([...new Set(engine.records!.map((r) => r.repetition))].sort(), [0, 1]);
    assert.equal(engine.records!.length, 4);
    // The warm-up ran first, once per scenario, and said it was not recorded.
    const warm = lines.findIndex((l) => /warm-up 1\/1 tiny \(not recorded\): 2\/2 requests/.test(l));
    const first = lines.findIndex((l) => /rep 1\/2 tiny: 2\/2 requests/.test(l));
    assert.ok(warm >= 0 && first > warm, lines.join('\n'));
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
});
