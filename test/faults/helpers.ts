import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.ts';

// Drives `llm-perf-gate run` as a user would, for the fault tests: start it, wait for a line, hit it.

export interface CliRun {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) and the time it came. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
}

export function startCli(args: readonly string[]): CliRun {
  const child = spawn(process.execPath, [join(packageRoot(), 'src', 'cli.ts'), 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return {
    child,
    output: () => out,
    exited,
    async waitFor(pattern, ms = 90_000) {
      const deadline = Date.now() + ms;
      while (!pattern.test(out)) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the run ended before ${pattern}:\n${out}`);
        if (Date.now() > deadline) throw new Error(`no ${pattern} within ${ms} ms:\n${out}`);
        await sleep(25);
      }
    },
  };
}

/** Process groups led by a child of `ppid` running sim-serve (the engine servers of a CLI run). */
export function serverGroups(ppid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === ppid && Number(rest[2]) === Number(e) && readFileSync(`/proc/${e}/cmdline`, 'utf8').includes('sim-serve')) out.push(Number(e));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export const longScenario = (over: Record<string, string | number> = {}): string => {
  const fields = { input: 16, output: 400, requests: 20, load: '{concurrency: 1}', ...over };
  return `version: 1
scenarios:
  - name: long-decode
    description: Long answers, so the run is mid-measurement for a while.
${Object.entries(fields).map(([k, v]) => `    ${k}: ${v}`).join('\n')}
`;
};
