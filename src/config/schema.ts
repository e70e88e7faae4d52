import type { CapacityLoad, LengthSpec, LoadPattern, Scenario, TraceLoad } from '../types.ts';
import type { TraceShape } from './trace.ts';
import { metricDef, metricNames } from '../metrics/catalog.ts';
import {
  checkFields,
  field,
  fieldsSchema,
  isPlainObject,
  joinPath,
  mismatch,
  numberAbove,
  numberBetween,
  TOLERANCE_FRACTION,
  object,
  oneOf,
  record,
  text,
  unknownKey,
  wholeNumber,
  type FieldValues,
  type JsonSchema,
  type Problem,
  type Rule,
} from './schema-rules.ts';

// The scenario file's structure, defined once: the validator below and the JSON Schema written to
// scenarios/schema.json both come from these field definitions.

/** A problem located in the file: `scope` is '' (top level), 'defaults', 'scenario "name"' or 'scenario #n'. */
export interface ScopedProblem extends Problem {
  readonly scope: string;
}

// ---------- lengths ----------

// Limits: far above any real scenario, low enough that a typo (1e9) is an error naming the field
// instead of minutes of prompt synthesis and gigabytes before the first request, and every
// duration fits Node's timers (2^31−1 ms, 24.8 days; longer ones fire after 1 ms).
/** Tokens of one prompt or answer: the longest context windows (1M). */
const MAX_TOKENS = 1_048_576;
/** Requests of one scenario repetition, and in flight at once. */
const MAX_REQUESTS = 100_000;
const MAX_CONCURRENCY = 10_000;
/** A day, for one request. */
const MAX_TIMEOUT_S = 86_400;
/** Poisson rates: one request per 1,000 s at the slowest (a gap must fit a timer), a million per second at most. */
const MIN_RATE = 0.001;
const MAX_RATE = 1_000_000;

const TOKENS = wholeNumber(1, MAX_TOKENS);
const LENGTH_EXPECTED = `a whole number of tokens from 1 to ${MAX_TOKENS}, {uniform: [min, max]} or {normal: {mean, stddev, min, max}}`;
const UNIFORM_EXPECTED = `[min, max]: two whole numbers from 1 to ${MAX_TOKENS} with min ≤ max`;

const NORMAL = object(
  {
    mean: field(numberBetween(1, MAX_TOKENS), 'Mean length in tokens.', true),
    stddev: field(numberBetween(0, MAX_TOKENS), 'Standard deviation in tokens (0 = always the mean, rounded).', true),
    min: field(TOKENS, 'Shortest length: draws below it are clamped to it.', true),
    max: field(TOKENS, 'Longest length: draws above it are clamped to it.', true),
  },
  'a mapping {mean, stddev, min, max}',
);

const LENGTH_FORMS = ['uniform', 'normal'];

function checkUniform(value: unknown, path: string, problems: Problem[]): LengthSpec | undefined {
  const ok =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_TOKENS) &&
    value[0] <= value[1];
  if (!ok) {
    problems.push(mismatch(path, UNIFORM_EXPECTED, value));
    return undefined;
  }
  return { kind: 'uniform', min: value[0] as number, max: value[1] as number };
}

function checkNormal(value: unknown, path: string, problems: Problem[]): LengthSpec | undefined {
  const n = NORMAL.check(value, path, problems);
  if (n === undefined) return undefined;
  const { mean, stddev, min, max } = n as Required<typeof n>;
  if (!(min <= mean && mean <= max)) {
    problems.push({ path, message: `expected min ≤ mean ≤ max, got min ${min}, mean ${mean}, max ${max}` });
    return undefined;
  }
  return { kind: 'normal', mean, stddev, min, max };
}

const LENGTH: Rule<LengthSpec> = {
  expected: LENGTH_EXPECTED,
  schema: {
    oneOf: [
      { description: 'Fixed length in tokens.', ...TOKENS.schema },
      {
        type: 'object',
        properties: {
          uniform: {
            description: 'Uniformly drawn whole number of tokens in [min, max].',
            type: 'array',
            items: TOKENS.schema,
            minItems: 2,
            maxItems: 2,
          },
        },
        required: ['uniform'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: { normal: { description: 'Normally drawn length, rounded and clamped to [min, max].', ...NORMAL.schema } },
        required: ['normal'],
        additionalProperties: false,
      },
    ],
  },
  check(value, path, problems) {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_TOKENS) return { kind: 'fixed', tokens: value };
    if (isPlainObject(value) && Object.keys(value).length === 1) {
      const [key] = Object.keys(value);
      if (key === 'uniform') return checkUniform(value.uniform, joinPath(path, key), problems);
      if (key === 'normal') return checkNormal(value.normal, joinPath(path, key), problems);
      problems.push(unknownKey(joinPath(path, key), 'length form', key, LENGTH_FORMS));
      return undefined;
    }
    problems.push(mismatch(path, LENGTH_EXPECTED, value));
    return undefined;
  },
};

