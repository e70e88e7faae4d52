import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distribution, errorClass, summarize } from '../../src/metrics/summary.ts';
import type { RequestRecord } from '../../src/types.ts';
import { scenarioDef } from '../helpers/make-run.ts';

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} != ${expected}`);

test('percentiles match numpy.percentile (linear) on unsorted input', () => {
  // np.percentile([15.2, 3.1, 7.7, 0.4], [50, 90, 95, 99]) -> [5.4, 12.95, 14.075, 14.975]
  const d = distribution([15.2, 3.1, 7.7, 0.4]);
  close(d.p50, 5.4, 'p50');
  close(d.p90, 12.95, 'p90');
  close(d.p95, 14.075, 'p95');
  close(d.p99, 14.975, 'p99');
  close(d.mean, 6.6, 'mean');
  assert.deepEqual([d.n, d.min, d.max], [4, 0.4, 15.2]);
  // np.percentile([10, 3, 1, 4, 2], [50, 90, 95, 99]) -> [3.0, 7.6, 8.8, 9.76]
  const e = distribution([10, 3, 1, 4, 2]);
  close(e.p50, 3, 'p50');
  close(e.p90, 7.6, 'p90');
  close(e.p95, 8.8, 'p95');
  close(e.p99, 9.76, 'p99');
  const one = distribution([7]);
  assert.deepEqual([one.p50, one.p99, one.mean], [7, 7, 7]);
});

test('an empty sample gives n 0 and zeros, never NaN', () => {
  assert.deepEqual(distribution([]), { n: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, min: 0, max: 0 });
});

test('error classes are the text before the first ": "', () => {
  assert.equal(errorClass('http 500: CUDA out of memory: retry'), 'http 500');
  assert.equal(errorClass('timeout'), 'timeout');
});

const SCENARIO = scenarioDef('chat-slo', {
  input: { kind: 'fixed', tokens: 100 },
  output: { kind: 'fixed', tokens: 11 },
  requests: 7,
  warmupRequests: 0,
  load: { kind: 'concurrency', concurrency: 4 },
  slo: { ttftMs: 100, tpotMs: 20 },
});

function rec(over: Partial<RequestRecord>): RequestRecord {
  return {
    scenario: 'chat-slo',
    repetition: 0,
    index: 0,
    scheduledMs: null,
    sendMs: 0,
    queueMs: 0,
    promptTokens: 100,
    outputTokens: null,
    ttftMs: null,
    e2elMs: null,
    itlMs: [],
    chunkTokensEstimated: false,
    ok: true,
    error: null,
    ...over,
  };
}

const RECORDS: RequestRecord[] = [
  // TPOT (250-50)/10 = 20: meets both SLOs (bounds are inclusive).
  rec({ index: 0, outputTokens: 11, ttftMs: 50, e2elMs: 250, itlMs: Array(10).fill(20) }),
  // TTFT 150 misses the TTFT SLO.
  rec({ index: 1, outputTokens: 11, ttftMs: 150, e2elMs: 350, itlMs: Array(10).fill(20), queueMs: 7 }),
  // One output token: no TPOT in the distribution, counted as 0 for goodput.
  rec({ index: 2, outputTokens: 1, ttftMs: 80, e2elMs: 80 }),
  // No usage from the server: 2 ITL entries imply 3 tokens; TPOT (120-60)/2 = 30 misses.
  rec({ index: 3, outputTokens: null, ttftMs: 60, e2elMs: 120, itlMs: [30, 30], chunkTokensEstimated: true }),
  // Failures: counted by class, kept out of every latency and token figure.
  rec({ index: 4, ok: false, error: 'timeout', outputTokens: 3, ttftMs: 40, e2elMs: 90, itlMs: [25, 25], queueMs: 3 }),
  rec({ index: 5, ok: false, error: 'http 500: boom' }),
  rec({ index: 6, ok: false, error: 'http 500: other' }),
];

test('summarize follows vLLM serve.py: throughputs, TPOT, ITL pooling, goodput, failures by class', () => {
  const s = summarize(RECORDS, SCENARIO, 2, 4, { peakGpuMemoryMiB: 20_000 });
  assert.equal(s.scenario, 'chat-slo');
  assert.deepEqual([s.requests, s.completed, s.failed], [7, 4, 3]);
  assert.deepEqual(s.errors, { timeout: 1, 'http 500': 2 });
  assert.equal(s.inputTokens, 400);
  assert.equal(s.outputTokens, 11 + 11 + 1 + 3);
  close(s.requestThroughput, 2, 'request throughput');
  close(s.outputThroughput, 13, 'output throughput');
  close(s.totalTokenThroughput, 213, 'total token throughput');
  close(s.goodput, 1, 'goodput'); // requests 0 and 2, over 2 s
  assert.equal(s.ttftMs.n, 4);
  close(s.ttftMs.mean, 85, 'ttft mean');
  close(s.ttftMs.p50, 70, 'ttft p50'); // sorted 50 60 80 150
  assert.equal(s.tpotMs.n, 3);
  close(s.tpotMs.mean, 70 / 3, 'tpot mean');
  close(s.tpotMs.p50, 20, 'tpot p50');
  assert.equal(s.itlMs.n, 22);
  close(s.itlMs.max, 30, 'itl max');
  assert.equal(s.e2elMs.n, 4);
  close(s.e2elMs.mean, 200, 'e2el mean');
  assert.equal(s.queueMs.n, 7);
  close(s.queueMs.max, 7, 'queue max');
  assert.equal(s.peakConcurrency, 4);
  assert.deepEqual(s.telemetry, { peakGpuMemoryMiB: 20_000 });
  assert.equal(s.durationS, 2);
});

test('completed requests shorter than their max_tokens are counted; failed ones and records without max_tokens are not', () => {
  const s = summarize(
    [
      rec({ index: 0, maxTokens: 11, outputTokens: 11, ttftMs: 50, e2elMs: 250, itlMs: Array(10).fill(20) }),
      rec({ index: 1, maxTokens: 11, outputTokens: 4, ttftMs: 50, e2elMs: 110, itlMs: Array(3).fill(20) }),
      // No usage: the tokens seen (ITL entries + 1) are what it generated.
      rec({ index: 2, maxTokens: 11, outputTokens: null, ttftMs: 50, e2elMs: 90, itlMs: [20, 20], chunkTokensEstimated: true }),
      rec({ index: 3, maxTokens: 11, ok: false, error: 'timeout', outputTokens: 2, ttftMs: 50, e2elMs: 70, itlMs: [20] }),
      rec({ index: 4, outputTokens: 3, ttftMs: 50, e2elMs: 90, itlMs: [20, 20] }),
    ],
    SCENARIO,
    1,
    1,
  );
  assert.equal(s.completed, 4);
  assert.equal(s.shortOutputs, 2);
});

test('without SLOs every completed request is good; pooled repetitions divide by the summed duration', () => {
  const noSlo = { ...SCENARIO, slo: {} };
  const rep0 = RECORDS.slice(0, 4);
  const rep1 = RECORDS.slice(0, 4).map((r) => ({ ...r, repetition: 1 }));
  const pooled = summarize([...rep0, ...rep1], noSlo, 2 + 6, 4);
  assert.equal(pooled.completed, 8);
  close(pooled.requestThroughput, 1, 'pooled request throughput');
  close(pooled.goodput, 1, 'pooled goodput');
  close(pooled.outputThroughput, 52 / 8, 'pooled output throughput');
  assert.equal(pooled.ttftMs.n, 8);
  assert.deepEqual(pooled.telemetry, {});
});

test('no records and no duration give zeros, not NaN; a bad duration is rejected', () => {
  const s = summarize([], SCENARIO, 0, 0);
  for (const v of [s.requestThroughput, s.outputThroughput, s.goodput, s.ttftMs.p99, s.itlMs.mean]) assert.equal(v, 0);
  assert.throws(() => summarize([], SCENARIO, NaN, 0), /summarize\(chat-slo\): durationS must be a finite number/);
});

test('a completion that streamed no token is a failure, never a completed request or goodput', () => {
  // `choices: []` chunks then [DONE]: the client saw a clean end of stream but no content.
  const s = summarize([rec({ index: 0, ok: true, outputTokens: 0, streamedChunks: 0 }), rec({ index: 1, outputTokens: 11, ttftMs: 50, e2elMs: 250, itlMs: Array(10).fill(20), streamedChunks: 11 })], SCENARIO, 1, 2);
  assert.equal(s.completed, 1);
  assert.equal(s.failed, 1);
  assert.deepEqual(s.errors, { 'empty completion': 1 });
  assert.equal(s.outputTokens, 11);
  close(s.goodput, 1, 'goodput counts only the real completion');
});

test("server usage is cross-checked with the stream: an impossible count is reported and the streamed one used", () => {
  const streamed = { ttftMs: 50, e2elMs: 250, itlMs: Array(10).fill(20), streamedChunks: 11, maxTokens: 11 };
  const s = summarize(
    [
      rec({ index: 0, outputTokens: 11_000, ...streamed }), // 1000× too high: above max_tokens
      rec({ index: 1, outputTokens: -4, ...streamed }), // below the chunks streamed
      rec({ index: 2, outputTokens: 11, ...streamed }), // agrees
    ],
    SCENARIO,
    1,
    3,
  );
  assert.equal(s.usageDisagreements, 2);
  assert.equal(s.outputTokens, 33, 'the streamed count stands in: 11 per request, not 11,000');
  close(s.outputThroughput, 33, 'throughput from the streamed tokens');
  close(s.tpotMs.p50, 20, 'TPOT from the streamed tokens');
});
