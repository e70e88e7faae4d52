import type { SequentialRecord, SequentialStop } from '../types.ts';

// How many runs a sequential job took and why it stopped, in one line under the verdict.

const STOPPED: Readonly<Record<SequentialStop, string>> = {
  decided: 'every cell was decided',
  regression: 'a regression was found (final at its look)',
  futile: 'no undecided cell was forecast to settle within max-runs',
  budget: 'one more run would exceed the time budget',
  'max-runs': 'max-runs was reached with cells still undecided',
  partial: 'an engine failed or the run was cancelled',
};

/** Pure: the same record gives the same line. */
export function sequentialLine(s: SequentialRecord): string {
  const confidence = `${Number((s.lookConfidence * 100).toPrecision(6))}%`;
  return (
    `Sequential design: ${s.runs} run${s.runs === 1 ? '' : 's'} per engine, ${s.looks} of ${s.plannedLooks} planned look${s.plannedLooks === 1 ? '' : 's'} ` +
    `(the last at confidence ${confidence}, its share of 1 − confidence: the looks' shares sum to it, so the job's false-alarm rate stays within 1 − confidence); stopped because ${STOPPED[s.stopped]}.`
  );
}
