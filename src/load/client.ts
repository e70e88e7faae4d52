import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { Agent } from 'undici';
import type { Prompt, RequestRecord } from '../types.ts';
import { createRawFetch, type RawBody } from './raw-fetch.ts';
import { MAX_EVENT_CHARS, SseParser } from './sse.ts';

// One streaming completion, timed the way vLLM's bench times it. The official client builds,
// authenticates and sends the request and turns HTTP failures into typed errors; the body is then
// read raw (see raw-fetch.ts) and split by our own SSE parser, because the SDK's stream iterator
// costs several times more per chunk, and the per-chunk path decides how many streams one core
// can time faithfully.
//
// Error strings have the form "<class>" or "<class>: <detail>"; the summary counts failures by class.

/**
 * What a server accepts beyond the OpenAI schema. vLLM takes stream_options with continuous usage
 * (exact tokens per chunk) and ignore_eos/min_tokens (forces the output length). `transformers
 * serve` answers 422 to fields outside the OpenAI schema (checked with 5.24: "Unexpected fields in
 * the request: {'ignore_eos', 'min_tokens'}"), some of its versions refuse stream_options too, and
 * from 5.25 it sends its usage chunk (the last, with no [DONE]) only when include_usage asks for it.
 * An adapter names the dialect it prefers and the one to fall back to; readiness proves which one
 * the server accepts (src/engines/ready.ts).
 */
export interface RequestDialect {
  /**
   * `stream_options` to send: 'continuous' asks for usage in every chunk (vLLM's
   * continuous_usage_stats: exact tokens per chunk), 'final' for usage in a last chunk (the OpenAI
   * schema's include_usage, which OpenAI-compatible servers at large accept), 'none' sends none.
   */
  readonly streamOptions: 'continuous' | 'final' | 'none';
  /** Send `ignore_eos: true` and `min_tokens` = max_tokens. */
  readonly forceLength: boolean;
  /** Further body fields sent with every request. */
  readonly extraBody?: Readonly<Record<string, unknown>>;
}

export const VLLM_DIALECT: RequestDialect = Object.freeze({ streamOptions: 'continuous', forceLength: true });
export const PLAIN_OPENAI_DIALECT: RequestDialect = Object.freeze({ streamOptions: 'none', forceLength: false });
/** Any OpenAI-compatible server: nothing outside the OpenAI schema, usage asked for in a last chunk. */
export const OPENAI_DIALECT: RequestDialect = Object.freeze({ streamOptions: 'final', forceLength: false });

/** Sees every parsed chunk with its arrival time (`performance.now()`); for harness self-checks. */
export type ChunkObserver = (chunk: unknown, receivedAt: number) => void;

export interface StreamClient {
  readonly openai: OpenAI;
  /** The raw body of a successful response of `openai` (once per response). */
  takeBody(response: Response): RawBody;
  /** Closes the pooled connections (and drops anything still queued); call once every request has ended. */
  close(): Promise<void>;
}

/**
 * An OpenAI client on its own keep-alive pool, so connection setup is paid during warm-up rather
 * than inside a measured TTFT. `connections` caps sockets (the scenario's concurrency); null = no cap.
 * `baseUrl` is the server root or its /v1 URL.
 */
