#!/usr/bin/env node
import { checkFlags, parseArgs, UsageError, type ParsedArgs } from './cli/args.ts';
import { readInputs } from './config/inputs.ts';
import { simServeMain } from './engines/sim/server.ts';
import { EXIT } from './exit.ts';
import { aggregateCommand, compareCommand, noiseCommand, runCommand } from './pipeline.ts';

// `llm-perf-gate`: the action's pipeline from a terminal. Flags carry the action's input names
// (`--engines`, `--repetitions`, `--sim-args` ...), parsed by the same code as the action's inputs.

const USAGE = `usage:
  llm-perf-gate run [--engines sim] [--scenarios FILE] [--repetitions N] [--out DIR] [--model M]
                    [--baseline PATH] [--mode pr|schedule|release|baseline] [--sim-args '...']
                    [--vllm-args '...'] [--transformers-args '...'] [--python PY] [--tolerances m=x,...]
                    [--fail-on regression|inconclusive|never] [--history W] [--shard i/n] [--seed N]
                    [--records] [--allow-fingerprint-mismatch] [--startup-timeout S] [--warmup-repetitions N]
                    [--warm-start true|false]
  llm-perf-gate compare --baseline PATH --current DIR/results.json --out DIR [--mode M] [--tolerances ...]
  llm-perf-gate aggregate --in DIR --out DIR [--baseline PATH] [--mode M]
  llm-perf-gate noise --in DIR1,DIR2,DIR3 --out FILE.md   (run-to-run CV from independent runs)
  llm-perf-gate sim-serve [--profile vllm|transformers] [--slowdown X] [--noise CV] [--cadence-ms T] ...

exit status: 0 gate passed, 3 gate failed, 1 error`;

const INPUT_FLAGS = [
  'confidence', 'warmup-repetitions', 'warm-start', 'engines', 'model', 'scenarios', 'repetitions', 'mode', 'tolerances', 'fail-on', 'python', 'vllm-args',
  'transformers-args', 'sim-args', 'startup-timeout', 'shard', 'history',
];
const CLI_FLAGS = ['out', 'baseline', 'seed', 'records', 'allow-fingerprint-mismatch'];
const BOOLEANS = new Set(['records', 'allow-fingerprint-mismatch']);

/** Action inputs from flags; the CLI defaults to the simulated engine and a file baseline. */
function configFrom(args: ParsedArgs) {
  const cliDefaults: Record<string, string> = { engines: 'sim', 'baseline-store': 'file' };
  return readInputs((name) => args.flags.get(name) ?? (name === 'results-dir' ? args.flags.get('out') : undefined) ?? cliDefaults[name] ?? '');
}

function required(args: ParsedArgs, flag: string): string {
  const v = args.flags.get(flag);
  if (!v) throw new UsageError(`${args.command}: --${flag} is required\n${USAGE}`);
  return v;
}

function seedOf(args: ParsedArgs): number {
  const raw = args.flags.get('seed') ?? '1';
  if (!/^\d+$/.test(raw)) throw new UsageError(`--seed: expected a whole number ≥ 0, got "${raw}"`);
  return Number(raw);
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'sim-serve') {
    await simServeMain(argv.slice(1));
    return EXIT.pass;
  }
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    console.log(USAGE);
    return argv.length === 0 ? EXIT.error : EXIT.pass;
  }
  const args = parseArgs(argv, BOOLEANS, USAGE);
  switch (args.command) {
    case 'run':
      checkFlags(args, [...INPUT_FLAGS, ...CLI_FLAGS]);
      return runCommand(configFrom(args), {
        baselinePath: args.flags.get('baseline') ?? null,
        seed: seedOf(args),
        keepRecords: args.flags.has('records'),
        allowFingerprintMismatch: args.flags.has('allow-fingerprint-mismatch'),
      });
    case 'compare':
      checkFlags(args, ['baseline', 'current', 'out', 'mode', 'tolerances', 'fail-on', 'history', 'confidence', 'allow-fingerprint-mismatch']);
      return compareCommand(configFrom(args), {
        baselinePath: required(args, 'baseline'),
        currentPath: required(args, 'current'),
        outDir: required(args, 'out'),
        allowFingerprintMismatch: args.flags.has('allow-fingerprint-mismatch'),
      });
    case 'aggregate':
      checkFlags(args, ['in', 'out', 'baseline', 'mode', 'tolerances', 'fail-on', 'history', 'confidence', 'allow-fingerprint-mismatch']);
      return aggregateCommand(configFrom(args), {
        inDir: required(args, 'in'),
        outDir: required(args, 'out'),
        baselinePath: args.flags.get('baseline') ?? null,
        allowFingerprintMismatch: args.flags.has('allow-fingerprint-mismatch'),
      });
    case 'noise':
      checkFlags(args, ['in', 'out']);
      return noiseCommand(required(args, 'in').split(','), required(args, 'out'));
    default:
      throw new UsageError(`unknown command "${args.command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`llm-perf-gate: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = EXIT.error;
  },
);
