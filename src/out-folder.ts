import { mkdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from './baseline/file-lock.ts';
import { probeWritable } from './fs/probe.ts';

// The folder a run writes its results, report, exports and engine logs to. Everything that would
// make those writes fail is checked before any GPU time is spent: the path names a file, the folder
// cannot be created or written, its disk has too little room. The folder then belongs to this run
// until it ends (a lock file inside it): a second run given the same folder is refused naming the
// first, instead of replacing its results unseen.

const OUT_LOCK = '.llm-perf-gate.lock';
/** Room a run needs at the least: results.json, report.md, the exports and the engines' logs. */
const MIN_FREE_BYTES = 16 * 2 ** 20;
/** Room per request when every request record is kept (its inter-token gaps included). */
const RECORD_BYTES = 4 * 2 ** 10;

/** About how much room a run's outputs take: `records` requests kept in results.json on top of the minimum. */
export function outputBytes(records: number): number {
  return MIN_FREE_BYTES + records * RECORD_BYTES;
}

export async function withOutFolder<T>(outDir: string, needBytes: number, fn: () => Promise<T>): Promise<T> {
  await checkOutFolder(outDir, needBytes);
  // Refuse at once, naming the other run (a dead one's lock is taken over).
  return withFileLock(join(outDir, OUT_LOCK), fn, { timeoutMs: 0, guards: `the out folder ${outDir} (another llm-perf-gate run writing there)` });
}

export async function checkOutFolder(outDir: string, needBytes: number): Promise<void> {
  const st = await stat(outDir).catch(() => null);
  if (st && !st.isDirectory()) throw new Error(`${outDir}: the out folder is a file; expected a folder for results.json, report.md and the exports`);
  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    throw new Error(`${outDir}: cannot create the out folder: ${(err as Error).message}`);
  }
  try {
    await probeWritable(outDir);
  } catch (err) {
    throw new Error(`${outDir}: cannot write into the out folder: ${(err as Error).message}`);
  }
  const fs = await statfs(outDir).catch(() => null);
  const free = fs ? fs.bavail * fs.bsize : Infinity;
  if (free < needBytes) {
    const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
    throw new Error(`${outDir}: only ${mib(free)} free on its file system; the run's results, report and logs need about ${mib(needBytes)}. Free some space or choose another out folder`);
  }
}
