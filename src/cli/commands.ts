import { readInputs } from '../config/inputs.ts';
import { simServeMain } from '../engines/sim/server.ts';
import { SIM_FLAGS } from '../engines/sim/options.ts';
import { EXIT } from '../exit.ts';
import { aggregateCommand, compareCommand, noiseCommand, runCommand } from '../pipeline.ts';
import { dashboardCommand, markFalseAlarmCommand, parseWindow } from '../dashboard/command.ts';
import { checkPaths, parseArgs, required, switchOn, UsageError, type ParsedArgs } from './args.ts';
import { commandHelp, flagUsage } from './help.ts';
import { CLI_DEFAULTS, FLAGS, flagDef, type FlagName } from './flags.ts';
import { cliHooks } from './progress.ts';

// The commands of `llm-perf-gate`: each names its flags (from flags.ts) and calls the pipeline
// the action uses, so a command line and a workflow step run the same code.

export interface Command {
  readonly summary: string;
  readonly help: () => string;
  /** Runs the command on the arguments after its name; resolves to the exit status. */
  readonly main: (rest: readonly string[]) => Promise<number>;
}

/** A command whose flags come from the shared table: parsed, checked, then run (or its help printed). */
function flagCommand(
  name: string,
  spec: {
    summary: string;
    flags: readonly FlagName[];
    required?: readonly FlagName[];
    /** Flags this command takes differently from the table (value placeholder and help). */
    as?: Partial<Record<FlagName, { value: string; help: string }>>;
    /** false for a command that gates nothing: its help leaves out the gate's exit statuses. */
    gates?: boolean;
    run: (args: ParsedArgs) => Promise<number>;
  },
): Command {
  const req = spec.required ?? [];
  const help = (): string => commandHelp(name, spec.summary, spec.flags.map((f) => flagUsage(f, req.includes(f), spec.as?.[f])), spec.gates ?? true);
  return {
    summary: spec.summary,
    help,
    main: async (rest) => {
      const args = parseArgs(name, rest, spec.flags);
      if (args.help) {
        console.log(help());
        return EXIT.pass;
      }
      for (const f of req) required(args, f);
      checkPaths(args);
      return spec.run(args);
    },
  };
}

const GATE_FLAGS: readonly FlagName[] = ['mode', 'tolerances', 'fail-on', 'missing-baseline', 'history', 'history-keep', 'confidence', 'allow-fingerprint-mismatch'];

/** Action inputs from flags; the CLI defaults to the simulated engine and a file baseline. */
function configFrom(args: ParsedArgs) {
  const flag = (name: string): string | undefined => (name in FLAGS && flagDef(name as FlagName).input ? args.flags.get(name as FlagName) : undefined);
  return readInputs((name) => flag(name) ?? (name === 'results-dir' ? args.flags.get('out') : undefined) ?? CLI_DEFAULTS[name] ?? '', {
    noun: 'flag',
    name: (input) => `--${input}`,
  });
}

/** A bad flag value found by a shared parser is a usage error (one line, exit 1). */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

const SIM_SERVE_SUMMARY = 'serve the simulated engine (an OpenAI-compatible HTTP server) until stopped';

