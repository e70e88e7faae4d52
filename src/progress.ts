// Progress of a run that a person can follow. On a terminal: one line per engine, redrawn in place,
// with the scenario, the pass, requests done of the total, elapsed time and time left. In logs (CI,
// the action): a line when a scenario ends and at most every 10 s in between, so a long scenario
// still shows life without flooding the log.

export interface LoadProgress {
  readonly engine: string;
  readonly scenario: string;
  /** "rep 2/5" or "warm-up 1/1". */
  readonly pass: string;
  readonly done: number;
  readonly total: number;
  /** Requests this engine has finished in the whole plan, warm-up passes included, and their total. */
  readonly engineDone: number;
  readonly engineTotal: number;
}

export interface ProgressSink {
  /** Writes text as is (the terminal form redraws with \r). */
  readonly write: (text: string) => void;
  readonly tty: boolean;
  readonly now?: () => number;
  readonly intervalMs?: number;
  /** Terminal width: a longer line would wrap and break the in-place redraw. */
  readonly columns?: number;
}

export interface ProgressReporter {
  readonly progress: (p: LoadProgress) => void;
  /** Prints a message line without tearing the progress line (it is redrawn below the message). */
  readonly message: (line: string) => void;
  /** Ends the engine's line: its last state stays on screen. */
  readonly engineEnd: () => void;
}

export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function progressReporter(sink: ProgressSink): ProgressReporter {
  const now = sink.now ?? Date.now;
  const interval = sink.intervalMs ?? 10_000;
  let engine: string | null = null;
  let started = 0;
  let lastLine = 0;
  let drawn: string | null = null;
  let lastDraw = 0;
  const format = (p: LoadProgress): string => {
    const elapsed = now() - started;
    // The engine's own pace so far: start-up is excluded (the clock starts at its first scenario).
    const left = p.engineDone > 0 && p.engineDone < p.engineTotal ? ` · ~${clock((elapsed / p.engineDone) * (p.engineTotal - p.engineDone))} left` : '';
    const share = p.engineTotal > 0 ? Math.floor((100 * p.engineDone) / p.engineTotal) : 100;
    return `${p.engine} · ${p.pass} · ${p.scenario} ${p.done}/${p.total} requests · engine ${share}% · ${clock(elapsed)} elapsed${left}`;
  };
  const clear = (): void => {
    if (sink.tty && drawn !== null) sink.write('\r\x1b[2K');
  };
  return {
    progress(p) {
      if (p.engine !== engine) {
        engine = p.engine;
        started = now();
        lastLine = started;
      }
      const scenarioEnd = p.done === p.total && p.total > 0;
      if (sink.tty) {
        // At most ten redraws a second: hundreds of streams finish requests faster than a terminal draws.
        if (!scenarioEnd && p.done > 0 && now() - lastDraw < 100) return;
        lastDraw = now();
        const line = format(p);
        drawn = sink.columns && line.length >= sink.columns ? `${line.slice(0, sink.columns - 2)}…` : line;
        sink.write(`\r\x1b[2K${drawn}`);
        return;
      }
      const line = format(p);
      if (scenarioEnd || now() - lastLine >= interval) {
        lastLine = now();
        sink.write(`${line}\n`);
      }
    },
    message(line) {
      clear();
      sink.write(`${line}\n`);
      if (sink.tty && drawn !== null) sink.write(drawn);
    },
    engineEnd() {
      if (sink.tty && drawn !== null) sink.write('\n');
      drawn = null;
      engine = null;
    },
  };
}
