import type { TraceLoad, TraceRequest } from '../types.ts';

// Request traces for replay (`load: {trace: ...}`): when each request arrived and how many tokens
// it read and wrote. Four formats, told apart by their first line:
//
// - this project's JSONL: one object per line, {"arrival_s": 0.25, "input_tokens": 812, "output_tokens": 64}
// - this project's CSV: the header `arrival_s,input_tokens,output_tokens`, then one row per request
// - BurstGPT (Azure OpenAI GPT service logs, github.com/HPMLL/BurstGPT): CSV with the header
//   `Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type`, Timestamp in seconds;
//   rows with 0 response tokens are failed requests in that log and are left out (and counted),
//   as vLLM's burstgpt dataset loader does; `model:` keeps one model's rows
// - Mooncake (github.com/kvcache-ai/Mooncake traces): JSONL {"timestamp": ms, "input_length",
//   "output_length", "hash_ids": [...]}; hash_ids (shared 512-token prefix blocks) are not replayed:
//   prompts are synthesized, so prefix sharing across requests is not reproduced.
//
// Arrival times become offsets from the first request; a trace must be in arrival order.

export type TraceFormat = TraceLoad['format'];

/** How a trace is shaped into a scenario's requests. */
export interface TraceShape {
  /** Keep the first N requests (after filtering). */
  readonly requests?: number;
  /** Rescale the gaps so the mean rate over the trace is this (requests/s). */
  readonly rate?: number;
  /** Then multiply every gap by this (0.5 = twice as fast). */
  readonly timeScale: number;
  /** Longer inputs/outputs are cut to this (a model's context window, a 24 GB card's KV cache). */
  readonly maxInputTokens?: number;
  readonly maxOutputTokens?: number;
  /** BurstGPT: keep only this model's rows. */
  readonly model?: string;
}

interface Row {
  readonly line: number;
  readonly arrivalS: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly model?: string;
}

export class TraceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceError';
  }
}

const NATIVE_CSV = ['arrival_s', 'input_tokens', 'output_tokens'];
const BURSTGPT_CSV = ['Timestamp', 'Model', 'Request tokens', 'Response tokens', 'Total tokens', 'Log Type'];

/** Detects the format from the first non-empty line. */
export function detectTraceFormat(text: string, file: string): TraceFormat {
  const first = text.split('\n').find((l) => l.trim() !== '')?.trim();
  if (first === undefined) throw new TraceError(`${file}: the trace is empty`);
  if (first.startsWith('{')) {
    let obj: unknown;
    try {
      obj = JSON.parse(first);
    } catch {
      throw new TraceError(`${file}: line 1: expected a JSON object, got ${first.slice(0, 60)}`);
    }
    const keys = typeof obj === 'object' && obj !== null ? Object.keys(obj) : [];
    if (keys.includes('input_length')) return 'mooncake';
    if (keys.includes('input_tokens')) return 'jsonl';
    throw new TraceError(`${file}: line 1: expected JSONL with arrival_s, input_tokens, output_tokens (or Mooncake's timestamp, input_length, output_length), got the fields ${keys.join(', ')}`);
  }
  const header = splitCsv(first);
  if (sameColumns(header, NATIVE_CSV)) return 'csv';
  if (sameColumns(header, BURSTGPT_CSV)) return 'burstgpt';
  throw new TraceError(`${file}: line 1: expected a CSV header "${NATIVE_CSV.join(',')}" or BurstGPT's "${BURSTGPT_CSV.join(',')}", or JSONL, got "${first.slice(0, 80)}"`);
}

const sameColumns = (got: readonly string[], want: readonly string[]): boolean => got.length === want.length && want.every((w, i) => got[i] === w);

// Neither format quotes fields (numbers and model names); a quoted field is read without its quotes.
const splitCsv = (line: string): string[] => line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));

