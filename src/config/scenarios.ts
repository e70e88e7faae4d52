import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { Scenario, ScenarioSet } from '../types.ts';
import { longest, validateScenarioDocument, type ScopedProblem, type TraceReader } from './schema.ts';
import { readTrace } from './trace.ts';

// Reading a scenario file: YAML → validated, normalised scenarios → a hash of what will be run.
// Every mistake in the file is reported at once, one line each, naming the file, the scenario and
// the field, so a broken file costs one CI round trip, not one per typo.

/** A scenario file that cannot be used; `problems` holds one line per mistake (also joined in `message`). */
export class ScenarioFileError extends Error {
  readonly file: string;
  readonly problems: readonly string[];

  constructor(file: string, problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ScenarioFileError';
    this.file = file;
    this.problems = problems;
  }
}

function formatProblem(file: string, p: ScopedProblem): string {
  const where = [p.scope, p.path === '' ? '' : `field ${p.path}`].filter((s) => s !== '').join(' ');
  return where === '' ? `${file}: ${p.message}` : `${file}: ${where}: ${p.message}`;
}

/** JSON with object keys sorted at every level: equal values always give equal bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * How the load generator turns a scenario into requests, as part of the set's hash (the baseline
 * key): a history measured under another generation offered another load and is not compared with
 * this one. 2: every repetition sends the same request lengths and arrival times (load/prompts.ts);
 * 1 (unsalted hashes): lengths and Poisson arrivals were drawn anew for each repetition.
 */
export const LOAD_GENERATION = 2;

/** sha256 of one normalised scenario (a key for that scenario alone, unaffected by its neighbours). */
export function scenarioHash(scenario: Scenario): string {
  return sha256(canonicalJson(scenario));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A trace is the scenario file's data: far larger than the file, still bounded (BurstGPT's full log is ~60 MB). */
const MAX_TRACE_BYTES = 256 * 1024 * 1024;

/** Reads trace files relative to the scenario file's folder; errors name the trace file as written. */
function traceReader(scenarioFile: string): TraceReader {
  return (spec, requests) => {
    const path = resolve(dirname(scenarioFile), spec.file);
    let bytes: Buffer;
    try {
      const size = statSync(path).size;
      if (size > MAX_TRACE_BYTES) throw new Error(`${spec.file}: the trace is ${size} bytes, over the limit of ${MAX_TRACE_BYTES} (256 MiB)`);
      bytes = readFileSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === undefined) throw err;
      throw new Error(`${spec.file}: cannot read the trace: ${code === 'ENOENT' ? `no such file (${path})` : (err as Error).message}`);
    }
    const { file, kind: _kind, maxConcurrency, ...shape } = spec;
    const parsed = readTrace(bytes.toString('utf8'), file, { ...shape, ...(requests === undefined ? {} : { requests }) });
    return {
      kind: 'trace',
      file,
      format: parsed.format,
      sha256: sha256(bytes),
      timeScale: spec.timeScale,
      ...(spec.rate === undefined ? {} : { rate: spec.rate }),
      ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
      requests: parsed.requests,
    };
  };
}

/**
 * Parses and validates scenario YAML; `file` is used in messages and kept in the result, and trace
 * files are read relative to it.
 */
export function parseScenarioSet(text: string, file: string): ScenarioSet {
  // merge: YAML anchors with `<<: *base` are a common way to share settings; allow them.
  const doc = parseDocument(text, { prettyErrors: true, merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioFileError(
      file,
      doc.errors.map((e) => {
        const at = e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
        // prettyErrors appends its own position and a source excerpt; keep the bare sentence.
        const sentence = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        return `${file}: YAML syntax error${at}: ${sentence}`;
      }),
    );
  }
  let value: unknown;
  try {
    // maxAliasCount bounds what aliases may expand to (a "billion laughs" file).
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    throw new ScenarioFileError(file, [`${file}: cannot expand the YAML: ${(err as Error).message}`]);
  }
  const { scenarios, problems } = validateScenarioDocument(value, traceReader(file));
  if (problems.length > 0) throw new ScenarioFileError(file, problems.map((p) => formatProblem(file, p)));
  const overBudget = workProblem(scenarios, file);
  if (overBudget) throw new ScenarioFileError(file, [overBudget]);
  return deepFreeze({ file, hash: sha256(canonicalJson({ loadGeneration: LOAD_GENERATION, scenarios })), scenarios });
}

/**
 * Tokens one pass over a scenario file may ask for at the most, Σ requests × (input + output) with
 * warm-up requests and the longest lengths: 100× the default set. Each field has its own limit,
 * but their product does not: 100,000 requests of 1M-token prompts would be synthesized for days
 * (about 0.1–0.5 M tokens/s on one core, held in memory for every repetition) before anything is sent.
 */
export const MAX_WORK_TOKENS = 20_000_000;

function workProblem(scenarios: readonly Scenario[], file: string): string | null {
  const work = scenarios.map((s) => ({ name: s.name, tokens: (s.requests + s.warmupRequests) * (longest(s.input) + longest(s.output)) }));
  const total = work.reduce((n, w) => n + w.tokens, 0);
  if (total <= MAX_WORK_TOKENS) return null;
  const largest = [...work].sort((a, b) => b.tokens - a.tokens).slice(0, 3).map((w) => `${w.name} ${w.tokens.toLocaleString('en-US')}`);
  return `${file}: one pass asks for ${total.toLocaleString('en-US')} tokens (requests × (input + output), warm-up included; largest: ${largest.join(', ')}), over the budget of ${MAX_WORK_TOKENS.toLocaleString('en-US')}: fewer requests or shorter prompts`;
}

/** A scenario file is a few kilobytes; one this large is a mistake, refused before it is parsed. */
const MAX_FILE_BYTES = 1024 * 1024;

/** Reads, parses and validates a scenario file. */
/**
 * The file as text, or an error that says it is not one: a binary file (a wrong path, a
 * compressed file) gets its first bad byte's offset, never its bytes echoed back.
 */
function textOf(bytes: Buffer, path: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ScenarioFileError(path, [`${path}: not a text file: the scenario file must be YAML in UTF-8, and this one is not valid UTF-8`]);
  }
  const control = text.search(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
  if (control >= 0) throw new ScenarioFileError(path, [`${path}: not a text file: the scenario file must be YAML, and this one has a control character (code ${text.charCodeAt(control)}) at character ${control}`]);
  return text;
}

export function loadScenarioSet(path: string): ScenarioSet {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) throw new ScenarioFileError(path, [`${path}: the scenario file is ${size} bytes, over the limit of ${MAX_FILE_BYTES} (1 MiB)`]);
    text = textOf(readFileSync(path), path);
  } catch (err) {
    if (err instanceof ScenarioFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new ScenarioFileError(path, [`${path}: cannot read the scenario file: ${why}`]);
  }
  return parseScenarioSet(text, path);
}
