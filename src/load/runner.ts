import { setTimeout as sleep } from 'node:timers/promises';
import type { Prompt, RequestRecord, Scenario } from '../types.ts';
import { arrivalScheduleMs } from './arrivals.ts';
import { createStreamClient, streamRequest, type ChunkObserver, type RequestDialect, type StreamClient, type StreamResult } from './client.ts';
import { mixSeed } from './random.ts';

// Drives one scenario's load against a server: warm-up requests (not recorded), then the load
// pattern, one request per prompt.

export interface RunScenarioOptions {
  /** Server root or its /v1 URL. */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string;
  readonly scenario: Scenario;
  /** One per request of the scenario, in request order. */
  readonly prompts: readonly Prompt[];
  readonly warmupPrompts: readonly Prompt[];
  readonly repetition: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Request fields the server understands (default: vLLM's). */
  readonly dialect?: RequestDialect;
  /** Sees every parsed chunk of the measured requests (harness self-checks). */
  readonly onChunk?: ChunkObserver;
  /**
   * Cancels the run: nothing more is sent, requests in flight are aborted, and runScenario
   * rejects with RunCancelledError once they have ended.
   */
  readonly signal?: AbortSignal;
  /**
   * Asked after each measured request ends (with the records so far): true stops the load early —
   * nothing more is sent and requests in flight are aborted — and the run returns the requests
   * that ended before that (a capacity probe that has already missed its SLOs).
   */
  readonly stopWhen?: (finished: readonly RequestRecord[]) => boolean;
}

/** Node's longest timer: 2^31−1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class RunCancelledError extends Error {
  constructor(scenario: string) {
    super(`scenario "${scenario}" cancelled`);
    this.name = 'RunCancelledError';
  }
}

export interface ScenarioRun {
  /** One per prompt, in prompt order; failures included. */
  readonly records: RequestRecord[];
  /** First send to last finish, in seconds (0 without requests). */
  readonly durationS: number;
  /** Most requests in flight at once. */
  readonly peakConcurrency: number;
  /** `stopWhen` ended the load early: `records` holds only the requests that ended before. */
  readonly stopped: boolean;
}

export async function runScenario(opts: RunScenarioOptions): Promise<ScenarioRun> {
  const { scenario, prompts } = opts;
  if (prompts.length !== scenario.requests) {
    throw new Error(`scenario "${scenario.name}": got ${prompts.length} prompts for requests: ${scenario.requests}`);
  }
  if (!(scenario.timeoutS > 0 && scenario.timeoutS * 1000 <= MAX_TIMER_MS)) {
    throw new Error(`scenario "${scenario.name}": timeoutS must be a number of seconds above 0 and at most ${Math.floor(MAX_TIMER_MS / 1000)} (Node's longest timer), got ${scenario.timeoutS}`);
  }
  const cap = concurrencyCap(scenario);
  const client = createStreamClient({ baseUrl: opts.baseUrl, apiKey: opts.apiKey, connections: cap });
  try {
    // Sends and requests in flight end on a cancellation or on an early stop.
    const stop = new AbortController();
    const signal = opts.signal === undefined ? stop.signal : AbortSignal.any([opts.signal, stop.signal]);
    const ctx: RunContext = { opts, client, turns: new IoTurns(), signal, measuring: false, originMs: performance.now(), inFlight: 0, peak: 0 };
    const warmupWidth = Math.min(opts.warmupPrompts.length, cap ?? opts.warmupPrompts.length);
    await closedLoop(ctx, opts.warmupPrompts, warmupWidth, () => {});
    if (opts.signal?.aborted) throw new RunCancelledError(scenario.name);

    const results = new Array<StreamResult | undefined>(prompts.length);
    const ended: RequestRecord[] = [];
    let done = 0;
    const finished = (i: number, r: StreamResult): void => {
      // Requests the early stop aborted are not results: the probe was decided without them.
      if (stop.signal.aborted) return;
      results[i] = r;
      ended.push(r.record);
      done++;
      opts.onProgress?.(done, prompts.length);
      if (opts.stopWhen?.(ended)) stop.abort();
    };
    ctx.peak = 0;
    ctx.measuring = true;
    ctx.originMs = performance.now();
    // The same arrivals in every repetition (keyed by the scenario alone): passes differ by the
    // engine's noise, not by how one draw clustered the requests (prompts.ts says the same of lengths).
    const schedule = arrivalScheduleMs(scenario.load, prompts.length, mixSeed(scenario.seed));
    if (schedule === null) await closedLoop(ctx, prompts, cap ?? prompts.length, finished);
    else await openLoop(ctx, schedule, cap, finished);
    if (opts.signal?.aborted) throw new RunCancelledError(scenario.name);

    const kept = results.filter((r): r is StreamResult => r !== undefined);
    let first = Infinity;
    let last = -Infinity;
    for (const r of kept) {
      first = Math.min(first, r.sentAt);
      last = Math.max(last, r.endedAt);
    }
    return {
      records: kept.map((r) => r.record),
      durationS: kept.length > 0 ? (last - first) / 1000 : 0,
      peakConcurrency: ctx.peak,
      stopped: stop.signal.aborted,
    };
  } finally {
    await client.close();
  }
}

