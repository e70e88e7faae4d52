import { createHash } from 'node:crypto';
import type { Fingerprint, FingerprintDiff } from '../types.ts';

// What makes two runs comparable. The hardware part (which GPUs) is part of the baseline key, so
// different cards never share a history; the software part (driver, CUDA, engine, libraries,
// model files, engine arguments) is checked entry by entry, because an upgrade is exactly the
// moment someone wants to see the comparison, flagged, rather than a silent fresh start.
// CPU model, Python and the action's version are recorded but not compared: they do not set the
// speed of GPU serving, and hosted runners change CPUs between jobs. How output tokens were counted
// (the server's usage, or estimated from the stream) is compared where both runs recorded it.

const text = (v: string | number | null | undefined): string => (v === null || v === undefined ? '(none)' : String(v));

/** `get` gives null for a field the run did not record (older results): it is then not compared. */
const FIELDS: readonly { readonly field: string; readonly get: (f: Fingerprint) => string | null }[] = [
  { field: 'gpu.name', get: (f) => text(f.gpu?.name) },
  { field: 'gpu.count', get: (f) => text(f.gpu?.count) },
  { field: 'gpu.memoryMiB', get: (f) => text(f.gpu?.memoryMiB) },
  { field: 'gpu.driver', get: (f) => text(f.gpu?.driver) },
  { field: 'gpu.cuda', get: (f) => text(f.gpu?.cuda) },
  { field: 'engine.name', get: (f) => f.engine.name },
  { field: 'engine.version', get: (f) => f.engine.version },
  { field: 'torch', get: (f) => text(f.torch) },
  { field: 'transformers', get: (f) => text(f.transformers) },
  { field: 'model.id', get: (f) => f.model.id },
  { field: 'model.configHash', get: (f) => text(f.model.configHash) },
  { field: 'model.tokenizerHash', get: (f) => text(f.model.tokenizerHash) },
  // Order of arguments does not change what the engine does; the fingerprint collector normalises
  // them, and sorting here keeps old entries comparable whatever order they were stored in.
  { field: 'engineArgs', get: (f) => [...f.engineArgs].sort().join(' ') || '(none)' },
  { field: 'tokenCounts', get: (f) => f.tokenCounts ?? null },
];

/** The fields that differ between a baseline fingerprint and the current one (empty: comparable). */
export function fingerprintDiffs(baseline: Fingerprint, current: Fingerprint): FingerprintDiff[] {
  const diffs: FingerprintDiff[] = [];
  for (const { field, get } of FIELDS) {
    const b = get(baseline);
    const c = get(current);
    if (b !== null && c !== null && b !== c) diffs.push({ field, baseline: b, current: c });
  }
  return diffs;
}

/** A short stable id of the hardware (GPU model, count and memory; 'no-gpu' without one). */
export function hardwareId(fp: Fingerprint): string {
  if (!fp.gpu) return 'no-gpu';
  const { name, count, memoryMiB } = fp.gpu;
  return createHash('sha256').update(JSON.stringify([name, count, memoryMiB])).digest('hex').slice(0, 12);
}
