// Turns generated tokens into one HTTP response: vLLM's SSE chunks when streaming, one JSON body
// when not. Chunk text is assembled from pieces serialised once per response (and filler text
// once per process), because cadence mode writes hundreds of thousands of chunks a second.

import type { ServerResponse } from 'node:http';
import { chunkPrefix, contentChoicesAround, DONE_EVENT, fullResponse, ROLE_CHOICES, usageJson, type ResponseHead } from './protocol.ts';
import { FILLER_CYCLE, fillerText } from './tokens.ts';

export interface WriterOptions {
  readonly head: ResponseHead;
  readonly promptTokens: number;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly continuousUsage: boolean;
  /** Add `"sim_sent_ms"` (epoch ms when written) to every chunk: cadence mode's ground truth. */
  readonly stamp: boolean;
}

const fillerJsonCache = new Map<number, string>();

/** JSON string literal of `count` (at most --tokens-per-chunk, ≤ 1024) filler tokens from output position `start`, memoised. */
function fillerJson(start: number, count: number): string {
  const key = (start % FILLER_CYCLE) * 1025 + count;
  let json = fillerJsonCache.get(key);
  if (json === undefined) {
    json = JSON.stringify(fillerText(start, count));
    fillerJsonCache.set(key, json);
  }
  return json;
}

const epochMs = (): number => performance.timeOrigin + performance.now();

export class ResponseWriter {
  readonly #res: ServerResponse;
  readonly #o: WriterOptions;
  readonly #prefix: string;
  /** A chunk is `#open[final] + text + #close[final]` (+ usage, stamp and the closing brace). */
  readonly #open: readonly [string, string];
  readonly #close: readonly [string, string];
  #sent = 0;

  constructor(res: ServerResponse, o: WriterOptions) {
    this.#res = res;
    this.#o = o;
    this.#prefix = `data: ${chunkPrefix(o.head)}`;
    const middle = contentChoicesAround(o.head.api, false);
    const last = contentChoicesAround(o.head.api, true);
    this.#open = [this.#prefix + middle[0], this.#prefix + last[0]];
    this.#close = [middle[1], last[1]];
    if (o.stream) {
      // Headers go out at once, as vLLM's do, not with the first token: clients' header timeouts
      // must see a queued request the way they would see a real engine's.
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      res.flushHeaders();
    }
  }

  /** Writes the next `tokens` tokens as one chunk; `final` ends the response. */
  writeTokens(tokens: number, final: boolean): void {
    const res = this.#res;
    if (res.destroyed || res.writableEnded) return;
    const o = this.#o;
    const start = this.#sent;
    this.#sent += tokens;
    if (!o.stream) {
      if (!final) return;
      const stamp = o.stamp ? `,"sim_sent_ms":${epochMs()}` : '';
      const body = fullResponse(o.head, fillerText(0, this.#sent), o.promptTokens, this.#sent, stamp);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
      return;
    }
    const tail = o.stamp ? `,"sim_sent_ms":${epochMs()}}\n\n` : '}\n\n';
    let out = '';
    if (start === 0 && o.head.api === 'chat') {
      out += this.#prefix + ROLE_CHOICES + (o.continuousUsage ? `,"usage":${usageJson(o.promptTokens, 0)}` : '') + tail;
    }
    const f = final ? 1 : 0;
    out += this.#open[f] + fillerJson(start, tokens) + this.#close[f];
    if (o.continuousUsage) out += `,"usage":${usageJson(o.promptTokens, this.#sent)}`;
    out += tail;
    if (!final) {
      res.write(out);
      return;
    }
    if (o.includeUsage) out += `${this.#prefix}"choices":[],"usage":${usageJson(o.promptTokens, this.#sent)}${tail}`;
    res.end(out + DONE_EVENT);
  }
}

/**
 * Adapts the engine's one-token-at-a-time output to chunks of `tokensPerChunk`: the first token goes
 * out alone at once (as vLLM's stream_interval does), the last chunk carries the remainder.
 */
export function chunkTokens(tokensPerChunk: number, write: (tokens: number, final: boolean) => void): (generated: number, finished: boolean) => void {
  let pending = 0;
  return (generated, finished) => {
    pending++;
    if (generated === 1 || pending >= tokensPerChunk || finished) {
      write(pending, finished);
      pending = 0;
    }
  };
}
