import { metricDef, type MetricDef } from '../metrics/catalog.ts';
import { KNOB_WORDS, pursued, runsAdvice, type FailOn } from './advice.ts';
import { contrastBasis, SUITE } from './cells.ts';
import { otherScenarioSetText } from './select.ts';
import type { ChangePoint, EngineComparison, GateDecision, MetricComparison, Mode, SequentialRecord, SloViolation, Verdict } from '../types.ts';

// The gate: which findings fail the check, by mode.
//   pr, aggregate  compare and gate: regressions fail (and inconclusive results with
//                  failOn 'inconclusive'; a missing or non-comparable baseline with
//                  failOnMissingBaseline).
//   schedule       as pr, and a significant change point whose later level is worse than the
//                  earlier one by more than the tolerance fails too (slow drift that no single
//                  run-to-run comparison shows). It keeps failing while the shift is inside the
//                  history window: the current level is still worse than it was.
//   release        non-inferiority: the bad side of each suite-level one-sided interval (each
//                  metric over the whole scenario set; each scenario's own when the set has one)
//                  must lie within tolerance, regressions fail as in pr, and every absolute SLO
//                  limit a scenario sets must hold. Per-scenario inconclusive results do not fail
//                  a release: the suite intervals are what it must prove.
//   baseline       record only: passes unless something failed to run.
// An engine that failed, or a scenario without results, fails the gate in every mode and under
// every failOn: a run that did not happen cannot vouch for performance.

export interface GatePolicy {
  readonly mode: Mode;
  readonly failOn: FailOn;
  readonly failOnMissingBaseline: boolean;
}

export interface GateInput {
  readonly engines: readonly EngineComparison[];
  readonly changePoints: readonly ChangePoint[];
  readonly sloViolations: readonly SloViolation[];
  /** Why each failed engine failed, by engine label (shown in the reason). */
  readonly engineErrors?: Readonly<Record<string, string>>;
  /** How the sequential job ran, where it did: what would settle an open cell depends on it. */
  readonly sequential?: SequentialRecord;
}

/** Worst first: the order in which verdicts summarise a set of results. */
const SEVERITY: readonly Verdict[] = ['error', 'regression', 'inconclusive', 'not-comparable', 'no-baseline', 'improvement', 'no-change'];

/** The most severe of some verdicts, or null for none. */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict | null {
  let worst: Verdict | null = null;
  for (const v of verdicts) if (worst === null || SEVERITY.indexOf(v) < SEVERITY.indexOf(worst)) worst = v;
  return worst;
}

// ---------- wording ----------

/** A ratio as a signed change, one decimal: 1.051 → "+5.1%". */
export function signedPercent(ratio: number): string {
  const pct = (ratio - 1) * 100;
  const text = Math.abs(pct).toFixed(1);
  return `${pct < 0 && Number(text) !== 0 ? '-' : '+'}${text}%`;
}

function tolerancePercent(tolerance: number): string {
  return `${Number((tolerance * 100).toFixed(1))}%`;
}

function figure(x: number, def: MetricDef, unit = def.unit): string {
  return `${Number(x.toPrecision(4))} ${unit}`;
}

function change(m: MetricComparison): string {
  if (m.ratio === null) return 'no estimate';
  const ci = m.ci ? ` [${signedPercent(m.ci[0])}, ${signedPercent(m.ci[1])}]` : '';
  const c = m.contrast?.decided ? `; against ${contrastBasis(m.scenario)} ${signedPercent(m.contrast.ratio)} [${signedPercent(m.contrast.ci[0])}, ${signedPercent(m.contrast.ci[1])}]` : '';
  // A capacity below the lowest load tried bounds its change (censored.ts).
  const bound = m.censored?.kind === 'at-most' ? ' or lower' : m.censored?.kind === 'at-least' ? ' or higher' : '';
  return `${signedPercent(m.ratio)}${bound}${ci}${c} (tolerance ${tolerancePercent(m.tolerance)})`;
}

const cellName = (engine: string, scenario: string, metric: string): string => `${engine} / ${scenario} / ${metric}`;

// ---------- decision ----------

interface Failure {
  readonly verdict: Verdict;
  readonly reason: string;
}

/**
 * What would settle an inconclusive cell, in words that hold on every surface: the runs per job it
 * forecasts and, where `runs` is not what buys them (compare/advice.ts), the knob that is.
 */
function settleText(m: MetricComparison, seq: SequentialRecord | undefined): string {
  if (m.runsToSettle === null) return m.why === 'too-few-runs' ? 'too few runs in the history yet to bound run-to-run noise' : 'more runs per job than can settle it with this history';
  const advice = runsAdvice(m.runsToSettle, pursued(m, seq), seq);
  const knobs = advice.set.filter(([k]) => k !== 'runs').map(([k]) => KNOB_WORDS[k]);
  const through = knobs.length > 0 ? `, through ${knobs.join(' and ')}` : '';
  return `about ${m.runsToSettle} runs per job would settle it${through}${advice.note ? ` (${advice.note})` : ''}`;
}

