import { describeValue, isPlainObject, joinPath } from '../config/schema-rules.ts';
import type { Comparison, RunResult } from '../types.ts';

// The gate log: one record per judged job (pull request, schedule, release), kept beside the
// baseline history in the same store, so that a maintainer can mark a failed gate as a false alarm
// and the dashboard can set the observed false-alarm rate beside the gate's nominal one. It is a
// document of its own on purpose: a mark never touches the baseline history, so marking a run can
// neither add it to the baseline nor take it out (baselines are only written by recordRun in the
// baseline and schedule modes).

export const GATES_SCHEMA = 'llm-perf-gate/gates@1';
/** The log keeps the newest records: enough for a rate over a year of nightly and PR gates. */
export const GATES_KEPT = 2000;

export interface FalseAlarmMark {
  readonly at: string;
  /** Who marked it: a login, or "cli" for a local mark. */
  readonly by: string;
  readonly note: string;
}

export interface GateRecord {
  readonly createdAt: string;
  readonly sha: string | null;
  readonly ref: string | null;
  readonly mode: string;
  readonly pr: number | null;
  readonly reportUrl: string | null;
  readonly passed: boolean;
  /** The gate's family-wise false-alarm rate (1 − confidence): the rate a marked share is held against. */
  readonly alpha: number;
  /** Every engine judged, with its regressed cells as scenario/metric. */
  readonly engines: readonly { readonly engine: string; readonly regressions: readonly string[] }[];
  readonly falseAlarm: FalseAlarmMark | null;
}

export interface GatesDoc {
  readonly schema: typeof GATES_SCHEMA;
  /** Oldest first. */
  readonly gates: readonly GateRecord[];
}

/** The record of one judged job. */
export function gateRecord(run: RunResult, comparison: Comparison, where: { pr: number | null; reportUrl: string | null }): GateRecord {
  return {
    createdAt: run.createdAt,
    sha: run.source.sha,
    ref: run.source.ref,
    mode: comparison.mode,
    pr: where.pr,
    reportUrl: where.reportUrl,
    passed: comparison.gate.passed,
    alpha: Number((1 - comparison.confidence).toPrecision(6)),
    engines: comparison.engines.map((e) => ({ engine: e.engine, regressions: e.metrics.filter((m) => m.verdict === 'regression').map((m) => `${m.scenario}/${m.metric}`) })),
    falseAlarm: null,
  };
}

export function appendGate(doc: GatesDoc | null, record: GateRecord): GatesDoc {
  const gates = [...(doc?.gates ?? []).filter((g) => !(g.createdAt === record.createdAt && g.sha === record.sha)), record];
  return { schema: GATES_SCHEMA, gates: gates.slice(-GATES_KEPT) };
}

/** Which gate: a pull request's, a commit's, or (neither given) the newest failed gate. */
export interface MarkTarget {
  readonly pr?: number;
  /** A commit sha or its prefix (at least 7 characters). */
  readonly sha?: string;
}

export function describeTarget(target: MarkTarget): string {
  return target.pr !== undefined ? `pull request #${target.pr}` : target.sha !== undefined ? `commit ${target.sha}` : 'the newest failed gate';
}

/**
 * Marks the newest failed gate of a pull request or commit as a false alarm. A passed gate cannot
 * be a false alarm, and a mark is never silently moved: marking a marked gate again is an error.
 */
export function markFalseAlarm(doc: GatesDoc | null, target: MarkTarget, mark: FalseAlarmMark): GatesDoc {
  const what = describeTarget(target);
  if (target.sha !== undefined && !/^[0-9a-f]{7,40}$/i.test(target.sha)) throw new Error(`mark a false alarm: a commit sha is 7 to 40 hex digits, got ${describeValue(target.sha)}`);
  const gates = doc?.gates ?? [];
  const sha = target.sha?.toLowerCase();
  const matches = (g: GateRecord): boolean => (target.pr !== undefined ? g.pr === target.pr : sha !== undefined ? g.sha !== null && g.sha.toLowerCase().startsWith(sha) : true);
  const mine = gates.map((g, i) => ({ g, i })).filter(({ g }) => matches(g));
  if (mine.length === 0) throw new Error(`mark a false alarm: the gate log has no gate${target.pr === undefined && sha === undefined ? '' : ` for ${what}`} (only judged gates are logged: pr, schedule, release and aggregate modes)`);
  const failed = mine.filter(({ g }) => !g.passed);
  if (failed.length === 0) throw new Error(`mark a false alarm: ${target.pr === undefined && sha === undefined ? 'every logged gate' : `every gate of ${what}`} passed; only a failed gate can be a false alarm`);
  const { g, i } = failed[failed.length - 1];
  if (g.falseAlarm) throw new Error(`mark a false alarm: ${target.pr === undefined && sha === undefined ? 'the newest failed gate' : `the gate of ${what}`}, at ${g.createdAt}, is already marked (by ${g.falseAlarm.by} at ${g.falseAlarm.at})`);
  const next = [...gates];
  next[i] = { ...g, falseAlarm: mark };
  return { schema: GATES_SCHEMA, gates: next };
}

