import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../fs/atomic-write.ts';
import type { RunResult } from '../types.ts';
import { toBenchmarkAction } from './benchmark-action.ts';
import { toBmf } from './bmf.ts';
import { toVllmBench } from './vllm-bench.ts';

export const VLLM_BENCH_DIR = 'vllm-bench';

/**
 * Writes the run in the other tools' formats under `outDir`: benchmark-action-smaller.json,
 * benchmark-action-bigger.json, bmf.json and vllm-bench/<engine>-<scenario>.json. Failed engines
 * are left out of every file. Each file is replaced whole; the vllm-bench folder is built beside
 * the old one and then swapped in, so the files of an earlier run written to the same place
 * (other engines, other scenarios) do not linger, and a failed write leaves the earlier folder.
 * Returns the paths written, in that order.
 */
export function writeExports(outDir: string, run: RunResult): string[] {
  // Convert everything first: bad input then fails before any file is written.
  const action = toBenchmarkAction(run);
  const files: [string, unknown][] = [
    ['benchmark-action-smaller.json', action.smallerIsBetter],
    ['benchmark-action-bigger.json', action.biggerIsBetter],
    ['bmf.json', toBmf(run)],
  ];
  const vllmBench = toVllmBench(run);
  mkdirSync(outDir, { recursive: true });
  const paths = files.map(([name, content]) => {
    const path = join(outDir, name);
    writeFileAtomicSync(path, `${JSON.stringify(content, null, 2)}\n`);
    return path;
  });
  const final = join(outDir, VLLM_BENCH_DIR);
  const building = join(outDir, `.${VLLM_BENCH_DIR}.${process.pid}.new`);
  const old = join(outDir, `.${VLLM_BENCH_DIR}.${process.pid}.old`);
  try {
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building);
    for (const { file, data } of vllmBench) {
      writeFileAtomicSync(join(building, file), `${JSON.stringify(data, null, 2)}\n`);
      paths.push(join(final, file));
    }
    rmSync(old, { recursive: true, force: true });
    try {
      renameSync(final, old);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${final}: cannot replace: ${(err as Error).message}`);
    }
    renameSync(building, final);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return paths;
}
