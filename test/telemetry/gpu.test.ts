import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import {
  BUSY_UTILISATION_PCT,
  decodeThrottleReasons,
  gpuMemoryState,
  parseComputeApps,
  parseGpuSamples,
  parseSmiTimestamp,
  runNvidiaSmi,
  startGpuSampler,
  summariseGpu,
} from '../../src/metrics/gpu.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const smiFixture = (name: string) => readFileSync(join(fixtures, 'nvidia-smi', name), 'utf8');
const stubSmi = join(fixtures, 'stubs', 'nvidia-smi');
const dir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-gpu-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('parseGpuSamples (recorded nvidia-smi CSV)', () => {
  it('reads cells with units, two GPUs, the clocks.sm alias absent', () => {
    const [a, b] = parseGpuSamples(smiFixture('query-gpu-two-cards.csv'));
    assert.deepEqual(
      [a.name, a.memoryUsedMiB, a.memoryTotalMiB, a.utilizationPct, a.temperatureC, a.powerW, a.smClockMHz],
      ['GeForce GTX 1080 Ti', 2856, 11175, 36, 60, 106.56, null],
    );
    assert.deepEqual([b.name, b.memoryUsedMiB, b.utilizationPct, b.powerW], ['GeForce GTX 1060 6GB', 4, 0, 5.68]);
    assert.equal(a.index, 0);
    assert.equal(b.index, 1);
  });

  it('reads a nounits log with timestamps into epoch times', () => {
    const samples = parseGpuSamples(smiFixture('memory-log-v100.csv'));
    assert.equal(samples.length, 3);
    assert.deepEqual(samples.map((s) => s.memoryUsedMiB), [1, 4, 4]);
    assert.equal(samples[0].t, new Date(2025, 4, 22, 9, 42, 33, 587).getTime());
    assert.equal(samples[1].t - samples[0].t, 5001);
  });

  it('reads the throttle mask under its old name and the sm clock under its header name', () => {
    const samples = parseGpuSamples(smiFixture('throttle.csv'));
    assert.deepEqual(samples.map((s) => s.throttleMask), [1n, 0n, 4n]);
    assert.deepEqual(samples.map((s) => s.smClockMHz), [1410, 1410, 1275]);
  });
});

describe('parseSmiTimestamp', () => {
  it('accepts nvidia-smi times and rejects anything else', () => {
    assert.equal(parseSmiTimestamp('2026/10/04 01:00:00.3'), new Date(2026, 9, 4, 1, 0, 0, 300).getTime());
    assert.equal(parseSmiTimestamp('2026-10-04T01:00:00Z'), null);
  });
});

describe('decodeThrottleReasons', () => {
  it('names each NVML clock event bit and keeps unknown bits visible', () => {
    assert.deepEqual(decodeThrottleReasons(0n), []);
    assert.deepEqual(decodeThrottleReasons(0x4n), ['sw-power-cap']);
    assert.deepEqual(decodeThrottleReasons(0x1n | 0x20n | 0x40n), ['gpu-idle', 'sw-thermal-slowdown', 'hw-thermal-slowdown']);
    assert.deepEqual(decodeThrottleReasons(0x88n), ['hw-slowdown', 'hw-power-brake-slowdown']);
    assert.deepEqual(decodeThrottleReasons(0x1000n), ['0x1000']);
  });
});

describe('summariseGpu', () => {
  it('takes peak memory, mean utilisation and slowdowns (not idle) inside the window only', () => {
    const samples = parseGpuSamples(smiFixture('throttle.csv'));
    const t0 = samples[0].t;
    assert.deepEqual(summariseGpu(samples, t0, t0 + 150).throttleReasons, [], 'idle is not a slowdown');
    const all = summariseGpu(samples, t0, t0 + 1000);
    assert.equal(all.samples, 3);
    assert.deepEqual(all.throttleReasons, ['sw-power-cap']);
    assert.equal(all.peakMemoryMiB, null, 'this query had no memory column');

    const mem = parseGpuSamples(smiFixture('memory-log-v100.csv'));
    const window = summariseGpu(mem, mem[1].t, mem[2].t);
    assert.deepEqual([window.samples, window.peakMemoryMiB, window.meanUtilizationPct], [2, 4, null]);
  });

  it('keeps a throttle reason as busy only when it was active in a sample with the GPU at ≥ 80% utilisation', () => {
    const samples = parseGpuSamples(smiFixture('throttle-busy.csv'));
    const t0 = samples[0].t;
    // sw-power-cap at 18% and 52%, none at 97%, idle at 0%: throttled only while it waited for work.
    const waiting = summariseGpu(samples, t0, t0 + 600);
    assert.deepEqual(waiting.throttleReasons, ['sw-power-cap']);
    assert.deepEqual(waiting.busyThrottleReasons, []);
    assert.ok(waiting.meanUtilizationPct! < BUSY_UTILISATION_PCT);
    // At 99% the power cap slowed the clocks; at exactly 80% a thermal slowdown joined it.
    const loaded = summariseGpu(samples, t0 + 1000, t0 + 1200);
    assert.deepEqual(loaded.busyThrottleReasons, ['sw-power-cap', 'sw-thermal-slowdown']);
    const all = summariseGpu(samples, t0, t0 + 1200);
    assert.deepEqual([all.throttleReasons, all.busyThrottleReasons], [['sw-power-cap', 'sw-thermal-slowdown'], ['sw-power-cap', 'sw-thermal-slowdown']]);
    // Without a utilisation column no sample can be called busy.
    assert.deepEqual(summariseGpu(parseGpuSamples(smiFixture('throttle.csv')), 0, Number.MAX_SAFE_INTEGER).busyThrottleReasons, []);
  });

  it('adds the memory of all GPUs sampled at the same time', () => {
    const csv = 'timestamp, index, name, memory.used [MiB], utilization.gpu [%]\n2026/01/01 10:00:00.000, 0, A, 1000 MiB, 80 %\n2026/01/01 10:00:00.000, 1, A, 3000 MiB, 40 %\n2026/01/01 10:00:00.200, 0, A, 500 MiB, 60 %\n';
    const samples = parseGpuSamples(csv);
    const s = summariseGpu(samples, samples[0].t, samples[2].t);
    assert.equal(s.peakMemoryMiB, 4000);
    assert.equal(s.meanUtilizationPct, 60);
  });
});

