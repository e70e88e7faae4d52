import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { open, readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { forget, removeOnExit } from '../fs/exit-cleanup.ts';

// A lock file beside the baseline, so that two processes on one runner (a scheduled run and a
// merge's baseline update, or two CLI runs) never read the same history and write back one
// entry each, losing the other.
//
// The lock appears whole: the holder's name (pid, host, start, a random token) is written to a
// file of its own, which is then hard-linked to the lock's name — link fails if the name exists,
// atomically. A lock whose holder died on this host is taken over without ever deleting it: the
// waiter that wins `LOCK.takeover-TOKEN` (created the same way, so one waiter per dead holder)
// renames its own name over that very lock, which nobody else may touch — its holder is dead, and
// every other waiter lost the marker. A holder removes the lock at the end only if it still names it.
// So any number of waiters hand the lock on one at a time, and none deletes another's lock.

export interface LockOptions {
  /** How long to wait for another holder (default 120 s: one baseline write takes milliseconds). */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  /** A cancelled run stops waiting for another holder (and never takes the lock). */
  readonly signal?: AbortSignal;
  /** What the lock guards, for the error naming a live holder (default "the baseline"). */
  readonly guards?: string;
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  readonly token: string;
}

/** What is at the lock's name: its holder (null when unreadable), an id for it, and its age. */
interface Seen {
  readonly holder: Holder | null;
  readonly id: string;
  readonly ageMs: number;
}

/** A holder writes its name before the lock appears: an unreadable lock (an older version's, or damaged) this old was abandoned. */
const UNNAMED_LOCK_STALE_MS = 5_000;
/** Takeover markers and unlinked name files of killed writers are removed by a later holder once this old. */
const LEFTOVER_MS = 10 * 60_000;

export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const pollMs = opts.pollMs ?? 50;
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), token: randomUUID() };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await linkName(lockPath, lockPath, me)) break;
    const seen = await look(lockPath);
    if (seen === null) continue; // released meanwhile
    const stale = seen.holder === null ? seen.ageMs > UNNAMED_LOCK_STALE_MS : seen.holder.host === me.host && !holderRuns(seen.holder);
    if (stale && (await takeOver(lockPath, seen, me))) break;
    if (opts.signal?.aborted) {
      throw new Error(`${lockPath}: cancelled while waiting for the baseline lock; the baseline was left as it was`);
    }
    if (Date.now() >= deadline) {
      const h = seen.holder;
      const who = h ? `process ${h.pid} on ${h.host} since ${h.since}` : 'an unknown process';
      throw new Error(`${lockPath}: ${opts.guards ?? 'the baseline'} is locked by ${who}; waited ${Math.round(timeoutMs / 1000)} s. If no llm-perf-gate run is writing it, delete the lock file.`);
    }
    await sleep(pollMs);
  }
  try {
    await removeLeftovers(lockPath);
    return await fn();
  } finally {
    // Only a lock that still names this holder is ours to remove (nobody takes over a live holder,
    // so it always does; checking costs one read and rules out deleting a stranger's).
    if ((await look(lockPath))?.id === me.token) await rm(lockPath, { force: true });
    forget(lockPath);
  }
}

/** The holder's name in a file of its own, complete before anyone can see it as the lock. */
async function writeName(lockPath: string, me: Holder): Promise<string> {
  const file = `${lockPath}.${me.token}.name`;
  removeOnExit(file);
  try {
    // Synchronously, like every step that creates a file this process must clean up (exit-cleanup.ts).
    writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
  } catch (err) {
    // A full disk: nothing was taken, the baseline is untouched.
    await rm(file, { force: true });
    forget(file);
    throw new Error(`${lockPath}: cannot write the lock file (${(err as Error).message}); the baseline was left as it was`);
  }
  return file;
}

/**
 * Creates `target` holding this process's name, whole from its first instant: false when it exists.
 * The lock itself is linked synchronously and marked for removal on exit in the same turn, so no
 * signal can end the process between the two and leave it behind.
 */
async function linkName(lockPath: string, target: string, me: Holder): Promise<boolean> {
  const file = await writeName(lockPath, me);
  try {
    linkSync(file, target);
    if (target === lockPath) removeOnExit(lockPath);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new Error(`${target}: cannot create the lock file: ${(err as Error).message}`);
  } finally {
    await rm(file, { force: true });
    forget(file);
  }
}

/**
 * Replaces the dead holder's lock `seen` by this process's: true when this process now holds it.
 * The right to replace a lock with id X is the file `LOCK.takeover-X`, won by one waiter. A winner
 * killed before it replaced the lock hands its right on the same way (`LOCK.takeover-WINNER`), so
 * the rights form a chain of which only the last, live link acts, on a lock any dead link named.
 */
async function takeOver(lockPath: string, seen: Seen, me: Holder): Promise<boolean> {
  const chain = [seen.id];
  for (;;) {
    if (chain.length > 64) return false; // a chain that long is no takeover race: wait, then time out naming the holder
    const marker = `${lockPath}.takeover-${chain.at(-1)}`;
    if (await linkName(lockPath, marker, me)) break;
    const winner = await look(marker);
    if (winner === null) continue;
    if (winner.id === me.token) break; // won earlier, for a lock a dead link named
    if (!winner.holder || winner.holder.host !== me.host || holderRuns(winner.holder)) return false;
    chain.push(winner.id);
  }
  const now = await look(lockPath);
  if (now === null || !chain.includes(now.id)) return false; // removed by hand: free; or a live holder's
  const file = await writeName(lockPath, me);
  try {
    renameSync(file, lockPath);
    removeOnExit(lockPath);
  } catch (err) {
    await rm(file, { force: true });
    throw new Error(`${lockPath}: cannot take over the stale lock: ${(err as Error).message}`);
  } finally {
    forget(file);
  }
  // The lock no longer has any id of the chain, and never will again (tokens are unique): a
  // waiter that wins one of these markers later finds that and backs off.
  for (const id of chain) await rm(`${lockPath}.takeover-${id}`, { force: true });
  return true;
}

async function look(lockPath: string): Promise<Seen | null> {
  let fh;
  try {
    fh = await open(lockPath, 'r');
  } catch {
    return null;
  }
  try {
    const st = await fh.stat();
    const ageMs = Date.now() - st.mtimeMs;
    const h = parseHolder(await fh.readFile('utf8'));
    return { holder: h, id: h?.token ?? `inode-${st.ino}-${Math.round(st.mtimeMs)}`, ageMs };
  } finally {
    await fh.close();
  }
}

function parseHolder(text: string): Holder | null {
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    const named = typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.since === 'string';
    // A lock from a version without tokens is still a holder; its id is its pid and start.
    return named ? { ...(h as Holder), token: typeof h.token === 'string' && /^[\w-]+$/.test(h.token) ? h.token : `pid-${h.pid}-${Date.parse(h.since as string)}` } : null;
  } catch {
    return null;
  }
}

/** Takeover markers and name files that only killed writers leave, once old enough that no waiter still acts on them. */
async function removeLeftovers(lockPath: string): Promise<void> {
  const dir = dirname(lockPath);
  const prefix = `${basename(lockPath)}.`;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(prefix) || !/^(takeover-[\w-]+|[\w-]+\.name)$/.test(name.slice(prefix.length))) continue;
    const path = join(dir, name);
    const st = await stat(path).catch(() => null);
    if (st && Date.now() - st.mtimeMs > LEFTOVER_MS) await rm(path, { force: true });
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
