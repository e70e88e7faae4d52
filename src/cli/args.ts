import { statSync } from 'node:fs';
import { flagDef, type FlagName } from './flags.ts';

// Command-line flags: `--name value`, `--name=value`, and bare `--switch`. Every error names the
// flag as the user typed it, and a near miss gets a suggestion, as git and npm do.

export interface ParsedArgs {
  readonly command: string;
  readonly flags: ReadonlyMap<FlagName, string>;
  /** `-h` or `--help` was given: print the command's help instead of running it. */
  readonly help: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

const isSwitch = (name: FlagName): boolean => flagDef(name).value === undefined;

/** Parses the flags after a command; `known` are the flags that command accepts. */
export function parseArgs(command: string, rest: readonly string[], known: readonly FlagName[]): ParsedArgs {
  const flags = new Map<FlagName, string>();
  let help = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`${command}: unexpected argument "${arg}": flags start with -- (see llm-perf-gate ${command} --help)`);
    const eq = arg.indexOf('=');
    const typed = arg.slice(2, eq === -1 ? undefined : eq);
    const name = known.find((k) => k === typed);
    if (!name) throw new UsageError(`${command}: unknown flag --${typed}${suggest(typed, known, '--')} (see llm-perf-gate ${command} --help)`);
    let value: string;
    if (isSwitch(name)) {
      value = eq === -1 ? 'true' : arg.slice(eq + 1);
      if (value !== 'true' && value !== 'false') throw new UsageError(`${command}: --${name} is a switch: give it alone, or as --${name}=true|false`);
    } else if (eq !== -1) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= rest.length) throw new UsageError(`${command}: --${name} needs a value (${flagDef(name).value})`);
      value = rest[++i];
    }
    if (flags.has(name)) throw new UsageError(`${command}: --${name} given twice`);
    flags.set(name, value);
  }
  return { command, flags, help };
}

/** True when a switch was given (and not as `=false`). */
export function switchOn(args: ParsedArgs, name: FlagName): boolean {
  return args.flags.get(name) === 'true';
}

export function required(args: ParsedArgs, name: FlagName): string {
  const v = args.flags.get(name);
  if (v === undefined || v === '') throw new UsageError(`${args.command}: --${name} ${flagDef(name).value} is required (see llm-perf-gate ${args.command} --help)`);
  return v;
}

/** Fails with one line naming the flag when a path it should read does not exist. */
export function checkPaths(args: ParsedArgs): void {
  for (const [name, value] of args.flags) {
    const def = flagDef(name);
    if (def.reads === undefined) continue;
    for (const path of def.reads === 'paths' ? value.split(',') : [value]) {
      if (path === '') throw new UsageError(`${args.command}: --${name}: empty path in "${value}"`);
      try {
        statSync(path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' ? 'permission denied' : `cannot be read (${code})`;
        throw new UsageError(`${args.command}: --${name} ${path}: ${why}`);
      }
    }
  }
}

/** ` (did you mean --x?)` for the closest candidate within a small edit distance, else ''. */
export function suggest(typed: string, candidates: readonly string[], prefix = ''): string {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = c.startsWith(typed) && typed.length >= 3 ? 1 : editDistance(typed, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(typed.length / 3)) ? `; did you mean ${prefix ? `${prefix}${best}` : `"${best}"`}?` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
