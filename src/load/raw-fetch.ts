import type { Dispatcher } from 'undici';

// A `fetch` for the openai SDK that sends through an undici dispatcher and delivers the body of
// every successful response raw: one callback per network read, straight from undici's HTTP parser,
// stamped with `performance.now()` right there. The SDK still builds, authenticates and sends the
// request and turns error statuses into typed errors (their bodies are buffered for it as usual).
// undici's spec fetch would pipe each read through a Node stream, an async iterator and a WHATWG
// stream, then a promise per read: several times the cost, on the path every token takes.

/** Receives a raw body: `data` per network read, then exactly one of `end` or `error`. */
export interface BodySink {
  data(bytes: Uint8Array, receivedAt: number): void;
  end(): void;
  error(err: Error): void;
}

export interface RawBody {
  /** Starts delivery to `sink`; reads that arrived before are replayed first with their own times. */
  pipe(sink: BodySink): void;
}

export interface RawFetch {
  readonly fetch: typeof fetch;
  /** The raw body of a successful response returned by this fetch; each body can be taken once. */
  takeBody(response: Response): RawBody;
}

export function createRawFetch(dispatcher: Dispatcher): RawFetch {
  const bodies = new WeakMap<Response, RawBody>();

  const rawFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    new Promise((resolve, reject) => {
      if (typeof input !== 'string' && !(input instanceof URL)) throw new TypeError('raw fetch takes a URL, not a Request');
      const body = init?.body;
      if (body !== undefined && body !== null && typeof body !== 'string') {
        throw new TypeError('raw fetch sends string bodies only (the SDK serialises JSON to a string)');
      }
      const url = typeof input === 'string' ? new URL(input) : input;
      const signal = init?.signal ?? undefined;
      const exchange = new Exchange(resolve, reject, (response, raw) => bodies.set(response, raw), signal);
      dispatcher.dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: (init?.method ?? 'GET') as Dispatcher.HttpMethod,
          // The SDK passes a Headers object, which undici takes as is (an iterable of pairs).
          headers: init?.headers === undefined || init.headers instanceof Headers ? init?.headers : new Headers(init.headers),
          body: body ?? undefined,
        },
        exchange,
      );
    });

  return {
    fetch: rawFetch as typeof fetch,
    takeBody(response) {
      const body = bodies.get(response);
      if (body === undefined) throw new Error(`no raw body for this response (status ${response.status}): taken already, or not from this fetch`);
      bodies.delete(response);
      return body;
    },
  };
}

/** Bytes of an error answer's body kept for the SDK's message: enough for any error text, never a flood. */
const ERROR_BODY_BYTES = 64 * 1024;

/** One request/response as an undici dispatch handler; it is also the raw body of a 2xx answer. */
class Exchange implements Dispatcher.DispatchHandler, RawBody {
  readonly #resolve: (r: Response) => void;
  readonly #reject: (err: unknown) => void;
  readonly #register: (response: Response, body: RawBody) => void;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => this.#abort();
  #controller: Dispatcher.DispatchController | null = null;
  #settled = false;
  /** 2xx: streamed to the sink; otherwise buffered for the SDK's error message. */
  #streaming = false;
  #status = 0;
  #headers: [string, string][] = [];
  #sink: BodySink | null = null;
  #backlog: { bytes: Uint8Array; at: number }[] = [];
  #ended = false;
  #failure: Error | null = null;
  /** Bytes of an error answer's body kept so far (the rest is dropped). */
  #errorBytes = 0;

  constructor(
    resolve: (r: Response) => void,
    reject: (err: unknown) => void,
    register: (response: Response, body: RawBody) => void,
    signal: AbortSignal | undefined,
  ) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#register = register;
    this.#signal = signal;
    signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  #abort(): void {
    const reason = this.#signal?.reason instanceof Error ? this.#signal.reason : new DOMException('This operation was aborted', 'AbortError');
    if (this.#controller !== null) {
      this.#controller.abort(reason);
      return;
    }
    // Not started yet: still queued for a connection, or connecting (to a frozen server whose
    // backlog is full, undici's 10 s connect limit would apply). The deadline is ours: the caller
    // hears now, and onRequestStart aborts the request should it ever start.
    this.#settle(() => this.#reject(reason));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#signal?.aborted) this.#abort();
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    const pairs: [string, string][] = [];
    for (const name in headers) {
      const value = headers[name];
      if (Array.isArray(value)) for (const v of value) pairs.push([name, v]);
      else if (value !== undefined) pairs.push([name, value]);
    }
    this.#status = statusCode;
    this.#headers = pairs;
    if (statusCode < 200 || statusCode >= 300) return;
    this.#streaming = true;
    const response = new Response(null, { status: statusCode, headers: pairs });
    this.#register(response, this);
    this.#settle(() => this.#resolve(response));
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Uint8Array): void {
    const at = performance.now();
    if (this.#sink !== null) this.#sink.data(chunk, at);
    else if (this.#streaming) this.#backlog.push({ bytes: chunk, at });
    else if (this.#errorBytes < ERROR_BODY_BYTES) {
      const kept = chunk.subarray(0, ERROR_BODY_BYTES - this.#errorBytes);
      this.#errorBytes += kept.length;
      this.#backlog.push({ bytes: kept, at });
    }
  }

  onResponseEnd(): void {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    if (!this.#streaming) {
      const bytes = Buffer.concat(this.#backlog.map((b) => b.bytes));
      this.#backlog = [];
      this.#settle(() => this.#resolve(new Response(bytes, { status: this.#status, headers: this.#headers })));
      return;
    }
    this.#ended = true;
    this.#sink?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.#signal?.removeEventListener('abort', this.#onAbort);
    if (!this.#settled) {
      this.#settle(() => this.#reject(err));
      return;
    }
    this.#failure = err;
    this.#sink?.error(err);
  }

  #settle(action: () => void): void {
    if (this.#settled) return;
    this.#settled = true;
    action();
  }

  pipe(sink: BodySink): void {
    if (this.#sink !== null) throw new Error('a raw response body can be consumed once');
    for (const { bytes, at } of this.#backlog) sink.data(bytes, at);
    this.#backlog = [];
    this.#sink = sink;
    if (this.#failure !== null) sink.error(this.#failure);
    else if (this.#ended) sink.end();
  }
}