export const COMMANDS: Readonly<Record<string, Command>> = {
  run: flagCommand('run', {
    summary: 'measure the engines on a scenario set, compare with a baseline file when given, report',
    flags: [
      'engines', 'model', 'scenarios', 'repetitions', 'runs', 'max-runs', 'time-budget', 'max-failure-rate', 'warmup-repetitions', 'warm-start', 'out', 'baseline', ...GATE_FLAGS,
      'shard', 'seed', 'records', 'quiet', 'python', 'vllm-args', 'transformers-args', 'sim-args', 'startup-timeout', 'gpu-memory-utilization',
      'base-url', 'api-key', 'custom-command', 'custom-name', 'custom-ready-path',
    ],
    run: (args) =>
      runCommand(configFrom(args), {
        baselinePath: args.flags.get('baseline') ?? null,
        keepRecords: switchOn(args, 'records'),
        hooks: cliHooks({ quiet: switchOn(args, 'quiet') }),
      }),
  }),
  compare: flagCommand('compare', {
    summary: 'compare a results.json with a baseline history, report and gate (records in baseline/schedule mode)',
    flags: ['baseline', 'current', 'out', ...GATE_FLAGS],
    required: ['baseline', 'current', 'out'],
    run: (args) =>
      compareCommand(configFrom(args), {
        baselinePath: required(args, 'baseline'),
        currentPath: required(args, 'current'),
        outDir: required(args, 'out'),
      }),
  }),
  aggregate: flagCommand('aggregate', {
    summary: 'merge the shard folders of a matrix run, then compare, report and gate once',
    flags: ['in', 'out', 'baseline', ...GATE_FLAGS],
    required: ['in', 'out'],
    run: (args) =>
      aggregateCommand(configFrom(args), {
        inDir: required(args, 'in'),
        outDir: required(args, 'out'),
        baselinePath: args.flags.get('baseline') ?? null,
      }),
  }),
  noise: flagCommand('noise', {
    summary: 'run-to-run noise (CV of every metric) from independent runs',
    flags: ['in', 'out'],
    required: ['in', 'out'],
    as: { out: { value: 'FILE', help: 'the markdown file to write the noise table to' } },
    gates: false,
    run: (args) => noiseCommand(required(args, 'in').split(','), required(args, 'out')),
  }),
  dashboard: flagCommand('dashboard', {
    summary: 'render the baseline history and the gate log into a static site (index.html + data/), merged with what --out held',
    flags: ['baseline', 'out', 'title', 'repo-url', 'dashboard-window', 'history', 'tolerances'],
    required: ['baseline', 'out'],
    run: (args) =>
      dashboardCommand(configFrom(args), {
        baselinePath: required(args, 'baseline'),
        outDir: required(args, 'out'),
        title: args.flags.get('title') ?? 'llm-perf-gate: performance history',
        repoUrl: args.flags.get('repo-url') ?? null,
        window: usage(() => parseWindow(args.flags.get('dashboard-window'), '--dashboard-window')),
      }),
  }),
  'mark-false-alarm': flagCommand('mark-false-alarm', {
    summary: 'mark a failed gate (of --pr, --sha, or the newest) as a false alarm in the gate log beside --baseline; the baseline is not touched',
    flags: ['baseline', 'pr', 'sha', 'note', 'by'],
    required: ['baseline'],
    run: (args) => {
      const pr = args.flags.get('pr');
      const sha = args.flags.get('sha');
      if (pr !== undefined && sha !== undefined) throw new UsageError('mark-false-alarm: give --pr N or --sha SHA, not both (neither: the newest failed gate)');
      if (pr !== undefined && !/^[1-9]\d*$/.test(pr)) throw new UsageError(`mark-false-alarm: --pr expects a pull request number, got "${pr}"`);
      return markFalseAlarmCommand({
        baselinePath: required(args, 'baseline'),
        target: pr !== undefined ? { pr: Number(pr) } : sha !== undefined ? { sha } : {},
        mark: { at: new Date().toISOString(), by: args.flags.get('by') ?? process.env.USER ?? 'cli', note: args.flags.get('note') ?? '' },
      });
    },
  }),
  'sim-serve': {
    summary: SIM_SERVE_SUMMARY,
    help: () => commandHelp('sim-serve', SIM_SERVE_SUMMARY, SIM_FLAGS.map(([flag, accepts]) => ({ flag, help: accepts })), false),
    main: async (rest) => {
      if (rest.includes('-h') || rest.includes('--help')) {
        console.log(COMMANDS['sim-serve'].help());
        return EXIT.pass;
      }
      await simServeMain(rest);
      return EXIT.pass;
    },
  },
};
