// Cadence mode: ground truth for measuring the client. Every stream's first chunk is due `ttftMs`
// after its request arrived and each further chunk `cadenceMs` after the previous one's due time,
// whatever the load. One timer serves every stream that is due (a min-heap on due time), so 256
// streams at a 1 ms cadence cost one wake-up per millisecond, not 256.

/** Writes one chunk of `tokens` tokens; `final` on the last. */
export type ChunkEmitter = (tokens: number, final: boolean) => void;

interface Entry {
  due: number;
  remaining: number;
  started: boolean;
  cancelled: boolean;
  readonly emit: ChunkEmitter;
}

export class CadenceClock {
  readonly #cadenceMs: number;
  readonly #ttftMs: number;
  readonly #tokensPerChunk: number;
  readonly #heap: Entry[] = [];
  #active = 0;
  #timer: NodeJS.Timeout | undefined;
  #timerDue = Number.POSITIVE_INFINITY;
  #closed = false;

  constructor(cadenceMs: number, ttftMs: number, tokensPerChunk: number) {
    this.#cadenceMs = cadenceMs;
    this.#ttftMs = ttftMs;
    this.#tokensPerChunk = tokensPerChunk;
  }

  /** Streams not yet finished or withdrawn. */
  get active(): number {
    return this.#active;
  }

  /** Schedules a stream of `maxTokens` tokens arriving now; returns a function that withdraws it. */
  add(maxTokens: number, emit: ChunkEmitter): () => void {
    const entry: Entry = { due: performance.now() + this.#ttftMs, remaining: maxTokens, started: false, cancelled: false, emit };
    this.#push(entry);
    this.#active++;
    this.#arm();
    return () => {
      if (entry.cancelled || entry.remaining === 0) return;
      entry.cancelled = true;
      this.#active--;
    };
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #tick(): void {
    this.#timer = undefined;
    this.#timerDue = Number.POSITIVE_INFINITY;
    const now = performance.now();
    while (this.#heap.length > 0 && this.#heap[0].due <= now) {
      const e = this.#heap[0];
      if (e.cancelled) {
        this.#pop();
        continue;
      }
      // The first chunk carries one token (time to first token), the others up to tokensPerChunk.
      const tokens = e.started ? Math.min(this.#tokensPerChunk, e.remaining) : 1;
      e.started = true;
      e.remaining -= tokens;
      if (e.remaining === 0) {
        this.#pop();
        this.#active--;
      } else {
        e.due += this.#cadenceMs;
        this.#siftDown(0);
      }
      e.emit(tokens, e.remaining === 0);
    }
    this.#arm();
  }

  /** Sets the timer for the earliest due stream, unless one is already set at least as early. */
  #arm(): void {
    if (this.#closed || this.#heap.length === 0) return;
    const due = this.#heap[0].due;
    if (due >= this.#timerDue) return;
    clearTimeout(this.#timer);
    this.#timerDue = due;
    // Timers run at millisecond granularity: round up so that one wake-up usually finds it due.
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, Math.ceil(due - performance.now())));
  }

  #push(e: Entry): void {
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent].due <= e.due) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = e;
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop() as Entry;
    if (h.length > 0) {
      h[0] = last;
      this.#siftDown(0);
    }
  }

  #siftDown(start: number): void {
    const h = this.#heap;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l].due < h[m].due) m = l;
      if (r < h.length && h[r].due < h[m].due) m = r;
      if (m === i) return;
      const swap = h[m];
      h[m] = h[i];
      h[i] = swap;
      i = m;
    }
  }
}
