import type { MeasureHooks } from '../measure.ts';
import { progressReporter } from '../progress.ts';

export type CliHooks = Pick<MeasureHooks, 'info' | 'warning' | 'progress' | 'engine'>;

/**
 * Hooks of a terminal run: on a TTY one redrawn progress line per engine, in a log (CI=true, a
 * pipe) a line per scenario or every 10 s. `quiet` keeps only warnings and errors.
 */
export function cliHooks(opts: { quiet: boolean }): CliHooks {
  const stream = process.stdout;
  const warning = (m: string): void => {
    console.warn(`warning: ${m}`);
  };
  if (opts.quiet) return { info: () => {}, warning };
  const tty = Boolean(stream.isTTY) && process.env.CI !== 'true' && process.env.TERM !== 'dumb';
  const reporter = progressReporter({ write: (text) => stream.write(text), tty, columns: stream.columns });
  return {
    info: reporter.message,
    warning: (m) => reporter.message(`warning: ${m}`),
    progress: reporter.progress,
    engine: (_label, phase) => {
      if (phase === 'end') reporter.engineEnd();
    },
  };
}
