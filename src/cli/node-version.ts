// Imported first by the CLI entry, so it runs before any other module of the CLI: an old Node gets
// one line that says what to do instead of a stack trace from a feature it lacks.

const NODE_NEEDED = 24;

/** What to tell the user when `version` (e.g. "v20.20.2") is too old, or null. */
export function nodeVersionProblem(version: string, execPath: string): string | null {
  const major = Number(/^v?(\d+)/.exec(version)?.[1]);
  if (major >= NODE_NEEDED) return null;
  return (
    `llm-perf-gate: needs Node ${NODE_NEEDED} or newer, this is ${version} (${execPath}). ` +
    'In a clone of the project, `npm ci` installs Node 24 as a devDependency: run `npx llm-perf-gate ...` or ' +
    '`npm run cli -- ...`, which use it; elsewhere install Node 24.'
  );
}

const problem = nodeVersionProblem(process.version, process.execPath);
if (problem) {
  console.error(problem);
  process.exit(1);
}
