import { ALL_METRICS, CAPACITY_METRIC, censoredBound, loadUnit, metricApplies, metricUnit, metricValue, valueProblem, type MetricDef } from '../metrics/catalog.ts';
import { describeValue, isPlainObject, joinPath } from '../config/schema-rules.ts';
import type { EngineResult, Fingerprint, RepetitionResult, RunResult, ScenarioSummary } from '../types.ts';
import { hardwareId } from './fingerprint-diff.ts';
import { describeFailures, excessFailures } from '../metrics/failures.ts';
import { actionVersion } from '../version.ts';

// The stored baseline: per key (engine × model × scenario set × GPU) the last W recorded runs, each
// kept compact — per scenario and metric the per-repetition values the statistics need, plus the
// pooled values the charts show. The document is versioned and read strictly: anything unexpected
// is an error naming the file and the field, and nothing here ever replaces a document it cannot
// read (a silently reset baseline would let every regression through as "no baseline").

export const BASELINE_SCHEMA = 'llm-perf-gate/baseline@1';
/**
 * Runs kept per key: the default of the `history-keep` input (config/inputs.ts takes it from here)
 * and of recordRun, so a caller that names no number keeps what the action keeps, never fewer.
 */
export const DEFAULT_KEEP = 1000;

export interface BaselineScenario {
  /** Per-repetition values by metric name, in repetition order. */
  readonly values: Readonly<Record<string, readonly number[]>>;
  /** The metric of the pooled summary (all repetitions' requests together), by metric name. */
  readonly pooled: Readonly<Record<string, number>>;
  /**
   * Values known only as an upper bound, by metric name: per repetition, whether `values` holds the
   * bound rather than a measurement (a capacity search whose lowest probe missed: "below 0.5
   * req/s" is stored as 0.5 here). The pooled value is a bound when any repetition's is. Absent
   * when every value is measured (and in entries of versions before it).
   */
  readonly below?: Readonly<Record<string, readonly boolean[]>>;
  /** Units of metrics whose unit is the scenario's, by metric name (a capacity's: req/s or concurrent requests); absent in entries of versions before it. */
  readonly units?: Readonly<Record<string, string>>;
}

export interface BaselineEntry {
  /** baselineKey() of the run and engine this entry came from. */
  readonly key: string;
  readonly engine: string;
  readonly model: string;
  readonly scenarioSetHash: string;
  readonly createdAt: string;
  readonly sha: string | null;
  readonly ref: string | null;
  readonly fingerprint: Fingerprint;
  /**
   * Which engine start of its job this entry is (1-based). Two starts of one job share every other
   * field, and where their values agree too (a capacity search landing on the same bracket twice)
   * only this tells two runs from one run stored twice. Absent in entries of versions before it.
   */
  readonly run?: number;
  readonly scenarios: Readonly<Record<string, BaselineScenario>>;
}

export interface BaselineDoc {
  readonly schema: typeof BASELINE_SCHEMA;
  /** Oldest first; at most the window of entries per key. */
  readonly entries: readonly BaselineEntry[];
}

function keyOf(engine: string, model: string, scenarioSetHash: string, fingerprint: Fingerprint): string {
  return [engine, model, scenarioSetHash, hardwareId(fingerprint)].map(encodeURIComponent).join('/');
}

/** The history an engine's results belong to: engine label, model, scenario set hash and GPU. */
export function baselineKey(engine: EngineResult, run: RunResult): string {
  return keyOf(engine.engine, run.model, run.scenarioSet.hash, engine.fingerprint);
}

/** Reads a scenario's entry from a record keyed by scenario name (own keys only). */
export function scenarioOf(entry: BaselineEntry, scenario: string): BaselineScenario | undefined {
  return Object.hasOwn(entry.scenarios, scenario) ? entry.scenarios[scenario] : undefined;
}

