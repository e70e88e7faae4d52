import { KNOB_WORDS, pursued, runsAdvice, type RunsAdvice } from '../compare/advice.ts';
import type { MetricComparison, SequentialRecord } from '../types.ts';

// The advice of compare/advice.ts as the report writes it: the inputs a reader sets, in the
// surface's own syntax (`max-runs: 12` in a workflow, `--max-runs 12` on the command line), and the
// knobs the title names.

/** The advice's inputs as the reader sets them (`max-runs: 12` and `time-budget: 74m`), or null where it names none. */
export function adviceInputs(a: RunsAdvice, input: (name: string, value: number | string) => string): string | null {
  return a.set.length > 0 ? a.set.map(([name, value]) => (value === null ? KNOB_WORDS[name] : input(name, value))).join(' and ') : null;
}

/** ["more runs per job", "a larger max-runs"]: the knobs of the open cells' own advice, for the title. */
export function knobWords(open: readonly MetricComparison[], seq: SequentialRecord | undefined): string[] {
  const knobs = new Set(open.filter((m) => m.runsToSettle !== null).flatMap((m) => runsAdvice(m.runsToSettle!, pursued(m, seq), seq).set.map(([k]) => k)));
  return (['runs', 'max-runs', 'time-budget'] as const).filter((k) => knobs.has(k)).map((k) => KNOB_WORDS[k]);
}
