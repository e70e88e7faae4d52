// Incremental Server-Sent Events parser (WHATWG "event stream interpretation"), reduced to what an
// OpenAI-compatible token stream needs: `data` and `event` fields, comments, and the three line
// endings. It runs once per streamed chunk for every open stream, so it avoids per-line
// allocations beyond the one string slice the JSON parser needs anyway: when a network read
// holds whole lines (the common case) nothing is concatenated or buffered.

const LF = 10;
const COLON = 58;
const SPACE = 32;

/** Receives each dispatched event: its data lines joined by '\n', and its type ('message' by default). */
export type SseHandler = (data: string, event: string) => void;

/**
 * Most characters an event (or a line still waiting for its end) may hold: a token chunk is well
 * under a kilobyte, and a server that sends more without ending an event would grow the buffer
 * without bound.
 */
export const MAX_EVENT_CHARS = 1 << 20;

export class SseParser {
  readonly #onEvent: SseHandler;
  readonly #onOverflow: (chars: number) => void;
  /** An event grew past MAX_EVENT_CHARS: everything after is dropped unread. */
  #overflowed = false;
  readonly #decoder = new TextDecoder('utf-8');
  /** The previous read ended inside a multi-byte character, which the decoder holds. */
  #midChar = false;
  /** Unterminated tail of the previous input. */
  #pending = '';
  /** The previous input ended in '\r', so a '\n' opening the next one belongs to that line ending. */
  #skipLf = false;
  #data = '';
  #hasData = false;
  #event = '';

  /** `onOverflow` hears once that an event or line passed MAX_EVENT_CHARS; the parser then reads nothing more. */
  constructor(onEvent: SseHandler, onOverflow: (chars: number) => void = () => {}) {
    this.#onEvent = onEvent;
    this.#onOverflow = onOverflow;
  }

  #overflow(chars: number): void {
    this.#overflowed = true;
    this.#pending = '';
    this.#data = '';
    this.#hasData = false;
    this.#onOverflow(chars);
  }

  /** Feeds raw bytes; a multi-byte character split across reads is reassembled. */
  push(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n === 0) return;
    // Reads of an event stream nearly always end on the ASCII '\n' that closes an event; those
    // decode without the streaming decoder, which costs several times more per call.
    if (!this.#midChar && bytes[n - 1] < 0x80 && bytes instanceof Buffer) {
      this.pushText(bytes.toString('utf8'));
      return;
    }
    this.#midChar = bytes[n - 1] >= 0x80;
    this.pushText(this.#decoder.decode(bytes, { stream: true }));
  }

  /** Feeds already-decoded text. */
  pushText(chunk: string): void {
    // A read holding only part of a character decodes to nothing; any pending '\r' stays pending.
    if (chunk.length === 0 || this.#overflowed) return;
    let text = chunk;
    let pos = 0;
    if (this.#skipLf) {
      this.#skipLf = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    if (this.#pending.length > 0) {
      text = this.#pending + text.slice(pos);
      this.#pending = '';
      pos = 0;
    }
    const end = text.length;
    // A lone '\r' is a legal line ending but rare; look for one only while the text still has one.
    let cr = text.indexOf('\r', pos);
    while (pos < end) {
      const lf = text.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
      let lineEnd: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        lineEnd = cr;
        if (cr + 1 === end) {
          next = end;
          this.#skipLf = true;
        } else {
          next = text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
        }
      } else if (lf !== -1) {
        lineEnd = lf;
        next = lf + 1;
      } else {
        if (end - pos > MAX_EVENT_CHARS) return this.#overflow(end - pos);
        this.#pending = text.slice(pos);
        return;
      }
      this.#line(text, pos, lineEnd);
      if (this.#overflowed) return;
      pos = next;
    }
  }

  /**
   * Ends the stream. An event that was not terminated by a blank line is discarded, as the
   * specification requires; returns true when such an incomplete event (or line) was pending.
   */
  end(): boolean {
    const tail = this.#decoder.decode();
    this.#midChar = false;
    if (tail.length > 0) this.pushText(tail);
    const incomplete = this.#pending.length > 0 || this.#hasData;
    this.#pending = '';
    this.#data = '';
    this.#hasData = false;
    this.#event = '';
    this.#skipLf = false;
    return incomplete;
  }

  #line(text: string, start: number, end: number): void {
    if (start === end) {
      this.#dispatch();
      return;
    }
    const first = text.charCodeAt(start);
    if (first === COLON) return; // comment, e.g. a keep-alive ": ping"
    // Fast path for the line every token arrives on.
    if (first === 100 /* d */ && end - start >= 5 && text.startsWith('data:', start)) {
      this.#appendData(text, start + 5, end);
      return;
    }
    let colon = text.indexOf(':', start);
    if (colon === -1 || colon > end) colon = end;
    const field = text.slice(start, colon);
    if (field === 'data') this.#appendData(text, colon + 1, end);
    else if (field === 'event') this.#event = text.slice(valueStart(text, colon + 1, end), end);
    // id and retry serve reconnection, which a benchmark never does; unknown fields are ignored.
  }

  #appendData(text: string, from: number, end: number): void {
    if (this.#data.length + (end - from) > MAX_EVENT_CHARS) return this.#overflow(this.#data.length + (end - from));
    const value = text.slice(valueStart(text, from, end), end);
    if (this.#hasData) this.#data += '\n' + value;
    else {
      this.#data = value;
      this.#hasData = true;
    }
  }

  #dispatch(): void {
    if (!this.#hasData) {
      this.#event = '';
      return;
    }
    const data = this.#data;
    const event = this.#event === '' ? 'message' : this.#event;
    this.#data = '';
    this.#hasData = false;
    this.#event = '';
    this.#onEvent(data, event);
  }
}

/** A single space after the field's colon is part of the syntax, not of the value. */
function valueStart(text: string, from: number, end: number): number {
  return from < end && text.charCodeAt(from) === SPACE ? from + 1 : from;
}
