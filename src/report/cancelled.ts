import type { RunResult } from '../types.ts';

// A run cancelled before its first engine started has nothing to judge: with no engine results a
// comparison finds no regression, which must not read as a pass. The report and the terminal say
// "cancelled" for it instead (the exit status is a cancelled run's, as for one cut off later).

/** The run was cancelled before any engine started (measure() only ends without engines on cancellation). */
export function cancelledBeforeEngines(run: RunResult): boolean {
  return run.partial && run.engines.length === 0;
}

export const CANCELLED_GIST = 'cancelled before any engine started — nothing was measured or judged';
