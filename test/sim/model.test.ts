// The performance model on a virtual clock (no timers): the figures docs/sim-engine.md quotes and
// the qualitative vLLM-vs-Transformers gap of the seed study.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REFERENCE, TRANSFORMERS_COSTS, TransformersScheduler, VLLM_COSTS, VllmScheduler, stepMs, type Scheduler } from '../../src/engines/sim/model.ts';

interface Outcome {
  readonly seconds: number;
  readonly outputTokensPerS: number;
  readonly meanTtftMs: number;
  readonly meanTpotMs: number;
  readonly maxRunning: number;
  readonly gauges: ReturnType<Scheduler['gauges']>;
}

/**
 * A closed loop of `concurrency` clients sending `total` requests; prompts share their first `shared`
 * tokens. `make` gets the virtual clock (ms).
 */
function closedLoop(make: (now: () => number) => Scheduler, concurrency: number, total: number, prompt: number, output: number, shared = 0): Outcome {
  let now = 0;
  const s = make(() => now);
  let started = 0;
  let tokens = 0;
  let maxRunning = 0;
  const ttft: number[] = [];
  const tpot: number[] = [];
  const launch = (): void => {
    const index = started++;
    const sentAt = now;
    let firstAt = 0;
    const promptIds = Array.from({ length: prompt }, (_, i) => (i < shared ? 100 + i : 5000 + index * prompt + i));
    s.add({
      promptIds,
      maxTokens: output,
      onToken: (generated, finished) => {
        tokens++;
        if (generated === 1) ttft.push((firstAt = now) - sentAt);
        if (!finished) return;
        tpot.push((now - firstAt) / (output - 1));
        if (started < total) launch();
      },
    });
  };
  for (let i = 0; i < concurrency; i++) launch();
  for (let step = s.nextStep(); step !== null; step = s.nextStep()) {
    now += step.costMs;
    maxRunning = Math.max(maxRunning, s.gauges().running);
    step.complete();
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.equal(tokens, total * output, 'every request got exactly its tokens');
  return { seconds: now / 1e3, outputTokensPerS: tokens / (now / 1e3), meanTtftMs: mean(ttft), meanTpotMs: mean(tpot), maxRunning, gauges: s.gauges() };
}

test('single-stream decode sits below the memory-bandwidth roofline of the reference GPU', () => {
  const roofline = REFERENCE.memoryBandwidth / REFERENCE.weightBytes; // ≈ 61 tokens/s
  const vllm = 1000 / stepMs(VLLM_COSTS, 1, 600);
  assert.ok(vllm < roofline && vllm > 0.7 * roofline, `vLLM single stream ${vllm.toFixed(1)} tok/s vs roofline ${roofline.toFixed(1)}`);
});

test('concurrency 1: vLLM somewhat faster than Transformers, same order of magnitude', () => {
  const v = closedLoop(() => new VllmScheduler(81_920), 1, 4, 512, 128);
  const h = closedLoop((now) => new TransformersScheduler(1, TRANSFORMERS_COSTS, now), 1, 4, 512, 128);
  assert.ok(v.meanTpotMs < h.meanTpotMs && h.meanTpotMs < 2 * v.meanTpotMs, `TPOT vLLM ${v.meanTpotMs} vs HF ${h.meanTpotMs}`);
  assert.ok(v.meanTtftMs < h.meanTtftMs && h.meanTtftMs < 2 * v.meanTtftMs, `TTFT vLLM ${v.meanTtftMs} vs HF ${h.meanTtftMs}`);
});

test('concurrency 8+: vLLM throughput several times higher and TTFT far lower', () => {
  for (const concurrency of [8, 32]) {
    const v = closedLoop(() => new VllmScheduler(81_920), concurrency, concurrency * 2, 512, 128);
    const h = closedLoop((now) => new TransformersScheduler(1, TRANSFORMERS_COSTS, now), concurrency, concurrency * 2, 512, 128);
    assert.ok(v.outputTokensPerS > 4 * h.outputTokensPerS, `c=${concurrency}: ${v.outputTokensPerS} vs ${h.outputTokensPerS} tok/s`);
    assert.ok(v.meanTtftMs * 5 < h.meanTtftMs, `c=${concurrency}: TTFT ${v.meanTtftMs} vs ${h.meanTtftMs} ms`);
    assert.equal(v.maxRunning, concurrency);
    assert.equal(h.maxRunning, 1);
  }
});

test('static batches help Transformers but trail continuous batching', () => {
  const b1 = closedLoop((now) => new TransformersScheduler(1, TRANSFORMERS_COSTS, now), 8, 16, 512, 128);
  const b8 = closedLoop((now) => new TransformersScheduler(8, TRANSFORMERS_COSTS, now), 8, 16, 512, 128);
  const v = closedLoop(() => new VllmScheduler(81_920), 8, 16, 512, 128);
  assert.ok(b8.outputTokensPerS > 3 * b1.outputTokensPerS);
  assert.ok(v.outputTokensPerS > b8.outputTokensPerS);
  assert.equal(b8.maxRunning, 8);
});

test('a small KV cache limits the batch, queues requests and preempts', () => {
  const roomy = closedLoop(() => new VllmScheduler(81_920), 64, 64, 512, 256);
  const tight = closedLoop(() => new VllmScheduler(8192), 64, 64, 512, 256);
  assert.equal(roomy.gauges.preemptions, 0);
  assert.equal(roomy.maxRunning, 64);
  assert.ok(tight.maxRunning < 17, `8192 tokens hold at most 16 requests of 512 tokens, saw ${tight.maxRunning}`);
  assert.ok((tight.gauges.preemptions ?? 0) > 0);
  assert.ok(tight.seconds > roomy.seconds);
  assert.equal(tight.gauges.kvUsage, 0, 'every block is returned at the end');
});

test('a shared prompt prefix is served from the prefix cache and shortens TTFT', () => {
  const shared = closedLoop(() => new VllmScheduler(81_920), 4, 16, 1024, 32, 768);
  const distinct = closedLoop(() => new VllmScheduler(81_920), 4, 16, 1024, 32, 0);
  assert.equal(distinct.gauges.prefixHitTokens, 0);
  // All but the first wave of requests find the 768 shared tokens (48 blocks) cached.
  assert.ok((shared.gauges.prefixHitTokens ?? 0) >= 12 * 768, `hits ${shared.gauges.prefixHitTokens}`);
  assert.equal(shared.gauges.prefixQueriedTokens, 16 * 1024);
  assert.ok(shared.meanTtftMs < distinct.meanTtftMs);
});