/** The most tokens a length spec can produce. */
export function longest(spec: LengthSpec): number {
  return spec.kind === 'fixed' ? spec.tokens : spec.max;
}

/** The fewest tokens a length spec can produce. */
export function shortest(spec: LengthSpec): number {
  return spec.kind === 'fixed' ? spec.tokens : spec.min;
}

// ---------- load ----------

const LOAD_EXPECTED = '{concurrency: N}, {poisson: {rate, burstiness?, max-concurrency?}}, "burst", {trace: FILE or {file, ...}} or {capacity: {...}}';
const LOAD_FORMS = ['concurrency', 'poisson', 'trace', 'capacity'];
const CONCURRENCY = wholeNumber(1, MAX_CONCURRENCY);
const BURSTINESS = field(
  numberAbove(0),
  'Gamma shape of the gaps between sends: 1 = Poisson (default), below 1 burstier, above 1 more regular.',
);
const POISSON = object(
  {
    rate: field(numberBetween(MIN_RATE, MAX_RATE), 'Mean request rate (requests per second).', true),
    burstiness: BURSTINESS,
    'max-concurrency': field(
      wholeNumber(1, MAX_CONCURRENCY),
      'Most requests in flight at once; the wait for a slot is reported as client queue time.',
    ),
  },
  'a mapping {rate, burstiness?, max-concurrency?}',
);

/** A trace load as the scenario file writes it; its file is read when the scenario set is loaded. */
export interface TraceSpec extends TraceShape {
  readonly kind: 'trace-spec';
  readonly file: string;
  readonly maxConcurrency?: number;
}

const TRACE_FILE = text('a path to a trace file (JSONL or CSV), relative to the scenario file', /\S/, 4096);
const TRACE = object(
  {
    file: field(TRACE_FILE, 'The trace: JSONL {arrival_s, input_tokens, output_tokens}, CSV arrival_s,input_tokens,output_tokens, BurstGPT CSV or Mooncake JSONL; relative to the scenario file.', true),
    rate: field(numberBetween(MIN_RATE, MAX_RATE), "Rescale the trace's gaps to this mean rate (requests per second)."),
    'time-scale': field(numberBetween(0.0001, 10000), "Multiply the trace's gaps by this (0.5 = twice as fast; after rate). Default 1."),
    'max-concurrency': field(wholeNumber(1, MAX_CONCURRENCY), 'Most requests in flight at once; the wait for a slot is client queue time.'),
    'max-input-tokens': field(TOKENS, 'Cut longer prompts to this many tokens (a context window).'),
    'max-output-tokens': field(TOKENS, 'Cut longer outputs to this many tokens.'),
    model: field(text('a model name as the trace writes it', /\S/, 200), "BurstGPT: keep only this model's rows (e.g. GPT-4)."),
  },
  'a mapping {file, rate?, time-scale?, max-concurrency?, max-input-tokens?, max-output-tokens?, model?}',
);

/** Search defaults per dimension: where to start and the bounds a search stays in. */
const CAPACITY_DEFAULTS = {
  rate: { start: 1, min: 0.05, max: 1000 },
  concurrency: { start: 4, min: 1, max: 1024 },
} as const;

const CAPACITY = object(
  {
    over: field(oneOf(['rate', 'concurrency']), 'Search the request rate (Poisson arrivals, default) or the concurrency (closed loop).'),
    start: field(numberBetween(MIN_RATE, MAX_RATE), 'First load probed (default 1 req/s, or concurrency 4).'),
    min: field(numberBetween(MIN_RATE, MAX_RATE), 'Lowest load probed (default 0.05 req/s, or concurrency 1).'),
    max: field(numberBetween(MIN_RATE, MAX_RATE), 'Highest load probed (default 1000 req/s, or concurrency 1024).'),
    resolution: field(numberBetween(0.01, 1), 'Bisection stops when the missing load is within this share above the passing one. Default 0.1.'),
    attainment: field(numberBetween(0.5, 1), 'Share of requests that must meet every SLO for a load to pass. Default 0.9.'),
    'probe-s': field(numberBetween(0, 3600, ' seconds'), 'Each probe of a rate search sends at least rate × probe-s requests (and at least `requests`). Default 0.'),
    burstiness: BURSTINESS,
  },
  'a mapping {over?, start?, min?, max?, resolution?, attainment?, probe-s?, burstiness?}',
);