export function createStreamClient(opts: { baseUrl: string; apiKey?: string; connections: number | null }): StreamClient {
  const agent = new Agent({
    connections: opts.connections,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
    // The per-request deadline governs; undici's own 300 s limits would cut long scenarios short.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const raw = createRawFetch(agent);
  const openai = new OpenAI({
    baseURL: v1Url(opts.baseUrl),
    // An explicit key keeps the SDK from sending OPENAI_API_KEY from the environment to a local server.
    apiKey: opts.apiKey ?? 'EMPTY',
    organization: null,
    project: null,
    maxRetries: 0,
    fetch: raw.fetch,
  });
  // destroy, not close: close would wait for requests that were given up on while still queued
  // or connecting, which a frozen server never answers.
  return { openai, takeBody: raw.takeBody, close: () => agent.destroy() };
}

function v1Url(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`baseUrl must be an http(s) URL such as http://127.0.0.1:8000, got "${baseUrl}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`baseUrl must be an http(s) URL such as http://127.0.0.1:8000, got "${baseUrl}"`);
  }
  const root = url.href.replace(/\/+$/, '');
  return root.endsWith('/v1') ? root : `${root}/v1`;
}

export interface StreamRequest {
  readonly api: 'chat' | 'completions';
  readonly model: string;
  readonly prompt: Prompt;
  /** The request is aborted and recorded as 'timeout' this long after it was sent. */
  readonly deadlineMs: number;
  readonly dialect?: RequestDialect;
  readonly onChunk?: ChunkObserver;
  readonly scenario: string;
  readonly repetition: number;
  readonly index: number;
  /** `performance.now()` at the scenario start; the record's sendMs is relative to it. */
  readonly originMs: number;
  readonly scheduledMs: number | null;
  readonly queueMs: number;
  /** Cancels the run: the request is aborted and recorded as 'cancelled'. */
  readonly signal?: AbortSignal;
}

export interface StreamResult {
  readonly record: RequestRecord;
  /** `performance.now()` when the request was sent and when its response ended (or it failed). */
  readonly sentAt: number;
  readonly endedAt: number;
}

/** Sends one streaming request and times it. Never throws: every failure is recorded with its error. */
export async function streamRequest(client: StreamClient, req: StreamRequest): Promise<StreamResult> {
  // Node fires a longer timer after 1 ms: every request would "time out" at once.
  if (!(req.deadlineMs > 0 && req.deadlineMs <= 2 ** 31 - 1)) throw new Error(`deadline must be a number of milliseconds above 0 and at most 2^31−1, got ${req.deadlineMs}`);
  const controller = new AbortController();
  const { signal } = controller;
  const reader = new ChunkReader(req.api, req.prompt.maxTokens, req.onChunk);
  /** The response was given up on for what the server sent (not for the deadline). */
  let refused = false;
  const sentAt = performance.now();
  const timer = setTimeout(() => controller.abort(), req.deadlineMs);
  const cancel = (): void => controller.abort();
  req.signal?.addEventListener('abort', cancel, { once: true });
  if (req.signal?.aborted) cancel();
  let error: string | null = null;
  try {
    const response = await send(client.openai, req, signal, req.deadlineMs);
    const body = client.takeBody(response);
    error = notEventStream(response);
    if (error === null) error = await reader.read(body);
    // Whatever more the server would send is not read: the connection goes.
    if (error !== null && (error === reader.refusal || error.startsWith(NOT_EVENT_STREAM))) {
      refused = true;
      controller.abort();
    }
  } catch (err) {
    error = signal.aborted ? 'timeout' : describe(err);
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', cancel);
  }
  // Past the deadline (or the run's cancellation), whatever the body did after it (cut off, ended
  // early) is a timeout (or a cancellation).
  if (signal.aborted && !refused) error = req.signal?.aborted ? 'cancelled' : 'timeout';
  const endedAt = performance.now();
  return { record: reader.record(req, sentAt, error), sentAt, endedAt };
}

const NOT_EVENT_STREAM = 'not an event stream';

/** A 2xx answer that says it is something else (an HTML page from a proxy, JSON without streaming) is no token stream. */
function notEventStream(response: Response): string | null {
  const type = response.headers.get('content-type');
  // A server that names no type is read as a stream; one that names another is not.
  if (type === null || /^\s*text\/event-stream\s*(;|$)/i.test(type)) return null;
  return `${NOT_EVENT_STREAM}: HTTP ${response.status} with content-type ${JSON.stringify(oneLine(type).slice(0, 80))}`;
}

/** The body fields a dialect adds to a request of `maxTokens` (readiness sends them too, to prove them). */
export function dialectFields(dialect: RequestDialect, maxTokens: number): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (dialect.streamOptions === 'continuous') fields.stream_options = { include_usage: true, continuous_usage_stats: true };
  else if (dialect.streamOptions === 'final') fields.stream_options = { include_usage: true };
  if (dialect.forceLength) {
    fields.ignore_eos = true;
    fields.min_tokens = maxTokens;
  }
  return Object.assign(fields, dialect.extraBody);
}

/** Every field name a dialect sends, nested ones included ('stream_options', 'include_usage', ...). */
export function dialectFieldNames(dialect: RequestDialect): string[] {
  return Object.entries(dialectFields(dialect, 1)).flatMap(([name, value]) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? [name, ...Object.keys(value)] : [name],
  );
}

function send(openai: OpenAI, req: StreamRequest, signal: AbortSignal, deadlineMs: number): Promise<Response> {
  const dialect = req.dialect ?? VLLM_DIALECT;
  const body: Record<string, unknown> = { model: req.model, max_tokens: req.prompt.maxTokens, temperature: 0, stream: true, ...dialectFields(dialect, req.prompt.maxTokens) };
  // The SDK's timeout only covers the wait for headers; the signal is the real deadline, so the
  // SDK's must never fire first.
  const options = { signal, timeout: deadlineMs + 60_000, maxRetries: 0 };
  if (req.api === 'chat') {
    body.messages = req.prompt.messages;
    return openai.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsStreaming, options).asResponse();
  }
  body.prompt = req.prompt.text;
  return openai.completions.create(body as unknown as OpenAI.CompletionCreateParamsStreaming, options).asResponse();
}

