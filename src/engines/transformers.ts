import { probe, ProbeError } from '../exec.ts';
import { OPENAI_DIALECT, PLAIN_OPENAI_DIALECT } from '../load/client.ts';
import type { EngineAdapter, EngineSpec, LaunchPlan } from './adapter.ts';
import { pythonEnv, rejectOwnedFlags, requirePositive } from './launch.ts';

// HuggingFace `transformers serve` (transformers 5.x). Its command line changed within 5.x: early
// releases preload a model with `--force-model M` and need `--model-timeout -1` to keep it loaded;
// later ones take the model as a positional argument, which preloads it and disables the idle
// unload. Either way the model is loaded before the server listens, so no request pays for it.
// The flavour is read from `transformers serve --help` of the chosen environment.

export interface ServeCli {
  /** How the model to preload is given. */
  readonly model: 'positional' | 'option';
  readonly continuousBatching: boolean;
  /** `--cb-max-memory-percent`: the share of free GPU memory the paged KV cache may take. */
  readonly cbMaxMemoryPercent: boolean;
}

const OWNED = ['--host', '--port', '--force-model', '--model-timeout'];

/** Reads the CLI flavour from `transformers serve --help` output. */
export function parseServeHelp(help: string): ServeCli {
  const positional = /\[FORCE_MODEL\]/.test(help);
  if (!positional && !help.includes('--force-model')) {
    throw new Error('transformers serve --help lists no way to preload a model (neither [FORCE_MODEL] nor --force-model): transformers 5.x with [serving] is required');
  }
  return {
    model: positional ? 'positional' : 'option',
    continuousBatching: help.includes('--continuous-batching'),
    cbMaxMemoryPercent: help.includes('--cb-max-memory-percent'),
  };
}

/** Asks the environment's own transformers which CLI it has; the error names the fix. */
export async function detectServeCli(python: string, env: NodeJS.ProcessEnv): Promise<ServeCli> {
  let help: string;
  try {
    help = await probe(python, ['-m', 'transformers.cli.transformers', 'serve', '--help'], {
      env: { ...env, HF_HUB_DISABLE_UPDATE_CHECK: '1', NO_COLOR: '1', TERM: 'dumb', COLUMNS: '200' },
      timeoutMs: 120_000,
    });
  } catch (err) {
    if (err instanceof ProbeError && err.reason === 'not-found') throw new Error(`python "${python}" not found: set the engine's Python (run scripts/setup-engines.sh for a local .venv)`);
    throw new Error(`${(err as Error).message}: install transformers[serving] 5.x in that environment`);
  }
  return parseServeHelp(help);
}

/**
 * transformers' `--cb-max-memory-percent` for a total budget of `utilization` × the card. It is a
 * share of the card's memory minus what the process already holds (the weights, once loaded),
 * covering the paged KV cache and the batch's activation buffers together (transformers 5.17,
 * ContinuousBatchingManager's cache sizing); vLLM's share counts the weights too. So the same
 * total is (u × total − weights) / (total − weights), rounded down to 0.001.
 */
export function cbMemoryShare(label: string, utilization: number, gpu: EngineSpec['gpuMemory']): number {
  if (gpu === undefined) return utilization;
  const total = gpu.totalMiB * 2 ** 20;
  const share = (utilization * total - gpu.weightBytes) / (total - gpu.weightBytes);
  if (!(share > 0)) {
    throw new Error(`${label}: gpuMemoryUtilization ${utilization} of ${gpu.totalMiB} MiB leaves nothing beside the model's ${(gpu.weightBytes / 2 ** 30).toFixed(1)} GiB of weights: raise it`);
  }
  return Math.floor(share * 1000) / 1000;
}

export function transformersPlan(spec: EngineSpec, port: number, cli: ServeCli): LaunchPlan {
  rejectOwnedFlags(spec.extraArgs, OWNED, spec.label);
  requirePositive(spec, 'gpuMemoryUtilization', 1);
  const notes: string[] = [];
  const args = ['-m', 'transformers.cli.transformers', 'serve'];
  if (cli.model === 'positional') args.push(spec.model);
  else args.push('--force-model', spec.model, '--model-timeout', '-1');
  args.push('--host', '127.0.0.1', '--port', String(port), '--dtype', spec.dtype);
  // Plain serving is the default: it is the "standard transformers" the comparison is about;
  // `--continuous-batching` among the engine arguments turns on its paged scheduler.
  const batching = spec.continuousBatching ?? spec.extraArgs.includes('--continuous-batching');
  if (batching && cli.continuousBatching) args.push('--continuous-batching');
  else if (batching) notes.push('continuous batching requested but this transformers has no --continuous-batching: serving without it');
  if (spec.gpuMemoryUtilization !== undefined) {
    if (batching && cli.cbMaxMemoryPercent) {
      const share = cbMemoryShare(spec.label, spec.gpuMemoryUtilization, spec.gpuMemory);
      args.push('--cb-max-memory-percent', String(share));
      if (spec.gpuMemory === undefined) notes.push(`--cb-max-memory-percent ${share}: a share of the memory left after loading the model, so more than gpuMemoryUtilization ${spec.gpuMemoryUtilization} of the card (the card's size or the weights' are unknown here)`);
    } else notes.push(`gpuMemoryUtilization ${spec.gpuMemoryUtilization} not applied: only continuous batching with --cb-max-memory-percent sizes a KV cache`);
  }
  if (spec.maxModelLen !== undefined) notes.push(`maxModelLen ${spec.maxModelLen} not applied: transformers serve has no context-length limit flag`);
  args.push(...spec.extraArgs.filter((a) => a !== '--continuous-batching'));
  return {
    command: spec.python,
    args,
    env: pythonEnv(spec),
    servedModel: spec.model,
    healthPath: '/health',
    notes,
  };
}

export const transformersAdapter: EngineAdapter = {
  kind: 'transformers',
  names: { transformers: [{ kind: 'transformers', label: 'transformers' }] },
  description: 'HuggingFace `transformers serve` (5.x), started from the `python` environment (`transformers-args` passed on)',
  requiredInputs: [],
  needs: { model: true, python: true, gpu: true },
  tokenizer: 'model',
  // Usage asked for, as from any OpenAI server: from 5.25 `transformers serve` sends it only then.
  // Versions that refuse stream_options are spoken to without it (their counts are then estimated).
  dialect: OPENAI_DIALECT,
  dialectFallback: PLAIN_OPENAI_DIALECT,
  version: { from: 'python', packages: ['transformers'] },
  metrics: null,
  checkArgs: (args) => rejectOwnedFlags(args, OWNED),
  lifecycle: {
    type: 'managed',
    plan: async (spec, port) => transformersPlan(spec, port, await detectServeCli(spec.python, { ...process.env, ...spec.env })),
  },
};
