import { setTimeout as sleep } from 'node:timers/promises';
import { dialectFieldNames, dialectFields, OPENAI_DIALECT, type RequestDialect } from '../load/client.ts';
import { SseParser } from '../load/sse.ts';
import { describeExit, type ExitInfo, type ManagedProcess } from './process.ts';

// "Ready" means the engine can serve a measured request right now: its health endpoint answers
// AND one real streamed completion came back with generated text. Health alone is not enough:
// transformers answers /health before its first generate has compiled anything, and some engines
// load lazily on the first request, which must never land inside a measurement.
// The completion carries the request dialect's own fields (stream_options, ignore_eos, ...), so a
// server that will refuse them refuses here, not in every measured request: an adapter with a
// fallback dialect gets it when the answer is a 4xx naming one of the fields only the preferred
// dialect sends (transformers serve versions that take no stream_options), once per start.

export interface ReadyOptions {
  readonly baseUrl: string;
  /** Polled for 200 before the completion; null: the completion alone decides. */
  readonly healthPath: string | null;
  /** Model name the requests carry. */
  readonly model: string;
  /** Bearer token of an endpoint that asks for one. */
  readonly apiKey?: string;
  /** The server's process; null for an endpoint that is not ours (nothing to watch exit). */
  readonly proc: ManagedProcess | null;
  /** Give up at this time (Date.now() milliseconds). */
  readonly deadline: number;
  readonly pollMs?: number;
  /** The run was cancelled: stop waiting (the server's group is being stopped by the canceller). */
  readonly signal?: AbortSignal;
  /** The dialect measured requests will speak (default: OpenAI with include_usage). */
  readonly dialect?: RequestDialect;
  /** The dialect to speak instead when the server refuses the fields only `dialect` sends. */
  readonly fallback?: RequestDialect;
}

/** What readiness proved: the dialect the server accepts, and the refusal that chose the fallback. */
export interface Readiness {
  readonly dialect: RequestDialect;
  /** The server's answer to the preferred dialect (path, status, body), null when it took it. */
  readonly refusal: string | null;
  /** The fields the refusal named. */
  readonly refusedFields: readonly string[];
}

export type NotReadyReason = 'exited' | 'timeout' | 'rejected' | 'cancelled' | 'squatted';

export class NotReadyError extends Error {
  readonly reason: NotReadyReason;
  readonly exit: ExitInfo | null;
  constructor(reason: NotReadyReason, message: string, exit: ExitInfo | null = null) {
    super(message);
    this.name = 'NotReadyError';
    this.reason = reason;
    this.exit = exit;
  }
}

/** Waits until the engine is ready, and says which dialect it took. Throws NotReadyError. */
export async function waitReady(opts: ReadyOptions): Promise<Readiness> {
  const pollMs = opts.pollMs ?? 500;
  let lastProblem = 'no answer yet';
  let dialect = opts.dialect ?? OPENAI_DIALECT;
  let refusal: Refused | null = null;
  const cancelled = (): NotReadyError => new NotReadyError('cancelled', 'start-up cancelled (the run received a stop signal)');
  for (;;) {
    if (opts.signal?.aborted) throw cancelled();
    const exit = opts.proc?.exitInfo() ?? null;
    if (exit) throw new NotReadyError('exited', `the server process ${describeExit(exit)} before it was ready`, exit);
    const remaining = opts.deadline - Date.now();
    if (remaining <= 0) throw new NotReadyError('timeout', `not ready in time (last check: ${lastProblem})`);
    const refusable = refusal === null && opts.fallback ? onlyIn(dialect, opts.fallback) : [];
    const attempt = await raceExit(opts.proc, probe(opts, dialect, refusable, remaining));
    if (opts.signal?.aborted) throw cancelled();
    if (attempt.kind === 'ready') return { dialect, refusal: refusal?.problem ?? null, refusedFields: refusal?.fields ?? [] };
    if (attempt.kind === 'refused') {
      refusal = attempt;
      dialect = opts.fallback!;
      continue;
    }
    if (attempt.kind === 'rejected') throw new NotReadyError('rejected', attempt.problem);
    lastProblem = attempt.problem;
    const pause = sleep(Math.min(pollMs, Math.max(0, opts.deadline - Date.now())), undefined, { signal: opts.signal }).catch(() => {});
    await (opts.proc ? Promise.race([pause, opts.proc.exited]) : pause);
  }
}

type Failure = { readonly kind: 'retry' | 'rejected'; readonly problem: string };
/** A 4xx that named fields the preferred dialect sends and the fallback does not. */
type Refused = { readonly kind: 'refused'; readonly problem: string; readonly fields: readonly string[] };
type Attempt = { readonly kind: 'ready' } | Failure | Refused;

/** Fields `preferred` sends that `fallback` does not: the ones a refusal must name to choose the fallback. */
function onlyIn(preferred: RequestDialect, fallback: RequestDialect): string[] {
  const kept = new Set(dialectFieldNames(fallback));
  return dialectFieldNames(preferred).filter((f) => !kept.has(f));
}