function number(value: unknown, file: string, line: number, field: string, whole: boolean, min: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || (whole && !Number.isInteger(n))) {
    const expected = whole ? `a whole number ≥ ${min}` : `a number ≥ ${min}`;
    throw new TraceError(`${file}: line ${line}: field ${field}: expected ${expected}, got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  return n;
}

function parseRows(text: string, file: string, format: TraceFormat): { rows: Row[]; failed: number } {
  const rows: Row[] = [];
  let failed = 0;
  const lines = text.split('\n');
  const csv = format === 'csv' || format === 'burstgpt';
  for (let i = csv ? 1 : 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    const line = i + 1;
    if (csv) {
      const f = splitCsv(raw);
      const width = format === 'csv' ? NATIVE_CSV.length : BURSTGPT_CSV.length;
      if (f.length !== width) throw new TraceError(`${file}: line ${line}: expected ${width} comma-separated fields, got ${f.length}`);
      if (format === 'csv') {
        rows.push({ line, arrivalS: number(f[0], file, line, 'arrival_s', false, 0), inputTokens: number(f[1], file, line, 'input_tokens', true, 1), outputTokens: number(f[2], file, line, 'output_tokens', true, 1) });
        continue;
      }
      const input = number(f[2], file, line, 'Request tokens', true, 0);
      const output = number(f[3], file, line, 'Response tokens', true, 0);
      const arrivalS = number(f[0], file, line, 'Timestamp', false, 0);
      // A failed request in BurstGPT's log: nothing was generated, there is nothing to replay.
      if (input === 0 || output === 0) {
        failed++;
        continue;
      }
      rows.push({ line, arrivalS, inputTokens: input, outputTokens: output, model: f[1] });
      continue;
    }
    let obj: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      obj = parsed as Record<string, unknown>;
    } catch {
      throw new TraceError(`${file}: line ${line}: expected a JSON object, got ${raw.slice(0, 60)}`);
    }
    if (format === 'jsonl') {
      rows.push({ line, arrivalS: number(obj.arrival_s, file, line, 'arrival_s', false, 0), inputTokens: number(obj.input_tokens, file, line, 'input_tokens', true, 1), outputTokens: number(obj.output_tokens, file, line, 'output_tokens', true, 1) });
    } else {
      rows.push({ line, arrivalS: number(obj.timestamp, file, line, 'timestamp', false, 0) / 1000, inputTokens: number(obj.input_length, file, line, 'input_length', true, 1), outputTokens: number(obj.output_length, file, line, 'output_length', true, 1) });
    }
  }
  return { rows, failed };
}

export interface ParsedTrace {
  readonly format: TraceFormat;
  readonly requests: readonly TraceRequest[];
  /** Rows of the file left out: BurstGPT's failed requests, other models' rows. */
  readonly skipped: number;
}

/**
 * Reads a trace's text and shapes it into requests: offsets from the first arrival, rescaled to
 * `rate` (the last request at (n − 1)/rate s, as Poisson schedules are), then multiplied by
 * `timeScale`; lengths cut to the maxima. Every problem names the file, the line and the field.
 */
export function readTrace(text: string, file: string, shape: TraceShape): ParsedTrace {
  const format = detectTraceFormat(text, file);
  const parsed = parseRows(text, file, format);
  if (shape.model !== undefined && format !== 'burstgpt') throw new TraceError(`${file}: model: only BurstGPT traces name a model per request (this one is ${format})`);
  let rows = shape.model === undefined ? parsed.rows : parsed.rows.filter((r) => r.model === shape.model);
  const skipped = parsed.failed + parsed.rows.length - rows.length;
  if (rows.length === 0) throw new TraceError(`${file}: no requests to replay${shape.model === undefined ? '' : ` for model "${shape.model}"`}${skipped > 0 ? ` (${skipped} rows left out)` : ''}`);
  for (let i = 1; i < rows.length; i++) {
    if (rows[i].arrivalS < rows[i - 1].arrivalS) {
      throw new TraceError(`${file}: line ${rows[i].line}: expected requests in arrival order, got ${rows[i].arrivalS} s after ${rows[i - 1].arrivalS} s (line ${rows[i - 1].line})`);
    }
  }
  if (shape.requests !== undefined) {
    if (shape.requests > rows.length) throw new TraceError(`${file}: requests: expected at most the ${rows.length} requests the trace holds, got ${shape.requests}`);
    rows = rows.slice(0, shape.requests);
  }
  const t0 = rows[0].arrivalS;
  const span = rows[rows.length - 1].arrivalS - t0;
  if (shape.rate !== undefined && !(span > 0)) throw new TraceError(`${file}: rate: the trace's requests all arrive at once, so there is no rate to rescale`);
  const toRate = shape.rate === undefined ? 1 : (rows.length - 1) / shape.rate / span;
  const cut = (n: number, max: number | undefined): number => (max === undefined ? n : Math.min(n, max));
  const requests = rows.map((r) => ({
    atMs: (r.arrivalS - t0) * toRate * shape.timeScale * 1000,
    inputTokens: cut(r.inputTokens, shape.maxInputTokens),
    outputTokens: cut(r.outputTokens, shape.maxOutputTokens),
  }));
  return { format, requests, skipped };
}