function summaryOf(summaries: readonly ScenarioSummary[], scenario: string, where: string): ScenarioSummary {
  const s = summaries.find((x) => x.scenario === scenario);
  if (!s) throw new Error(`cannot record a baseline: ${where} has no result for scenario "${scenario}"`);
  return s;
}

interface Recorded {
  readonly value: number;
  /** The value is an upper bound (catalog.ts censoredBound), not a measurement. */
  readonly below: boolean;
}

/**
 * A metric's value as the baseline may keep it (catalog.ts valueProblem), or the bound of a
 * censored one. Anything else is refused with where it came from, so wrong data never becomes history.
 */
function recordable(def: MetricDef, s: ScenarioSummary, where: string): Recorded {
  const bound = censoredBound(def, s);
  const v = bound ?? metricValue(def, s);
  const problem = valueProblem(def, v);
  if (problem !== null) throw new Error(`cannot record a baseline: ${where}: ${def.name} ${bound === null ? '' : 'bound '}${problem}`);
  return { value: v!, below: bound !== null };
}

/** One entry per independent engine start (the job's runs): the run is the unit the gate compares. */
function entriesOf(engine: EngineResult, run: RunResult): BaselineEntry[] {
  const byRun = new Map<number, RepetitionResult[]>();
  for (const rep of engine.repetitions) {
    const k = rep.run ?? 0;
    byRun.set(k, [...(byRun.get(k) ?? []), rep]);
  }
  // Every repetition is checked before the pooled figures, which any bad repetition spoils too.
  const where = (runIndex: number, rep: RepetitionResult, name: string): string => `engine ${engine.engine}, run ${runIndex + 1}, repetition ${rep.index}, scenario ${name}`;
  // Each scenario records the metrics it has: a capacity search its capacity, a fixed load the rest.
  const definition = (name: string) => run.scenarioSet.definitions.find((d) => d.name === name);
  const metricsOf = (name: string): MetricDef[] => {
    const scenario = definition(name);
    return ALL_METRICS.filter((m) => (scenario === undefined ? m.scope === 'load' : metricApplies(m, scenario)));
  };
  for (const [runIndex, reps] of byRun) {
    for (const r of reps) for (const name of run.scenarioSet.names) for (const m of metricsOf(name)) recordable(m, summaryOf(r.scenarios, name, `engine ${engine.engine}, repetition ${r.index}`), where(runIndex, r, name));
  }
  return [...byRun.entries()].map(([runIndex, reps]) => {
    const scenarios: Record<string, BaselineScenario> = {};
    for (const name of run.scenarioSet.names) {
      const summaries = reps.map((r) => ({ r, s: summaryOf(r.scenarios, name, `engine ${engine.engine}, repetition ${r.index}`) }));
      const pooled = summaryOf(engine.pooled, name, `engine ${engine.engine} (pooled)`);
      const recorded = metricsOf(name).map((m) => ({ m, reps: summaries.map(({ r, s }) => recordable(m, s, where(runIndex, r, name))) }));
      const below = recorded.filter(({ reps }) => reps.some((x) => x.below)).map(({ m, reps }) => [m.name, reps.map((x) => x.below)]);
      const units = recorded.filter(({ m }) => m.scope === 'capacity').map(({ m }) => [m.name, metricUnit(m, definition(name))]);
      scenarios[name] = {
        values: Object.fromEntries(recorded.map(({ m, reps }) => [m.name, reps.map((x) => x.value)])),
        pooled: Object.fromEntries(metricsOf(name).map((m) => [m.name, recordable(m, pooled, `engine ${engine.engine} (pooled), scenario ${name}`).value])),
        ...(below.length > 0 ? { below: Object.fromEntries(below) } : {}),
        ...(units.length > 0 ? { units: Object.fromEntries(units) } : {}),
      };
    }
    return {
      key: baselineKey(engine, run),
      engine: engine.engine,
      model: run.model,
      scenarioSetHash: run.scenarioSet.hash,
      createdAt: run.createdAt,
      sha: run.source.sha,
      ref: run.source.ref,
      fingerprint: engine.fingerprint,
      run: runIndex + 1,
      scenarios,
    };
  });
}

