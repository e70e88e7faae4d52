// A real HTTP server for load-generator tests that replays SSE byte streams in the shapes vLLM and
// `transformers serve` send (fixtures/*.sse), with control over how the bytes are cut into writes,
// the pauses between them and how the response ends, plus JSON error replies. It records every
// request it receives and how many were open at once.

import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Reply =
  | {
      readonly kind: 'sse';
      /** Written one after another, `gapMs` apart. */
      readonly pieces: readonly (string | Uint8Array)[];
      readonly gapMs?: number;
      /** Delay before the response headers. */
      readonly holdMs?: number;
      /** After the last piece: finish the response, destroy the socket, or keep it open. */
      readonly ending?: 'end' | 'destroy' | 'hang';
      /** Content-type of the answer (default text/event-stream): a misbehaving server sends others. */
      readonly contentType?: string;
    }
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown; readonly holdMs?: number }
  | { readonly kind: 'hang' };

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
}

export interface ReplayServer {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Most requests open at the same time. */
  readonly maxOpen: () => number;
  /** Requests open now. */
  readonly open: () => number;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startReplayServer(reply: (req: ReceivedRequest, n: number) => Reply): Promise<ReplayServer> {
  const requests: ReceivedRequest[] = [];
  let open = 0;
  let maxOpen = 0;
  const server = createServer((req, res) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    res.on('close', () => open--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedRequest = {
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>,
      };
      requests.push(received);
      void respond(res, reply(received, requests.length - 1));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    maxOpen: () => maxOpen,
    open: () => open,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function respond(res: ServerResponse, r: Reply): Promise<void> {
  if (r.kind === 'hang') return;
  if (r.holdMs) await sleep(r.holdMs);
  if (res.destroyed) return;
  if (r.kind === 'json') {
    res.writeHead(r.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(r.body));
    return;
  }
  res.writeHead(200, { 'content-type': r.contentType ?? 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  for (let i = 0; i < r.pieces.length; i++) {
    if (i > 0 && r.gapMs) await sleep(r.gapMs);
    if (res.destroyed) return;
    res.write(r.pieces[i]);
  }
  const ending = r.ending ?? 'end';
  if (ending === 'end') res.end();
  else if (ending === 'destroy') {
    // Let the written bytes leave before the connection is torn down.
    await sleep(20);
    res.socket?.destroy();
  }
}

/** The events of a fixture, each with its blank-line terminator. */
export function fixtureEvents(name: string): string[] {
  const text = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
  return text
    .split('\n\n')
    .filter((e) => e.length > 0)
    .map((e) => `${e}\n\n`);
}

/**
 * The events re-cut the hard way: about three events per write, each write ending inside an event,
 * in turn inside a multi-byte UTF-8 character, between '\r' and '\n', or inside "data:"; with CRLF
 * line endings on every other event and keep-alive comments mixed in.
 */
export function awkwardPieces(events: readonly string[]): Uint8Array[] {
  const encoded = events.map((e, i) => Buffer.from(i % 2 === 0 ? e.replaceAll('\n', '\r\n') : `: ping\n\n${e}`, 'utf8'));
  const pieces: Uint8Array[] = [];
  let pending: Buffer[] = [];
  encoded.forEach((bytes, i) => {
    if (i % 3 !== 2) {
      pending.push(bytes);
      return;
    }
    const cut = awkwardCut(bytes, i / 3);
    pieces.push(Buffer.concat([...pending, bytes.subarray(0, cut)]));
    pending = [bytes.subarray(cut)];
  });
  if (pending.length > 0) pieces.push(Buffer.concat(pending));
  return pieces;
}

/** A cut position inside one event; `turn` picks which kind of awkward place is preferred. */
function awkwardCut(bytes: Buffer, turn: number): number {
  const inChar = bytes.findIndex((b, i) => i > 0 && (b & 0xc0) === 0x80 && (bytes[i - 1] & 0xc0) !== 0x80);
  const afterCr = bytes.indexOf(0x0d) + 1;
  const inData = bytes.indexOf('data:') + 2;
  const options = [inChar, afterCr, inData].filter((c) => c > 0 && c < bytes.length);
  return options[Math.floor(turn) % options.length];
}
