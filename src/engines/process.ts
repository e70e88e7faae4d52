import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, fstatSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// Engine servers run in their own process group (vLLM forks an engine core and workers; uvicorn
// may fork too), so that stopping one means signalling the whole group and confirming it is
// gone: a leftover worker keeps the GPU memory and spoils the next engine's measurement.

export interface StartOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Where stdout and stderr go (appended). */
  readonly logFile: string;
  /** Called with the pid (= process group id) right after the spawn, to record it for the post step. */
  readonly onSpawn?: (pid: number) => void;
  /** Called once stop() has seen every member of the group gone: nothing is left to clean up. */
  readonly onStopped?: (pid: number) => void;
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when the exit followed our stop(): anything else is the process dying on its own. */
  readonly requested: boolean;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  readonly spawnError: string | null;
}

export interface ManagedProcess {
  /** Process id of the leader, which is also the process group id. 0 when the spawn failed. */
  readonly pid: number;
  readonly logFile: string;
  /** Resolves (never rejects) when the leader exits; check `requested` to tell a crash from a stop. */
  readonly exited: Promise<ExitInfo>;
  running(): boolean;
  /** The exit, once it happened. */
  exitInfo(): ExitInfo | null;
  /** The last `lines` lines of the log. */
  tail(lines: number): string;
  /** SIGTERM to the group, SIGKILL after `graceMs`, resolved when every member is gone. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

export const DEFAULT_GRACE_MS = 10_000;

export function describeExit(info: ExitInfo): string {
  if (info.spawnError) return `could not be started: ${info.spawnError}`;
  if (info.signal) return `was killed by ${info.signal}`;
  return `exited with code ${info.code}`;
}

export function startManaged(opts: StartOptions): ManagedProcess {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  // Marks every descendant, even one that leaves the group (setsid, a daemon's double fork).
  const mark = randomUUID();
  // A file descriptor, not a pipe: a chatty server can never block on a full pipe buffer, and the
  // log survives us for the post step and the artifact.
  const fd = openSync(opts.logFile, 'a');
  let child;
  try {
    child = spawn(opts.command, [...opts.args], {
      cwd: opts.cwd,
      env: { ...engineEnv(opts.env ?? process.env), [MARK_VAR]: mark },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid ?? 0;
  let stopRequested = false;
  let exit: ExitInfo | null = null;

  const exited = new Promise<ExitInfo>((resolve) => {
    child.on('error', (err) => {
      // 'error' also fires for a failed kill(); only a failed spawn ends the process's story.
      if (pid !== 0) return;
      exit = { code: null, signal: null, requested: stopRequested, spawnError: `${opts.command}: ${err.message}` };
      resolve(exit);
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal, requested: stopRequested, spawnError: null };
      resolve(exit);
    });
  });
  // The detached child must not keep our event loop alive once we stop caring about it.
  child.unref();
  // Spawned in the same tick as the server: no await in between where a SIGKILL could leave it unguarded.
  // It exits by itself once the group is gone; stop() ends it at once.
  const watchdog = pid !== 0 ? startWatchdog(pid) : null;
  if (pid !== 0) {
    try {
      opts.onSpawn?.(pid);
    } catch (err) {
      // Nobody would know to stop a server whose group could not be recorded: stop it now.
      void killGroup(pid, 0);
      throw err;
    }
  }

  return {
    pid,
    logFile: opts.logFile,
    exited,
    running: () => exit === null && pid !== 0,
    exitInfo: () => exit,
    tail: (lines) => tailFile(opts.logFile, lines),
    async stop(graceMs = DEFAULT_GRACE_MS) {
      stopRequested = true;
      // Awaiting the exit of an unref'd child with nothing else pending would let Node leave the
      // event loop (exit 0, mid-pipeline) before the 'exit' event arrives: hold the loop until then.
      child.ref();
      if (pid !== 0) {
        await killGroup(pid, graceMs);
        await killMarked(mark, graceMs);
        watchdog?.release();
        opts.onStopped?.(pid);
      }
      return exited;
    },
  };
}

/**
 * What of the environment an engine server sees: everything but the job's credentials and the
 * runner's command files. Model code (a `trust_remote_code` model, an engine plugin) runs in
 * there and must not read the write token (`INPUT_GITHUB-TOKEN`, every other `INPUT_*`) or set
 * the step's outputs.
 */
export function engineEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!WITHHELD.test(k)) out[k] = v;
  return out;
}

