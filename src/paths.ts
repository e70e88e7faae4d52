import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// Where the action's own files are, whether it runs from the bundles in dist/ or from src/ (tests,
// development). Child processes (the simulated engine) are started through the CLI entry found here.

const here = dirname(fileURLToPath(import.meta.url));

function isOwnManifest(file: string): boolean {
  if (!existsSync(file)) return false;
  // dist/ holds package.json files that only declare "type": "module"; the root one has the name.
  return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'llm-perf-gate';
}

/** The repository (or installed action) root: the nearest folder above this module with our package.json. */
export function packageRoot(): string {
  for (let dir = here; ; dir = dirname(dir)) {
    if (isOwnManifest(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`llm-perf-gate: no package.json named llm-perf-gate above ${here}`);
  }
}

/** True when this code runs from the ncc bundles in dist/ (an installed action), not from src/. */
export function runningBundled(): boolean {
  const dist = join(packageRoot(), 'dist');
  return here === dist || here.startsWith(dist + sep);
}

/** The CLI entry to run with `process.execPath`: the bundle when running bundled, else the TypeScript source. */
export function cliEntry(): string {
  return join(packageRoot(), ...(runningBundled() ? ['dist', 'cli', 'index.js'] : ['src', 'cli.ts']));
}
