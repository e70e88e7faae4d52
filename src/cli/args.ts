// Command-line flags: `--name value`, `--name=value`, and bare `--flag` for booleans. Flag names
// are the action's input names, so the CLI and the action share one parser for their meaning.

export interface ParsedArgs {
  readonly command: string;
  readonly flags: ReadonlyMap<string, string>;
}

export function parseArgs(argv: readonly string[], booleans: ReadonlySet<string>, usage: string): ParsedArgs {
  const [command, ...rest] = argv;
  if (!command || command.startsWith('-')) throw new UsageError(`missing command\n${usage}`);
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}": flags start with --\n${usage}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (booleans.has(name)) value = 'true';
    else {
      if (i + 1 >= rest.length) throw new UsageError(`flag --${name} needs a value\n${usage}`);
      value = rest[++i];
    }
    if (flags.has(name)) throw new UsageError(`flag --${name} given twice`);
    flags.set(name, value);
  }
  return { command, flags };
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Rejects flags a command does not know, naming them and the ones it does. */
export function checkFlags(args: ParsedArgs, known: readonly string[]): void {
  const unknown = [...args.flags.keys()].filter((f) => !known.includes(f));
  if (unknown.length) {
    throw new UsageError(`${args.command}: unknown flag${unknown.length > 1 ? 's' : ''} ${unknown.map((f) => `--${f}`).join(', ')}; expected ${known.map((f) => `--${f}`).join(', ')}`);
  }
}