/** The results are in the history already: a store whose earlier write may have landed unseen reads this as done. */
export class AlreadyRecordedError extends Error {
  override readonly name = 'AlreadyRecordedError';
}

/**
 * Appends one entry per engine and run (independent engine start) of a complete job and keeps the
 * last `keep` entries per key (removedBy tells which went). A partial run, a failed engine, a scenario with more failed
 * requests than `maxFailureRate` allows, or a value that is missing, non-finite or negative is
 * refused: a baseline must only hold healthy runs.
 */
export function recordRun(doc: BaselineDoc | null, run: RunResult, keep = DEFAULT_KEEP, maxFailureRate = 0): BaselineDoc {
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`runs kept per key must be a whole number ≥ 1, got ${keep}`);
  const failed = run.engines.filter((e) => e.status !== 'ok');
  if (failed.length > 0) {
    throw new Error(`cannot record a baseline: engine ${failed.map((e) => `${e.engine} failed (${e.error ?? 'no error message'})`).join(', ')}`);
  }
  if (run.partial) throw new Error('cannot record a baseline from a partial run (a scenario did not complete)');
  if (run.engines.length === 0) throw new Error('cannot record a baseline: the run has no engine results');
  for (const e of run.engines) {
    const [f] = excessFailures(e, run.scenarioSet.names, maxFailureRate);
    if (f) throw new Error(`cannot record a baseline: engine ${e.engine}, scenario ${f.scenario}: ${describeFailures(f, maxFailureRate)}`);
  }
  const added = run.engines.flatMap((e) => entriesOf(e, run));
  // A job's results recorded twice would count as two more runs and narrow the noise the gate
  // expects: the same key, creation time and commit already in the history is that mistake.
  const again = added.find((a) => doc?.entries.some((e) => e.key === a.key && e.createdAt === a.createdAt && e.sha === a.sha));
  if (again) throw new AlreadyRecordedError(`cannot record a baseline: engine ${again.engine}'s run of ${again.createdAt} is already in the history (recording the same results twice would count them as more runs)`);
  const all = [...(doc?.entries ?? []), ...added];
  // Keep the newest `keep` per key, in their original order.
  const seen = new Map<string, number>();
  const kept: BaselineEntry[] = [];
  for (let i = all.length - 1; i >= 0; i--) {
    const n = seen.get(all[i].key) ?? 0;
    if (n < keep) kept.push(all[i]);
    seen.set(all[i].key, n + 1);
  }
  return { schema: BASELINE_SCHEMA, entries: kept.reverse() };
}

/** The entries of `before` that recordRun left out of `after` (it keeps the entry objects it keeps). */
export function removedBy(before: BaselineDoc | null, after: BaselineDoc): BaselineEntry[] {
  const kept = new Set(after.entries);
  return (before?.entries ?? []).filter((e) => !kept.has(e));
}