function describe(err: unknown): string {
  if (err instanceof APIConnectionTimeoutError || err instanceof APIUserAbortError) return 'timeout';
  // The SDK's own message ("Connection error.") says nothing; the causes say what failed.
  if (err instanceof APIConnectionError) return `connection: ${oneLine(messageChain(err.cause ?? err))}`;
  if (err instanceof APIError && err.status !== undefined) {
    const prefix = `${err.status} `;
    const detail = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    return `http ${err.status}: ${oneLine(detail)}`;
  }
  return `client: ${oneLine(messageChain(err))}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

/** What a streamed chunk may hold; everything else in it is ignored. */
interface Chunk {
  error?: unknown;
  usage?: { completion_tokens?: unknown } | null;
  choices?: {
    text?: unknown;
    delta?: { content?: unknown; reasoning_content?: unknown; reasoning?: unknown } | null;
    finish_reason?: unknown;
  }[];
}

/**
 * Consumes one response body, noting the arrival time and token count of every content chunk.
 * What it keeps is bounded by the request's own max_tokens, never by a count the server sends: a
 * usage above max_tokens, more content chunks than max_tokens (each carries a token) or an event
 * over MAX_EVENT_CHARS ends the read at once as a refusal, naming what the server sent.
 */
class ChunkReader {
  readonly #chat: boolean;
  readonly #maxTokens: number;
  readonly #onChunk: ChunkObserver | undefined;
  readonly #parser = new SseParser(
    (data) => this.#event(data),
    (chars) => this.#refuse(`oversized event: the server sent over ${chars.toLocaleString('en-US')} characters without ending an event (limit ${MAX_EVENT_CHARS.toLocaleString('en-US')})`),
  );
  /** Arrival time of the read being parsed (every event in one read arrived together). */
  #now = 0;
  readonly #onRead = (bytes: Uint8Array, receivedAt: number): void => {
    if (this.refusal !== null) return;
    this.#now = receivedAt;
    this.#parser.push(bytes);
  };
  /** Why the server's stream was refused before its end; null while it is read. */
  refusal: string | null = null;
  #finish: ((error: string) => void) | null = null;
  readonly #times: number[] = [];
  /** Tokens of each content chunk from continuous usage, or -1 where the server did not say. */
  readonly #tokens: number[] = [];
  #unknownCounts = false;
  /** Every chunk so far carried usage, so usage deltas are per-chunk token counts. */
  #continuousUsage = true;
  #usageTokens = -1;
  #sawDone = false;
  #sawFinish = false;
  #serverError: string | null = null;
  #badChunk: string | null = null;

  constructor(api: 'chat' | 'completions', maxTokens: number, onChunk: ChunkObserver | undefined) {
    this.#chat = api === 'chat';
    this.#maxTokens = maxTokens;
    this.#onChunk = onChunk;
  }

  #refuse(why: string): void {
    if (this.refusal !== null) return;
    this.refusal = why;
    this.#finish?.(why);
  }

  /** Reads the body to its end (or its refusal); resolves with the error that makes the request a failure, if any. */
  read(body: RawBody): Promise<string | null> {
    return new Promise((resolve) => {
      this.#finish = resolve;
      body.pipe({
        data: this.#onRead,
        end: () => resolve(this.#verdict()),
        // An abort also lands here; the caller, which owns the signal, records it as a timeout.
        error: (err) => resolve(`stream cut off: ${oneLine(messageChain(err))}`),
      });
    });
  }

  #verdict(): string | null {
    this.#parser.end();
    if (this.#serverError !== null) return this.#serverError;
    if (this.#badChunk !== null) return this.#badChunk;
    if (!this.#sawDone && !this.#sawFinish) return 'stream cut off';
    return null;
  }

  #event(data: string): void {
    if (this.#sawDone || this.refusal !== null) return;
    if (data === '[DONE]') {
      this.#sawDone = true;
      return;
    }
    let chunk: Chunk;
    try {
      chunk = JSON.parse(data) as Chunk;
    } catch {
      this.#badChunk ??= `bad chunk: ${oneLine(data).slice(0, 80)}`;
      return;
    }
    // Valid JSON that is no object (`data: null`, `data: 3`) is as bad as invalid JSON.
    if (typeof chunk !== 'object' || chunk === null || Array.isArray(chunk)) {
      this.#badChunk ??= `bad chunk: ${oneLine(data).slice(0, 80)}`;
      return;
    }
    if (this.#onChunk !== undefined) this.#onChunk(chunk, this.#now);
    if (chunk.error !== undefined && chunk.error !== null) {
      this.#serverError ??= `server error: ${oneLine(errorText(chunk.error))}`;
      return;
    }
    const choice = chunk.choices !== undefined ? chunk.choices[0] : undefined;
    if (choice === undefined) {
      this.#noteUsage(chunk);
      return;
    }
    // A usage block on a chunk of a stream that did not carry one on every chunk is the final
    // total (transformers serve), not a per-chunk count.
    const previous = Math.max(this.#usageTokens, 0);
    if (!this.#noteUsage(chunk)) this.#continuousUsage = false;
    const tokens = this.#continuousUsage ? this.#usageTokens - previous : -1;
    const finish = choice.finish_reason;
    if (finish !== undefined && finish !== null) {
      if (finish === 'abort' || finish === 'error') this.#serverError ??= `server error: finish_reason ${String(finish)}`;
      this.#sawFinish = true;
    }
    if (tokens > 0 || (tokens < 0 && this.#hasText(choice))) {
      if (this.#times.length >= this.#maxTokens) {
        this.#refuse(`too many chunks: the server streamed more content chunks than max_tokens ${this.#maxTokens}`);
        return;
      }
      this.#times.push(this.#now);
      this.#tokens.push(tokens);
      if (tokens < 0) this.#unknownCounts = true;
    }
  }

  /** Takes the chunk's usage total, if it has one; says whether it had. */
  #noteUsage(chunk: Chunk): boolean {
    const completion = chunk.usage?.completion_tokens;
    if (typeof completion !== 'number') return false;
    if (!Number.isInteger(completion) || completion < 0 || completion > this.#maxTokens) {
      this.#refuse(`bad usage: the server counted ${oneLine(String(completion)).slice(0, 40)} completion tokens, expected a whole number up to max_tokens ${this.#maxTokens}`);
      return false;
    }
    this.#usageTokens = completion;
    return true;
  }

  #hasText(choice: NonNullable<Chunk['choices']>[number]): boolean {
    if (!this.#chat) return nonEmpty(choice.text);
    const delta = choice.delta;
    return delta !== undefined && delta !== null && (nonEmpty(delta.content) || nonEmpty(delta.reasoning_content) || nonEmpty(delta.reasoning));
  }

  record(req: StreamRequest, sentAt: number, error: string | null): RequestRecord {
    const times = this.#times;
    const n = times.length;
    const outputTokens = this.#usageTokens >= 0 ? this.#usageTokens : null;
    let tokens = this.#tokens;
    let estimated = false;
    if (this.#unknownCounts) {
      // Without per-chunk usage each content chunk is taken as one token, unless the final usage
      // says otherwise; then the total is spread evenly over the chunks.
      estimated = outputTokens === null || outputTokens !== n;
      tokens = outputTokens === null || outputTokens === n ? new Array<number>(n).fill(1) : spread(outputTokens, n);
    }
    return {
      scenario: req.scenario,
      repetition: req.repetition,
      index: req.index,
      scheduledMs: req.scheduledMs,
      sendMs: sentAt - req.originMs,
      queueMs: req.queueMs,
      promptTokens: req.prompt.promptTokens,
      maxTokens: req.prompt.maxTokens,
      outputTokens,
      ttftMs: n > 0 ? times[0] - sentAt : null,
      e2elMs: n > 0 ? times[n - 1] - sentAt : null,
      itlMs: interTokenLatencies(times, tokens),
      chunkTokensEstimated: estimated,
      streamedChunks: n,
      ok: error === null,
      error,
    };
  }
}

