import { VLLM_DIALECT } from '../load/client.ts';
import { VLLM_METRIC_NAMES } from '../metrics/engine-metrics.ts';
import { mixSeed } from '../load/random.ts';
import { cliEntry } from '../paths.ts';
import type { EngineAdapter, EngineSelection, EngineSpec, LaunchPlan } from './adapter.ts';
import { DEFAULT_SIM_OPTIONS, formatSimArgs, parseSimArgs, type SimOptions } from './sim/options.ts';

// The simulated engine runs as this action's own CLI subcommand in a child process, so it goes
// through exactly the same lifecycle (process group, log file, readiness, stop) as a real engine.
// Its flags come from the spec's extra arguments and are validated by the simulator's own parser.

/** The simulator's options from its arguments (the launcher picks the port; `model` unless --model is given). */
function simOptions(args: readonly string[], model: string): SimOptions {
  const hasModel = args.some((a) => a === '--model' || a.startsWith('--model='));
  const withoutPort = dropFlag(args, '--port');
  let opts: SimOptions;
  try {
    opts = parseSimArgs(hasModel ? withoutPort : [...withoutPort, '--model', model]);
  } catch (err) {
    // Said of the engine's arguments here, not of the sim-serve command line.
    throw new Error((err as Error).message.replace(/^sim-serve: /, ''));
  }
  if (opts.host !== '127.0.0.1') throw new Error(`sim --host ${opts.host}: the simulated engine is bound to 127.0.0.1 only`);
  return opts;
}

export function simPlan(spec: EngineSpec, port: number): LaunchPlan {
  let opts: SimOptions;
  try {
    opts = simOptions(spec.extraArgs, spec.model);
  } catch (err) {
    throw new Error(`${spec.label}: ${(err as Error).message}`);
  }
  // Each run of a job is its own engine start with its own run-to-run noise, as on a GPU: the run
  // is mixed into the seed (run 0 keeps the seed as given, so one-run jobs reproduce exactly).
  const seed = spec.run ? mixSeed(opts.seed, spec.run) : opts.seed;
  return {
    command: process.execPath,
    args: [cliEntry(), 'sim-serve', ...formatSimArgs({ ...opts, seed, port })],
    env: {},
    servedModel: opts.model,
    healthPath: '/health',
    notes: [],
  };
}

const SIM_VLLM: EngineSelection = { kind: 'sim', label: 'sim-vllm', args: ['--profile', 'vllm'] };
const SIM_TRANSFORMERS: EngineSelection = { kind: 'sim', label: 'sim-transformers', args: ['--profile', 'transformers'] };

// The simulator imitates vLLM's request dialect and metric names for both profiles: what differs
// between the profiles is the scheduling and the speed.
export const simAdapter: EngineAdapter = {
  kind: 'sim',
  names: { sim: [SIM_VLLM, SIM_TRANSFORMERS], 'sim-vllm': [SIM_VLLM], 'sim-transformers': [SIM_TRANSFORMERS] },
  description: 'the simulated engine (`sim` = both profiles; `sim-args` passed to sim-serve)',
  requiredInputs: [],
  defaultModel: 'sim-qwen2.5-7b',
  needs: { model: false, python: false, gpu: false },
  tokenizer: 'qwen',
  dialect: VLLM_DIALECT,
  version: { from: 'action' },
  metrics: { path: '/metrics', names: VLLM_METRIC_NAMES },
  lifecycle: { type: 'managed', plan: async (spec, port) => simPlan(spec, port) },
  checkArgs: (args) => void simOptions(args, DEFAULT_SIM_OPTIONS.model),
};

/** Removes `flag value` and `flag=value` (the launcher picks the port). */
function dropFlag(args: readonly string[], flag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag) i++;
    else if (!args[i].startsWith(`${flag}=`)) out.push(args[i]);
  }
  return out;
}
