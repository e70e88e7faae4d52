import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { metricDef, metricNames } from '../metrics/catalog.ts';
import { DEFAULT_KEEP } from '../baseline/history.ts';
import { checkCommandTemplate } from '../engines/custom.ts';
import { checkBaseUrl } from '../engines/openai.ts';
import { adapterFor, adapters } from '../engines/registry.ts';
import { packageRoot } from '../paths.ts';
import { parseEngines, parseShard, type EngineSelection, type Shard } from '../plan.ts';
import type { Mode } from '../types.ts';
import { describeValue, isPlainObject, record, TOLERANCE_FRACTION, type Problem } from './schema-rules.ts';

// The action's inputs, parsed once into a typed, frozen config. Every problem names the input
// and what it accepts, and all of them are reported together so one failed run shows every
// mistake. Defaults live here as well as in action.yml, so the CLI and tests get the same ones.

export type CommentPolicy = 'always' | 'on-regression' | 'never';
export type FailOn = 'regression' | 'inconclusive' | 'never';
export type BaselineStoreKind = 'file' | 'branch';
/** What a gate does without a baseline: fail, warn, or auto (fail once the store has ever been written). */
export type MissingBaselinePolicy = 'fail' | 'warn' | 'auto';

export interface ActionConfig {
  /** Engines in the order given; `sim` expanded to both simulated profiles; duplicates dropped. */
  readonly engines: readonly EngineSelection[];
  /** Model id or local path; null when not given (allowed when no selected engine needs one). */
  readonly model: string | null;
  /** Scenario file path; the action's own scenarios/default.yml unless given. */
  readonly scenarios: string;
  readonly repetitions: number;
  readonly mode: Mode;
  readonly baselineStore: BaselineStoreKind;
  readonly baselinePath: string;
  readonly baselineBranch: string;
  /** Per-metric tolerance overrides (0.05 = 5%), keyed by catalog metric name. */
  readonly tolerances: Readonly<Record<string, number>>;
  /** '' when none was given. */
  readonly githubToken: string;
  readonly comment: CommentPolicy;
  readonly failOn: FailOn;
  readonly missingBaseline: MissingBaselinePolicy;
  /** Seed of the scenario order and the prompts. */
  readonly seed: number;
  /** Compare with a baseline recorded on other hardware or software (after a driver or engine upgrade). */
  readonly allowFingerprintMismatch: boolean;
  readonly python: string;
  readonly vllmArgs: readonly string[];
  readonly transformersArgs: readonly string[];
  readonly simArgs: readonly string[];
  readonly startupTimeoutS: number;
  /**
   * The GPU memory budget as a share of the card (vLLM's --gpu-memory-utilization), applied to
   * every engine that sizes a KV cache; null: each engine's own default.
   */
  readonly gpuMemoryUtilization: number | null;
  readonly allowForkPrs: boolean;
  /** 1-based shard of a matrix. */
  readonly shard: Shard;
  readonly resultsDir: string;
  /** Baseline window: the last W recorded runs per key. */
  readonly history: number;
  /** Runs kept per key in the stored history (≥ history): a write deletes only those beyond it. */
  readonly historyKeep: number;
  /** Confidence level of the intervals; 1 − confidence is the family-wise false-alarm rate. */
  readonly confidence: number;
  /** Unrecorded passes over the scenarios after each engine start. */
  readonly warmupRepetitions: number;
  /** Start each engine twice (cold, then warm) and measure on the warm start. */
  readonly warmStart: boolean;
  /** Independent engine starts per engine in one job, each with its warm-up and repetitions. */
  readonly runs: number;
  /**
   * Sequential design: the most runs a job may measure while cells are undecided (0 or ≤ runs: off,
   * the job measures `runs` and compares once). Empty input: PR_MAX_RUNS in pr mode, else off.
   */
  readonly maxRuns: number;
  /**
   * Seconds the sequential design may spend measuring (a run is added only if it fits); null:
   * max-runs alone bounds it (input `none`, and the default outside pr mode). Empty input in pr
   * mode with the design on: PR_TIME_BUDGET_S.
   */
  readonly timeBudgetS: number | null;
  /** Share of failed, cut-off or empty requests above which an engine × scenario is an error. */
  readonly maxFailureRate: number;
  /** engines: openai — the endpoint already running; null when not given. */
  readonly baseUrl: string | null;
  /** engines: openai — bearer token of the endpoint; '' when none (a secret: never printed or recorded). */
  readonly apiKey: string;
  /** engines: custom — the server's command line split into words, placeholders left in; null when not given. */
  readonly customCommand: readonly string[] | null;
  /** engines: custom — polled for 200 before the readiness completion; null: the completion alone. */
  readonly customReadyPath: string | null;
}

