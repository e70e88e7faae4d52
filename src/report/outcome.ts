import { cancelledBeforeEngines, CANCELLED_GIST } from './cancelled.ts';
import type { FailOn } from '../compare/advice.ts';
import { driftFailures } from '../compare/gate.ts';
import type { MissingBaselinePolicy } from '../config/inputs.ts';
import type { Comparison, MetricComparison, Mode, RunResult, SequentialRecord } from '../types.ts';
import { passesText } from './format.ts';
import { gateGist } from './gist.ts';
import { readAll } from './reading.ts';
import { notShown } from './release.ts';
import { knobWords } from './settle.ts';

// The gate's outcome in one vocabulary. Everything that tells a reader how the gate went — the
// report's title (the PR comment and the job summary), the terminal's first line, the `verdict`
// step output, the annotations and the exit status — is read from the one object this module
// builds, so they cannot disagree. "passed" is said only of a gate that compared something and
// found nothing beyond tolerance at its confidence; a finding that does not fail the check (a
// regression under fail-on never, an inconclusive result under fail-on regression) is said as
// what it is, under ⚠️, with why it is not failing.

export type Outcome =
  | 'passed'
  | 'regression'
  | 'inconclusive'
  | 'error'
  /** Nothing to compare with, and the missing-baseline policy lets that pass. */
  | 'no-baseline'
  /** Nothing to compare with where the missing-baseline policy says there must be something. */
  | 'missing-baseline'
  | 'not-comparable'
  | 'cancelled'
  /** Measured without gating: a shard of a matrix (the aggregate job gates), or a CLI run without --baseline. */
  | 'measured';

/** The baseline document was not there: where it was looked for, and what the policy made of it. */
export interface MissingBaseline {
  /** The store's location as its messages name it (a path, or owner/repo@branch:path). */
  readonly location: string;
  readonly policy: MissingBaselinePolicy;
  /** Whether the store had ever been written (the baseline branch exists; the file's folder has the history marker). */
  readonly everWritten: boolean;
}

/** Whether a missing baseline fails the gate under the policy. */
export function missingBaselineFails(missing: MissingBaseline): boolean {
  return missing.policy === 'fail' || (missing.policy === 'auto' && missing.everWritten);
}

export interface OutcomeInput {
  readonly run: RunResult;
  /** Null when nothing was compared (no store: a shard, or the CLI without --baseline). */
  readonly comparison: Comparison | null;
  readonly failOn: FailOn;
  /** The missing-baseline policy (default auto). */
  readonly missingBaseline?: MissingBaselinePolicy;
  /** Set when the baseline document was absent. */
  readonly missing?: MissingBaseline | null;
  /** A shard of a matrix: it only measures. */
  readonly shard?: { readonly index: number; readonly count: number } | null;
}

