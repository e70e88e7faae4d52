import { hostname } from 'node:os';
import { open, readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

// A lock file beside the baseline, so that two processes on one runner (a scheduled run and a
// merge's baseline update, or two CLI runs) never read the same history and write back one
// entry each, losing the other. Created with O_EXCL, which is atomic on local file systems; it
// names its holder, so a lock left by a killed process on this host is recognised and taken over.

export interface LockOptions {
  /** How long to wait for another holder (default 120 s: one baseline write takes milliseconds). */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
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
      } finally {
        await fh.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${lockPath}: cannot create the lock file: ${(err as Error).message}`);
    }
    const holder = await readHolder(lockPath);
    if (holder !== null && holder.host === me.host && !alive(holder.pid)) {
      // Its process is gone: the lock protects nothing. Removing it races only with another
      // waiter doing the same, and the O_EXCL create above still lets just one of them in.
      await rm(lockPath, { force: true });
      continue;
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
