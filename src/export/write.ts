import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../types.ts';
import { toBenchmarkAction } from './benchmark-action.ts';
import { toBmf } from './bmf.ts';
import { toVllmBench } from './vllm-bench.ts';

export const VLLM_BENCH_DIR = 'vllm-bench';

/**
 * Writes the run in the other tools' formats under `outDir`: benchmark-action-smaller.json,
 * benchmark-action-bigger.json, bmf.json and vllm-bench/<engine>-<scenario>.json. Failed engines
 * are left out of every file. The vllm-bench folder is replaced as a whole, so the files of an
 * earlier run written to the same place (other engines, other scenarios) do not linger beside
 * this run's. Returns the paths written, in that order.
 */
export function writeExports(outDir: string, run: RunResult): string[] {
  // Convert everything first: bad input then fails before any file is half-written.
  const action = toBenchmarkAction(run);
  const files: [string, unknown][] = [
    ['benchmark-action-smaller.json', action.smallerIsBetter],
    ['benchmark-action-bigger.json', action.biggerIsBetter],
    ['bmf.json', toBmf(run)],
    ...toVllmBench(run).map(({ file, data }): [string, unknown] => [join(VLLM_BENCH_DIR, file), data]),
  ];
  rmSync(join(outDir, VLLM_BENCH_DIR), { recursive: true, force: true });
  mkdirSync(join(outDir, VLLM_BENCH_DIR), { recursive: true });
  return files.map(([name, content]) => {
    const path = join(outDir, name);
    writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`);
    return path;
  });
}
