import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

// A lock file beside the baseline, so that two processes on one runner (a scheduled run and a
// merge's baseline update, or two CLI runs) never read the same history and write back one
// entry each, losing the other. Created with O_EXCL, which is atomic on local file systems; it
// names its holder, so a lock left by a killed process on this host is recognised and taken over.

export interface LockOptions {
  /** How long to wait for another holder (default 120 s: one baseline write takes milliseconds). */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  /** A cancelled run stops waiting for another holder (and never takes the lock). */
  readonly signal?: AbortSignal;
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const pollMs = opts.pollMs ?? 50;
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fh = await open(lockPath, 'wx');
      try {
        await fh.writeFile(JSON.stringify(me));
        await fh.close();
      } catch (err) {
        // A full disk: an empty lock left behind would hold up every later writer.
        await fh.close().catch(() => {});
        await rm(lockPath, { force: true });
        throw new Error(`${lockPath}: cannot write the lock file (${(err as Error).message}); the baseline was left as it was`);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${lockPath}: cannot create the lock file: ${(err as Error).message}`);
    }
    const holder = await readHolder(lockPath);
    const stale = holder === null ? await abandonedEmpty(lockPath) : holder.host === me.host && !holderRuns(holder);
    if (stale) {
      // Its process is gone (or never wrote its name): the lock protects nothing. Removing it
      // races only with another waiter doing the same, and the O_EXCL create above still lets
      // just one of them in.
      await rm(lockPath, { force: true });
      continue;
    }
    if (opts.signal?.aborted) {
      throw new Error(`${lockPath}: cancelled while waiting for the baseline lock; the baseline was left as it was`);
    }
    if (Date.now() >= deadline) {
      const who = holder ? `process ${holder.pid} on ${holder.host} since ${holder.since}` : 'an unknown process';
      throw new Error(`${lockPath}: the baseline is locked by ${who}; waited ${Math.round(timeoutMs / 1000)} s. If no llm-perf-gate run is writing it, delete the lock file.`);
    }
    await sleep(pollMs);
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function readHolder(lockPath: string): Promise<Holder | null> {
  try {
    const h = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<Holder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.since === 'string' ? (h as Holder) : null;
  } catch {
    // Gone, or caught between its creation and its first write: wait and look again.
    return null;
  }
}

/** A holder writes its name right after creating the file: an unreadable lock this old was abandoned. */
const UNNAMED_LOCK_STALE_MS = 5_000;

async function abandonedEmpty(lockPath: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(lockPath)).mtimeMs > UNNAMED_LOCK_STALE_MS;
  } catch {
    return false; // gone meanwhile: the create is simply tried again
  }
}

/** Whether the holder still runs: its pid is alive and that process is not younger than the lock (a reused pid). */
function holderRuns(holder: Holder): boolean {
  if (!alive(holder.pid)) return false;
  const started = processStartMs(holder.pid);
  const since = Date.parse(holder.since);
  // A second of slack for the clock ticks the start time is counted in.
  return started === null || !Number.isFinite(since) || started <= since + 1_000;
}

/** When a process started (ms since the epoch), from Linux /proc; null elsewhere. */
function processStartMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const bootS = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(startTicks) || !Number.isFinite(bootS)) return null;
    // USER_HZ is 100 on every Linux the runners use.
    return bootS * 1000 + startTicks * 10;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
