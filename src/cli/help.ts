import { flagDef, flagDefault, type FlagName } from './flags.ts';

// Help text, generated from the flag table (flags.ts) and the command table (commands.ts).

export interface HelpRow {
  readonly flag: string;
  readonly help: string;
}

/** `as` overrides the table's value and help where a command takes the flag differently (noise's --out is a file). */
export function flagUsage(name: FlagName, isRequired: boolean, as?: { readonly value: string; readonly help: string }): HelpRow {
  const def = { ...flagDef(name), ...as };
  const fallback = flagDefault(name);
  const note = isRequired ? ' (required)' : fallback !== undefined && fallback !== '' ? ` (default ${fallback})` : '';
  return { flag: `--${name}${def.value ? ` ${def.value}` : ''}`, help: `${def.help}${note}` };
}

function rows(items: readonly HelpRow[]): string {
  const width = Math.max(...items.map((r) => r.flag.length));
  return items.map((r) => `  ${r.flag.padEnd(width)}  ${r.help}`).join('\n');
}

const EXIT_HELP = 'exit status: 0 the check passes (passed, nothing to gate, or findings fail-on and missing-baseline let through, said as such), 3 the gate failed (an engine failed or was cancelled too), 1 error';

/** A command's help; `exitHelp` false for one that runs no gate (noise, sim-serve): the gate's exit statuses are not its own. */
export function commandHelp(command: string, summary: string, flags: readonly HelpRow[], exitHelp = true): string {
  const lines = [`usage: llm-perf-gate ${command} [flags]`, '', summary, '', 'flags:', rows([...flags, { flag: '-h, --help', help: 'show this help' }])];
  return [...lines, ...(exitHelp ? ['', EXIT_HELP] : [])].join('\n');
}

export function topHelp(version: string, commands: Readonly<Record<string, { summary: string }>>): string {
  return [
    `llm-perf-gate ${version}: gate the serving performance of an LLM (vLLM, Transformers) against a stored baseline`,
    '',
    'usage: llm-perf-gate <command> [flags]',
    '',
    'commands:',
    rows(Object.entries(commands).map(([name, c]) => ({ flag: name, help: c.summary }))),
    '',
    'options:',
    rows([
      { flag: '-h, --help', help: 'show this help; `llm-perf-gate <command> --help` shows a command\'s flags' },
      { flag: '-v, --version', help: 'print the version' },
    ]),
    '',
    'example: llm-perf-gate run --engines sim --scenarios scenarios/smoke.yml --repetitions 3 --out .out/demo',
    EXIT_HELP,
  ].join('\n');
}
