import { killGroup } from './process.ts';

// Cancellation: a runner cancelling a job sends SIGINT, then SIGTERM 7.5 s later; a user presses
// Ctrl-C, often twice. Either way every engine server group started so far is stopped at once (the
// servers run in groups of their own, so the signal never reaches them by itself) and the run is
// aborted; the pipeline then writes what was measured, marked partial. The handlers stay for every
// further signal: Node's default action (exit at once) would leave the groups running and write
// nothing, so a repeated signal instead kills the groups without grace.

const CANCEL_GRACE_MS = 5_000;
/**
 * Last resort, measured from the first signal: should something not listen to the abort, the
 * groups are killed and the process exits before the runner's SIGTERM (7.5 s) and its SIGKILL.
 */
const LAST_RESORT_MS = 6_500;
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface ServerTracker {
  /** Records a spawned server group (pass as the engines' onSpawn hook). */
  readonly onSpawn: (pgid: number, label: string) => void;
  /** Forgets a group that a stop has ended (pass as the engines' onStopped hook). */
  readonly onStopped: (pgid: number) => void;
  /** Aborted on SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
}

export function trackServers(warn: (message: string) => void, record?: (pgids: number[]) => void): ServerTracker {
  const groups = new Map<number, string>();
  const controller = new AbortController();
  let received = 0;
  const stopAll = (): void => {
    for (const pgid of groups.keys()) void killGroup(pgid, CANCEL_GRACE_MS).catch((err: Error) => warn(err.message));
  };
  const killAllNow = (): void => {
    for (const pgid of groups.keys()) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const cancel = (signal: NodeJS.Signals): void => {
    received++;
    if (received === 1) {
      warn(`received ${signal}: stopping ${groups.size} engine server group(s)`);
      controller.abort();
      stopAll();
      setTimeout(() => {
        warn(`still running ${LAST_RESORT_MS / 1000} s after ${signal}: killing the engine server groups and exiting`);
        killAllNow();
        process.exit(130);
      }, LAST_RESORT_MS).unref();
      return;
    }
    warn(`received ${signal} again: killing ${groups.size} engine server group(s) now; the results are still being written`);
    killAllNow();
  };
  for (const s of SIGNALS) process.on(s, cancel);
  return {
    signal: controller.signal,
    onSpawn(pgid, label) {
      groups.set(pgid, label);
      record?.([...groups.keys()]);
    },
    onStopped(pgid) {
      // A pgid can be reused once its group is gone: the post step must not kill a stranger's.
      if (groups.delete(pgid)) record?.([...groups.keys()]);
    },
  };
}
