import { setTimeout as sleep } from 'node:timers/promises';
import { OPENAI_DIALECT, PLAIN_OPENAI_DIALECT } from '../load/client.ts';
import type { AttachedEndpoint, EngineAdapter, EngineSpec } from './adapter.ts';
import { authHeaders, errorText, v1 } from './ready.ts';

// An OpenAI-compatible endpoint that is already running (SGLang, TGI, llama.cpp's server,
// TensorRT-LLM, a vLLM deployment, a gateway): reached at `base-url`, never started or stopped.
// The served model is the one given, checked against /v1/models, or the only one it lists.

const POLL_MS = 1_000;

/** The base URL as an http(s) URL without credentials in it; throws naming the input. */
export function checkBaseUrl(raw: string | undefined): string {
  let url: URL;
  try {
    url = new URL(raw ?? '');
  } catch {
    throw new Error(`base-url ${JSON.stringify(raw ?? '')} is not a URL: expected http(s)://host:port of an OpenAI-compatible server (with or without /v1)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`base-url must be http:// or https://, got ${url.protocol}`);
  // A key in the URL would be printed with it in every log line that names the endpoint.
  if (url.username || url.password) throw new Error('base-url must not carry credentials: give the key as api-key (it is masked)');
  return url.href.replace(/\/+$/, '');
}

/** The model ids the endpoint lists, waiting (until the deadline) for a server that is still coming up. */
export async function listModels(baseUrl: string, apiKey: string | undefined, deadline: number): Promise<string[]> {
  const url = v1(baseUrl, 'models');
  let last = 'no answer yet';
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`GET ${url.href} did not answer in time (last: ${last})`);
    try {
      const res = await fetch(url, { headers: authHeaders(apiKey), signal: AbortSignal.timeout(Math.min(remaining, 10_000)) });
      const text = await res.text();
      if (res.status === 401 || res.status === 403) {
        throw new FinalError(`GET ${url.href} answered http ${res.status}: ${apiKey ? 'the endpoint refused the api-key given' : 'the endpoint wants a key: set api-key'}`);
      }
      if (res.status === 404) throw new FinalError(`GET ${url.href} answered http 404: not an OpenAI-compatible server at this base-url (is a path prefix missing?)`);
      if (res.status !== 200) {
        last = `http ${res.status}`;
      } else {
        return modelIds(text, url.href);
      }
    } catch (err) {
      if (err instanceof FinalError) throw err;
      last = errorText(err);
    }
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
}

class FinalError extends Error {}

function modelIds(text: string, url: string): string[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new FinalError(`GET ${url} did not answer JSON: ${JSON.stringify(text.slice(0, 100))}`);
  }
  const data = (body as { data?: unknown }).data;
  if (!Array.isArray(data) || data.some((m) => typeof (m as { id?: unknown })?.id !== 'string')) {
    throw new FinalError(`GET ${url}: expected {"data": [{"id": "..."}, ...]}, got ${JSON.stringify(text.slice(0, 100))}`);
  }
  return data.map((m) => (m as { id: string }).id);
}

/** The model to measure: the one asked for (if the endpoint serves it), else the only one served. */
export function pickModel(served: readonly string[], wanted: string, baseUrl: string): string {
  if (wanted !== '') {
    if (served.includes(wanted)) return wanted;
    throw new Error(`${baseUrl} does not serve model "${wanted}" (it serves: ${served.join(', ') || 'none'}): set model to one of them`);
  }
  if (served.length === 1) return served[0];
  if (served.length === 0) throw new Error(`${baseUrl} lists no model at /v1/models: set model to the name requests must carry`);
  throw new Error(`${baseUrl} serves several models (${served.join(', ')}): set model to the one to measure`);
}

async function attach(spec: EngineSpec): Promise<AttachedEndpoint> {
  const baseUrl = checkBaseUrl(spec.baseUrl);
  const served = await listModels(baseUrl, spec.apiKey, Date.now() + spec.startupTimeoutS * 1000);
  const servedModel = pickModel(served, spec.model, baseUrl);
  const notes = spec.model === '' ? [`served model "${servedModel}" read from /v1/models`] : [];
  if (spec.extraArgs.length > 0) notes.push(`engine arguments ${spec.extraArgs.join(' ')} not applied: the endpoint is already running`);
  return { baseUrl, servedModel, notes };
}

export const openaiAdapter: EngineAdapter = {
  kind: 'openai',
  names: { openai: [{ kind: 'openai', label: 'openai' }] },
  description: 'an OpenAI-compatible endpoint already running at `base-url` (not started or stopped by the action)',
  requiredInputs: ['base-url'],
  needs: { model: false, python: false, gpu: false },
  tokenizer: 'model-or-qwen',
  dialect: OPENAI_DIALECT,
  // A server of any make: one that refuses stream_options is spoken to without it.
  dialectFallback: PLAIN_OPENAI_DIALECT,
  version: { from: 'server' },
  metrics: null,
  lifecycle: { type: 'external', attach },
};
