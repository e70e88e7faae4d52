import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { EngineStartError, openEngine, type EngineSpec } from '../../src/engines/engine.ts';
import { freePort } from '../../src/engines/process.ts';
import { parseSimArgs } from '../../src/engines/sim/options.ts';
import { startSimServer, type SimServer } from '../../src/engines/sim/server.ts';
import { OPENAI_DIALECT } from '../../src/load/client.ts';
import { packageRoot } from '../../src/paths.ts';
import type { RunResult } from '../../src/types.ts';

// engines: openai against a real HTTP server this test starts itself: the simulated engine
// (sim-serve) with an API key, as vLLM's --api-key guards it. Nothing here starts or stops it
// through the action: the action only reaches it.

const KEY = 'sk-test-7f3a9c';
const MODEL = 'served-by-someone-else';
const dir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-openai-'));
let sim: SimServer;
before(async () => {
  sim = await startSimServer(parseSimArgs(['--cadence-ms', '2', '--model', MODEL, '--host', '127.0.0.1', '--api-key', KEY]));
});
after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

function spec(over: Partial<EngineSpec> = {}): EngineSpec {
  return { kind: 'openai', label: 'openai', model: '', python: '', dtype: 'auto', extraArgs: [], startupTimeoutS: 5, logDir: join(dir, 'logs'), baseUrl: sim.url, apiKey: KEY, ...over };
}

async function refusal(s: EngineSpec): Promise<EngineStartError> {
  try {
    const engine = await openEngine(s);
    await engine.stop();
  } catch (err) {
    assert.ok(err instanceof EngineStartError, String(err));
    assert.ok(!err.message.includes(KEY), `the key leaked into: ${err.message}`);
    return err;
  }
  throw new Error('openEngine reached an endpoint it should have refused');
}

describe('engines: openai (an endpoint already running)', () => {
  it('reads the served model from /v1/models, checks it with a real completion, and records what the server says about itself', async () => {
    const engine = await openEngine(spec());
    assert.equal(engine.servedModel, MODEL);
    assert.equal(engine.proc, null);
    assert.equal(engine.startupS, null);
    assert.equal(engine.apiKey, KEY);
    assert.deepEqual(engine.dialect, OPENAI_DIALECT);
    assert.match(engine.serverVersion ?? '', /^sim-\d+\.\d+\.\d+$/);
    assert.equal(engine.localGpu, true, '127.0.0.1 is this host');
    await engine.stop();
    // Not ours to stop: the server still answers.
    const res = await fetch(`${sim.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  });

  it('takes a base URL ending in /v1 and a model given by name', async () => {
    const engine = await openEngine(spec({ baseUrl: `${sim.url}/v1/`, model: MODEL }));
    assert.equal(engine.servedModel, MODEL);
  });

  it('says when the endpoint wants a key, refuses a wrong one, and never prints it', async () => {
    assert.match((await refusal(spec({ apiKey: undefined }))).message, /answered http 401: the endpoint wants a key: set api-key/);
    assert.match((await refusal(spec({ apiKey: 'sk-wrong' }))).message, /answered http 401: the endpoint refused the api-key given/);
  });

  it('names the models served when the one asked for is not among them', async () => {
    assert.match((await refusal(spec({ model: 'Qwen/Qwen2.5-7B-Instruct' }))).message, new RegExp(`does not serve model "Qwen/Qwen2.5-7B-Instruct" \\(it serves: ${MODEL}\\)`));
  });

  it('gives up on an endpoint that never answers at the start-up timeout, naming the last problem', async () => {
    const port = await freePort();
    const err = await refusal(spec({ baseUrl: `http://127.0.0.1:${port}`, startupTimeoutS: 1.5 }));
    assert.match(err.message, new RegExp(`GET http://127\\.0\\.0\\.1:${port}/v1/models did not answer in time \\(last: ECONNREFUSED\\)`));
  });

  it('the CLI measures it end to end: no start-up time, the lifecycle said to be not ours, the key in no output', async () => {
    const out = join(dir, 'cli');
    const root = packageRoot();
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(root, 'src', 'cli.ts'), 'run', '--engines', 'openai', '--base-url', sim.url, '--api-key', KEY, '--scenarios', join(root, 'scenarios', 'smoke.yml'), '--repetitions', '2', '--records', '--out', out],
      { cwd: root, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const text = readFileSync(join(out, 'results.json'), 'utf8');
    const result = JSON.parse(text) as RunResult;
    const e = result.engines[0];
    assert.equal(e.status, 'ok', e.error ?? '');
    assert.deepEqual([e.engine, e.kind, e.external, e.startupS, e.warmStartupS], ['openai', 'openai', true, null, null]);
    assert.equal(result.model, MODEL);
    assert.deepEqual(e.fingerprint.engine.name, 'openai');
    assert.match(e.fingerprint.engine.version, /^sim-/);
    assert.equal(e.fingerprint.model.id, MODEL);
    for (const r of e.records!) {
      assert.ok(r.ok, `${r.scenario} ${r.index}: ${r.error}`);
      // Usage asked for in the last chunk (stream_options.include_usage): exact output counts.
      assert.equal(r.outputTokens, r.maxTokens);
    }
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /not ours: the endpoint was already running \(no start-up time, no GPU memory check before start\)/);
    for (const [name, content] of [['stdout', stdout], ['stderr', stderr], ['results.json', text], ['report.md', readFileSync(join(out, 'report.md'), 'utf8')]]) {
      assert.ok(!content.includes(KEY), `the api key is in ${name}`);
    }
  });
});
