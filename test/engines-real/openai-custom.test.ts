import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { openEngine, startEngine } from '../../src/engines/engine.ts';
import { groupAlive } from '../../src/engines/process.ts';
import { packageRoot } from '../../src/paths.ts';
import { transformersPython } from '../helpers/engine-envs.ts';
import type { RunResult } from '../../src/types.ts';

// engines: openai and engines: custom against a real `transformers serve` on the CPU with the
// tiny random-weight model of scripts/setup-engines.sh: openai reaches one this test started;
// custom starts one itself from a command template.

const root = packageRoot();
const python = transformersPython;
const model = join(root, '.models', 'tiny-qwen2');
const dir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-real-oc-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cpuHost = { nvidiaSmi: join(dir, 'no-nvidia-smi') };

function requireEnvironment(): void {
  assert.ok(existsSync(python) && existsSync(join(model, 'config.json')), `the engine environment is missing (${python} and ${model}): run scripts/setup-engines.sh first`);
}

async function cliRun(out: string, args: readonly string[]): Promise<{ result: RunResult; stdout: string }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(root, 'src', 'cli.ts'), 'run', ...args, '--model', model, '--scenarios', join(root, 'scenarios', 'smoke.yml'), '--repetitions', '2', '--records', '--warm-start', 'false', '--out', out],
    { cwd: root, timeout: 900_000, maxBuffer: 16 * 1024 * 1024 },
  );
  return { result: JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResult, stdout };
}

function assertMeasured(result: RunResult, label: string): void {
  const e = result.engines[0];
  assert.equal(e.status, 'ok', e.error ?? '');
  assert.equal(e.engine, label);
  for (const r of e.records!) {
    assert.ok(r.ok, `${r.scenario} ${r.index}: ${r.error}`);
    // Plain OpenAI requests cannot force the length: an end-of-sequence token may stop one early.
    assert.ok(r.outputTokens! >= 1 && r.outputTokens! <= r.maxTokens!, `${r.scenario} ${r.index}: ${r.outputTokens} of ${r.maxTokens} tokens`);
    assert.ok(r.ttftMs! > 0 && r.ttftMs! <= r.e2elMs!);
  }
}

describe('engines: openai against a real transformers serve that is already running', () => {
  it('reaches it, measures it through the CLI, and leaves it running', async () => {
    requireEnvironment();
    const server = await startEngine(
      { kind: 'transformers', label: 'transformers', model, python, dtype: 'float32', extraArgs: [], startupTimeoutS: 300, logDir: join(dir, 'logs') },
      cpuHost,
    );
    try {
      const reached = await openEngine({ kind: 'openai', label: 'openai', model, python: '', dtype: 'auto', extraArgs: [], startupTimeoutS: 30, logDir: dir, baseUrl: server.baseUrl });
      assert.equal(reached.servedModel, model);
      assert.equal(reached.proc, null);
      const { result } = await cliRun(join(dir, 'openai'), ['--engines', 'openai', '--base-url', server.baseUrl]);
      assertMeasured(result, 'openai');
      assert.equal(result.engines[0].external, true);
      assert.equal(result.engines[0].startupS, null);
      assert.equal(server.failure(), null, 'the server was still ours to stop, and alive');
    } finally {
      await server.stop();
    }
  });
});

describe('engines: custom starting a real transformers serve from a command template', () => {
  it('starts it, measures it, stops its process group', async () => {
    requireEnvironment();
    const engine = await startEngine(
      {
        kind: 'custom',
        label: 'tf-custom',
        model,
        python: '',
        dtype: 'auto',
        extraArgs: [],
        startupTimeoutS: 300,
        logDir: join(dir, 'logs'),
        command: [python, '-m', 'transformers.cli.transformers', 'serve', '{model}', '--host', '{host}', '--port', '{port}', '--dtype', 'float32'],
        readyPath: '/health',
      },
      cpuHost,
    );
    await engine.stop();
    assert.equal(groupAlive(engine.proc.pid), false);

    const command = `'${python}' -m transformers.cli.transformers serve {model} --host {host} --port {port} --dtype float32`;
    const { result } = await cliRun(join(dir, 'custom'), ['--engines', 'custom', '--custom-command', command, '--custom-name', 'tf-custom', '--custom-ready-path', '/health']);
    assertMeasured(result, 'tf-custom');
    assert.ok(result.engines[0].startupS! > 0);
    assert.deepEqual(result.engines[0].fingerprint.engineArgs, ['dtype=float32']);
  });
});
