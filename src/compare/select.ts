import { baselineKey, type BaselineEntry } from '../baseline/history.ts';
import { fingerprintDiffs } from '../baseline/fingerprint-diff.ts';
import type { EngineResult, FingerprintDiff, OtherScenarioSet, RunResult } from '../types.ts';

// Which stored runs an engine's results are compared with. Entries of the same key (engine, model,
// scenario set, GPU) whose software fingerprint matches are the baseline. When none match, the
// nearest history that exists — same key with other software, else the same engine, model and
// scenarios on other GPUs — explains why: 'not-comparable' with the differing fields, or, when the
// user allows mismatches, that history is compared anyway and the differences are kept. With no
// history of this scenario set at all, a history of the same engine and model under another set is
// named: the scenario file changed, or the load this version generates from it (its generation is
// part of the set's hash), and a user who just upgraded should learn why the baseline went away. A
// store that keeps two sets on purpose gets the same line on each set's first job: entries keep the
// set's hash, not its file's name, so the message names that case too.

export interface BaselineSelection {
  readonly status: 'ok' | 'no-baseline' | 'not-comparable';
  /** The entries to compare with, oldest first. */
  readonly entries: readonly BaselineEntry[];
  /** How the newest non-matching candidate differs from the current run (kept when compared anyway). */
  readonly diffs: readonly FingerprintDiff[];
  /** With no baseline: the same engine and model's newest history under another scenario set, if any. */
  readonly otherScenarioSet: OtherScenarioSet | null;
}

function otherScenarioSet(history: readonly BaselineEntry[], engine: EngineResult, run: RunResult): OtherScenarioSet | null {
  const related = history.filter((e) => e.engine === engine.engine && e.model === run.model && e.scenarioSetHash !== run.scenarioSet.hash);
  const newest = related.at(-1);
  if (!newest) return null;
  return { hash: newest.scenarioSetHash, runs: related.filter((e) => e.scenarioSetHash === newest.scenarioSetHash).length, newest: newest.createdAt };
}

/** Entries of the most recently recorded key among same engine × model × scenario set on other hardware. */
function otherHardware(history: readonly BaselineEntry[], engine: EngineResult, run: RunResult): BaselineEntry[] {
  const related = history.filter((e) => e.engine === engine.engine && e.model === run.model && e.scenarioSetHash === run.scenarioSet.hash);
  const newest = related.at(-1);
  return newest ? related.filter((e) => e.key === newest.key) : [];
}

/**
 * Why the history under another scenario set was not compared, for the gate's reasons and the
 * report (`esc` escapes what came from the stored file for markdown).
 */
export function otherScenarioSetText(o: OtherScenarioSet, esc: (s: string) => string = (s) => s): string {
  const runs = o.runs === 1 ? '1 stored run' : `${o.runs} stored runs`;
  return `${runs} under another scenario set (${esc(o.hash.slice(0, 12))}, newest ${esc(o.newest.slice(0, 10))}) not compared: the scenario file changed (or this store also keeps another set), or the load this version generates from it`;
}

export function selectBaseline(
  history: readonly BaselineEntry[],
  engine: EngineResult,
  run: RunResult,
  allowFingerprintMismatch: boolean,
): BaselineSelection {
  const key = baselineKey(engine, run);
  const sameKey = history.filter((e) => e.key === key);
  const candidates = sameKey.length > 0 ? sameKey : otherHardware(history, engine, run);
  if (candidates.length === 0) return { status: 'no-baseline', entries: [], diffs: [], otherScenarioSet: otherScenarioSet(history, engine, run) };
  const withDiffs = candidates.map((e) => ({ entry: e, diffs: fingerprintDiffs(e.fingerprint, engine.fingerprint) }));
  const newestMismatch = withDiffs.filter((c) => c.diffs.length > 0).at(-1);
  if (allowFingerprintMismatch) return { status: 'ok', entries: candidates, diffs: newestMismatch?.diffs ?? [], otherScenarioSet: null };
  const matching = withDiffs.filter((c) => c.diffs.length === 0).map((c) => c.entry);
  if (matching.length > 0) return { status: 'ok', entries: matching, diffs: [], otherScenarioSet: null };
  return { status: 'not-comparable', entries: [], diffs: newestMismatch?.diffs ?? [], otherScenarioSet: null };
}