describe('parseComputeApps (recorded --query-compute-apps output)', () => {
  it('reads holders with units, with nounits, and an empty GPU', () => {
    assert.deepEqual(parseComputeApps(smiFixture('apps-vllm.csv')), [
      { pid: 3858903, name: 'VLLM::EngineCore', usedMiB: 6265 },
      { pid: 3880364, name: 'VLLM::EngineCore', usedMiB: 5530 },
    ]);
    assert.deepEqual(parseComputeApps(smiFixture('apps-rtx3090-nounits.csv')), [{ pid: 1106871, name: '/app/llama-server', usedMiB: 23342 }]);
    assert.deepEqual(parseComputeApps(smiFixture('apps-empty.csv')), []);
    assert.equal(parseComputeApps(smiFixture('apps-l40s.csv')).length, 3);
  });
});

describe('running nvidia-smi', () => {
  it('returns null when nvidia-smi is not installed (a CPU host)', async () => {
    assert.equal(await runNvidiaSmi(['-L'], join(dir, 'absent-nvidia-smi')), null);
    assert.equal(await gpuMemoryState(join(dir, 'absent-nvidia-smi')), null);
  });

  it('returns null when nvidia-smi exists but cannot be executed (EACCES), so a CPU run goes on', async () => {
    const unusable = join(dir, 'unexecutable-nvidia-smi');
    writeFileSync(unusable, '#!/bin/sh\necho never\n', { mode: 0o644 });
    assert.equal(await runNvidiaSmi(['-L'], unusable), null);
    assert.equal(await gpuMemoryState(unusable), null);
  });

  it('throws with its output when the query fails', async () => {
    process.env.STUB_SMI_DIR = dir;
    try {
      await assert.rejects(runNvidiaSmi(['--bogus'], stubSmi), /nvidia-smi --bogus failed: stub nvidia-smi: unexpected arguments: --bogus/);
    } finally {
      delete process.env.STUB_SMI_DIR;
    }
  });
});

describe('startGpuSampler (nvidia-smi STUB in loop mode)', () => {
  // Rows the stub repeats; its header names the fields the sampler asked for.
  const row = 'T, 0, NVIDIA GeForce RTX 3090, 15203, 24576, 97, 1695, 71, 341.20, 0x0000000000000004\n';

  async function sample(marker: string | null): Promise<ReturnType<typeof summariseGpu>> {
    writeFileSync(join(dir, 'loop.csv'), marker === 'no-reasons' ? row.replace(/, 0x\w+\n$/, '\n') : row);
    if (marker) writeFileSync(join(dir, marker), '');
    process.env.STUB_SMI_DIR = dir;
    try {
      const sampler = await startGpuSampler({ bin: stubSmi, intervalMs: 100 });
      assert.ok(sampler);
      const from = Date.now() - 1000;
      const deadline = Date.now() + 10_000;
      while (sampler.samples().length < 2 && Date.now() < deadline) await sleep(50);
      await sampler.stop();
      return sampler.summary(from, Date.now() + 1000);
    } finally {
      delete process.env.STUB_SMI_DIR;
      if (marker) rmSync(join(dir, marker));
    }
  }

  it('collects timestamped rows from the -lms child until stopped', async () => {
    const summary = await sample(null);
    assert.ok(summary.samples >= 2, `only ${summary.samples} samples`);
    assert.equal(summary.peakMemoryMiB, 15203);
    assert.equal(summary.meanUtilizationPct, 97);
    assert.deepEqual(summary.throttleReasons, ['sw-power-cap']);
  });

  it('asks an old driver for clocks_throttle_reasons instead', async () => {
    assert.deepEqual((await sample('old-driver')).throttleReasons, ['sw-power-cap']);
  });

  it('samples without throttle reasons when the driver knows neither name', async () => {
    const summary = await sample('no-reasons');
    assert.ok(summary.samples >= 2);
    assert.deepEqual(summary.throttleReasons, []);
    assert.equal(summary.peakMemoryMiB, 15203);
  });

  it('is null on a host without nvidia-smi', async () => {
    assert.equal(await startGpuSampler({ bin: join(dir, 'absent-nvidia-smi') }), null);
  });
});
