import { execFile } from 'node:child_process';

// Short commands whose output the action reads: version probes, `--help` probes, nvidia-smi
// queries. One helper for all of them, built on execFile rather than @actions/exec: these probes
// must be able to hang (a wedged GPU driver blocks nvidia-smi; a Python import can stall on a
// network file system) and @actions/exec has no time limit, no way to kill the child, and echoes
// every command line into the log. Here each probe is killed at its deadline and says so.

export interface ProbeOptions {
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly maxBuffer?: number;
}

export type ProbeFailure = 'not-found' | 'not-executable' | 'timeout' | 'failed';

export class ProbeError extends Error {
  readonly reason: ProbeFailure;
  readonly stdout: string;
  readonly stderr: string;
  constructor(reason: ProbeFailure, message: string, stdout: string, stderr: string) {
    super(message);
    this.name = 'ProbeError';
    this.reason = reason;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

/** Runs `command args` without a shell and returns its stdout; throws ProbeError saying why not. */
export function probe(command: string, args: readonly string[], opts: ProbeOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      { env: opts.env, timeout: opts.timeoutMs, killSignal: 'SIGKILL', maxBuffer: opts.maxBuffer ?? 8 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
        const line = `${command} ${args.join(' ')}`.slice(0, 200);
        if (e.code === 'ENOENT') return reject(new ProbeError('not-found', `${command}: not found`, stdout, stderr));
        if (e.code === 'EACCES') return reject(new ProbeError('not-executable', `${command}: not executable`, stdout, stderr));
        if (e.killed && e.signal === 'SIGKILL') {
          return reject(new ProbeError('timeout', `${line}: no answer within ${opts.timeoutMs / 1000} s (killed)`, stdout, stderr));
        }
        const said = `${stderr}`.trim().split('\n').slice(-3).join(' | ') || `${stdout}`.trim().split('\n').slice(-3).join(' | ');
        reject(new ProbeError('failed', `${line} failed: ${said || e.message}`, stdout, stderr));
      },
    );
  });
}
