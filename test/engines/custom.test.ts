import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { readInputs } from '../../src/config/inputs.ts';
import { checkCommandTemplate } from '../../src/engines/custom.ts';
import { EngineStartError, startEngine, type EngineSpec } from '../../src/engines/engine.ts';
import { groupAlive } from '../../src/engines/process.ts';
import { qwenTokenizerJsonPath } from '../../src/load/tokenizer.ts';
import { cliEntry, packageRoot } from '../../src/paths.ts';
import type { RunResult } from '../../src/types.ts';

// engines: custom — any server from a command template. The server here is this package's own
// sim-serve, started as a real process through the template, exactly as SGLang would be.

const dir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-custom-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cpuHost = { nvidiaSmi: join(dir, 'no-nvidia-smi') };
const SIM = [process.execPath, cliEntry(), 'sim-serve', '--cadence-ms', '2'];

function spec(command: readonly string[], over: Partial<EngineSpec> = {}): EngineSpec {
  return { kind: 'custom', label: 'my-server', model: 'some-model', python: '', dtype: 'auto', extraArgs: [], startupTimeoutS: 30, logDir: join(dir, 'logs'), command, ...over };
}

describe('engines: custom (a server from a command template)', () => {
  it('fills {model} {host} {port}, waits for the ready path and a real completion, and stops the whole group', async () => {
    const engine = await startEngine(spec([...SIM, '--model', '{model}', '--host', '{host}', '--port={port}']), { ...cpuHost });
    try {
      assert.equal(engine.servedModel, 'some-model');
      assert.match(engine.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(engine.launchArgs.at(-1), `--port=${new URL(engine.baseUrl).port}`);
      assert.equal(engine.metricsUrl, null);
      assert.match(engine.serverVersion ?? '', /^sim-/);
      assert.ok(engine.startupS > 0);
    } finally {
      await engine.stop();
    }
    assert.equal(groupAlive(engine.proc.pid), false);
  });

  it('never runs a shell: a filled-in value stays one word, whatever it contains', async () => {
    const evil = `m; touch ${join(dir, 'pwned')} $(touch ${join(dir, 'pwned2')}) \`touch ${join(dir, 'pwned3')}\``;
    const engine = await startEngine(spec([...SIM, '--model', '{model}', '--port', '{port}'], { model: evil, readyPath: '/health' }), cpuHost);
    try {
      const res = await fetch(`${engine.baseUrl}/v1/models`);
      const ids = ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id);
      assert.deepEqual(ids, [evil]);
    } finally {
      await engine.stop();
    }
    for (const f of ['pwned', 'pwned2', 'pwned3']) assert.equal(existsSync(join(dir, f)), false, `${f} was created`);
  });

  it('a server that dies at start fails with its exit and its own last words', async () => {
    const script = 'console.error("fatal: CUDA out of memory while loading weights"); process.exit(3)';
    try {
      await startEngine(spec([process.execPath, '-e', script, '{port}']), cpuHost);
      assert.fail('started');
    } catch (err) {
      assert.ok(err instanceof EngineStartError, String(err));
      assert.equal(err.reason, 'exited');
      assert.match(err.message, /my-server \(custom\): the server process exited with code 3 before it was ready/);
      assert.match(err.message, /CUDA out of memory while loading weights/);
    }
  });

  it('rejects templates it could not run as meant', () => {
    assert.match(checkCommandTemplate(['serve', '--port', '8000']) ?? '', /no \{port\}/);
    assert.match(checkCommandTemplate(['serve', '--port', '{prot}']) ?? '', /unknown placeholder \{prot\}/);
    assert.match(checkCommandTemplate(['{model}', '{port}']) ?? '', /placeholder in the program name/);
    assert.equal(checkCommandTemplate(['python', '-m', 'sglang.launch_server', '--model-path', '{model}', '--port', '{port}']), null);
  });

  it('its inputs: custom-command required and checked, custom-name becomes the label, custom-ready-path a path', () => {
    const get = (values: Record<string, string>) => (name: string) => values[name] ?? '';
    assert.throws(() => readInputs(get({ engines: 'custom', model: 'm' })), /input "custom-command": required for engines: custom/);
    assert.throws(() => readInputs(get({ engines: 'custom', model: 'm', 'custom-command': 'serve --port 80' })), /input "custom-command": no \{port\}/);
    assert.throws(() => readInputs(get({ engines: 'custom', model: 'm', 'custom-command': 'serve {port}', 'custom-ready-path': 'health' })), /input "custom-ready-path": expected a URL path starting with "\/"/);
    assert.throws(() => readInputs(get({ engines: 'custom,vllm', model: 'm', 'custom-command': 'serve {port}', 'custom-name': 'vllm' })), /input "custom-name": expected a name no other engine has/);
    const c = readInputs(get({ engines: 'custom', model: 'm', 'custom-command': `serve --model-path "{model}" --port {port}`, 'custom-name': 'sglang' }));
    assert.deepEqual(c.engines, [{ kind: 'custom', label: 'sglang' }]);
    assert.deepEqual(c.customCommand, ['serve', '--model-path', '{model}', '--port', '{port}']);
  });

  it('the CLI measures it end to end under its custom name', async () => {
    // A model folder with Qwen's tokenizer: the custom engine sizes prompts with the model's own.
    const model = join(dir, 'model');
    mkdirSync(model);
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(dirname(qwenTokenizerJsonPath()), f), join(model, f));
    const out = join(dir, 'cli');
    const root = packageRoot();
    const command = `'${process.execPath}' '${cliEntry()}' sim-serve --cadence-ms 2 --model {model} --host {host} --port {port}`;
    await promisify(execFile)(
      process.execPath,
      [join(root, 'src', 'cli.ts'), 'run', '--engines', 'custom', '--custom-command', command, '--custom-name', 'my-sim', '--custom-ready-path', '/health', '--model', model, '--scenarios', join(root, 'scenarios', 'smoke.yml'), '--repetitions', '2', '--records', '--warm-start', 'false', '--out', out],
      { cwd: root, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const result = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResult;
    const e = result.engines[0];
    assert.equal(e.status, 'ok', e.error ?? '');
    assert.deepEqual([e.engine, e.kind, e.external], ['my-sim', 'custom', undefined]);
    assert.ok(e.startupS! > 0);
    assert.match(e.fingerprint.engine.version, /^sim-/);
    // The filled-in port and model are where it listens and what it serves, not how fast: out of the key.
    assert.deepEqual(e.fingerprint.engineArgs, ['cadence-ms=2']);
    assert.ok(e.records!.every((r) => r.ok && r.outputTokens === r.maxTokens));
  });
});
