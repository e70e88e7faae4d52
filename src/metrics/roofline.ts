import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// The memory-bandwidth roofline of single-stream decoding: every generated token reads all the
// weights once, so tokens/s cannot beat bandwidth ÷ weight bytes. How close an engine gets says
// how much of its per-token time is overhead (kernel launches, Python, scheduling) rather than
// the unavoidable weight reads.

/** Peak memory bandwidth in GB/s by GPU, from the vendors' datasheets; most specific names first. */
const BANDWIDTH_GBS: readonly (readonly [RegExp, number])[] = [
  [/H200/i, 4800],
  [/H100 NVL/i, 3900],
  [/H100.*PCIe/i, 2000],
  [/H100/i, 3350],
  [/A100.*80GB.*PCIe/i, 1935],
  [/A100.*80GB/i, 2039],
  [/A100/i, 1555],
  [/L40S|L40\b/i, 864],
  [/\bL4\b/i, 300],
  [/A10G?\b/i, 600],
  [/RTX 6000 Ada/i, 960],
  [/RTX A6000/i, 768],
  [/RTX 4090/i, 1008],
  [/RTX 3090 Ti/i, 1008],
  [/RTX 3090/i, 936],
  [/V100/i, 900],
  [/\bT4\b/i, 320],
];

export function gpuBandwidthGBs(gpuName: string): number | null {
  return BANDWIDTH_GBS.find(([re]) => re.test(gpuName))?.[1] ?? null;
}

/** Bytes of the weight files (safetensors, else PyTorch .bin) in a model folder; null when none. */
export function modelWeightBytes(folder: string | null): number | null {
  if (!folder || !existsSync(folder) || !statSync(folder).isDirectory()) return null;
  const files = readdirSync(folder);
  const weights = files.filter((f) => f.endsWith('.safetensors'));
  const chosen = weights.length > 0 ? weights : files.filter((f) => /^pytorch_model.*\.bin$/.test(f));
  if (chosen.length === 0) return null;
  return chosen.reduce((sum, f) => sum + statSync(join(folder, f)).size, 0);
}

export interface Roofline {
  readonly gpu: string;
  readonly bandwidthGBs: number;
  readonly weightBytes: number;
  /** The most decode tokens/s a single stream can reach: bandwidth ÷ weight bytes. */
  readonly boundTokensPerS: number;
}

export function roofline(gpuName: string | null, weightBytes: number | null): Roofline | null {
  const bandwidthGBs = gpuName ? gpuBandwidthGBs(gpuName) : null;
  if (!gpuName || bandwidthGBs === null || !weightBytes) return null;
  return { gpu: gpuName, bandwidthGBs, weightBytes, boundTokensPerS: (bandwidthGBs * 1e9) / weightBytes };
}