function nonEmpty(x: unknown): boolean {
  return typeof x === 'string' && x.length > 0;
}

/** An error's message followed by those of its causes: "fetch failed: connect ECONNREFUSED 127.0.0.1:8000". */
function messageChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && parts.length < 5; e = (e as { cause?: unknown }).cause) {
    const message = e instanceof Error ? e.message : String(e);
    if (message !== '' && !parts.includes(message)) parts.push(message);
    if (!(e instanceof Error)) break;
  }
  return parts.join(': ');
}

function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return JSON.stringify(error);
}

/** `total` tokens over `n` chunks as evenly as integers allow, the first chunk never empty. */
function spread(total: number, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = Math.ceil(((i + 1) * total) / n) - Math.ceil((i * total) / n);
  return out;
}

/**
 * The gap before each chunk that carries k tokens, split into k equal entries; the gap before the
 * first content chunk is TTFT, not ITL. A chunk given no tokens hands its gap on to the next one.
 */
function interTokenLatencies(times: readonly number[], tokens: readonly number[]): number[] {
  const itl: number[] = [];
  let prev = -1;
  for (let i = 0; i < times.length; i++) {
    const k = tokens[i];
    if (k <= 0) continue;
    if (prev >= 0) {
      const each = (times[i] - times[prev]) / k;
      for (let j = 0; j < k; j++) itl.push(each);
    }
    prev = i;
  }
  return itl;
}