function checkCapacity(value: unknown, path: string, problems: Problem[]): CapacityLoad | undefined {
  const c = CAPACITY.check(value ?? {}, path, problems);
  if (c === undefined) return undefined;
  const over = c.over ?? 'rate';
  const d = CAPACITY_DEFAULTS[over];
  const load: CapacityLoad = {
    kind: 'capacity',
    over,
    start: c.start ?? d.start,
    min: c.min ?? d.min,
    max: c.max ?? d.max,
    resolution: c.resolution ?? 0.1,
    attainment: c.attainment ?? 0.9,
    probeS: c.probeS ?? 0,
    burstiness: c.burstiness ?? 1,
  };
  if (!(load.min <= load.start && load.start <= load.max)) {
    problems.push({ path, message: `expected min ≤ start ≤ max, got min ${load.min}, start ${load.start}, max ${load.max}` });
    return undefined;
  }
  if (over === 'concurrency' && ![load.start, load.min, load.max].every((x) => Number.isInteger(x) && x <= MAX_CONCURRENCY)) {
    problems.push({ path, message: `expected whole numbers of requests in flight (at most ${MAX_CONCURRENCY}) for start, min and max of a concurrency search, got start ${load.start}, min ${load.min}, max ${load.max}` });
    return undefined;
  }
  return load;
}

function checkTrace(value: unknown, path: string, problems: Problem[]): TraceSpec | undefined {
  if (typeof value === 'string') {
    const file = TRACE_FILE.check(value, path, problems);
    return file === undefined ? undefined : { kind: 'trace-spec', file, timeScale: 1 };
  }
  const t = TRACE.check(value, path, problems);
  if (t === undefined) return undefined;
  return {
    kind: 'trace-spec',
    file: t.file as string,
    timeScale: t.timeScale ?? 1,
    ...(t.rate === undefined ? {} : { rate: t.rate }),
    ...(t.maxConcurrency === undefined ? {} : { maxConcurrency: t.maxConcurrency }),
    ...(t.maxInputTokens === undefined ? {} : { maxInputTokens: t.maxInputTokens }),
    ...(t.maxOutputTokens === undefined ? {} : { maxOutputTokens: t.maxOutputTokens }),
    ...(t.model === undefined ? {} : { model: t.model }),
  };
}