const WITHHELD = /^(INPUT_.*|GITHUB_TOKEN|GH_TOKEN|GH_ENTERPRISE_TOKEN|GITHUB_ENTERPRISE_TOKEN|ACTIONS_RUNTIME_TOKEN|ACTIONS_ID_TOKEN_REQUEST_TOKEN|ACTIONS_ID_TOKEN_REQUEST_URL|GITHUB_OUTPUT|GITHUB_STATE|GITHUB_ENV|GITHUB_PATH|GITHUB_STEP_SUMMARY)$/i;

export type KillOutcome = 'not-running' | 'terminated' | 'killed';

/** Environment variable whose value marks a server's processes, inherited by every descendant. */
const MARK_VAR = 'LLM_PERF_GATE_ENGINE_MARK';

/**
 * Processes carrying `mark` in their environment (Linux /proc; none elsewhere). A descendant that
 * left the server's group is found here as long as it kept the environment it was started with:
 * one that clears it, or runs as another user, is not (README "Engines").
 */
function markedProcesses(mark: string): number[] {
  if (!existsSync('/proc/self/environ')) return [];
  const needle = `${MARK_VAR}=${mark}\0`;
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(needle) && !/\) Z /.test(readFileSync(`/proc/${entry}/stat`, 'utf8'))) out.push(Number(entry));
    } catch {
      // gone meanwhile, or another user's
    }
  }
  return out;
}

/** Stops what is left of a server outside its group: SIGTERM, SIGKILL after `graceMs`. */
async function killMarked(mark: string, graceMs: number): Promise<void> {
  const signal = (pids: number[], s: NodeJS.Signals): void => {
    for (const p of pids) {
      try {
        process.kill(p, s);
      } catch {
        // gone meanwhile
      }
    }
  };
  let left = markedProcesses(mark);
  if (left.length === 0) return;
  signal(left, 'SIGTERM');
  signal(left, 'SIGCONT');
  const settle = async (ms: number): Promise<void> => {
    for (const deadline = Date.now() + ms; left.length > 0 && Date.now() < deadline; left = markedProcesses(mark)) await sleep(50);
  };
  await settle(graceMs);
  signal(left, 'SIGKILL');
  await settle(5_000);
}

/** SIGTERM→SIGKILL grace the watchdog gives a server group whose starter has died. */
export const WATCHDOG_GRACE_MS = 3_000;

// The watchdog: a tiny process of its own session holding the read end of a pipe from us. Nothing
// outlives a SIGKILL of this process except what the kernel does for us, and the kernel closes our
// end of the pipe: the watchdog then sees end-of-file and stops the server group (SIGCONT for a
// stopped one, SIGTERM, SIGKILL after the grace). It runs `node -e`, so it needs no file on disk,
// and it exits by itself once the group is gone. Plain JavaScript: it is not compiled.
const WATCHDOG_SOURCE = `
const pgid = Number(process.argv[1]), grace = Number(process.argv[2]);
const alive = () => { try { process.kill(-pgid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const signal = (s) => { try { process.kill(-pgid, s); } catch {} };
let reaping = false;
const reap = () => {
  if (reaping) return;
  reaping = true;
  signal('SIGTERM');
  signal('SIGCONT');
  const t0 = Date.now();
  setInterval(() => {
    if (!alive()) process.exit(0);
    if (Date.now() - t0 > grace) { signal('SIGKILL'); process.exit(0); }
  }, 50);
};
process.stdin.on('data', () => {});
process.stdin.on('end', reap);
process.stdin.on('error', reap);
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
setInterval(() => { if (!reaping && !alive()) process.exit(0); }, 1000);
`;

interface Watchdog {
  /** The group is gone: end the watchdog without it touching the (possibly reused) group id. */
  release(): void;
}

