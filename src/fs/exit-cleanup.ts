import { unlinkSync } from 'node:fs';

// Files that must not outlive this process: temporary files of a write in progress and a held
// lock. They are removed on every exit Node runs its 'exit' handlers for (a return from main,
// process.exit, an uncaught error); a SIGKILL leaves them, and the next writer cleans those up.
// A SIGINT/SIGTERM/SIGHUP with nobody listening would end the process without 'exit': while such
// a file exists and no one else handles the signal, it exits through process.exit instead (with
// the status a shell gives a signal), so the files still go. A file registered here must be
// created synchronously: a create still in flight in the thread pool when the process exits would
// make the file appear after its removal.

const held = new Set<string>();
const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
const installed = new Map<NodeJS.Signals, () => void>();

function removeAll(): void {
  for (const path of held) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
  held.clear();
}

/** `path` is removed should the process exit before forget(path). */
export function removeOnExit(path: string): void {
  if (held.size === 0) {
    process.on('exit', removeAll);
    for (const [name, n] of Object.entries(SIGNALS) as [NodeJS.Signals, number][]) {
      if (process.listenerCount(name) > 0) continue; // someone else (the CLI's cancellation) decides
      const exit = (): void => process.exit(128 + n);
      installed.set(name, exit);
      process.on(name, exit);
    }
  }
  held.add(path);
}

/** `path` was renamed into place or removed: it is no longer this process's to clean up. */
export function forget(path: string): void {
  if (!held.delete(path) || held.size > 0) return;
  process.off('exit', removeAll);
  for (const [name, exit] of installed) process.off(name, exit);
  installed.clear();
}