/** Why a run cannot be recorded (recordRun's refusal), or null when it can. */
export function unrecordable(run: RunResult, maxFailureRate = 0): string | null {
  try {
    recordRun(null, run, 1, maxFailureRate);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The document as stored: one entry per line so that version control shows a run as one line. */
export function serializeBaselineDoc(doc: BaselineDoc): string {
  const entries = doc.entries.map((e) => JSON.stringify(e)).join(',\n');
  return `{"schema":${JSON.stringify(doc.schema)},"entries":[${entries === '' ? '' : `\n${entries}\n`}]}\n`;
}

// ---------- strict reading ----------

class Reader {
  readonly source: string;
  /** The llm-perf-gate version that wrote the entry being read (its fingerprint's), where it says. */
  writer: string | null = null;
  constructor(source: string) {
    this.source = source;
  }

  fail(path: string, message: string, remedy = 'fix or remove it by hand'): never {
    throw new Error(`${this.source}: ${path === '' ? '' : `${path}: `}${message} (the stored baseline is left as it is; ${remedy})`);
  }

  /**
   * A field this version does not know. From a newer writer (one workflow on a newer action than
   * another's) it is no damage to repair: the remedy is a version that reads it.
   */
  unknownField(path: string, expected: readonly string[]): never {
    const message = `unknown field; expected one of: ${expected.join(', ')}`;
    if (this.writer === null || !newerVersion(this.writer, actionVersion())) return this.fail(path, message);
    return this.fail(path, `${message}; the entry was written by llm-perf-gate ${this.writer}, newer than this ${actionVersion()}`, `read it with ${this.writer} or newer`);
  }

  expected(path: string, what: string, value: unknown): never {
    return this.fail(path, `expected ${what}, got ${describeValue(value)}`);
  }

  object(value: unknown, path: string, keys: readonly string[], optional: readonly string[] = []): Record<string, unknown> {
    if (!isPlainObject(value)) this.expected(path, 'an object', value);
    for (const k of Object.keys(value)) {
      if (!keys.includes(k) && !optional.includes(k)) this.unknownField(joinPath(path, k), [...keys, ...optional]);
    }
    for (const k of keys) if (!(k in value)) this.fail(joinPath(path, k), 'missing');
    return value;
  }

  /** An object whose keys are names (metrics, scenarios) rather than fixed fields. */
  record(value: unknown, path: string): Record<string, unknown> {
    return isPlainObject(value) ? value : this.expected(path, 'an object', value);
  }

  string(value: unknown, path: string): string {
    return typeof value === 'string' ? value : this.expected(path, 'a string', value);
  }

  nullableString(value: unknown, path: string): string | null {
    return value === null ? null : typeof value === 'string' ? value : this.expected(path, 'a string or null', value);
  }

  number(value: unknown, path: string): number {
    return typeof value === 'number' && Number.isFinite(value) ? value : this.expected(path, 'a finite number', value);
  }

  array(value: unknown, path: string): unknown[] {
    return Array.isArray(value) ? value : this.expected(path, 'an array', value);
  }
}

function readFingerprint(r: Reader, value: unknown, path: string): Fingerprint {
  // Only the fields the gate compares are checked; fields a newer collector adds pass through.
  if (!isPlainObject(value)) r.expected(path, 'a fingerprint object', value);
  const at = (k: string): string => joinPath(path, k);
  if (value.gpu !== null) {
    if (!isPlainObject(value.gpu)) r.expected(at('gpu'), 'an object or null', value.gpu);
    r.string(value.gpu.name, at('gpu.name'));
    r.number(value.gpu.count, at('gpu.count'));
    r.number(value.gpu.memoryMiB, at('gpu.memoryMiB'));
    r.string(value.gpu.driver, at('gpu.driver'));
    r.string(value.gpu.cuda, at('gpu.cuda'));
  }
  r.string(value.cpu, at('cpu'));
  if (!isPlainObject(value.engine)) r.expected(at('engine'), 'an object', value.engine);
  r.string(value.engine.name, at('engine.name'));
  r.string(value.engine.version, at('engine.version'));
  for (const k of ['torch', 'transformers', 'python']) r.nullableString(value[k], at(k));
  if (!isPlainObject(value.model)) r.expected(at('model'), 'an object', value.model);
  r.string(value.model.id, at('model.id'));
  r.nullableString(value.model.configHash, at('model.configHash'));
  r.nullableString(value.model.tokenizerHash, at('model.tokenizerHash'));
  r.array(value.engineArgs, at('engineArgs')).forEach((a, i) => r.string(a, joinPath(at('engineArgs'), i)));
  r.string(value.actionVersion, at('actionVersion'));
  if (value.tokenCounts !== undefined && value.tokenCounts !== 'exact' && value.tokenCounts !== 'estimated') {
    r.expected(at('tokenCounts'), '"exact" or "estimated"', value.tokenCounts);
  }
  return value as unknown as Fingerprint;
}

/**
 * The largest stored value of each metric unit: a latency of at most ~28 hours (past the longest
 * request deadline), a rate below what any server reaches. Below, a stored value must be one
 * recordRun would have kept (above 0, or 0 for goodput). A value outside it was not measured: a
 * tampered or damaged file, which must not steer the gate (a 0 ms baseline turns every run into a
 * regression, 0 tok/s or 1e300 hides every one).
 */
// A capacity is requests/s or concurrent requests that passed a probe (or the lowest load tried, for one below it).
const PLAUSIBLE_MAX: Readonly<Record<string, number>> = { ms: 1e8, 'tok/s': 1e9, 'req/s': 1e7, [CAPACITY_METRIC.unit]: 1e7 };

function checkPlausible(r: Reader, metric: string, x: number, path: string): void {
  const def = ALL_METRICS.find((m) => m.name === metric);
  const max = def && PLAUSIBLE_MAX[def.unit];
  // A metric this version does not know (a newer writer) is carried, not judged.
  if (!def || max === undefined) return;
  if (valueProblem(def, x) !== null || x > max) r.expected(path, `${def.label} (${def.unit}) ${def.zeroMeasured ? '≥' : 'above'} 0 and at most ${max}`, x);
}

function readScenario(r: Reader, value: unknown, path: string): BaselineScenario {
  const o = r.object(value, path, ['values', 'pooled'], ['below', 'units']);
  const valuesPath = joinPath(path, 'values');
  let reps: number | null = null;
  for (const [metric, raw] of Object.entries(r.record(o.values, valuesPath))) {
    const p = joinPath(valuesPath, metric);
    const xs = r.array(raw, p);
    xs.forEach((x, i) => checkPlausible(r, metric, r.number(x, joinPath(p, i)), joinPath(p, i)));
    if (xs.length === 0) r.fail(p, 'expected at least one repetition value');
    if (reps !== null && xs.length !== reps) r.fail(p, `has ${xs.length} repetition values, other metrics have ${reps}`);
    reps = xs.length;
  }
  const pooledPath = joinPath(path, 'pooled');
  for (const [metric, x] of Object.entries(r.record(o.pooled, pooledPath))) checkPlausible(r, metric, r.number(x, joinPath(pooledPath, metric)), joinPath(pooledPath, metric));
  if (o.below !== undefined) {
    const belowPath = joinPath(path, 'below');
    for (const [metric, raw] of Object.entries(r.record(o.below, belowPath))) {
      const p = joinPath(belowPath, metric);
      const flags = r.array(raw, p);
      flags.forEach((x, i) => {
        if (typeof x !== 'boolean') r.expected(joinPath(p, i), 'true or false', x);
      });
      // Only a capacity can be censored, and its flags mark the values of the same repetitions.
      if (metric !== CAPACITY_METRIC.name) r.fail(p, `only ${CAPACITY_METRIC.name} can be a bound`);
      const values = (o.values as Record<string, unknown[]>)[metric];
      if (!Object.hasOwn(o.values as object, metric) || flags.length !== values.length) r.fail(p, `expected one flag per repetition value of values.${metric}`);
    }
  }
  if (o.units !== undefined) {
    const unitsPath = joinPath(path, 'units');
    const allowed = [loadUnit('rate'), loadUnit('concurrency')];
    for (const [metric, unit] of Object.entries(r.record(o.units, unitsPath))) {
      if (metric !== CAPACITY_METRIC.name || typeof unit !== 'string' || !allowed.includes(unit)) r.expected(joinPath(unitsPath, metric), `a unit of ${CAPACITY_METRIC.name} (${allowed.join(' or ')})`, unit);
    }
  }
  return o as unknown as BaselineScenario;
}

const ENTRY_KEYS = ['key', 'engine', 'model', 'scenarioSetHash', 'createdAt', 'sha', 'ref', 'fingerprint', 'scenarios'] as const;

/** A dotted version's numbers compared in order (a pre-release suffix ignored): whether `a` is newer than `b`. */
function newerVersion(a: string, b: string): boolean {
  const parts = (v: string): number[] => v.split('-', 1)[0].split('.').map((x) => Number(x));
  const [pa, pb] = [parts(a), parts(b)];
  if ([...pa, ...pb].some((x) => !Number.isInteger(x))) return false;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) > (pb[i] ?? 0);
  }
  return false;
}