export const INPUT_DEFAULTS = Object.freeze({
  engines: 'vllm,transformers',
  repetitions: '2',
  mode: 'pr',
  'baseline-store': 'branch',
  'baseline-path': '.perf/baseline.json',
  'baseline-branch': 'perf-baselines',
  comment: 'always',
  'fail-on': 'regression',
  'missing-baseline': 'auto',
  seed: '1',
  'allow-fingerprint-mismatch': 'false',
  python: 'python3',
  'startup-timeout': '900',
  'allow-fork-prs': 'false',
  shard: '1/1',
  'results-dir': '.perf/out',
  history: '60',
  'history-keep': String(DEFAULT_KEEP),
  confidence: '0.99',
  'warmup-repetitions': '1',
  'warm-start': 'false',
  runs: '2',
  'max-failure-rate': '0',
});

/**
 * max-runs where the input is empty: the sequential design is on by default in pull-request jobs
 * (up to 16 runs; bench:gate measures what it finds and costs) and off in the other modes, whose
 * recipes (a release's runs and tolerances, a nightly's recorded runs) are fitted to a fixed number
 * of runs compared once at the whole confidence.
 */
export const PR_MAX_RUNS = 16;

/**
 * time-budget where the input is empty and the sequential design is on in pr mode: one hour of
 * measuring, so a pull request cannot hold a runner for hours. 16 vLLM runs (≈ 158 s each on an
 * H200) fit in it; a transformers job (≈ 7.5 min per run) gets 7 or 8, and one of vLLM and
 * transformers (≈ 10 min per run) 5, so it stops before the last look, which holds half the α.
 */
export const PR_TIME_BUDGET_S = 3600;

/** The time-budget input's word for "no limit but max-runs". */
const NO_BUDGET = 'none';

/** The scenario file used when the `scenarios` input is empty. */
export function defaultScenarioFile(): string {
  return join(packageRoot(), 'scenarios', 'default.yml');
}

const MODES: readonly Mode[] = ['pr', 'schedule', 'release', 'baseline', 'aggregate'];

class InputProblem extends Error {}

function fail(input: string, expected: string, raw: string): never {
  throw new InputProblem(`input "${input}": expected ${expected}, got ${describeValue(raw)}`);
}

function choice<const V extends string>(input: string, raw: string, values: readonly V[]): V {
  if ((values as readonly string[]).includes(raw)) return raw as V;
  return fail(input, `one of ${values.join(', ')}`, raw);
}

function integer(input: string, raw: string, min: number, max: number): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) fail(input, `a whole number from ${min} to ${max}`, raw);
  return n;
}

function fraction(input: string, raw: string, min: number, max: number): number {
  const n = /^0?\.\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) fail(input, `a number from ${min} to ${max}, e.g. 0.99`, raw);
  return n;
}

/** A share from 0 to 1 inclusive ('0', '0.05', '1'). */
function share(input: string, raw: string): number {
  const n = /^(0|1|0?\.\d+|1\.0*)$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 0 && n <= 1)) fail(input, 'a share from 0 to 1, e.g. 0.05 for 5%', raw);
  return n;
}

function seconds(input: string, raw: string): number {
  const n = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!(n > 0 && n <= 86_400)) fail(input, 'a number of seconds above 0 (at most 86400)', raw);
  return n;
}

/**
 * The time-budget input: a duration in seconds or with a unit (900, 900s, 15m, 1.5h), `none` (null:
 * no limit but max-runs), or undefined where it is empty (the default depends on mode and max-runs).
 */
function timeBudget(raw: string): number | null | undefined {
  if (raw === '') return undefined;
  if (raw === NO_BUDGET) return null;
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(raw);
  const n = m ? Number(m[1]) * { s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 's' | 'm' | 'h'] : NaN;
  if (!(n > 0 && n <= 86_400)) fail('time-budget', `a duration above 0 and at most 24 h, in seconds or with a unit (e.g. 900, 15m, 1h), or ${NO_BUDGET} for no limit but max-runs`, raw);
  return n;
}

