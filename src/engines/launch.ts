import { existsSync, statSync } from 'node:fs';
import type { EngineSpec } from './adapter.ts';

// Helpers the managed adapters share when they build a launch plan.

/**
 * Rejects extra arguments that would fight the launcher over what it must own (where the server
 * listens, what it calls the model), naming the flag.
 */
export function rejectOwnedFlags(args: readonly string[], owned: readonly string[], label?: string): void {
  for (const arg of args) {
    const flag = arg.split('=')[0];
    if (owned.includes(flag)) {
      throw new Error(`${label ? `${label}: ` : ''}engine argument ${flag} is set by llm-perf-gate itself (it binds 127.0.0.1 on a free port and names the model); remove it from the engine arguments`);
    }
  }
}

/** Environment for a Python engine: unbuffered logs, no network calls a CI runner cannot make. */
export function pythonEnv(spec: EngineSpec): Record<string, string> {
  const env: Record<string, string> = {
    // Logs reach the file as they are written, so a crash or a time-out shows its last words.
    PYTHONUNBUFFERED: '1',
    HF_HUB_DISABLE_UPDATE_CHECK: '1',
    HF_HUB_DISABLE_TELEMETRY: '1',
    DO_NOT_TRACK: '1',
  };
  // A model folder on disk needs no hub: offline mode turns a would-be network stall into a clear error.
  if (isLocalModel(spec.model)) env.HF_HUB_OFFLINE = '1';
  return env;
}

export function isLocalModel(model: string): boolean {
  return existsSync(model) && statSync(model).isDirectory();
}

export function requirePositive(spec: EngineSpec, field: 'maxModelLen' | 'gpuMemoryUtilization', max = Infinity): void {
  const v = spec[field];
  if (v === undefined) return;
  if (!Number.isFinite(v) || v <= 0 || v > max) {
    throw new Error(`${spec.label}: ${field} ${v} is invalid: expected a number > 0${max < Infinity ? ` and ≤ ${max}` : ''}`);
  }
}