function readEntry(r: Reader, value: unknown, path: string): BaselineEntry {
  // Peeked before anything is checked, so an unknown field anywhere in the entry can name its writer.
  const writer = isPlainObject(value) && isPlainObject(value.fingerprint) ? value.fingerprint.actionVersion : undefined;
  r.writer = typeof writer === 'string' ? writer : null;
  const o = r.object(value, path, ENTRY_KEYS, ['run']);
  if ('run' in o && !(Number.isInteger(o.run) && (o.run as number) >= 1)) r.expected(joinPath(path, 'run'), 'a whole number ≥ 1 (the engine start of its job)', o.run);
  const at = (k: string): string => joinPath(path, k);
  const engine = r.string(o.engine, at('engine'));
  const model = r.string(o.model, at('model'));
  const scenarioSetHash = r.string(o.scenarioSetHash, at('scenarioSetHash'));
  const createdAt = r.string(o.createdAt, at('createdAt'));
  if (Number.isNaN(Date.parse(createdAt))) r.expected(at('createdAt'), 'an ISO date', createdAt);
  r.nullableString(o.sha, at('sha'));
  r.nullableString(o.ref, at('ref'));
  const fingerprint = readFingerprint(r, o.fingerprint, at('fingerprint'));
  const key = r.string(o.key, at('key'));
  const want = keyOf(engine, model, scenarioSetHash, fingerprint);
  if (key !== want) r.fail(at('key'), `is "${key}" but its engine, model, scenario set and GPU give "${want}"`);
  for (const [name, s] of Object.entries(r.record(o.scenarios, at('scenarios')))) {
    readScenario(r, s, joinPath(at('scenarios'), name));
  }
  return o as unknown as BaselineEntry;
}

