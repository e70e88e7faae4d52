import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenarioSet } from '../src/config/scenarios.ts';
import { makePromptBook } from '../src/load/prompt-book.ts';
import { loadTokenizer } from '../src/load/tokenizer.ts';
import { groupAlive } from '../src/engines/process.ts';
import { measure, type MeasureHooks, type MeasureOptions } from '../src/measure.ts';
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

async function measureTiny(opts: Pick<MeasureOptions, 'warmupRepetitions' | 'warmStart'> & { runs?: number }, hooks: Pick<MeasureHooks, 'onSpawn' | 'onStopped'> = {}) {
  const runs = opts.runs ?? 1;
  const scenarios = parseScenarioSet(SCENARIOS, 'inline.yml');
  const tokenizer = await loadTokenizer();
  const plan = makePlan({ engines: parseEngines('sim-vllm'), scenarios, repetitions: 2 * runs, seed: 1 });
  const logDir = mkdtempSync(join(tmpdir(), 'measure-'));
  const lines: string[] = [];
  try {
    const run = await measure({
      plan,
      scenarios,
      model: 'sim-qwen',
      prompts: await makePromptBook(scenarios.scenarios, runs * (2 + opts.warmupRepetitions), tokenizer),
      python: 'python3',
      dtype: 'auto',
      engineArgs: { vllm: [], transformers: [], sim: ['--slowdown', '0.1'] },
      startupTimeoutS: 60,
      ...opts,
      runs,
      logDir,
      keepRecords: true,
      actionVersion: 'test',
      source: { sha: null, ref: null, event: 'test' },
      hooks: {
        info: (m) => lines.push(m),
        warning: (m) => lines.push(`warning: ${m}`),
        progress: (p) => lines.push(`${p.engine} ${p.pass} ${p.scenario}: ${p.done}/${p.total} requests`),
        ...hooks,
      },
    });
    return { run, engine: run.engines[0], lines };
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

test('warm-up repetitions run every scenario unrecorded, with prompts of their own, before the measured ones', async () => {
  const { run, engine, lines } = await measureTiny({ warmupRepetitions: 1, warmStart: false });
  assert.equal(engine.status, 'ok', engine.error ?? '');
  assert.equal(run.warmupRepetitions, 1);
  // Only the measured repetitions are recorded.
  assert.deepEqual(engine.repetitions.map((r) => r.index), [0, 1]);
  assert.deepEqual([...new Set(engine.records!.map((r) => r.repetition))].sort(), [0, 1]);
  assert.equal(engine.records!.length, 4);
  // The warm-up ran first, once per scenario, and said it was not recorded.
  const warm = lines.findIndex((l) => /warm-up 1\/1 \(not recorded\) tiny: 2\/2 requests/.test(l));
  const first = lines.findIndex((l) => /rep 1\/2 tiny: 2\/2 requests/.test(l));
  assert.ok(warm >= 0 && first > warm, lines.join('\n'));
  // One start only: no warm start-up time.
  assert.equal(lines.filter((l) => /: ready after/.test(l)).length, 1);
  assert.ok(engine.startupS! > 0);
  assert.equal(engine.warmStartupS, null);
});

test('runs: independent engine starts, each with its warm-up and repetitions, tagged with their run', async () => {
  const pgids: number[] = [];
  const { run, engine, lines } = await measureTiny({ warmupRepetitions: 1, warmStart: false, runs: 2 }, { onSpawn: (pgid) => pgids.push(pgid) });
  assert.equal(engine.status, 'ok', engine.error ?? '');
  assert.equal(run.runs, 2);
  assert.equal(run.repetitions, 2, 'repetitions per run');
  assert.deepEqual(engine.repetitions.map((r) => [r.index, r.run]), [[0, 0], [1, 0], [2, 1], [3, 1]]);
  assert.equal(pgids.length, 2, 'one engine start per run');
  assert.equal(groupAlive(pgids[0]), false, 'the server of the first run was stopped');
  // Each start warmed up before its own repetitions, with prompts of its own.
  const warmups = lines.filter((l) => /warm-up 1\/1 \(not recorded\) tiny: 2\/2 requests/.test(l));
  assert.equal(warmups.length, 2, lines.join('\n'));
  // Progress counts passes within their run: run 2 of 2 measures its reps 1 and 2, never "rep 4/4".
  const passes = [...new Set(lines.filter((l) => / tiny: 2\/2 requests$/.test(l)).map((l) => l.replace(/^sim-vllm (.*) tiny: .*$/, '$1')))];
  assert.deepEqual(passes, [
    'run 1/2 · warm-up 1/1 (not recorded)',
    'run 1/2 · rep 1/2',
    'run 1/2 · rep 2/2',
    'run 2/2 · warm-up 1/1 (not recorded)',
    'run 2/2 · rep 1/2',
    'run 2/2 · rep 2/2',
  ]);
  assert.ok(engine.startupS! > 0 && engine.warmStartupS! > 0, 'the second start is timed as the warm one');
});

test('a warm start stops the cold server first, records both start-up times and measures on the restart', async () => {
  // The order of spawns and completed stops, as the cancel tracker and the post step's state see it.
  const events: string[] = [];
  const pgids: number[] = [];
  const { engine, lines } = await measureTiny(
    { warmupRepetitions: 0, warmStart: true },
    {
      onSpawn: (pgid) => {
        events.push(`spawn ${pgids.length}${pgids.length ? ` (cold alive: ${groupAlive(pgids[0])})` : ''}`);
        pgids.push(pgid);
      },
      onStopped: (pgid) => events.push(`stopped ${pgids.indexOf(pgid)}`),
    },
  );
  assert.equal(engine.status, 'ok', engine.error ?? '');
  // The cold server's group was gone (and forgotten) before the warm one was spawned.
  assert.deepEqual(events, ['spawn 0', 'stopped 0', 'spawn 1 (cold alive: false)', 'stopped 1']);
  assert.ok(engine.startupS! > 0 && engine.warmStartupS! > 0);
  const ready = lines.filter((l) => /: ready after/.test(l));
  assert.equal(ready.length, 2, lines.join('\n'));
  assert.ok(lines.some((l) => l === `sim-vllm: start-up cold ${engine.startupS!.toFixed(1)} s, warm ${engine.warmStartupS!.toFixed(1)} s`), lines.join('\n'));
  // The measured requests went to the restarted server, after it was ready.
  assert.ok(lines.findIndex((l) => /rep 1\/2 tiny/.test(l)) > lines.indexOf(ready[1]));
  assert.equal(engine.records!.filter((r) => r.ok).length, 4);
});
