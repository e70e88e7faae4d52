// Run inside `unshare -rm` (a user and mount namespace of its own, so no root is needed): mounts a
// 1 MiB tmpfs, fills it, and tries the out folder's writes against the real ENOSPC, printing what
// happened as one JSON line for test/out-folder.test.ts:   node full-disk.ts WORKDIR
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutFolder, outputBytes } from '../../src/out-folder.ts';
import { writeOutputs } from '../../src/pipeline.ts';
import { packageRoot } from '../../src/paths.ts';
import { makeRun } from './make-run.ts';

const [work] = process.argv.slice(2);
const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', work], { encoding: 'utf8' });
if (mount.status !== 0) throw new Error(`mount: ${mount.stderr}`);

const out = join(work, 'out');
const message = async (fn: () => unknown): Promise<string | null> => {
  try {
    await fn();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
};
// An earlier run's results, then the rest of the disk filled but for a few blocks.
const old = makeRun({ createdAt: '2026-05-01T00:00:00.000Z' });
writeOutputs(out, old, null, '# old report\n');
const oldResults = readFileSync(join(out, 'results.json'), 'utf8');
const fill = await message(() => writeFileSync(join(work, 'filler'), Buffer.alloc(4 * 2 ** 20)));
writeFileSync(join(work, 'filler'), Buffer.alloc(0));
const free = 1 * 2 ** 20 - 64 * 1024 - Buffer.byteLength(oldResults) * 2;
writeFileSync(join(work, 'filler'), Buffer.alloc(Math.max(0, free)));

// A new run with every request record: far larger than what is left.
const big = makeRun({ createdAt: '2026-05-02T00:00:00.000Z', repetitions: 40, scenarios: Array.from({ length: 40 }, (_, i) => `s${i}`) });
const write = await message(() => writeOutputs(out, big, null, '# new report\n'));
const after = readFileSync(join(out, 'results.json'), 'utf8');
const precheck = await message(() => checkOutFolder(out, outputBytes(0)));
const cli = spawnSync(process.execPath, [join(packageRoot(), 'src', 'cli.ts'), 'run', '--engines', 'sim-vllm', '--scenarios', join(packageRoot(), 'scenarios', 'smoke.yml'), '--out', join(work, 'cli-out')], { encoding: 'utf8', timeout: 60_000 });
console.log(JSON.stringify({
  fill,
  write,
  resultsKept: after === oldResults,
  left: readdirSync(out),
  precheck,
  cli: { code: cli.status, output: cli.stdout + cli.stderr },
}));
