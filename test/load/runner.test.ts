import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunCancelledError, runScenario } from '../../src/load/runner.ts';
import type { LoadPattern, Prompt, Scenario } from '../../src/types.ts';
import { fixtureEvents, startReplayServer, type Reply, type ReplayServer } from './replay-server.ts';

const EVENTS = fixtureEvents('vllm-completions.sse');
/** Holds each request before answering, so requests overlap and concurrency is visible. */
const HELD: Reply = { kind: 'sse', pieces: EVENTS, holdMs: 40 };

function scenario(load: LoadPattern, requests: number, warmupRequests = 0): Scenario {
  return {
    name: 'runner-test',
    description: '',
    api: 'completions',
    input: { kind: 'fixed', tokens: 12 },
    output: { kind: 'fixed', tokens: 8 },
    sharedPrefixTokens: 0,
    requests,
    warmupRequests,
    load,
    seed: 9,
    slo: {},
    timeoutS: 30,
    limits: {},
    tolerances: {},
  };
}

const prompts = (n: number, tag: string): Prompt[] =>
  Array.from({ length: n }, (_, i) => ({ text: `${tag} ${i}`, messages: [{ role: 'user', content: `${tag} ${i}` }], promptTokens: 12, maxTokens: 8 }));

async function withServer<T>(reply: (n: number) => Reply, body: (server: ReplayServer) => Promise<T>): Promise<T> {
  const server = await startReplayServer((_req, n) => reply(n));
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}

