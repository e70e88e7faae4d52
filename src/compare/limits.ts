import { censoredBound, metricDef, metricUnit } from '../metrics/catalog.ts';
import type { RunResult, Scenario, SloViolation } from '../types.ts';

// The scenario definitions' own settings the comparison reads (tolerances, absolute SLO limits),
// checked before they are used, and the release gate's absolute limits.

function checkTolerance(value: unknown, where: string): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new Error(`${where}: expected a relative tolerance from 0 to below 1 (0.05 = 5%), got ${JSON.stringify(value)}`);
  }
}

function checkMetricRecord(record: Readonly<Record<string, number>>, where: string, check: (v: unknown, at: string) => void): void {
  for (const [name, value] of Object.entries(record)) {
    try {
      metricDef(name);
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`);
    }
    check(value, `${where}.${name}`);
  }
}

function checkLimit(value: unknown, where: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${where}: expected a finite number, got ${JSON.stringify(value)}`);
}

/** The run's scenario definitions by name (tolerances and absolute limits come from them), checked. */
export function scenarioMap(run: RunResult, tolerances: Readonly<Record<string, number>> | undefined): Map<string, Scenario> {
  const byName = new Map(run.scenarioSet.definitions.map((s) => [s.name, s]));
  for (const name of run.scenarioSet.names) {
    if (!byName.has(name)) throw new Error(`compare: the run's scenario set lists "${name}" but holds no definition for it`);
  }
  for (const s of byName.values()) {
    checkMetricRecord(s.tolerances, `scenario "${s.name}" tolerances`, checkTolerance);
    checkMetricRecord(s.limits, `scenario "${s.name}" limits`, checkLimit);
  }
  if (tolerances) checkMetricRecord(tolerances, 'tolerances', checkTolerance);
  return byName;
}

/** Every absolute limit a scenario sets that the run's pooled figures break. */
export function sloViolations(run: RunResult, scenarios: Map<string, Scenario>): SloViolation[] {
  const out: SloViolation[] = [];
  for (const engine of run.engines) {
    if (engine.status !== 'ok') continue;
    for (const name of run.scenarioSet.names) {
      const pooled = engine.pooled.find((p) => p.scenario === name);
      if (!pooled) continue;
      for (const [metric, limit] of Object.entries(scenarios.get(name)!.limits)) {
        const def = metricDef(metric);
        // A capacity below the lowest load tried is below its bound: it breaks a minimum at or above that bound.
        const bound = censoredBound(def, pooled);
        const value = bound ?? def.read(pooled);
        const violated = def.direction === 'higher-is-better' ? value < limit || (bound !== null && value <= limit) : value > limit;
        if (violated) out.push({ engine: engine.engine, scenario: name, metric, limit, value, unit: metricUnit(def, scenarios.get(name)), ...(bound !== null ? { below: true } : {}) });
      }
    }
  }
  return out;
}
