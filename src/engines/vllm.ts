import type { EngineSpec } from './engine.ts';
import { pythonEnv, rejectOwnedFlags, requirePositive, type LaunchPlan } from './launch.ts';

// vLLM's OpenAI-compatible server, started as `vllm serve` through the chosen Python environment
// (`python -m vllm.entrypoints.cli.main` is what the `vllm` console script runs), so no PATH
// lookup can pick another installation's vllm.

const OWNED = ['--host', '--port', '--served-model-name', '--model', '--uds'];

export function vllmPlan(spec: EngineSpec, port: number): LaunchPlan {
  rejectOwnedFlags(spec, OWNED);
  requirePositive(spec, 'maxModelLen');
  requirePositive(spec, 'gpuMemoryUtilization', 1);
  if (spec.maxModelLen !== undefined && !Number.isInteger(spec.maxModelLen)) {
    throw new Error(`${spec.label}: maxModelLen ${spec.maxModelLen} is invalid: expected a whole number of tokens`);
  }
  const args = ['-m', 'vllm.entrypoints.cli.main', 'serve', spec.model, '--host', '127.0.0.1', '--port', String(port), '--dtype', spec.dtype];
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