function startWatchdog(pgid: number): Watchdog | null {
  let dog;
  try {
    dog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, String(pgid), String(WATCHDOG_GRACE_MS)], {
      // Its own session: a terminal's Ctrl-C or a kill of our process group does not take it along.
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      // Node options of ours (an inspector, a loader) have no business in it.
      env: { PATH: process.env.PATH ?? '' },
    });
  } catch {
    return null;
  }
  dog.on('error', () => {});
  dog.stdin?.on('error', () => {});
  // Neither the process nor its pipe may keep our event loop alive.
  dog.unref();
  (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    release() {
      if (dog.exitCode !== null || dog.signalCode !== null) return;
      try {
        dog.kill('SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/**
 * Stops the process group `pgid`: SIGTERM, then SIGKILL once `graceMs` has passed, and waits until
 * no member is left. Used by stop() and by the post step, which only knows recorded group ids.
 */
export async function killGroup(pgid: number, graceMs: number = DEFAULT_GRACE_MS): Promise<KillOutcome> {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`killGroup: invalid process group id ${pgid}`);
  if (!groupAlive(pgid)) return 'not-running';
  signalGroup(pgid, 'SIGTERM');
  // A stopped (SIGSTOP, frozen) member keeps a SIGTERM pending until it runs again.
  signalGroup(pgid, 'SIGCONT');
  if (await waitGone(pgid, graceMs)) return 'terminated';
  signalGroup(pgid, 'SIGKILL');
  // SIGKILL cannot be ignored; what remains is a process stuck in the kernel (e.g. a GPU driver call).
  if (await waitGone(pgid, 5_000)) return 'killed';
  throw new Error(`process group ${pgid} survived SIGKILL; still running: ${groupMembers(pgid).join(', ') || 'unknown pids'}`);
}

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('freePort: the socket reported no port');
  return address.port;
}

/** The last `lines` lines of a file ('' when it does not exist), reading only its end. */
export function tailFile(file: string, lines: number): string {
  if (!existsSync(file) || lines <= 0) return '';
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const want = Math.min(size, Math.max(16_384, lines * 400));
    const buf = Buffer.alloc(want);
    readSync(fd, buf, 0, want, size - want);
    const text = buf.toString('utf8').replace(/\r/g, '\n');
    const all = text.split('\n');
    if (all.at(-1) === '') all.pop();
    // The first line may be cut in the middle when we did not read from the start.
    if (want < size) all.shift();
    return all.slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

async function waitGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!groupAlive(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}

/**
 * Whether any live member of the group remains. kill(-pgid, 0) also counts zombies, and a zombie
 * grandchild is only reaped by whoever adopted it (in a container, a PID 1 that may never do so):
 * on Linux, /proc tells the zombies apart, which hold no memory and need no signal.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code !== 'EPERM') throw err;
  }
  if (!existsSync('/proc/self/stat')) return true;
  return groupMembers(pgid).length > 0;
}

/**
 * Whether the TCP listener on `port` belongs to a member of process group `pgid` (Linux: the
 * socket's inode in /proc/net/tcp{,6} among the group's open files). A server that answers on
 * the port but is not ours (a squatter that bound it first) must never be measured. null where
 * /proc cannot tell (not Linux).
 */
export function groupOwnsListener(pgid: number, port: number): boolean | null {
  const inodes = listenerInodes(port);
  if (inodes === null) return null;
  if (inodes.size === 0) return false;
  for (const pid of groupMembers(pgid)) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return true;
      } catch {
        // closed meanwhile
      }
    }
  }
  return false;
}

/** Inodes of the sockets listening on `port` (any address), or null without /proc/net. */
function listenerInodes(port: number): Set<string> | null {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  let readAny = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
      readAny = true;
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; the inode is the tenth field.
      if (f.length > 9 && f[1].endsWith(`:${hexPort}`) && f[3] === '0A') inodes.add(f[9]);
    }
  }
  return readAny ? inodes : null;
}

/** Pids of the non-zombie members of a process group (Linux /proc). */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited between readdir and read
    }
    // Fields after the parenthesised command name (which may itself contain spaces and parentheses).
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = rest[0];
    const group = Number(rest[2]);
    if (group === pgid && state !== 'Z' && state !== 'X') members.push(Number(entry));
  }
  return members;
}
