import type { SequentialRecord, SequentialStop } from '../types.ts';

// How many runs a sequential job took and why it stopped, in one line under the verdict (the
// report's and the terminal's).

const STOPPED: Readonly<Record<SequentialStop, string>> = {
  decided: 'every cell was decided',
  regression: 'a regression was found (final at its look)',
  futile: 'no undecided cell was forecast to settle within max-runs',
  budget: 'one more run would exceed the time budget',
  'max-runs': 'max-runs was reached with cells still undecided',
  partial: 'an engine failed or the run was cancelled',
};

/** "90 s", "42 min", "1 h", "2.5 h": a measuring time as a reader compares it with a budget. */
function formatDuration(s: number): string {
  if (s < 120) return `${Math.round(s)} s`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Number((s / 3600).toFixed(1))} h`;
}

/** Why it stopped; for the budget, the budget, the time the runs took and where one more would have ended. */
function stoppedText(s: SequentialRecord): string {
  if (s.stopped !== 'budget' || s.budgetS == null || s.measuredS === undefined) return STOPPED[s.stopped];
  const mean = s.measuredS / s.runs;
  const short = s.maxRuns !== undefined ? `, short of max-runs ${s.maxRuns} and its last look` : '';
  return (
    `${STOPPED.budget} of ${formatDuration(s.budgetS)}: ${s.runs} run${s.runs === 1 ? '' : 's'} took ${formatDuration(s.measuredS)} ` +
    `(≈ ${formatDuration(mean)} each), one more would end at ≈ ${formatDuration(s.measuredS + mean)}${short}`
  );
}

/** Pure: the same record gives the same line. */
export function sequentialLine(s: SequentialRecord): string {
  const confidence = `${Number((s.lookConfidence * 100).toPrecision(6))}%`;
  return (
    `Sequential design: ${s.runs} run${s.runs === 1 ? '' : 's'} per engine, ${s.looks} of ${s.plannedLooks} planned look${s.plannedLooks === 1 ? '' : 's'} ` +
    `(look ${s.looks}, where it stopped, tested at confidence ${confidence}, its share of 1 − confidence: the looks' shares sum to it, so the job's false-alarm rate stays within 1 − confidence); stopped because ${stoppedText(s)}.`
  );
}