test('closed loop keeps exactly N requests in flight; warm-up runs first and is not recorded', async () => {
  await withServer(() => HELD, async (server) => {
    const progress: [number, number][] = [];
    let chunks = 0;
    const run = await runScenario({
      baseUrl: server.url,
      model: 'm',
      scenario: scenario({ kind: 'concurrency', concurrency: 3 }, 9, 2),
      prompts: prompts(9, 'main'),
      warmupPrompts: prompts(2, 'warm'),
      repetition: 4,
      onProgress: (done, total) => progress.push([done, total]),
      onChunk: () => chunks++,
    });
    assert.equal(run.peakConcurrency, 3);
    assert.equal(server.maxOpen(), 3);
    assert.equal(server.requests.length, 11);
    assert.deepEqual(
      server.requests.slice(0, 2).map((r) => r.body.prompt),
      ['warm 0', 'warm 1'],
    );
    assert.deepEqual(run.records.map((r) => r.index), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (const r of run.records) {
      assert.equal(r.ok, true, r.error ?? '');
      assert.deepEqual([r.scenario, r.repetition, r.scheduledMs, r.queueMs, r.outputTokens], ['runner-test', 4, null, 0, 8]);
    }
    // Nine JSON chunks per measured request (eight tokens and the usage total); none from warm-up.
    assert.equal(chunks, 9 * 9);
    assert.deepEqual(progress.at(-1), [9, 9]);
    assert.equal(progress.length, 9);
    const lastEnd = Math.max(...run.records.map((r) => r.sendMs + (r.e2elMs ?? 0)));
    assert.ok(run.durationS * 1000 >= lastEnd - Math.min(...run.records.map((r) => r.sendMs)) - 1e-6);
  });
});

test('open loop with a cap: requests past the cap wait for a slot, reported as queue time outside TTFT', async () => {
  await withServer(() => HELD, async (server) => {
    const run = await runScenario({
      baseUrl: server.url,
      model: 'm',
      scenario: scenario({ kind: 'poisson', rate: 200, burstiness: 1, maxConcurrency: 2 }, 8),
      prompts: prompts(8, 'p'),
      warmupPrompts: [],
      repetition: 0,
    });
    assert.equal(run.peakConcurrency, 2);
    assert.ok(server.maxOpen() <= 2);
    assert.ok(run.records.some((r) => r.queueMs > 0), 'no request waited for a slot');
    assert.equal(run.records[0].scheduledMs, 0);
    for (const r of run.records) {
      assert.equal(r.ok, true, r.error ?? '');
      assert.notEqual(r.scheduledMs, null);
      // Released on schedule, then queued, then sent: TTFT starts at the send.
      assert.ok(r.sendMs >= r.scheduledMs! + r.queueMs - 1e-6, `send ${r.sendMs} scheduled ${r.scheduledMs} queue ${r.queueMs}`);
    }
  });
});

test('open loop: every repetition sends its requests at the same offsets (the draw of the scenario seed), another seed at others', async () => {
  await withServer(() => ({ kind: 'sse', pieces: EVENTS }), async (server) => {
    const load: LoadPattern = { kind: 'poisson', rate: 400, burstiness: 1, maxConcurrency: 16 };
    const offsets = async (repetition: number, seed = 9): Promise<number[]> => {
      const run = await runScenario({ baseUrl: server.url, model: 'm', scenario: { ...scenario(load, 6), seed }, prompts: prompts(6, `r${repetition}`), warmupPrompts: [], repetition });
      return run.records.map((r) => r.scheduledMs!).sort((a, b) => a - b);
    };
    const first = await offsets(0);
    assert.equal(new Set(first).size, 6, 'drawn gaps, not a burst');
    assert.deepEqual(await offsets(3), first);
    assert.notDeepEqual(await offsets(0, 10), first);
  });
});

test('burst sends every request at once', async () => {
  await withServer(() => HELD, async (server) => {
    const run = await runScenario({
      baseUrl: server.url,
      model: 'm',
      scenario: scenario({ kind: 'burst' }, 5),
      prompts: prompts(5, 'b'),
      warmupPrompts: [],
      repetition: 0,
    });
    assert.equal(run.peakConcurrency, 5);
    assert.equal(server.maxOpen(), 5);
    for (const r of run.records) assert.equal(r.scheduledMs, 0);
  });
});

test('failed requests are recorded in place, never dropped', async () => {
  const reply = (n: number): Reply =>
    n === 1 ? { kind: 'json', status: 500, body: { error: { message: 'boom' } } } : { kind: 'sse', pieces: EVENTS };
  await withServer(reply, async (server) => {
    const run = await runScenario({
      baseUrl: server.url,
      model: 'm',
      scenario: scenario({ kind: 'concurrency', concurrency: 1 }, 3),
      prompts: prompts(3, 'f'),
      warmupPrompts: [],
      repetition: 0,
    });
    assert.deepEqual(run.records.map((r) => r.error), [null, 'http 500: boom', null]);
  });
});

test('a cancelled run sends nothing more, aborts what is in flight and rejects at once', async (t) => {
  // Never answered: only the abort ends these requests.
  const hung: Reply = { kind: 'hang' };
  const cases: [string, LoadPattern][] = [
    ['closed loop', { kind: 'concurrency', concurrency: 2 }],
    ['open loop, mid-schedule (1 request/s)', { kind: 'poisson', rate: 1, burstiness: 1, maxConcurrency: 4 }],
    ['burst', { kind: 'burst' }],
  ];
  for (const [name, load] of cases) {
    await t.test(name, () =>
      withServer(() => hung, async (server) => {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 300);
        const started = performance.now();
        await assert.rejects(
          runScenario({ baseUrl: server.url, model: 'm', scenario: scenario(load, 6), prompts: prompts(6, 'c'), warmupPrompts: [], repetition: 0, signal: controller.signal }),
          (err: Error) => err instanceof RunCancelledError && /scenario "runner-test" cancelled/.test(err.message),
        );
        const took = performance.now() - started;
        assert.ok(took < 2_000, `ended ${Math.round(took)} ms after the start, 300 ms after the abort`);
        const sent = server.requests.length;
        assert.ok(sent >= 1 && sent <= (load.kind === 'burst' ? 6 : 2), `${sent} requests reached the server`);
        await new Promise((r) => setTimeout(r, 1_200));
        assert.equal(server.requests.length, sent, 'nothing sent after the run ended');
        assert.equal(server.open(), 0, 'no request left open on the server');
      }),
    );
  }
});

test('inconsistent scenarios are rejected with the scenario and field named', async () => {
  const base = { baseUrl: 'http://127.0.0.1:9', model: 'm', warmupPrompts: [], repetition: 0 };
  await assert.rejects(
    runScenario({ ...base, scenario: scenario({ kind: 'burst' }, 3), prompts: prompts(2, 'x') }),
    /scenario "runner-test": got 2 prompts for requests: 3/,
  );
  await assert.rejects(
    runScenario({ ...base, scenario: scenario({ kind: 'concurrency', concurrency: 0 }, 1), prompts: prompts(1, 'x') }),
    /scenario "runner-test": load.concurrency must be a positive integer, got 0/,
  );
  await assert.rejects(
    runScenario({ ...base, scenario: scenario({ kind: 'poisson', rate: 1, burstiness: 1, maxConcurrency: 1.5 }, 1), prompts: prompts(1, 'x') }),
    /load.maxConcurrency must be a positive integer, got 1.5/,
  );
});