const LOAD: Rule<LoadPattern | TraceSpec> = {
  expected: LOAD_EXPECTED,
  schema: {
    oneOf: [
      {
        type: 'object',
        properties: {
          concurrency: { description: 'Closed loop: this many requests in flight at all times.', ...CONCURRENCY.schema },
        },
        required: ['concurrency'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: { poisson: { description: 'Open loop: sends on a seeded random schedule.', ...POISSON.schema } },
        required: ['poisson'],
        additionalProperties: false,
      },
      { description: 'Every request sent at once (maximum throughput).', const: 'burst' },
      {
        type: 'object',
        properties: {
          trace: {
            description: "Replay a trace: its arrival times and token lengths (input, output and requests come from it).",
            oneOf: [{ description: 'The trace file, relative to the scenario file.', ...TRACE_FILE.schema }, TRACE.schema],
          },
        },
        required: ['trace'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: { capacity: { description: "Search the highest load at which the scenario's SLOs hold.", ...CAPACITY.schema } },
        required: ['capacity'],
        additionalProperties: false,
      },
    ],
  },
  check(value, path, problems) {
    if (value === 'burst') return { kind: 'burst' };
    if (isPlainObject(value) && Object.keys(value).length === 1) {
      const [key] = Object.keys(value);
      if (key === 'concurrency') {
        const concurrency = CONCURRENCY.check(value.concurrency, joinPath(path, key), problems);
        return concurrency === undefined ? undefined : { kind: 'concurrency', concurrency };
      }
      if (key === 'poisson') {
        const p = POISSON.check(value.poisson, joinPath(path, key), problems);
        if (p === undefined) return undefined;
        return {
          kind: 'poisson',
          rate: p.rate as number,
          burstiness: p.burstiness ?? 1,
          ...(p.maxConcurrency === undefined ? {} : { maxConcurrency: p.maxConcurrency }),
        };
      }
      if (key === 'trace') return checkTrace(value.trace, joinPath(path, key), problems);
      if (key === 'capacity') return checkCapacity(value.capacity, joinPath(path, key), problems);
      problems.push(unknownKey(joinPath(path, key), 'load pattern', key, LOAD_FORMS));
      return undefined;
    }
    problems.push(mismatch(path, LOAD_EXPECTED, value));
    return undefined;
  },
};

// ---------- scenario fields ----------

const SLO = object(
  {
    'ttft-ms': field(numberAbove(0), 'Time to first token must not exceed this (milliseconds).'),
    'tpot-ms': field(numberAbove(0), 'Time per output token after the first must not exceed this (milliseconds).'),
    'e2el-ms': field(numberAbove(0), 'End-to-end latency must not exceed this (milliseconds).'),
  },
  'a mapping {ttft-ms?, tpot-ms?, e2el-ms?}',
);

const describeMetric = (name: string): string => {
  const m = metricDef(name);
  return `${m.label} (${m.unit}, ${m.direction})`;
};

const METRIC_NAMES = metricNames();

const SCENARIO_FIELDS = {
  name: field(
    text('a name of lowercase letters, digits and dashes (at most 64)', /^[a-z0-9][a-z0-9-]*$/, 64),
    'Unique name (lowercase letters, digits, dashes): the key of the scenario in reports and baselines.',
  ),
  description: field(text('a non-empty text (at most 500 characters)', /\S/, 500), 'What the scenario measures and why.'),
  api: field(oneOf(['completions', 'chat']), 'Endpoint: /v1/completions (default) or /v1/chat/completions.'),
  input: field(LENGTH, 'Prompt length in tokens (shared prefix included).'),
  output: field(LENGTH, 'Generated tokens per request (forced with ignore_eos / min_tokens).'),
  'shared-prefix-tokens': field(
    wholeNumber(0, MAX_TOKENS),
    'Tokens of a system prompt shared by every request (prefix caching); part of the input length. Default 0.',
  ),
  requests: field(wholeNumber(1, MAX_REQUESTS), 'Measured requests per repetition.'),
  'warmup-requests': field(wholeNumber(0, MAX_REQUESTS), 'Requests sent before measuring, not recorded. Default 0.'),
  load: field(LOAD, 'How requests are released: {concurrency: N}, {poisson: {rate}}, burst, {trace: FILE} (replay) or {capacity: {...}} (a search for the highest load within the SLOs).'),
  seed: field(wholeNumber(0, 4294967295), 'Seed for prompt lengths, texts and arrival times. Default 0.'),
  slo: field(SLO, 'Service-level objectives; goodput counts requests that meet all of them.'),
  'timeout-s': field(numberBetween(0.1, MAX_TIMEOUT_S, ' seconds'), 'Per-request deadline in seconds. Default 300.'),
  limits: field(
    record(METRIC_NAMES, 'metric name', numberBetween(0, Infinity), describeMetric),
    'Absolute limits checked in release mode (a maximum for lower-is-better metrics, a minimum for higher-is-better).',
  ),
  tolerances: field(
    record(METRIC_NAMES, 'metric name', TOLERANCE_FRACTION, describeMetric),
    'Relative changes below which a significant difference is not a regression, overriding the defaults.',
  ),
} as const;

const { name: _name, ...DEFAULT_FIELDS } = SCENARIO_FIELDS;

const REQUIRED = ['name', 'description', 'input', 'output', 'requests', 'load'] as const;

type Draft = FieldValues<typeof SCENARIO_FIELDS>;

const FALLBACKS = {
  api: 'completions',
  sharedPrefixTokens: 0,
  warmupRequests: 0,
  seed: 0,
  slo: {},
  timeoutS: 300,
  limits: {},
  tolerances: {},
} as const;

// Maps merge key by key (a scenario adds one SLO to the default ones); every other field replaces.
function merge(defaults: Draft, own: Draft): Draft {
  return {
    ...defaults,
    ...own,
    slo: { ...defaults.slo, ...own.slo },
    limits: { ...defaults.limits, ...own.limits },
    tolerances: { ...defaults.tolerances, ...own.tolerances },
  };
}

function complete(d: Draft): Scenario {
  return {
    name: d.name as string,
    description: d.description as string,
    api: d.api ?? FALLBACKS.api,
    input: d.input as LengthSpec,
    output: d.output as LengthSpec,
    sharedPrefixTokens: d.sharedPrefixTokens ?? FALLBACKS.sharedPrefixTokens,
    requests: d.requests as number,
    warmupRequests: d.warmupRequests ?? FALLBACKS.warmupRequests,
    load: d.load as LoadPattern,
    seed: d.seed ?? FALLBACKS.seed,
    slo: d.slo ?? FALLBACKS.slo,
    timeoutS: d.timeoutS ?? FALLBACKS.timeoutS,
    limits: d.limits ?? FALLBACKS.limits,
    tolerances: d.tolerances ?? FALLBACKS.tolerances,
  };
}

/** Reads the trace a scenario names (the caller does the I/O); throws with a message naming the file, line and field. */
export type TraceReader = (spec: TraceSpec, requests: number | undefined) => TraceLoad;

const lengthRange = (values: readonly number[]): LengthSpec => {
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min === max ? { kind: 'fixed', tokens: min } : { kind: 'uniform', min, max };
};

/**
 * A trace scenario takes its requests and lengths from the trace: its input and output become the
 * range the trace spans (prompts are sized per request from the trace itself).
 */
function resolveTrace(raw: Record<string, unknown>, draft: Draft, readTrace: TraceReader | undefined, problems: Problem[]): Draft | undefined {
  const spec = draft.load as unknown as TraceSpec;
  for (const key of ['input', 'output'] as const) {
    if (key in raw) problems.push({ path: key, message: `expected no ${key} in a trace scenario: the trace gives every request's lengths` });
  }
  if (readTrace === undefined) {
    problems.push({ path: 'load.trace', message: 'expected a scenario file on disk: a trace is read relative to it' });
    return undefined;
  }
  let load: TraceLoad;
  try {
    load = readTrace(spec, draft.requests);
  } catch (err) {
    problems.push({ path: 'load.trace', message: (err as Error).message });
    return undefined;
  }
  return {
    ...draft,
    load,
    requests: load.requests.length,
    input: lengthRange(load.requests.map((r) => r.inputTokens)),
    output: lengthRange(load.requests.map((r) => r.outputTokens)),
  };
}

/** `fromDefaults(key)`: the defaults section wrote that field (or is unreadable, so it may have). */
function checkScenario(
  raw: Record<string, unknown>,
  defaults: Draft,
  fromDefaults: (key: string) => boolean,
  readTrace: TraceReader | undefined,
  problems: Problem[],
): Scenario | undefined {
  const before = problems.length;
  let draft = merge(defaults, checkFields(raw, SCENARIO_FIELDS, '', problems));
  if ((draft.load as { kind?: string } | undefined)?.kind === 'trace-spec') {
    const resolved = resolveTrace(raw, draft, readTrace, problems);
    if (resolved === undefined) return undefined;
    draft = resolved;
  }
  // A trace load that did not check still gives the lengths: do not ask for them too.
  const traced = isPlainObject(raw.load) && Object.hasOwn(raw.load, 'trace');
  let incomplete = false;
  for (const key of REQUIRED) {
    if (draft[key] !== undefined) continue;
    incomplete = true;
    if (traced && key !== 'name' && key !== 'description' && key !== 'load') continue;
    // A field written but invalid (here or in defaults) was reported already; only absence is new.
    if (!(key in raw) && !fromDefaults(key)) problems.push(mismatch(key, SCENARIO_FIELDS[key].rule.expected, undefined));
  }
  const prefix = draft.sharedPrefixTokens ?? FALLBACKS.sharedPrefixTokens;
  // Every request needs at least one token of its own after the shared prefix.
  if (draft.input !== undefined && prefix >= shortest(draft.input)) {
    problems.push({
      path: 'shared-prefix-tokens',
      message: `expected fewer tokens than the shortest input (${shortest(draft.input)}), got ${prefix}`,
    });
  }
  // A capacity search needs something to hold: without an SLO only failures would stop it.
  if ((draft.load as LoadPattern | undefined)?.kind === 'capacity' && Object.keys(draft.slo ?? {}).length === 0) {
    problems.push({ path: 'slo', message: 'expected at least one of ttft-ms, tpot-ms, e2el-ms: a capacity search finds the highest load at which they hold' });
  }
  return incomplete || problems.length > before ? undefined : complete(draft);
}

const TOP_FIELDS = ['version', 'defaults', 'scenarios'];

/** Validates a parsed scenario document: every problem found, and the scenarios when there were none. */
export function validateScenarioDocument(doc: unknown, readTrace?: TraceReader): { scenarios: Scenario[]; problems: ScopedProblem[] } {
  const problems: ScopedProblem[] = [];
  const scoped = (scope: string, found: readonly Problem[]) => {
    for (const p of found) problems.push({ scope, ...p });
  };
  if (!isPlainObject(doc)) {
    scoped('', [mismatch('', 'a mapping with version, defaults and scenarios', doc)]);
    return { scenarios: [], problems };
  }
  const top: Problem[] = [];
  for (const key of Object.keys(doc)) {
    if (!TOP_FIELDS.includes(key)) top.push(unknownKey(key, 'field', key, TOP_FIELDS));
  }
  oneOf([1]).check(doc.version, 'version', top);
  scoped('', top);

  let defaults: Draft = {};
  let fromDefaults = (_key: string): boolean => false;
  if (doc.defaults !== undefined) {
    const found: Problem[] = [];
    const rawDefaults = doc.defaults;
    if (isPlainObject(rawDefaults)) {
      defaults = checkFields(rawDefaults, DEFAULT_FIELDS, '', found);
      fromDefaults = (key) => key in rawDefaults;
    } else {
      found.push(mismatch('', 'a mapping of scenario fields (all but name)', rawDefaults));
      // Missing fields might have been meant to come from the broken defaults: do not list them too.
      fromDefaults = () => true;
    }
    scoped('defaults', found);
  }

  const list = doc.scenarios;
  if (!Array.isArray(list) || list.length === 0) {
    scoped('', [mismatch('scenarios', 'a non-empty list of scenarios', list)]);
    return { scenarios: [], problems };
  }
  const scenarios: Scenario[] = [];
  const firstIndex = new Map<string, number>();
  list.forEach((raw, i) => {
    const found: Problem[] = [];
    if (!isPlainObject(raw)) {
      scoped(`scenario #${i + 1}`, [mismatch('', 'a mapping of scenario fields', raw)]);
      return;
    }
    const scenario = checkScenario(raw, defaults, fromDefaults, readTrace, found);
    const name = SCENARIO_FIELDS.name.rule.check(raw.name, '', []);
    let scope = name === undefined ? `scenario #${i + 1}` : `scenario "${name}"`;
    if (name !== undefined) {
      const earlier = firstIndex.get(name);
      if (earlier === undefined) firstIndex.set(name, i);
      else {
        // The name cannot tell the two apart, so the second one is named by its position.
        scope = `scenario #${i + 1}`;
        found.unshift({
          path: 'name',
          message: `expected a name no other scenario uses, got "${name}" (scenario #${earlier + 1} has it too)`,
        });
      }
    }
    scoped(scope, found);
    if (scenario !== undefined) scenarios.push(scenario);
  });
  return { scenarios: problems.length === 0 ? scenarios : [], problems };
}

/** JSON Schema (draft-07) of the scenario file, for editors (`# yaml-language-server: $schema=...`). */
export function scenarioFileJsonSchema(): JsonSchema {
  const scenario = fieldsSchema(SCENARIO_FIELDS);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'llm-perf-gate scenario file',
    description:
      'Scenarios that llm-perf-gate runs against each engine. Names must be unique and the shared prefix shorter than ' +
      'the shortest input (checked by the action, not by this schema). Required for every scenario, in it or in defaults: ' +
      `${REQUIRED.join(', ')}.`,
    type: 'object',
    properties: {
      version: { description: 'File format version.', const: 1 },
      defaults: {
        description: 'Values for every scenario that does not set them (slo, limits and tolerances merge key by key).',
        ...fieldsSchema(DEFAULT_FIELDS),
      },
      scenarios: {
        description: 'The scenarios, in file order.',
        type: 'array',
        minItems: 1,
        items: { ...scenario, required: ['name'] },
      },
    },
    required: ['version', 'scenarios'],
    additionalProperties: false,
  };
}