export interface FalseAlarmRate {
  readonly engine: string;
  /** Gates that judged the engine. */
  readonly judged: number;
  /** Gates that failed on the engine's cells. */
  readonly alarms: number;
  readonly falseAlarms: number;
  /** falseAlarms / judged. */
  readonly observed: number;
  /** The largest nominal rate of those gates (1 − confidence). */
  readonly nominal: number;
}

/** Per engine: how often the gate alarmed on it and was marked wrong, against its nominal rate. */
export function falseAlarmRates(doc: GatesDoc | null): FalseAlarmRate[] {
  const by = new Map<string, { judged: number; alarms: number; falseAlarms: number; nominal: number }>();
  for (const g of doc?.gates ?? []) {
    for (const e of g.engines) {
      const r = by.get(e.engine) ?? { judged: 0, alarms: 0, falseAlarms: 0, nominal: 0 };
      r.judged++;
      r.nominal = Math.max(r.nominal, g.alpha);
      if (e.regressions.length > 0) {
        r.alarms++;
        if (g.falseAlarm) r.falseAlarms++;
      }
      by.set(e.engine, r);
    }
  }
  return [...by.entries()].map(([engine, r]) => ({ engine, ...r, observed: r.judged === 0 ? 0 : r.falseAlarms / r.judged }));
}

export function serializeGatesDoc(doc: GatesDoc): string {
  return `{"schema":${JSON.stringify(doc.schema)},"gates":[${doc.gates.length ? `\n${doc.gates.map((g) => JSON.stringify(g)).join(',\n')}\n` : ''}]}\n`;
}

/** Reads a gate log strictly: any unexpected field or value is an error naming the source and the field. */
export function parseGatesDoc(text: string, source: string): GatesDoc {
  const fail = (path: string, message: string): never => {
    throw new Error(`${source}: ${path ? `${path}: ` : ''}${message} (the gate log is left as it is; fix or remove it by hand)`);
  };
  const expect = (ok: boolean, path: string, what: string, value: unknown): void => {
    if (!ok) fail(path, `expected ${what}, got ${describeValue(value)}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return fail('', `not valid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(raw)) return fail('', `expected an object, got ${describeValue(raw)}`);
  if (raw.schema !== GATES_SCHEMA) fail('schema', `is ${describeValue(raw.schema)}, expected "${GATES_SCHEMA}"`);
  expect(Array.isArray(raw.gates), 'gates', 'an array', raw.gates);
  (raw.gates as unknown[]).forEach((g, i) => {
    const at = (k: string): string => joinPath(joinPath('gates', i), k);
    expect(isPlainObject(g), joinPath('gates', i), 'an object', g);
    const o = g as Record<string, unknown>;
    expect(typeof o.createdAt === 'string' && !Number.isNaN(Date.parse(o.createdAt)), at('createdAt'), 'an ISO date', o.createdAt);
    for (const k of ['sha', 'ref', 'reportUrl']) expect(o[k] === null || typeof o[k] === 'string', at(k), 'a string or null', o[k]);
    expect(typeof o.mode === 'string', at('mode'), 'a string', o.mode);
    expect(o.pr === null || (Number.isInteger(o.pr) && (o.pr as number) > 0), at('pr'), 'a pull request number or null', o.pr);
    expect(typeof o.passed === 'boolean', at('passed'), 'true or false', o.passed);
    expect(typeof o.alpha === 'number' && o.alpha > 0 && o.alpha < 1, at('alpha'), 'a number between 0 and 1', o.alpha);
    expect(Array.isArray(o.engines), at('engines'), 'an array', o.engines);
    (o.engines as unknown[]).forEach((e, j) => {
      const p = joinPath(at('engines'), j);
      expect(isPlainObject(e) && typeof e.engine === 'string' && Array.isArray(e.regressions) && e.regressions.every((c) => typeof c === 'string'), p, 'an object { engine, regressions: [scenario/metric] }', e);
    });
    const m = o.falseAlarm;
    expect(m === null || (isPlainObject(m) && typeof m.at === 'string' && typeof m.by === 'string' && typeof m.note === 'string'), at('falseAlarm'), 'null or { at, by, note }', m);
  });
  return raw as unknown as GatesDoc;
}