// The YAML 1.2 core schema booleans, as @actions/core's getBooleanInput accepts them.
function boolean(input: string, raw: string): boolean {
  if (['true', 'True', 'TRUE'].includes(raw)) return true;
  if (['false', 'False', 'FALSE'].includes(raw)) return false;
  return fail(input, 'true or false', raw);
}

function nonEmpty(input: string, raw: string, what: string): string {
  if (raw === '' || /[\0\r\n]/.test(raw)) fail(input, what, raw);
  return raw;
}

// git check-ref-format, the parts a branch name can break.
function branchName(input: string, raw: string): string {
  const bad = raw === '' || /[\s~^:?*[\\\0]|\.\.|@\{|\/\/|^[-/.]|[/.]$|\.lock$/.test(raw);
  if (bad) fail(input, 'a valid git branch name (no spaces, "..", "~^:?*[\\", leading "-" or "/", trailing "/", "." or ".lock")', raw);
  return raw;
}

/**
 * Splits an argument string the way a POSIX shell splits words, without expanding anything:
 * whitespace separates, single quotes are literal, double quotes allow \" \\ \$ \` escapes,
 * a backslash outside quotes escapes the next character, backslash-newline continues a line.
 */
export function splitArgs(text: string, input = 'arguments'): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const unterminated = (what: string): never => {
    throw new InputProblem(`input "${input}": ${what} in ${describeValue(text)}; quote or escape it`);
  };
  while (i < text.length) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) unterminated('unterminated single quote');
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= text.length) unterminated('unterminated double quote');
        const d = text[i];
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1])) {
          if (text[i + 1] !== '\n') word += text[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
    } else if (c === '\\') {
      if (i + 1 >= text.length) unterminated('a trailing backslash');
      if (text[i + 1] !== '\n') {
        word += text[i + 1];
        inWord = true;
      }
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

const TOLERANCE = record(metricNames(), 'metric name', TOLERANCE_FRACTION, (n) => metricDef(n).label);
const PAIR_LIST = /^\s*[\w.-]+\s*=\s*[^,=\s]+\s*([,\n]\s*[\w.-]+\s*=\s*[^,=\s]+\s*)*,?\s*$/;

// "5%" is read as 0.05; plain numbers are fractions already.
function toleranceValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(value);
  if (!m) return value;
  return m[2] ? Number(m[1]) / 100 : Number(m[1]);
}

/** `ttft_p50=0.05,tpot_p50=10%` or a YAML mapping `{ttft_p50: 0.05}` (block style works too). */
export function parseTolerances(raw: string, input = 'tolerances'): Readonly<Record<string, number>> {
  if (raw.trim() === '') return {};
  let map: unknown;
  if (PAIR_LIST.test(raw)) {
    map = Object.fromEntries(
      raw
        .split(/[,\n]/)
        .filter((p) => p.trim() !== '')
        .map((p) => p.split('=').map((s) => s.trim())),
    );
  } else {
    try {
      map = parseYaml(raw);
    } catch (err) {
      throw new InputProblem(`input "${input}": not "metric=value,..." pairs nor YAML (${(err as Error).message.split('\n')[0]})`);
    }
  }
  if (!isPlainObject(map)) fail(input, 'metric=value pairs (e.g. "ttft_p50=0.05,tpot_p50=0.1") or a YAML mapping of metric names to fractions', raw);
  const problems: Problem[] = [];
  const values = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, toleranceValue(v)]));
  const checked = TOLERANCE.check(values, '', problems);
  if (!checked) throw new InputProblem(problems.map((p) => `input "${input}": ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'));
  return checked;
}

/** How problems name an input: `input "repetitions"` in the action, `--repetitions` in the CLI. */
export interface InputNaming {
  readonly noun: string;
  readonly name: (input: string) => string;
}

const ACTION_NAMING: InputNaming = { noun: 'action input', name: (input) => `input "${input}"` };

/**
 * Reads every input through `getInput` (e.g. `(n) => core.getInput(n)`, which returns '' for an
 * input that is not set) and returns the frozen config. Throws one Error listing every problem.
 */
export function readInputs(getInput: (name: string) => string, naming: InputNaming = ACTION_NAMING): ActionConfig {
  const problems: string[] = [];
  const read = <T>(name: string, parse: (raw: string) => T, fallback?: string): T => {
    const given = getInput(name).trim();
    try {
      return parse(given === '' && fallback !== undefined ? fallback : given);
    } catch (err) {
      if (!(err instanceof InputProblem) && !(err instanceof Error && err.message.startsWith(`input "${name}"`))) throw err;
      problems.push(...err.message.split('\n'));
      return undefined as T;
    }
  };
  const d = INPUT_DEFAULTS;
  // Names given for engines (custom-name), read whether or not their engine is selected.
  const names = new Map(adapters().flatMap((a) => (a.labelInput ? [[a.kind, [a.labelInput, getInput(a.labelInput).trim()] as const]] : [])));
  const engines = read('engines', (raw) => labelled(parseEngines(raw, 'input "engines"'), names), d.engines);
  for (const e of engines ?? []) {
    for (const input of adapterFor(e.kind).requiredInputs) {
      if (getInput(input).trim() === '') problems.push(`input "${input}": required for engines: ${e.kind}`);
    }
  }
  const model = read('model', (raw) => {
    if (raw === '') {
      const real = (engines ?? []).filter((e) => adapterFor(e.kind).needs.model).map((e) => e.label);
      if (real.length) throw new InputProblem(`input "model": required for ${real.join(' and ')}: give a Hugging Face model id or a local path`);
      return null;
    }
    return nonEmpty('model', raw, 'a model id or path on one line');
  });
  const mode = read('mode', (raw) => choice('mode', raw, MODES), d.mode);
  const runs = read('runs', (raw) => integer('runs', raw, 1, 100), d.runs);
  const maxRuns = read('max-runs', (raw) => (raw === '' ? (mode === 'pr' ? PR_MAX_RUNS : 0) : integer('max-runs', raw, 0, 100)));
  const budget = read('time-budget', timeBudget);
  const config: ActionConfig = {
    engines,
    model,
    scenarios: read('scenarios', (raw) => (raw === '' ? defaultScenarioFile() : nonEmpty('scenarios', raw, 'a file path'))),
    repetitions: read('repetitions', (raw) => integer('repetitions', raw, 2, 1000), d.repetitions),
    mode,
    baselineStore: read('baseline-store', (raw) => choice('baseline-store', raw, ['file', 'branch'] as const), d['baseline-store']),
    baselinePath: read('baseline-path', (raw) => nonEmpty('baseline-path', raw, 'a file path'), d['baseline-path']),
    baselineBranch: read('baseline-branch', (raw) => branchName('baseline-branch', raw), d['baseline-branch']),
    tolerances: read('tolerances', (raw) => parseTolerances(raw)),
    githubToken: read('github-token', (raw) => raw),
    comment: read('comment', (raw) => choice('comment', raw, ['always', 'on-regression', 'never'] as const), d.comment),
    failOn: read('fail-on', (raw) => choice('fail-on', raw, ['regression', 'inconclusive', 'never'] as const), d['fail-on']),
    missingBaseline: read('missing-baseline', (raw) => choice('missing-baseline', raw, ['fail', 'warn', 'auto'] as const), d['missing-baseline']),
    seed: read('seed', (raw) => integer('seed', raw, 0, Number.MAX_SAFE_INTEGER), d.seed),
    allowFingerprintMismatch: read('allow-fingerprint-mismatch', (raw) => boolean('allow-fingerprint-mismatch', raw), d['allow-fingerprint-mismatch']),
    python: read('python', (raw) => nonEmpty('python', raw, 'an interpreter path or command'), d.python),
    vllmArgs: read('vllm-args', (raw) => splitArgs(raw, 'vllm-args')),
    transformersArgs: read('transformers-args', (raw) => splitArgs(raw, 'transformers-args')),
    simArgs: read('sim-args', (raw) => splitArgs(raw, 'sim-args')),
    startupTimeoutS: read('startup-timeout', (raw) => seconds('startup-timeout', raw), d['startup-timeout']),
    gpuMemoryUtilization: read('gpu-memory-utilization', (raw) => {
      if (raw === '') return null;
      const n = /^(1|1\.0*|0?\.\d+)$/.test(raw) ? Number(raw) : NaN;
      if (!(n > 0 && n <= 1)) fail('gpu-memory-utilization', 'a share of the GPU above 0 and at most 1, e.g. 0.9', raw);
      return n;
    }),
    allowForkPrs: read('allow-fork-prs', (raw) => boolean('allow-fork-prs', raw), d['allow-fork-prs']),
    shard: read('shard', (raw) => parseShard(raw, 'input "shard"'), d.shard),
    resultsDir: read('results-dir', (raw) => nonEmpty('results-dir', raw, 'a directory path'), d['results-dir']),
    history: read('history', (raw) => integer('history', raw, 1, 1000), d.history),
    historyKeep: read('history-keep', (raw) => integer('history-keep', raw, 1, 100_000), d['history-keep']),
    confidence: read('confidence', (raw) => fraction('confidence', raw, 0.5, 0.9999), d.confidence),
    warmupRepetitions: read('warmup-repetitions', (raw) => integer('warmup-repetitions', raw, 0, 10), d['warmup-repetitions']),
    warmStart: read('warm-start', (raw) => boolean('warm-start', raw), d['warm-start']),
    runs,
    maxRuns,
    // Empty: an hour where the design is on in pr mode; no limit in the other modes, whose jobs add no runs unless max-runs is given.
    timeBudgetS: budget !== undefined ? budget : mode === 'pr' && maxRuns > runs ? PR_TIME_BUDGET_S : null,
    maxFailureRate: read('max-failure-rate', (raw) => share('max-failure-rate', raw), d['max-failure-rate']),
    baseUrl: read('base-url', (raw) => (raw === '' ? null : inputCheck('base-url', () => checkBaseUrl(raw)))),
    apiKey: read('api-key', (raw) => raw),
    customCommand: read('custom-command', (raw) => {
      if (raw === '') return null;
      const words = splitArgs(raw, 'custom-command');
      const problem = checkCommandTemplate(words);
      if (problem) throw new InputProblem(`input "custom-command": ${problem}, in ${describeValue(raw)}`);
      return words;
    }),
    customReadyPath: read('custom-ready-path', (raw) => {
      if (raw === '') return null;
      if (!/^\/[^\s]*$/.test(raw)) fail('custom-ready-path', 'a URL path starting with "/" (e.g. /health)', raw);
      return raw;
    }),
  };
  // The comparison window only reads; what is deleted is this input's alone, and never a run the window would compare.
  if (config.historyKeep < config.history) problems.push(`input "history-keep": expected at least "history" (${config.history}), the runs the comparison reads, got ${config.historyKeep}`);
  problems.push(...engineArgProblems(config));
  // The looks are planned (and α split over them) from max-runs: a budget alone would leave them open.
  if (config.timeBudgetS !== null && !(config.maxRuns > config.runs)) problems.push(`input "time-budget": needs "max-runs" above "runs" (${config.runs}), the most runs the budget may buy, got max-runs ${config.maxRuns}`);
  if (problems.length) {
    const named = problems.map((p) => p.replace(/^input "([^"]+)"/, (_, input: string) => naming.name(input)));
    throw new Error(`invalid ${naming.noun}${problems.length === 1 ? '' : 's'}:\n- ${named.join('\n- ')}`);
  }
  return deepFreeze(config);
}

/** Each engine kind's argument input, and the config field that holds it. */
const ENGINE_ARGS = [
  ['vllm', 'vllm-args', 'vllmArgs'],
  ['transformers', 'transformers-args', 'transformersArgs'],
  ['sim', 'sim-args', 'simArgs'],
] as const;

/**
 * Engine arguments checked by their adapters (a mistyped simulator flag, a flag the launcher owns)
 * now, before any engine starts: a typo must be an input error, not a failed engine after minutes.
 */
function engineArgProblems(config: ActionConfig): string[] {
  const problems = new Set<string>();
  for (const e of config.engines ?? []) {
    const entry = ENGINE_ARGS.find(([kind]) => kind === e.kind);
    const check = adapterFor(e.kind).checkArgs;
    if (!entry || !check || config[entry[2]] === undefined) continue;
    try {
      check([...(e.args ?? []), ...config[entry[2]]]);
    } catch (err) {
      problems.add(`input "${entry[1]}": ${(err as Error).message}`);
    }
  }
  return [...problems];
}

/** Engines whose adapter names them from an input (custom-name) take that name as their label. */
function labelled(engines: EngineSelection[], names: ReadonlyMap<string, readonly [string, string]>): EngineSelection[] {
  return engines.map((e) => {
    const [input, name] = names.get(e.kind) ?? ['', ''];
    if (name === '') return e;
    if (!/^[\w.-]{1,64}$/.test(name)) fail(input, 'a name of letters, digits, ".", "-" or "_" (it keys the baseline)', name);
    if (engines.some((o) => o !== e && o.label === name)) fail(input, `a name no other engine has (${name} is taken)`, name);
    return { ...e, label: name };
  });
}

/** Runs a check that throws a plain Error and reports it as a problem of `input`. */
function inputCheck<T>(input: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw new InputProblem(`input "${input}": ${(err as Error).message}`);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