async function probe(opts: ReadyOptions, dialect: RequestDialect, refusable: readonly string[], remainingMs: number): Promise<Attempt> {
  const signal = opts.signal ? AbortSignal.any([AbortSignal.timeout(remainingMs), opts.signal]) : AbortSignal.timeout(remainingMs);
  try {
    if (opts.healthPath !== null) {
      const health = await fetch(new URL(opts.healthPath, opts.baseUrl), { signal });
      await health.body?.cancel();
      if (health.status !== 200) return { kind: 'retry', problem: `${opts.healthPath} answered http ${health.status}` };
    }
    return await completion(opts.baseUrl, opts.model, authHeaders(opts.apiKey), dialectFields(dialect, READY_TOKENS), refusable, signal);
  } catch (err) {
    return { kind: 'retry', problem: errorText(err) };
  }
}

const READY_TOKENS = 4;

/**
 * One short streamed chat completion. A 4xx other than 408/429 will not go away by waiting (wrong
 * model name, no chat template): the chat API is retried as a plain completion once, then it is
 * final — unless it names one of the `refusable` fields, which the fallback dialect leaves out.
 */
async function completion(
  baseUrl: string,
  model: string,
  headers: Record<string, string>,
  fields: Record<string, unknown>,
  refusable: readonly string[],
  signal: AbortSignal,
): Promise<Attempt> {
  const refused = (f: Failure): Refused | null => {
    const named = f.kind === 'rejected' ? refusable.filter((name) => f.problem.includes(name)) : [];
    return named.length > 0 ? { kind: 'refused', problem: f.problem, fields: named } : null;
  };
  const chat = await streamed(v1(baseUrl, 'chat/completions'), {
    model,
    messages: [{ role: 'user', content: 'Say hello.' }],
    ...fields,
  }, headers, signal);
  if (chat === 'ok') return { kind: 'ready' };
  if (chat.kind === 'retry') return chat;
  const chatRefused = refused(chat);
  if (chatRefused) return chatRefused;
  const plain = await streamed(v1(baseUrl, 'completions'), { model, prompt: 'Hello', ...fields }, headers, signal);
  if (plain === 'ok') return { kind: 'ready' };
  if (plain.kind === 'retry') return plain;
  return refused(plain) ?? { kind: 'rejected', problem: `the engine refused the readiness completion: chat: ${chat.problem}; completions: ${plain.problem}` };
}

/** The server's root URL, whether the base URL is the root or its /v1 (an endpoint given by a user). */
export function serverRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/** `<root>/v1/<path>`. */
export function v1(baseUrl: string, path: string): URL {
  return new URL(`${serverRoot(baseUrl)}/v1/${path}`);
}

export function authHeaders(apiKey: string | undefined): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}

async function streamed(url: URL, body: Record<string, unknown>, headers: Record<string, string>, signal: AbortSignal): Promise<'ok' | Failure> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ max_tokens: READY_TOKENS, temperature: 0, stream: true, ...body }),
    signal,
  });
  if (res.status !== 200) {
    const text = (await res.text()).slice(0, 300);
    const problem = `${url.pathname} answered http ${res.status}: ${text}`;
    const final = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    return { kind: final ? 'rejected' : 'retry', problem };
  }
  let content = 0;
  // vLLM ends with [DONE]; transformers serve ends its stream after the chunk with finish_reason.
  let finished = false;
  const parser = new SseParser((data) => {
    if (data.trim() === '[DONE]') {
      finished = true;
      return;
    }
    const chunk = JSON.parse(data) as { choices?: { text?: string; finish_reason?: string | null; delta?: { content?: string | null } }[] } | null;
    const choice = chunk?.choices?.[0];
    if ((choice?.delta?.content ?? choice?.text ?? '') !== '') content++;
    if (choice?.finish_reason) finished = true;
  });
  if (res.body === null) return { kind: 'retry', problem: `${url.pathname} sent no body` };
  for await (const bytes of res.body) parser.push(bytes);
  parser.end();
  if (content === 0) return { kind: 'retry', problem: `${url.pathname} streamed no generated text` };
  if (!finished) return { kind: 'retry', problem: `${url.pathname} stream ended without a finish_reason or [DONE]` };
  return 'ok';
}

/** Resolves with the probe, or as soon as the process exits (so a crash fails fast, not at the timeout). */
async function raceExit(proc: ManagedProcess | null, attempt: Promise<Attempt>): Promise<Attempt> {
  if (proc === null) return attempt;
  const exited = proc.exited.then((): Attempt => ({ kind: 'retry', problem: 'process exited' }));
  return Promise.race([attempt, exited]);
}

/** A fetch failure in a few words: 'request timed out', 'ECONNREFUSED', ... */
export function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'request timed out';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