export interface GateOutcome {
  readonly outcome: Outcome;
  /** The check fails (the step's setFailed, the CLI's exit status 3). */
  readonly failed: boolean;
  /** The `verdict` step output: the outcome, with a pass told as no-change or improvement. */
  readonly verdict: string;
  readonly icon: '✅' | '❌' | '⚠️' | 'ℹ️';
  /** The title after "<title>: ", plain text built from counts and fixed words (nothing untrusted). */
  readonly headline: string;
  /** Why a finding does not fail the check ("fail-on never"), or null. */
  readonly notFailing: string | null;
  /** What would settle the inconclusive cells, or null when none are open. */
  readonly settle: string | null;
  /** The baseline document was absent (where, and under which policy); null when it was there or not looked for. */
  readonly missing: MissingBaseline | null;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The gate's modes that record rather than gate: a missing baseline there is where the history starts. */
const RECORDING: ReadonlySet<Mode> = new Set(['baseline', 'schedule']);

/**
 * "more runs per job and more baseline runs": what the verdicts say would settle the open cells,
 * more runs named by the input that buys them as the job ran (`seq`, compare/advice.ts).
 */
export function settleHint(open: readonly MetricComparison[], seq?: SequentialRecord): string | null {
  if (open.length === 0) return null;
  const steps = [...knobWords(open, seq), open.some((m) => m.runsToSettle === null && m.why === 'too-few-runs') ? 'more baseline runs' : null].filter((s) => s !== null);
  const noisy = open.some((m) => m.runsToSettle === null && m.why !== 'too-few-runs');
  if (steps.length === 0) return 'too noisy to settle at their tolerance with this history';
  return `${steps.join(' and ')} would settle ${open.length === 1 ? 'it' : 'them'}${noisy ? ' (some are too noisy at their tolerance)' : ''}`;
}

/** Why a finding the gate saw did not fail it; `required`: the missing-baseline policy wanted a baseline there. */
function notFailingWhy(comparison: Comparison, failOn: FailOn, outcome: Outcome, required: boolean, policy: MissingBaselinePolicy, missing: MissingBaseline | null): string {
  if (comparison.mode === 'baseline') return 'mode baseline only records';
  if ((outcome === 'no-baseline' || outcome === 'not-comparable') && !required) {
    if (policy === 'warn') return 'missing-baseline warn';
    return missing && !missing.everWritten ? 'missing-baseline auto, and this store has never been written' : 'missing-baseline auto fails only a store that lost its baseline';
  }
  if (failOn === 'never') return 'fail-on never';
  return `fail-on ${failOn}`;
}

/** A run cancelled before its first engine started measured nothing: the title says so rather than count engines. */
function cancelledWhat(run: RunResult): string {
  return cancelledBeforeEngines(run) ? CANCELLED_GIST : 'cancelled';
}

/** The run failed where it should have measured: cancelled (a signal) or an engine or scenario error. */
function brokenRun(run: RunResult): Outcome | null {
  if (!run.partial) return null;
  if (cancelledBeforeEngines(run)) return 'cancelled';
  const failed = run.engines.filter((e) => e.status !== 'ok');
  // measure() says "cancelled"; an aggregate job prefixes the shard's path to it.
  return failed.length > 0 && failed.every((e) => /(^|: )cancelled$/.test(e.error ?? '')) ? 'cancelled' : 'error';
}

export function gateOutcome(input: OutcomeInput): GateOutcome {
  const { run, comparison, failOn } = input;
  const missing = input.missing ?? null;
  const policy = input.missingBaseline ?? 'auto';
  // The policy wants a baseline here: every engine's (fail), or the history the store once had (auto).
  const required = policy === 'fail' || (missing !== null && missingBaselineFails(missing));
  const measured = `${plural(run.engines.length, 'engine')} × ${plural(run.scenarioSet.names.length, 'scenario')} × ${passesText(run)}`;
  const broken = brokenRun(run);
  if (!comparison) {
    if (broken) {
      const failed = run.engines.filter((e) => e.status !== 'ok').length;
      const what = broken === 'cancelled' ? cancelledWhat(run) : failed > 0 ? `${plural(failed, 'engine')} failed` : 'partial run';
      return { outcome: broken, failed: true, verdict: broken, icon: '❌', headline: `failed — ${what}, nothing compared (${measured})`, notFailing: null, settle: null, missing };
    }
    const shard = input.shard && input.shard.count > 1 ? input.shard : null;
    const headline = shard
      ? `measured shard ${shard.index}/${shard.count} (${measured}); the aggregate job compares and gates`
      : `measured, no baseline to compare with (${measured})`;
    return { outcome: 'measured', failed: false, verdict: 'measured', icon: 'ℹ️', headline, notFailing: null, settle: null, missing };
  }

  const readings = readAll(comparison);
  const gist = gateGist(comparison, readings);
  const open = comparison.engines.flatMap((e) => e.metrics.filter((m) => m.verdict === 'inconclusive'));
  const failed = !comparison.gate.passed || broken !== null;
  // An exceeded limit, or a drift beyond tolerance, is a regression finding even where the policy
  // did not act on it (fail-on never).
  const unacted =
    (comparison.mode === 'release' && comparison.sloViolations.length > 0) || (comparison.mode === 'schedule' && driftFailures(comparison).length > 0);
  const v = comparison.gate.passed && unacted ? 'regression' : comparison.gate.verdict;
  // A release that passed proved what it must (every suite interval within tolerance): cells it
  // need not decide, left inconclusive, do not make it less than passed.
  const proven = comparison.mode === 'release' && comparison.gate.passed && v === 'inconclusive' && notShown(comparison).length === 0;
  const outcome: Outcome =
    broken ??
    (proven
      ? 'passed'
      : v === 'error' || v === 'regression' || v === 'inconclusive' || v === 'not-comparable'
        ? v
        : v === 'no-baseline'
          ? required
            ? 'missing-baseline'
            : 'no-baseline'
          : 'passed');
  const settle = outcome === 'inconclusive' ? settleHint(open, comparison.sequential) : null;
  const notFailing = failed || outcome === 'passed' ? null : notFailingWhy(comparison, failOn, outcome, required, policy, missing);
  const tail = notFailing ? ` (not failing: ${notFailing})` : '';
  // A pass reads as its gate's verdict, improvement or no-change (a proven release: no-change).
  const verdict = outcome === 'passed' ? (comparison.gate.verdict === 'improvement' ? 'improvement' : 'no-change') : outcome;
  const without = comparison.engines.filter((e) => e.baselineRuns === 0).length;
  const compared = comparison.engines.length - without;

  if (outcome === 'passed') return { outcome, failed, verdict, icon: '✅', headline: `passed — ${gist}`, notFailing, settle, missing };
  const nothingToCompare = { 'no-baseline': 'no baseline yet', 'missing-baseline': 'baseline missing', 'not-comparable': 'no comparable baseline' } as const;
  let headline: string;
  if (outcome === 'inconclusive') {
    const cells = open.length > 0 ? `${plural(open.length, 'cell')} undecided` : gist;
    headline = `${failed ? 'failed — ' : ''}inconclusive — ${cells}${settle ? `; ${settle}` : ''}${tail}`;
  } else if (outcome === 'no-baseline' || outcome === 'missing-baseline' || outcome === 'not-comparable') {
    const scope = compared > 0 ? ` for ${without} of ${plural(comparison.engines.length, 'engine')} (the rest: ${gist})` : `, nothing compared (${measured})`;
    headline = `${failed ? 'failed — ' : ''}${nothingToCompare[outcome]}${scope}${tail}`;
  } else {
    // regression, error, cancelled
    headline = failed ? `failed — ${outcome === 'cancelled' ? cancelledWhat(run) : gist}` : `${gist}${tail}`;
  }
  const icon = failed ? '❌' : outcome === 'no-baseline' && RECORDING.has(comparison.mode) ? 'ℹ️' : '⚠️';
  return { outcome, failed, verdict, icon, headline, notFailing, settle, missing };
}

/** The title line of the report and the terminal: "<icon> <title>: <headline>". */
export function outcomeTitle(o: GateOutcome, title: string): string {
  return `${o.icon} ${title}: ${o.headline}`;
}

/**
 * The missing baseline said in full, for the report and the warning annotation: where it was
 * looked for, that nothing was compared, and what the policy made of it.
 */
export function missingBaselineText(missing: MissingBaseline): string {
  const why =
    missing.policy === 'fail'
      ? 'missing-baseline fail: the gate fails without one'
      : missing.policy === 'warn'
        ? 'missing-baseline warn: the gate does not fail for it'
        : missing.everWritten
          ? 'missing-baseline auto: this store has been written before, so a history was expected here (a mistyped path, or a deleted file?) and the gate fails'
          : 'missing-baseline auto: this store has never been written (a new repository, or a mistyped branch or folder?), so the gate does not fail for it; it will once a baseline is recorded here, and missing-baseline fail fails it now';
  return `No baseline history at ${missing.location}: nothing was compared with a baseline. ${why}.`;
}