/**
 * Parses and validates a stored baseline document. `source` names where it came from (a path, or
 * branch:path) and starts every error message.
 */
export function parseBaselineDoc(text: string, source: string): BaselineDoc {
  const r = new Reader(source);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    r.fail('', `not valid JSON: ${(err as Error).message}`);
  }
  if (isPlainObject(raw) && raw.schema !== BASELINE_SCHEMA) {
    r.fail('schema', `is ${describeValue(raw.schema)}, expected "${BASELINE_SCHEMA}" (written by another version of llm-perf-gate?)`);
  }
  const doc = r.object(raw, '', ['schema', 'entries']);
  const entries = r.array(doc.entries, 'entries');
  entries.forEach((e, i) => readEntry(r, e, joinPath('entries', i)));
  refuseCopies(r, entries as BaselineEntry[]);
  return doc as unknown as BaselineDoc;
}

/**
 * Two entries alike in every value are one run stored twice (a file merged or restored into
 * itself): read as more runs, they would narrow the noise the gate expects and raise false alarms.
 */
function refuseCopies(r: Reader, entries: readonly BaselineEntry[]): void {
  const first = new Map<string, number>();
  const copies: string[] = [];
  entries.forEach((e, i) => {
    const text = JSON.stringify(e);
    const at = first.get(text);
    if (at === undefined) first.set(text, i);
    else copies.push(`entries[${i}] repeats entries[${at}] (engine ${e.engine}, ${e.createdAt}${e.sha ? `, commit ${e.sha.slice(0, 12)}` : ''})`);
  });
  if (copies.length > 0) {
    const shown = copies.slice(0, 5).join('; ') + (copies.length > 5 ? `; and ${copies.length - 5} more` : '');
    r.fail('entries', `${copies.length} duplicated run(s), which would count as more runs than were measured: ${shown}`);
  }
}
