// The simulated engine's HTTP server: vLLM's OpenAI-compatible endpoints on node:http, with token
// timing from the performance model (or the exact cadence of cadence mode).

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CadenceClock } from './cadence.ts';
import { EngineLoop } from './loop.ts';
import { renderMetrics } from './metrics.ts';
import { BLOCK_TOKENS } from './kv-cache.ts';
import { TransformersScheduler, VllmScheduler, type EngineGauges } from './model.ts';
import { parseSimArgs, type SimOptions } from './options.ts';
import { ApiError, modelList, parseChatRequest, parseCompletionRequest, type Api } from './protocol.ts';
import { promptTokenizer } from './tokens.ts';
import { chunkTokens, ResponseWriter } from './writer.ts';
import { actionVersion } from '../../version.ts';

/** Qwen2.5-7B-Instruct's max_position_embeddings. */
const MAX_MODEL_LEN = 32_768;
/** vLLM's default max_tokens for /v1/completions. */
const COMPLETIONS_DEFAULT_MAX_TOKENS = 16;
const MAX_BODY_BYTES = 64 * 1024 * 1024;

type TokenWriter = (tokens: number, final: boolean) => void;

/** Produces the tokens of every request, by the performance model or by the cadence clock. */
interface Generator {
  readonly maxModelLen: number;
  /** The paged KV cache's blocks (vLLM profile), as vLLM's cache_config_info reports them; null without one. */
  readonly kvBlocks: number | null;
  /** Starts generating; returns a function that withdraws the request. */
  start(promptIds: readonly number[], maxTokens: number, write: TokenWriter): () => void;
  gauges(): EngineGauges;
  /** The current run's noise multiplier; null in cadence mode. */
  runMultiplier(): number | null;
  close(): void;
}

function modelGenerator(opts: SimOptions): Generator {
  const vllm = opts.profile === 'vllm' ? new VllmScheduler(opts.kvTokens) : null;
  const scheduler = vllm ?? new TransformersScheduler(opts.batch);
  const loop = new EngineLoop(scheduler, opts);
  return {
    // vLLM refuses to start when the KV cache cannot hold max_model_len; the sim lowers it instead.
    maxModelLen: vllm === null ? MAX_MODEL_LEN : Math.min(MAX_MODEL_LEN, vllm.capacityTokens),
    kvBlocks: vllm === null ? null : vllm.capacityTokens / BLOCK_TOKENS,
    start: (promptIds, maxTokens, write) => loop.submit({ promptIds, maxTokens, onToken: chunkTokens(opts.tokensPerChunk, write) }),
    gauges: () => scheduler.gauges(),
    runMultiplier: () => loop.runMultiplier,
    close: () => loop.close(),
  };
}

