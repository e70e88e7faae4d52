import { dirname, join } from 'node:path';
import { codeBlock } from './escape.ts';

// A first run has nothing to compare with; its report says exactly how to record the baseline
// that the next run will be compared with: the CLI command for this very results file, or the
// workflow input for the action (baselines are written only from trusted events, never from a PR).

export interface RecordHint {
  /** This run's results.json, as the CLI wrote it. */
  readonly resultsPath: string;
  /** The baseline file the CLI was given, if any. */
  readonly baselinePath: string | null;
}

const DEFAULT_BASELINE = '.perf/baseline.json';

/** Quotes a path for a POSIX shell only where it needs it. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export function renderRecordHint(hint: RecordHint | undefined): string {
  if (hint) {
    const command = [
      'npx llm-perf-gate compare --mode baseline',
      `--baseline ${shellWord(hint.baselinePath ?? DEFAULT_BASELINE)}`,
      `--current ${shellWord(hint.resultsPath)}`,
      `--out ${shellWord(join(dirname(hint.resultsPath), 'recorded'))}`,
    ].join(' ');
    return `To record this run as the first baseline, run:\n\n${codeBlock(command, 'sh')}`;
  }
  const yaml = ['- uses: your-org/llm-perf-gate@v1', '  with:', '    mode: baseline   # on push to the default branch, schedule or workflow_dispatch'].join('\n');
  return (
    'To record a baseline, run the action with the input `mode: baseline` from a trusted event ' +
    '(push to the default branch, `schedule` or `workflow_dispatch`; a pull request never writes one), ' +
    'with the same model, scenarios and runner:\n\n' +
    codeBlock(yaml, 'yaml')
  );
}
