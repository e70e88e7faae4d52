// The OpenAI-compatible API as vLLM speaks it: request validation with vLLM's error shape, and
// response bodies and SSE chunks field for field as vLLM's pydantic models serialise them
// (vllm/entrypoints/openai/{completion,chat_completion}/serving.py: stream chunks drop unset
// fields, the usage chunk drops nulls).

export type Api = 'completions' | 'chat';

/** An error answered as `{"error": {message, type, param, code}}`. */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;

  constructor(status: number, message: string, param: string | null = null) {
    super(message);
    this.status = status;
    this.type = status === 404 ? 'NotFoundError' : status === 400 ? 'BadRequestError' : 'InternalServerError';
    this.param = param;
  }

  body(): string {
    return JSON.stringify({ error: { message: this.message, type: this.type, param: this.param, code: this.status } });
  }
}

export interface ChatTextMessage {
  readonly role: string;
  readonly content: string;
}

interface CommonRequest {
  /** null when the body names no model (vLLM then serves its only model). */
  readonly model: string | null;
  /** null when the body gives none: completions default to 16, chat to the rest of the context. */
  readonly maxTokens: number | null;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly continuousUsage: boolean;
}

export interface CompletionRequest extends CommonRequest {
  readonly api: 'completions';
  /** Text, or token ids given directly. */
  readonly prompt: string | readonly number[];
}

export interface ChatRequest extends CommonRequest {
  readonly api: 'chat';
  readonly messages: readonly ChatTextMessage[];
}

const CHAT_ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (message: string, param: string): ApiError => new ApiError(400, message, param);

function optionalBool(body: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = body[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw bad(`\`${key}\` must be a boolean, got ${JSON.stringify(v)}.`, key);
  return v;
}

function commonFields(body: Record<string, unknown>, maxTokenKeys: readonly string[]): CommonRequest {
  const model = body.model;
  if (model !== undefined && model !== null && typeof model !== 'string') throw bad('`model` must be a string.', 'model');
  let maxTokens: number | null = null;
  for (const key of maxTokenKeys) {
    const v = body[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw bad(`\`${key}\` must be an integer, got ${JSON.stringify(v)}.`, key);
    if (v < 1) throw bad(`\`${key}\` must be at least 1, got ${v}.`, key);
    maxTokens = v;
    break;
  }
  const n = body.n;
  if (n !== undefined && n !== null && n !== 1) throw bad('the simulated engine generates one choice per request: `n` must be 1.', 'n');
  const stream = optionalBool(body, 'stream', false);
  const so = body.stream_options;
  let includeUsage = false;
  let continuousUsage = false;
  if (so !== undefined && so !== null) {
    if (!stream) throw bad('Stream options can only be defined when `stream=True`.', 'stream_options');
    if (!isObject(so)) throw bad('`stream_options` must be an object.', 'stream_options');
    // vLLM's StreamOptions defaults include_usage to true once stream_options is given.
    includeUsage = optionalBool(so, 'include_usage', true);
    continuousUsage = optionalBool(so, 'continuous_usage_stats', false);
  }
  return { model: typeof model === 'string' ? model : null, maxTokens, stream, includeUsage, continuousUsage };
}

/** Validates a /v1/completions body. */
export function parseCompletionRequest(body: unknown): CompletionRequest {
  if (!isObject(body)) throw bad('the request body must be a JSON object.', 'body');
  const prompt = body.prompt;
  let parsed: string | readonly number[];
  if (typeof prompt === 'string' && prompt !== '') {
    parsed = prompt;
  } else if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((t) => Number.isSafeInteger(t) && (t as number) >= 0)) {
    parsed = prompt as number[];
  } else if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string' && prompt[0] !== '') {
    parsed = prompt[0];
  } else if (Array.isArray(prompt) && prompt.length > 1) {
    throw bad('the simulated engine takes one prompt per request: `prompt` must be a string or a list of token ids.', 'prompt');
  } else {
    throw bad('Either prompt or prompt_embeds must be provided and non-empty.', 'prompt');
  }
  return { api: 'completions', prompt: parsed, ...commonFields(body, ['max_tokens']) };
}

function messageText(content: unknown, i: number): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (Array.isArray(content)) {
    return content
      .map((part, j) => {
        if (isObject(part) && part.type === 'text' && typeof part.text === 'string') return part.text;
        throw bad(`messages[${i}].content[${j}]: the simulated engine takes text parts only ({"type": "text", "text": ...}).`, 'messages');
      })
      .join('\n');
  }
  throw bad(`messages[${i}].content must be a string or a list of text parts.`, 'messages');
}