function cadenceGenerator(opts: SimOptions, cadenceMs: number): Generator {
  const clock = new CadenceClock(cadenceMs, opts.ttftMs ?? cadenceMs, opts.tokensPerChunk);
  let promptTokens = 0;
  let generationTokens = 0;
  return {
    maxModelLen: MAX_MODEL_LEN,
    kvBlocks: null,
    start: (promptIds, maxTokens, write) => {
      promptTokens += promptIds.length;
      return clock.add(maxTokens, (tokens, final) => {
        generationTokens += tokens;
        write(tokens, final);
      });
    },
    gauges: () => ({
      running: clock.active,
      waiting: 0,
      kvUsage: null,
      preemptions: null,
      prefixQueriedTokens: null,
      prefixHitTokens: null,
      promptTokens,
      generationTokens,
    }),
    runMultiplier: () => null,
    close: () => clock.close(),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError(400, `request body larger than ${MAX_BODY_BYTES} bytes`, 'body'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

export interface SimServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the simulated engine (loading the tokenizer first, about a second) and listens. */
export async function startSimServer(opts: SimOptions): Promise<SimServer> {
  const tokenizer = await promptTokenizer();
  const gen = opts.cadenceMs === null ? modelGenerator(opts) : cadenceGenerator(opts, opts.cadenceMs);
  const started = Math.floor(Date.now() / 1000);

  async function generate(api: Api, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch (err) {
      throw new ApiError(400, `JSON decode error: ${(err as Error).message}`, 'body');
    }
    const parsed = api === 'chat' ? parseChatRequest(body) : parseCompletionRequest(body);
    if (parsed.model !== null && parsed.model !== opts.model) {
      throw new ApiError(404, `The model \`${parsed.model}\` does not exist.`, 'model');
    }
    let promptIds: readonly number[];
    if (parsed.api === 'chat') promptIds = tokenizer.chat(parsed.messages);
    else promptIds = typeof parsed.prompt === 'string' ? tokenizer.completion(parsed.prompt) : parsed.prompt;
    // Like vLLM with ignore_eos: exactly max_tokens tokens; chat without one fills the context.
    const maxTokens = parsed.maxTokens ?? (api === 'completions' ? COMPLETIONS_DEFAULT_MAX_TOKENS : gen.maxModelLen - promptIds.length);
    if (maxTokens < 1 || promptIds.length + maxTokens > gen.maxModelLen) {
      throw new ApiError(
        400,
        `This model's maximum context length is ${gen.maxModelLen} tokens. However, you requested ${promptIds.length + maxTokens} tokens ` +
          `(${promptIds.length} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`,
        'max_tokens',
      );
    }
    const writer = new ResponseWriter(res, {
      head: { api, id: `${api === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID().replaceAll('-', '')}`, created: Math.floor(Date.now() / 1000), model: opts.model },
      promptTokens: promptIds.length,
      stream: parsed.stream,
      includeUsage: parsed.includeUsage,
      continuousUsage: parsed.continuousUsage,
      stamp: opts.cadenceMs !== null,
    });
    const withdraw = gen.start(promptIds, maxTokens, (tokens, final) => writer.writeTokens(tokens, final));
    // After a normal end this is a no-op; before it, the client is gone and its slot is freed.
    res.on('close', withdraw);
  }

  const routes: Record<string, Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>>> = {
    '/health': { GET: (_req, res) => void res.writeHead(200).end() },
    '/version': { GET: (_req, res) => sendJson(res, 200, JSON.stringify({ version: `sim-${actionVersion()}` })) },
    '/v1/models': { GET: (_req, res) => sendJson(res, 200, modelList(opts.model, gen.maxModelLen, started)) },
    '/metrics': {
      GET: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(renderMetrics(opts.model, gen.gauges(), gen.runMultiplier(), gen.kvBlocks));
      },
    },
    '/v1/completions': { POST: (req, res) => generate('completions', req, res) },
    '/v1/chat/completions': { POST: (req, res) => generate('chat', req, res) },
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    // As vLLM with --api-key: only the OpenAI routes are guarded.
    if (opts.apiKey !== null && path.startsWith('/v1/') && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      return sendJson(res, 401, '{"error":"Unauthorized"}');
    }
    const route = routes[path];
    if (route === undefined) return sendJson(res, 404, '{"detail":"Not Found"}');
    const handler = route[req.method ?? 'GET'];
    if (handler === undefined) return sendJson(res, 405, '{"detail":"Method Not Allowed"}');
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => {
        if (res.headersSent) return void res.destroy();
        const apiError = err instanceof ApiError ? err : new ApiError(500, `simulated engine error: ${(err as Error)?.message ?? String(err)}`);
        sendJson(res, apiError.status, apiError.body());
      });
  });

  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error): void => {
      gen.close();
      reject(new Error(`sim-serve: cannot listen on ${opts.host}:${opts.port}: ${err.message}`));
    };
    server.once('error', fail);
    server.listen(opts.port, opts.host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        gen.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * `llm-perf-gate sim-serve`: starts the server, prints `sim listening on URL` as the only line on
 * stdout, and resolves once SIGTERM or SIGINT has closed it. Bad flags reject with the parse error.
 */
export async function simServeMain(argv: readonly string[]): Promise<void> {
  const server = await startSimServer(parseSimArgs(argv));
  process.stdout.write(`sim listening on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void server.close().then(resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    // Started by a run that has since died (SIGKILL, a crash): we were handed to another parent,
    // and nobody will ever measure or stop us.
    const parent = process.ppid;
    const orphaned = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(orphaned);
      process.stderr.write(`sim: parent process ${parent} is gone: shutting down\n`);
      stop();
    }, 500);
    orphaned.unref();
  });
}
