import { EXIT } from '../exit.ts';
import { actionVersion } from '../version.ts';
import { suggest, UsageError } from './args.ts';
import { COMMANDS } from './commands.ts';
import { topHelp } from './help.ts';

// `llm-perf-gate`: the action's pipeline from a terminal. Errors are one line on stderr (no stack
// trace unless LLM_PERF_GATE_DEBUG=1): a user should read what to fix, not where it was thrown.

export async function cliMain(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic !== undefined && COMMANDS[topic]) console.log(COMMANDS[topic].help());
    else console.log(topHelp(actionVersion(), COMMANDS));
    // A bare `llm-perf-gate` is a mistake (like git): it shows the help but does not succeed.
    return first === undefined ? EXIT.error : EXIT.pass;
  }
  if (first === '-v' || first === '--version' || first === 'version') {
    console.log(`llm-perf-gate ${actionVersion()}`);
    return EXIT.pass;
  }
  const command = COMMANDS[first];
  if (!command) {
    const what = first.startsWith('-') ? `unknown option ${first}; a command comes first` : `unknown command "${first}"${suggest(first, Object.keys(COMMANDS))}`;
    throw new UsageError(`${what} (commands: ${Object.keys(COMMANDS).join(', ')}; see llm-perf-gate --help)`);
  }
  return command.main(rest);
}

export function reportError(err: unknown): void {
  const debug = process.env.LLM_PERF_GATE_DEBUG === '1';
  const message = err instanceof Error ? err.message : String(err);
  console.error(`llm-perf-gate: ${debug && err instanceof Error && err.stack ? err.stack : message}`);
}
