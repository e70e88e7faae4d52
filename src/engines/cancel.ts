import { killGroup } from './process.ts';

// Cancellation: a runner cancelling a job sends SIGINT, then SIGTERM 7.5 s later; a user presses
// Ctrl-C. Either way every engine server group started so far is stopped at once (the servers
// run in groups of their own, so the signal never reaches them by itself) and the run is aborted.

const CANCEL_GRACE_MS = 5_000;

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
  const cancel = (signal: NodeJS.Signals): void => {
    warn(`received ${signal}: stopping ${groups.size} engine server group(s)`);
    controller.abort();
    for (const pgid of groups.keys()) void killGroup(pgid, CANCEL_GRACE_MS);
  };
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
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