/** Sockets and requests in flight are capped at the pattern's concurrency; null: uncapped. */
function concurrencyCap(scenario: Scenario): number | null {
  const load = scenario.load;
  const cap = load.kind === 'concurrency' ? load.concurrency : load.kind === 'poisson' || load.kind === 'trace' ? load.maxConcurrency : undefined;
  if (cap === undefined) return null;
  if (!Number.isSafeInteger(cap) || cap < 1) {
    const field = load.kind === 'concurrency' ? 'load.concurrency' : 'load.maxConcurrency';
    throw new Error(`scenario "${scenario.name}": ${field} must be a positive integer, got ${cap}`);
  }
  return cap;
}

interface RunContext {
  readonly opts: RunScenarioOptions;
  readonly client: StreamClient;
  readonly turns: IoTurns;
  /** The run's cancellation or its early stop. */
  readonly signal: AbortSignal;
  /** False during warm-up. */
  measuring: boolean;
  /** `performance.now()` of the measured load's start. */
  originMs: number;
  inFlight: number;
  peak: number;
}

async function request(ctx: RunContext, prompt: Prompt, index: number, scheduledMs: number | null, queueMs: number): Promise<StreamResult> {
  const { opts } = ctx;
  await ctx.turns.next();
  ctx.inFlight++;
  if (ctx.inFlight > ctx.peak) ctx.peak = ctx.inFlight;
  try {
    return await streamRequest(ctx.client, {
      api: opts.scenario.api,
      model: opts.model,
      prompt,
      deadlineMs: opts.scenario.timeoutS * 1000,
      dialect: opts.dialect,
      onChunk: ctx.measuring ? opts.onChunk : undefined,
      scenario: opts.scenario.name,
      repetition: opts.repetition,
      index,
      originMs: ctx.originMs,
      scheduledMs,
      queueMs,
      signal: ctx.signal,
    });
  } finally {
    ctx.inFlight--;
  }
}

/** `width` workers, each sending its next prompt as soon as its previous request ends. */
async function closedLoop(
  ctx: RunContext,
  prompts: readonly Prompt[],
  width: number,
  finished: (index: number, r: StreamResult) => void,
): Promise<void> {
  let next = 0;
  const signal = ctx.signal;
  const worker = async (): Promise<void> => {
    while (next < prompts.length && !signal?.aborted) {
      const i = next++;
      finished(i, await request(ctx, prompts[i], i, null, 0));
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, prompts.length) }, worker));
}

function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Hands out turns of the event loop, one send per turn. Preparing a request costs a few hundred
 * microseconds of client CPU; sends that fall due together (the start of a run, streams of a closed
 * loop that end together) would otherwise run back to back as one task, while chunks of the other
 * streams wait unread and are timestamped late. Between two turns the loop polls the sockets.
 */
class IoTurns {
  #tail: Promise<void> = Promise.resolve();

  next(): Promise<void> {
    // An immediate queued from inside an immediate runs on the following loop iteration.
    const turn = this.#tail.then(yieldToIo);
    this.#tail = turn;
    return turn;
  }
}

/**
 * Releases request i at originMs + schedule[i]; with a cap, a released request waits for a free
 * slot, and that wait is its queue time (kept out of TTFT, which starts at the send).
 */
async function openLoop(
  ctx: RunContext,
  schedule: readonly number[],
  cap: number | null,
  finished: (index: number, r: StreamResult) => void,
): Promise<void> {
  const signal = ctx.signal;
  const slots = cap === null ? null : new Slots(cap);
  const prompts = ctx.opts.prompts;
  const launch = async (i: number): Promise<void> => {
    const readyAt = performance.now();
    let queueMs = 0;
    if (slots !== null && !slots.tryAcquire()) {
      await slots.acquire();
      queueMs = performance.now() - readyAt;
    }
    try {
      if (!signal?.aborted) finished(i, await request(ctx, prompts[i], i, schedule[i], queueMs));
    } finally {
      slots?.release();
    }
  };
  const running: Promise<void>[] = [];
  for (let i = 0; i < schedule.length && !signal?.aborted; i++) {
    await sleepUntil(ctx.originMs + schedule[i], signal);
    if (!signal?.aborted) running.push(launch(i));
  }
  await Promise.all(running);
}

/**
 * Waits with a timer to within a millisecond, then yields to I/O until the moment passes (timers
 * are ms-coarse). A cancellation ends the wait at once: a slow Poisson schedule must not keep a
 * cancelled run alive.
 */
async function sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
  // Node fires a timer longer than 2^31−1 ms after 1 ms: a long gap is slept in pieces.
  for (let coarse = Math.floor(at - performance.now()) - 1; coarse > 0 && !signal?.aborted; coarse = Math.floor(at - performance.now()) - 1) {
    // An abort rejects the timer's promise: that is the wake-up, not an error.
    await sleep(Math.min(coarse, MAX_TIMER_MS), undefined, { signal }).catch(() => {});
  }
  while (performance.now() < at && !signal?.aborted) await yieldToIo();
}

/** A counting semaphore that hands freed slots to waiters in arrival order. */
class Slots {
  #free: number;
  readonly #waiters: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  tryAcquire(): boolean {
    if (this.#free === 0) return false;
    this.#free--;
    return true;
  }

  acquire(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next !== undefined) next();
    else this.#free++;
  }
}
