import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { startEngineTelemetry } from '../../src/engines/telemetry.ts';
import { VLLM_METRIC_NAMES } from '../../src/metrics/engine-metrics.ts';

// The per-scenario telemetry of one engine: the nvidia-smi STUB in loop mode for the GPU side and a
// real HTTP server replaying a recorded vLLM /metrics dump for the engine side.

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-telemetry-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('startEngineTelemetry', () => {
  it('fills ScenarioTelemetry from both sources for one window', async () => {
    writeFileSync(join(dir, 'loop.csv'), 'T, 0, NVIDIA GeForce RTX 3090, 20480, 24576, 88, 1800, 74, 330.00, 0x0000000000000020\n');
    const base = readFileSync(join(fixtures, 'vllm-metrics', 'v1-llama-single.txt'), 'utf8');
    let page = base;
    const server = createServer((_, res) => res.writeHead(200).end(page));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.STUB_SMI_DIR = dir;
    const telemetry = await startEngineTelemetry(
      { metricsUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`, metricNames: VLLM_METRIC_NAMES, localGpu: true },
      { nvidiaSmi: join(fixtures, 'stubs', 'nvidia-smi'), gpuIntervalMs: 100, scrapeIntervalMs: 20 },
    );
    try {
      const window = await telemetry.begin();
      page = base
        .replace(/^(vllm:kv_cache_usage_perc\{[^}]*\}) \S+$/m, '$1 0.61')
        .replace(/^(vllm:num_requests_running\{[^}]*\}) \S+$/m, '$1 16')
        .replace(/^(vllm:prefix_cache_queries_total\{[^}]*\}) \S+$/m, '$1 2048')
        .replace(/^(vllm:prefix_cache_hits_total\{[^}]*\}) \S+$/m, '$1 1536');
      await sleep(600); // long enough for a few GPU rows (every 100 ms) and scrapes (every 20 ms)
      const t = await telemetry.end(window);
      assert.equal(t.peakGpuMemoryMiB, 20480);
      assert.equal(t.meanGpuUtilPct, 88);
      assert.deepEqual(t.throttleReasons, ['sw-thermal-slowdown']);
      assert.deepEqual(t.busyThrottleReasons, ['sw-thermal-slowdown'], 'active at 88% utilisation');
      assert.equal(t.peakKvCacheUsage, 0.61);
      assert.equal(t.maxRunningRequests, 16);
      assert.equal(t.maxWaitingRequests, 0);
      assert.equal(t.preemptions, 0);
      assert.equal(t.prefixCacheHitRate, 0.75);
    } finally {
      await telemetry.stop();
      server.close();
      delete process.env.STUB_SMI_DIR;
    }
  });

  it('leaves out what a CPU host and an engine without /metrics cannot tell', async () => {
    const telemetry = await startEngineTelemetry({ metricsUrl: null, metricNames: null, localGpu: true }, { nvidiaSmi: join(dir, 'absent-nvidia-smi') });
    const t = await telemetry.end(await telemetry.begin());
    await telemetry.stop();
    assert.deepEqual(t, {});
  });
});