/** Validates a /v1/chat/completions body. */
export function parseChatRequest(body: unknown): ChatRequest {
  if (!isObject(body)) throw bad('the request body must be a JSON object.', 'body');
  const raw = body.messages;
  if (!Array.isArray(raw) || raw.length === 0) throw bad('`messages` must be a non-empty list.', 'messages');
  const messages = raw.map((m, i): ChatTextMessage => {
    if (!isObject(m)) throw bad(`messages[${i}] must be an object with "role" and "content".`, 'messages');
    if (typeof m.role !== 'string' || !CHAT_ROLES.has(m.role)) {
      throw bad(`messages[${i}].role must be one of ${[...CHAT_ROLES].join(', ')}, got ${JSON.stringify(m.role)}.`, 'messages');
    }
    return { role: m.role, content: messageText(m.content, i) };
  });
  // max_completion_tokens is OpenAI's newer name; vLLM honours it first.
  return { api: 'chat', messages, ...commonFields(body, ['max_completion_tokens', 'max_tokens']) };
}

// ---------- responses ----------

/** What every chunk of one response repeats, serialised once. */
export interface ResponseHead {
  readonly api: Api;
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

const OBJECT_CHUNK: Record<Api, string> = { completions: 'text_completion', chat: 'chat.completion.chunk' };

/** The chunk fields before `choices`: `{"id":…,"object":…,"created":…,"model":…,` */
export function chunkPrefix(h: ResponseHead): string {
  return `{"id":${JSON.stringify(h.id)},"object":"${OBJECT_CHUNK[h.api]}","created":${h.created},"model":${JSON.stringify(h.model)},`;
}

export function usageJson(promptTokens: number, completionTokens: number): string {
  return `{"prompt_tokens":${promptTokens},"total_tokens":${promptTokens + completionTokens},"completion_tokens":${completionTokens}}`;
}

/**
 * The `choices` array of a content chunk, split around the text (a JSON string literal goes between
 * the two parts) so a response can serialise everything else once.
 */
export function contentChoicesAround(api: Api, final: boolean): readonly [string, string] {
  if (api === 'completions') {
    return ['"choices":[{"index":0,"text":', `,"logprobs":null,"finish_reason":${final ? '"length"' : 'null'},"stop_reason":null}]`];
  }
  // vLLM's chat chunks set stop_reason only on the finishing chunk.
  return ['"choices":[{"index":0,"delta":{"content":', `},"logprobs":null,${final ? '"finish_reason":"length","stop_reason":null' : '"finish_reason":null'}}]`];
}

/** The chat stream's first chunk announces the role with empty content. */
export const ROLE_CHOICES = '"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]';

export const DONE_EVENT = 'data: [DONE]\n\n';

/** A non-streaming response body. */
export function fullResponse(h: ResponseHead, text: string, promptTokens: number, completionTokens: number, extra = ''): string {
  const usage = `"usage":{"prompt_tokens":${promptTokens},"total_tokens":${promptTokens + completionTokens},"completion_tokens":${completionTokens},"prompt_tokens_details":null}`;
  const head = `{"id":${JSON.stringify(h.id)},"object":"${h.api === 'chat' ? 'chat.completion' : 'text_completion'}","created":${h.created},"model":${JSON.stringify(h.model)},`;
  const choice =
    h.api === 'chat'
      ? `{"index":0,"message":{"role":"assistant","reasoning_content":null,"content":${JSON.stringify(text)},"tool_calls":[]},"logprobs":null,"finish_reason":"length","stop_reason":null}`
      : `{"index":0,"text":${JSON.stringify(text)},"logprobs":null,"finish_reason":"length","stop_reason":null,"prompt_logprobs":null}`;
  return `${head}"choices":[${choice}],${usage},"system_fingerprint":null${extra}}`;
}

/** GET /v1/models for one served model. */
export function modelList(model: string, maxModelLen: number, created: number): string {
  return JSON.stringify({
    object: 'list',
    data: [
      {
        id: model,
        object: 'model',
        created,
        owned_by: 'vllm',
        root: model,
        parent: null,
        max_model_len: maxModelLen,
        permission: [
          {
            id: `modelperm-${model}`,
            object: 'model_permission',
            created,
            allow_create_engine: false,
            allow_sampling: true,
            allow_logprobs: true,
            allow_search_indices: false,
            allow_view: true,
            allow_fine_tuning: false,
            organization: '*',
            group: null,
            is_blocking: false,
          },
        ],
      },
    ],
  });
}
