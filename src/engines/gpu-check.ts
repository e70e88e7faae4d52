import { setTimeout as sleep } from 'node:timers/promises';
import { describeHolders, gpuMemoryState, type GpuMemoryState } from '../metrics/gpu.ts';

// The engines share one GPU, one after the other. Before a start the GPU must be free (a leftover
// server from a crashed run would make the new one OOM or run slow); after a stop its memory must
// come back, or the next engine is measured on a partly occupied card. Without nvidia-smi (a CPU
// host) both checks are skipped.

export interface GpuCheckOptions {
  /** nvidia-smi executable (default: found on PATH). */
  readonly nvidiaSmi?: string;
  /** Memory in use that still counts as free: the driver, a display (default 10% of the card). */
  readonly maxUsedFraction?: number;
}

export class GpuBusyError extends Error {
  readonly state: GpuMemoryState;
  constructor(message: string, state: GpuMemoryState) {
    super(message);
    this.name = 'GpuBusyError';
    this.state = state;
  }
}

/** Throws GpuBusyError naming the holders when the GPU is not free; returns the state (null: no GPU tooling). */
export async function assertGpuFree(label: string, opts: GpuCheckOptions = {}): Promise<GpuMemoryState | null> {
  const state = await gpuMemoryState(opts.nvidiaSmi);
  if (state === null) return null;
  const limit = state.totalMiB * (opts.maxUsedFraction ?? 0.1);
  if (state.holders.length > 0 || state.usedMiB > limit) {
    throw new GpuBusyError(
      `${label}: the GPU is not free before start-up: ${state.usedMiB} of ${state.totalMiB} MiB in use, held by ${describeHolders(state.holders)}. ` +
        'Stop those processes (a server left over from an earlier run?) or use a runner with a free GPU.',
      state,
    );
  }
  return state;
}

export interface ReleaseResult {
  readonly released: boolean;
  readonly state: GpuMemoryState;
}

/**
 * Polls until used memory is back within `toleranceMiB` of `baselineMiB` (the reading before the
 * engine started) or `timeoutMs` passes. Null without nvidia-smi.
 */
export async function waitGpuReleased(
  baselineMiB: number,
  opts: GpuCheckOptions & { readonly timeoutMs?: number; readonly toleranceMiB?: number; readonly pollMs?: number } = {},
): Promise<ReleaseResult | null> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const tolerance = opts.toleranceMiB ?? 512;
  for (;;) {
    const state = await gpuMemoryState(opts.nvidiaSmi);
    if (state === null) return null;
    if (state.usedMiB <= baselineMiB + tolerance) return { released: true, state };
    if (Date.now() >= deadline) return { released: false, state };
    await sleep(opts.pollMs ?? 500);
  }
}

export function describeUnreleased(label: string, baselineMiB: number, result: ReleaseResult): string {
  return (
    `${label}: GPU memory did not come back after stop: ${result.state.usedMiB} MiB in use (${baselineMiB} MiB before start), ` +
    `held by ${describeHolders(result.state.holders)}`
  );
}
