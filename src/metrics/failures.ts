import type { EngineResult, ScenarioSummary } from '../types.ts';

// Data that is wrong is an error, not a number: an engine × scenario whose failed, cut-off or empty
// requests exceed the allowed share (`max-failure-rate`, default 0) measured something other than
// the serving performance the gate compares, so it is an error — named, failing the gate, never
// recorded — rather than figures computed from whatever requests happened to succeed.

export interface ExcessFailures {
  readonly scenario: string;
  readonly failed: number;
  readonly requests: number;
  /** Failure counts by error class over the job's repetitions. */
  readonly errors: Readonly<Record<string, number>>;
}

/** The engine's scenarios (over every repetition of the job) whose failed share is above `maxRate`. */
export function excessFailures(engine: EngineResult, scenarios: readonly string[], maxRate: number): ExcessFailures[] {
  if (!(maxRate >= 0 && maxRate <= 1)) throw new RangeError(`max-failure-rate must be a share from 0 to 1, got ${maxRate}`);
  const out: ExcessFailures[] = [];
  for (const scenario of scenarios) {
    const parts: ScenarioSummary[] = engine.repetitions.flatMap((r) => r.scenarios.filter((s) => s.scenario === scenario));
    const requests = parts.reduce((n, s) => n + s.requests, 0);
    const failed = parts.reduce((n, s) => n + s.failed, 0);
    if (requests === 0 || failed / requests <= maxRate) continue;
    const errors: Record<string, number> = {};
    for (const s of parts) for (const [k, v] of Object.entries(s.errors)) errors[k] = (errors[k] ?? 0) + v;
    out.push({ scenario, failed, requests, errors });
  }
  return out;
}

/** "64 of 64 requests failed (100%, more than max-failure-rate 0%): 64× http 500". */
export function describeFailures(f: ExcessFailures, maxRate: number): string {
  const pct = (x: number): string => `${Number((x * 100).toFixed(1))}%`;
  const classes = Object.entries(f.errors)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${v}× ${k}`)
    .join(', ');
  return `${f.failed} of ${f.requests} requests failed (${pct(f.failed / f.requests)}, more than max-failure-rate ${pct(maxRate)})${classes ? `: ${classes}` : ''}`;
}