function engineFailures(e: EngineComparison, policy: GatePolicy, errors: Readonly<Record<string, string>>, seq: SequentialRecord | undefined): Failure[] {
  if (e.verdict === 'error' && e.metrics.length === 0) {
    const why = Object.hasOwn(errors, e.engine) ? `: ${errors[e.engine]}` : '';
    return [{ verdict: 'error', reason: `${e.engine}: the engine failed${why}` }];
  }
  const out: Failure[] = [];
  // Missing results fail whatever the policy says.
  const said = new Set<string>();
  for (const m of e.metrics) {
    if (m.verdict !== 'error') continue;
    // Too many failed requests: one reason for the engine × scenario, not one per metric.
    const reason = m.error ? `${e.engine} / ${m.scenario}: ${m.error}` : `${cellName(e.engine, m.scenario, m.metric)}: no value (the scenario has no result)`;
    if (!said.has(reason)) out.push({ verdict: 'error', reason });
    said.add(reason);
  }
  if (policy.mode === 'baseline' || policy.failOn === 'never') return out;
  if ((e.verdict === 'no-baseline' || e.verdict === 'not-comparable') && e.baselineRuns === 0) {
    if (!policy.failOnMissingBaseline) return out;
    const reason =
      e.verdict === 'no-baseline'
        ? `${e.engine}: no baseline recorded yet for this engine, model, scenario set and GPU${e.otherScenarioSet ? `; ${otherScenarioSetText(e.otherScenarioSet)}` : ''}`
        : `${e.engine}: the baseline is not comparable (${e.fingerprintDiffs.map((d) => `${d.field} ${d.baseline} → ${d.current}`).join('; ')})`;
    return [...out, { verdict: e.verdict, reason }];
  }
  const release = policy.mode === 'release' ? releaseCells(e) : new Set<MetricComparison>();
  for (const m of e.metrics) {
    const name = cellName(e.engine, m.scenario, m.metric);
    if (m.verdict === 'regression') out.push({ verdict: 'regression', reason: `${name}: ${change(m)}` });
    else if (release.has(m) && m.nonInferior === false) {
      const bound = m.worstPlausible == null ? 'no estimate' : `could be as bad as ${signedPercent(m.worstPlausible)}`;
      out.push({ verdict: 'inconclusive', reason: `${name}: not shown within tolerance for a release: ${bound} (tolerance ${tolerancePercent(m.tolerance)})` });
    }
    if (m.verdict === 'inconclusive' && policy.failOn === 'inconclusive' && policy.mode !== 'release') {
      out.push({ verdict: 'inconclusive', reason: `${name}: inconclusive, ${change(m)}; ${settleText(m, seq)}` });
    }
    if (m.verdict === 'no-baseline' && policy.failOnMissingBaseline) out.push({ verdict: 'no-baseline', reason: `${name}: no baseline values for this metric` });
  }
  return out;
}

/** The cells a release must prove non-inferior: the suite cells, or every cell when the set has one scenario. */
export function releaseCells(e: EngineComparison): Set<MetricComparison> {
  const suite = e.metrics.filter((m) => m.scenario === SUITE);
  return new Set(suite.length > 0 ? suite : e.metrics.filter((m) => m.verdict !== 'no-baseline'));
}

function toleranceOf(engines: readonly EngineComparison[], cp: ChangePoint): number {
  const cell = engines.find((e) => e.engine === cp.engine)?.metrics.find((m) => m.scenario === cp.scenario && m.metric === cp.metric);
  return cell?.tolerance ?? metricDef(cp.metric).tolerance;
}

/** True when `ratio` (new / old) is worse than the tolerance allows for a metric of this direction. */
function beyondToleranceBadly(def: MetricDef, ratio: number, tolerance: number): boolean {
  return def.direction === 'higher-is-better' ? ratio < 1 - tolerance : ratio > 1 + tolerance;
}

/** Change points whose later level is worse than the earlier by more than the tolerance (schedule mode's drift). */
export function driftFailures(input: Pick<GateInput, 'engines' | 'changePoints'>): Failure[] {
  const out: Failure[] = [];
  for (const cp of input.changePoints) {
    const def = metricDef(cp.metric);
    const tolerance = toleranceOf(input.engines, cp);
    if (!(cp.before > 0) || !beyondToleranceBadly(def, cp.after / cp.before, tolerance)) continue;
    const at = cp.sha ? `run ${cp.index + 1} (${cp.sha.slice(0, 7)})` : `run ${cp.index + 1}`;
    out.push({
      verdict: 'regression',
      reason: `${cellName(cp.engine, cp.scenario, cp.metric)}: level shifted ${signedPercent(cp.after / cp.before)} from ${at}: ${figure(cp.before, def)} → ${figure(cp.after, def)} (tolerance ${tolerancePercent(tolerance)}, p = ${Number(cp.pValue.toPrecision(2))})`,
    });
  }
  return out;
}

function sloFailures(input: GateInput): Failure[] {
  return input.sloViolations.map((v) => {
    const def = metricDef(v.metric);
    const side = def.direction === 'higher-is-better' ? 'below' : 'above';
    return { verdict: 'regression', reason: `${cellName(v.engine, v.scenario, v.metric)}: ${v.below ? '< ' : ''}${figure(v.value, def, v.unit)} is ${side} the limit ${figure(v.limit, def, v.unit)}` };
  });
}

/**
 * Applies the policy to a comparison. The verdict is the worst finding that failed the gate, or,
 * when it passed, the worst engine verdict (so a passing gate can still say "inconclusive").
 */
export function decide(input: GateInput, policy: GatePolicy): GateDecision {
  const failures = input.engines.flatMap((e) => engineFailures(e, policy, input.engineErrors ?? {}, input.sequential));
  // Nothing measured (a run cancelled before its first engine started) has nothing that could pass.
  if (input.engines.length === 0) failures.push({ verdict: 'error', reason: 'no engine was measured: the run ended before any engine started' });
  if (policy.failOn !== 'never') {
    if (policy.mode === 'schedule') failures.push(...driftFailures(input));
    if (policy.mode === 'release') failures.push(...sloFailures(input));
  }
  if (failures.length > 0) {
    return { passed: false, verdict: worstVerdict(failures.map((f) => f.verdict)) ?? 'error', reasons: failures.map((f) => f.reason) };
  }
  return { passed: true, verdict: worstVerdict(input.engines.map((e) => e.verdict)) ?? 'no-baseline', reasons: [] };
}
